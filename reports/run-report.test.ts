import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSummaryFixture, failingHistory } from './test-support/fixtures.js';
import { xmlProblem } from './test-support/xml-well-formed.js';
import { runHtml, runMarkdown, writeRunReport } from './run-report.js';
import { junitXml } from './junit.js';
import { incarnationRows, timelineData } from './timeline.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('run report', () => {
  it('Markdown gives the verdict first, the scenario table, then each failing trial with its replay command and diff', () => {
    const md = runMarkdown(runSummaryFixture());
    const lines = md.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    expect(lines[0]).toMatch(/^❌ \*\*FAILED — 1 failing trial \(40 trials, 57 kills, 2 scenarios, process mode, seed 7/);
    expect(md).toContain('| wordcount | streaming | 20 | 30 | **1** |');
    expect(md).toContain('chaos replay out/chaos/replays/wordcount-7.json');
    expect(md).toContain('lost: {"word":"c","count":1}');
    expect(md).toMatch(/\| 0 \| 4242 \| 0 – 310 \| killed \(signal SIGKILL\) \| kill-failpoint at sink\.begin:3 \| sink\.begin:3:crash \|/);
    expect(md).toMatch(/\| 1 \| 4250 \| 330 – 900 \| finished \(exit 0\) .*last planned 2, last commit 2, state v0 \| 2 batches \(1–2\) \| 470 ms \| 1 \|/);
  });

  it('says all held when nothing failed', () => {
    expect(runMarkdown(runSummaryFixture(false))).toMatch(/✅ \*\*All properties held: 40 trials, 57 kills/);
  });

  it('JUnit XML is well formed, one failing testcase per failing trial with message and replay command', () => {
    const xml = junitXml(runSummaryFixture());
    expect(xmlProblem(xml)).toBeNull();
    expect(xml).toMatch(/<testsuites name="chaos run" tests="3" failures="1"/);
    expect(xml).toMatch(/<testsuite name="wordcount" tests="2" failures="1"/);
    expect(xml).toMatch(/<testcase classname="chaos.wordcount" name="trial wordcount-7: exactly-once \(mutant commit-before-sink\)"/);
    expect(xml).toMatch(/<failure message="output differs from the failure-free run: 1 lost \(e.g. \{&quot;word&quot;:&quot;c&quot;,&quot;count&quot;:1\}\)" type="exactly-once">/);
    expect(xml).toContain('replay: chaos replay out/chaos/replays/wordcount-7.json');
    expect(xml).toContain('name="19 trials held (30 kills, process mode)"');
    expect(xml).toMatch(/<testsuite name="running-totals" tests="1" failures="0"/);
  });

  it('the well-formedness check itself catches broken XML', () => {
    expect(xmlProblem('<a><b></a>')).toMatch(/closes/);
    expect(xmlProblem('<a x="1" x="2"/>')).toMatch(/duplicate/);
    expect(xmlProblem('<a>&nope;</a>')).toMatch(/entity/);
    expect(xmlProblem('<a b="<"/>')).toMatch(/malformed/);
    expect(xmlProblem('<a/><b/>')).toMatch(/more than one root/);
    expect(xmlProblem('<?xml version="1.0"?>\n<a t="&amp;">x &lt; y</a>\n')).toBeNull();
  });

  it('JUnit XML stays well formed with hostile text (markup, quotes, control characters)', () => {
    const s = runSummaryFixture();
    s.failures[0]!.message = 'a <b> & "c" \'d\' \u0001 ]]>';
    s.failures[0]!.history.incarnations[0]!.stderrTail = '<<<&&&\u0007';
    s.nonDeterministic = ['windowed-counts'];
    const xml = junitXml(s);
    expect(xmlProblem(xml)).toBeNull();
    expect(xml).toMatch(/<testsuite name="windowed-counts" tests="1" failures="1"/);
  });

  it('tells each incarnation’s story from the History alone', () => {
    const rows = incarnationRows(failingHistory());
    expect(rows.map((r) => r.outcome)).toEqual(['killed', 'finished']);
    expect(rows[0]!.failpoints).toEqual(['sink.begin:3:crash']);
    expect(rows[1]).toMatchObject({ replayed: '2 batches (1–2)', caughtUpMs: 470, batchesCommitted: 1 });
    const data = timelineData(failingHistory());
    expect(data.bars).toHaveLength(2);
    expect(data.marks.map((m) => `${m.incarnation} ${m.kind} ${m.what}`)).toEqual(['#0 fault sink.begin', '#1 recovered replayed 2', '#1 caught-up caught up']);
  });

  it('lays a simulated trial out by engine events, since its wall time is about zero', () => {
    const h = { ...failingHistory(), mode: 'sim' as const };
    const data = timelineData(h);
    expect(data.axis).toBe('steps');
    expect(data.bars.map((b) => [b.start, b.end])).toEqual([[0, 4], [4, 10]]);
    expect(data.marks.find((m) => m.kind === 'fault')!.at).toBe(3.5);
  });

  it('HTML has the summary charts and a timeline chart per failing trial', async () => {
    const html = await runHtml(runSummaryFixture());
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(3);
    expect(svgs[2]).toMatch(/class="mark-rect[^"]*role-mark/);
    expect(svgs[2]).toContain('sink.begin');
    expect(html).toContain('chaos replay out/chaos/replays/wordcount-7.json');
    expect(html).not.toMatch(/<script|<link|src=/);
  });

  it('writes report.json, report.md, report.html and junit.xml and returns their paths', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-report-'));
    dirs.push(dir);
    const files = await writeRunReport(dir, runSummaryFixture());
    expect(files.map((f) => path.basename(f))).toEqual(['report.json', 'report.md', 'report.html', 'junit.xml']);
    for (const f of files) expect(fs.statSync(f).size).toBeGreaterThan(100);
    expect(JSON.parse(fs.readFileSync(files[0]!, 'utf8')).failures[0].history.incarnations).toHaveLength(2);
  });
});

describe('what the run explored', () => {
  const withExploration = () => {
    const s = runSummaryFixture(false);
    s.exploration = {
      coverage: [
        { point: 'recovery.interrupted-twice', description: 'two recoveries in a row died', hits: 3, trials: 2 },
        { point: 'recovery.fallback-older-state', description: 'an older version was loaded', hits: 0, trials: 0 },
      ],
      neverHit: ['recovery.fallback-older-state'],
      untilCovered: { min: 2, reached: false, below: ['recovery.fallback-older-state'] },
      knobs: [
        { knob: 'retainBatches', flag: '--retain-batches', engineDefault: 20, why: 'what retention deletes', values: [{ value: 0, trials: 4 }, { value: 20, trials: 6 }], atDefault: 6, edges: [{ value: 0, trials: 4 }, { value: 1, trials: 0 }] },
        { knob: 'checkpointInterval', flag: '--checkpoint-interval', engineDefault: 1, why: 'which versions are durable', values: [{ value: 1, trials: 7 }, { value: 100_000, trials: 3 }], atDefault: 7, edges: [{ value: 100_000, trials: 3 }] },
      ],
      runLengths: { trials: 10, maxBatches: 350, medianBatches: 40, atLeast100: 3, threeOrMoreIncarnations: 5 },
      faultSpace: [
        { kind: 'kill-failpoint', step: 'commits', trials: 7 },
        { kind: 'crash-in-recovery', step: 'recovery', trials: 2 },
      ],
    };
    return s;
  };

  it('Markdown lists every coverage point with its count, names the never-hit ones, the knobs drawn and run lengths', () => {
    const md = runMarkdown(withExploration());
    expect(md).toContain('coverage: 1/2 points hit; never hit: recovery.fallback-older-state — goal: every point ≥ 2: NOT reached (recovery.fallback-older-state)');
    expect(md).toContain('| recovery.interrupted-twice | 3 | 2 | two recoveries in a row died |');
    expect(md).toContain('| recovery.fallback-older-state (never hit) | 0 | 0 | an older version was loaded |');
    expect(md).toContain('| --retain-batches | 20 (6) | 0 (4), 1 (0) | 0 (4), 20 (6) |');
    expect(md).toContain('| --checkpoint-interval | 1 (7) | 100k (3) | 1 (7), 100k (3) |');
    expect(md).toContain('longest 350 batches, median 40, 3 trials of ≥ 100 batches, 5 trials with ≥ 3 incarnations');
  });

  it('HTML has the coverage table and a fault-space heat map with unexplored cells at 0', async () => {
    const html = await runHtml(withExploration());
    expect(html).toContain('What the run explored');
    expect(html).toContain('recovery.fallback-older-state (never hit)');
    expect(html).toContain('Fault space: trials per fault kind and protocol step');
    // Every armed kind × streaming step is a cell, labelled with its count; an unexplored one says 0.
    expect(html).toContain('protocol step where it struck: commits; kind: kill-failpoint; trials: 7');
    expect(html).toContain('protocol step where it struck: retention; kind: kill-failpoint; trials: 0');
    expect(html).toContain('protocol step where it struck: recovery; kind: crash-in-recovery; trials: 2');
  });
});
