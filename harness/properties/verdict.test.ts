/**
 * A verdict a user can trust: the run seed alone reproduces a run and its failures, every fault
 * kind's armed/struck counts are per trial and self-consistent, and a run that armed a fault kind
 * that never struck cannot pass under --require-faults; a run of no trial is never a pass.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { trialSpecOf, type RunSummary, type TrialSpec } from '../history.js';
import { runChaos } from './run-chaos.js';
import { emptyFaultTally, tallyTrial } from './fault-tally.js';

const CLI = path.resolve('dist/harness/cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-verdict-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const scenario = (name: string) => ({ name, kind: 'streaming' as const });

describe('the run seed reproduces the run', () => {
  it("a scenario's trials depend on the run seed and the scenario, not on which other scenarios ran", async () => {
    const specsOf = async (names: string[], runs: number) => {
      const specs: TrialSpec[] = [];
      await runChaos({ mode: 'sim', scenarios: names.map(scenario), runs, seed: 42, maxSize: 30, onTrial: (h) => h.scenario === 'running-totals' && specs.push(trialSpecOf(h)) });
      return specs;
    };
    const inAll = await specsOf(['wordcount', 'running-totals'], 4);
    const alone = await specsOf(['running-totals'], 2);
    expect(alone).toHaveLength(2);
    expect(alone).toEqual(inAll);
  });

  it('a failure is reported with the run seed, and that seed with its path regenerates the same trial', async () => {
    const s = await runChaos({ mode: 'sim', scenarios: [scenario('wordcount'), scenario('running-totals')], runs: 60, seed: 5, mutant: 'commit-before-sink', maxSize: 60, stopAtFirstFailure: true, maxShrinkTrials: 30 });
    expect(s.failures.length).toBeGreaterThan(0);
    const f = s.failures[0]!;
    expect(f.seed).toBe(5);
    expect(f.rerunCommand).toContain('--seed 5 ');
    const again = await runChaos({ mode: 'sim', scenarios: [scenario(f.scenario)], runs: 1, seed: f.seed, path: f.path!, mutant: 'commit-before-sink', maxSize: 60, noShrink: true });
    expect(again.failures.map((x) => trialSpecOf(x.history))).toEqual([trialSpecOf(f.history)]);
  });
});

describe('fault kinds: armed vs struck', () => {
  it('counts trials, so struck <= armed, and counts every strike separately', () => {
    const tally = emptyFaultTally();
    const spec = { schedule: { faults: [{ kind: 'kill-random', afterEvents: 1, delayMs: 0 }, { kind: 'kill-random', afterEvents: 2, delayMs: 0 }], lostWrites: true } } as unknown as TrialSpec;
    const hit = (kind: string) => ({ kind, where: 'x', at: 0 });
    tallyTrial(tally, spec, { incarnations: [{ faultsHit: [hit('kill-random'), hit('lost-writes')] }, { faultsHit: [hit('kill-random'), hit('lost-writes')] }, { faultsHit: [] }] as never });
    tallyTrial(tally, spec, { incarnations: [{ faultsHit: [] }] as never });
    const row = (k: string) => tally.find((r) => r.kind === k)!;
    expect(row('lost-writes')).toMatchObject({ armed: 2, struck: 1, strikes: 2 });
    expect(row('kill-random')).toMatchObject({ armed: 2, struck: 1, strikes: 2 });
  });

  it('a process run with lost writes: the per-kind table is self-consistent and lost writes struck', async () => {
    const s = await runChaos({ mode: 'process', scenarios: [scenario('wordcount')], runs: 3, seed: 11, maxSize: 60, faultKinds: ['lost-writes'] });
    for (const k of s.faultKinds) expect(k.struck, k.kind).toBeLessThanOrEqual(k.armed);
    const lost = s.faultKinds.find((k) => k.kind === 'lost-writes')!;
    expect(lost.armed).toBe(3);
    expect(lost.struck).toBeGreaterThan(0);
  });
});

describe('chaos run verdicts', () => {
  const run = (...args: string[]) => execa(process.execPath, [CLI, 'run', '--mode', 'sim', '--out', path.join(tmp, 'out'), ...args], { reject: false, env: { NO_COLOR: '1' } });

  it('--require-faults fails a run in which an armed fault kind never struck; without it the run says so', async () => {
    // Two wordcount trials of <= 10 records: with most seeds some armed failpoint is never reached.
    let found: { args: string[]; summary: RunSummary; stderr: string } | undefined;
    for (let seed = 1; seed <= 20 && !found; seed++) {
      const args = ['--scenario', 'wordcount', '--runs', '2', '--seed', String(seed), '--max-size', '10'];
      const lax = await run(...args, '--json');
      expect(lax.exitCode).toBe(0);
      const summary = JSON.parse(String(lax.stdout)) as RunSummary;
      if (summary.unstruck?.length) found = { args, summary, stderr: String(lax.stderr) };
    }
    expect(found).toBeDefined();
    const { args, summary, stderr } = found!;
    const kind = summary.unstruck![0]!;
    const row = summary.faultKinds.find((k) => k.kind === kind)!;
    expect(row.armed).toBeGreaterThan(0);
    expect(row).toMatchObject({ struck: 0, strikes: 0 });
    for (const k of summary.faultKinds) expect(k.struck, k.kind).toBeLessThanOrEqual(k.armed);
    expect(stderr).toContain(`armed but never struck: ${summary.unstruck!.join(', ')}`);
    const md = fs.readFileSync(path.join(tmp, 'out', 'report.md'), 'utf8');
    expect(md).toContain(`| ${kind} | ${row.armed} | 0 (never struck) | 0 |`);

    const strict = await run(...args, '--require-faults');
    expect(strict.exitCode).toBe(1);
    expect(String(strict.stderr)).toContain(`FAILED --require-faults: armed but never struck: ${summary.unstruck!.join(', ')}`);
    expect(fs.readFileSync(path.join(tmp, 'out', 'report.md'), 'utf8')).toContain(`armed but never struck (--require-faults): ${summary.unstruck!.join(', ')}`);
  });

  it('a run in which no trial finished is exit 2, not a pass', async () => {
    const r = await run('--scenario', 'wordcount', '--budget', '1ms', '--seed', '1');
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr)).toMatch(/NO TRIAL RAN.*\n[\s\S]*no trial ran/);
    expect(String(r.stderr)).not.toMatch(/^\s+at /m);
  });
});
