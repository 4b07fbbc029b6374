/**
 * Bad input through the real command line, one row per mistake a person makes: every one must be
 * refused before any work starts with exit 2 and exactly one line on stderr naming the problem —
 * never a stack trace, never a hang, never a run that ends in a crash minutes later.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrialSpec } from '../history.js';

const CLI = path.resolve('dist/harness/cli.js');

const validTrial: TrialSpec = {
  scenario: 'wordcount',
  kind: 'streaming',
  seed: 7,
  input: { size: 40, keys: 5, disorderMs: 0, lateFraction: 0, growthBatches: 1 },
  config: { partitions: 2, checkpointInterval: 1, executors: 0, maxBatchRecords: 20, store: 'memory', source: 'log', sink: 'files' },
  schedule: { faults: [{ kind: 'kill-failpoint', failpoint: 'offsets.written', occurrence: 1 }], lostWrites: false },
  checkDeterminism: false,
};

let dir: string;
const file = (name: string) => path.join(dir, name);
function replayWith(name: string, edit: (t: Record<string, any>) => void, mode = 'sim'): string {
  const trial = structuredClone(validTrial) as unknown as Record<string, any>;
  edit(trial);
  fs.writeFileSync(file(name), JSON.stringify({ replayVersion: 1, mode, trial, command: 'chaos replay x' }));
  return file(name);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-bad-input-'));
  fs.writeFileSync(file('plain.txt'), 'a file, not a directory\n');
  fs.writeFileSync(file('not-json.json'), '{nope');
  fs.writeFileSync(file('foreign.json'), '{"hello":1}');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const engine = (...extra: string[]) => ['engine', 'run', '--scenario', 'wordcount', '--seed', '1', '--size', '10', '--checkpoint', file('ck'), '--output', file('o'), ...extra];

/** [what, argv, a word the message must contain] */
const rows = (): Array<[string, string[], RegExp]> => [
  ['run: zero budget', ['run', '--budget', '0'], /--budget/],
  ['run: negative budget', ['run', '--budget', '-5s'], /--budget/],
  ['run: zero runs', ['run', '--runs', '0'], /--runs/],
  ['run: runs not a number', ['run', '--runs', 'many'], /--runs/],
  ['run: runs and budget', ['run', '--runs', '5', '--budget', '1m'], /--runs or --budget/],
  ['run: unknown mode', ['run', '--mode', 'fast'], /--mode/],
  ['run: unknown scenario', ['run', '--scenario', 'nope', '--runs', '1'], /nope/],
  ['run: seed not a number', ['run', '--seed', 'x'], /--seed/],
  ['run: unknown services', ['run', '--services', 'cloud'], /--services/],
  ['run: unknown store', ['run', '--store', 'disk'], /--store/],
  ['run: unknown source', ['run', '--source', 'file'], /--source/],
  ['run: unknown sink', ['run', '--sink', 'db'], /--sink/],
  ['run: sim on fs', ['run', '--mode', 'sim', '--store', 'fs'], /memory/],
  ['run: process on memory', ['run', '--mode', 'process', '--store', 'memory'], /memory/],
  ['run: max size too small', ['run', '--max-size', '5'], /--max-size/],
  ['run: unknown mutant', ['run', '--mutant', 'nope', '--runs', '1', '--mode', 'sim'], /mutant/],
  ['run: trial timeout not a duration', ['run', '--trial-timeout', 'soon'], /--trial-timeout/],
  ['run: path without seed', ['run', '--path', '1:2', '--runs', '1', '--mode', 'sim'], /--path/],
  ['run: unknown flag', ['run', '--fast'], /--fast/],
  ['run: --out is a file', ['run', '--runs', '1', '--out', file('plain.txt')], /not a directory/],
  ['run: --out under a file', ['run', '--runs', '1', '--out', path.join(file('plain.txt'), 'sub')], /not a directory/],
  ['run: --out under /proc', ['run', '--runs', '1', '--out', '/proc/chaos-out'], /special filesystem/],
  ['run: --out under /sys', ['run', '--runs', '1', '--out', '/sys/chaos-out'], /special filesystem/],
  ['run: --out under /dev', ['run', '--runs', '1', '--out', '/dev/chaos-out'], /special filesystem/],
  ['run: --out /etc/hostname', ['run', '--runs', '1', '--out', '/etc/hostname'], /not a directory/],
  ['replay: missing file', ['replay', file('none.json')], /cannot read replay file/],
  ['replay: not JSON', ['replay', file('not-json.json')], /not JSON/],
  ['replay: not a replay file', ['replay', file('foreign.json')], /not a chaos replay file/],
  ['replay: negative size', ['replay', replayWith('size.json', (t) => (t.input.size = -5))], /trial\.input\.size is -5/],
  ['replay: zero partitions', ['replay', replayWith('parts.json', (t) => (t.config.partitions = 0))], /trial\.config\.partitions/],
  ['replay: unknown fault kind', ['replay', replayWith('fault.json', (t) => (t.schedule.faults[0].kind = 'meteor'))], /faults\[0\]\.kind/],
  ['replay: occurrence zero', ['replay', replayWith('occ.json', (t) => (t.schedule.faults[0].occurrence = 0))], /occurrence/],
  ['replay: unknown store', ['replay', replayWith('store.json', (t) => (t.config.store = 'tape'))], /trial\.config\.store/],
  ['replay: unknown scenario', ['replay', replayWith('scen.json', (t) => (t.scenario = 'no-such-job'))], /no-such-job/],
  ['replay: unknown mode in file', ['replay', replayWith('mode.json', () => {}, 'warp')], /mode/],
  ['replay: unknown --mode', ['replay', '--mode', 'fast', replayWith('ok.json', () => {})], /--mode/],
  ['tune: --out is a file', ['tune', '--out', file('plain.txt')], /not a directory/],
  ['tune: --out under /proc', ['tune', '--out', '/proc/chaos-tune'], /special filesystem/],
  ['tune: interval zero', ['tune', '--intervals', '0'], /--intervals/],
  ['tune: mtbf without unit', ['tune', '--mtbf', '10'], /--mtbf/],
  ['tune: batch scenario', ['tune', '--scenario', 'pagerank'], /streaming/],
  ['tune: repeat zero', ['tune', '--repeat', '0'], /--repeat/],
  ['tune --target: unknown knob', ['tune', '--target', path.resolve(import.meta.dirname, '..', '..', 'examples', 'spark', 'wordcount.json'), '--knob', 'nope'], /--knob "nope": spark-wordcount declares files-per-batch, min-deltas-for-snapshot/],
  ['tune --target: --intervals with two knobs', ['tune', '--target', path.resolve(import.meta.dirname, '..', '..', 'examples', 'spark', 'wordcount.json'), '--intervals', '1,2'], /--intervals sets the values of one knob.*--knob NAME/],
  ['tune --target: no tune section', ['tune', '--target', path.resolve(import.meta.dirname, '..', '..', 'examples', 'spark', 'windowed.json')], /no "tune" section/],
  ['mutants: zero budget', ['mutants', '--budget', '0'], /--budget/],
  ['mutants: unknown mutant', ['mutants', '--only', 'nope'], /nope/],
  ['mutants: --out under /sys', ['mutants', '--out', '/sys/chaos-mutants'], /special filesystem/],
  ['engine: missing scenario', ['engine', 'run', '--seed', '1'], /--scenario/],
  ['engine: unknown scenario', ['engine', 'run', '--scenario', 'nope', '--seed', '1', '--size', '10', '--checkpoint', file('ck'), '--output', file('o')], /nope/],
  ['engine: --output under a file', engine().map((a) => (a === file('o') ? path.join(file('plain.txt'), 'sub') : a)), /not a directory/],
  ['engine: --checkpoint under /proc', engine().map((a) => (a === file('ck') ? '/proc/chaos-ck' : a)), /special filesystem/],
  ['engine: --events under /proc', engine('--events', '/proc/self/chaos-events'), /special filesystem/],
  ['engine: zero partitions', engine('--partitions', '0'), /--partitions/],
  ['engine: unknown failpoint', engine('--failpoints', 'nowhere:1:crash'), /nowhere/],
  ['engine: same checkpoint and output', engine().map((a) => (a === file('o') ? file('ck') : a)), /different directories/],
  ['engine: late fraction above 1', engine('--late-fraction', '2'), /--late-fraction/],
  ['scenarios: unknown flag', ['scenarios', '--bogus'], /--bogus/],
  ['unknown command', ['explode'], /explode/],
];

describe('bad input through the CLI', () => {
  it('has at least 40 rows', () => expect(rows().length).toBeGreaterThanOrEqual(40));

  it('every row: exit 2, one line naming the problem, no stack frames, before any work', async () => {
    const table = rows();
    const results: Array<{ what: string; exitCode: number | undefined; stderr: string; ok: boolean }> = [];
    // A few at a time: each is a node start (~0.3 s) and must fail fast.
    for (let i = 0; i < table.length; i += 4) {
      const batch = table.slice(i, i + 4);
      results.push(
        ...(await Promise.all(
          batch.map(async ([what, argv, word]) => {
            const r = await execa(process.execPath, [CLI, ...argv], { reject: false, timeout: 20_000, env: { NO_COLOR: '1' }, stdin: 'ignore' });
            const stderr = String(r.stderr);
            const lines = stderr.split('\n').filter((l) => l.trim());
            const ok = r.exitCode === 2 && lines.length === 1 && !/^\s+at /m.test(stderr) && word.test(stderr);
            return { what, exitCode: r.exitCode, stderr, ok };
          }),
        )),
      );
    }
    expect(results.filter((r) => !r.ok).map((r) => `${r.what}: exit ${r.exitCode}: ${r.stderr}`)).toEqual([]);
    // Nothing was created for a refused command.
    expect(fs.existsSync(file('ck'))).toBe(false);
    expect(fs.existsSync(file('o'))).toBe(false);
  }, 180_000);
});
