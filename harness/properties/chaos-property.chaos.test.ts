/**
 * The chaos property on the correct engine, short runs of both modes: every trial's checkers hold,
 * and the trials really exercised kills over every scenario and several fault kinds.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChaos } from './run-chaos.js';
import { chaosScenarios } from '../chaos-scenarios.js';
import { liveChildren, liveTempDirs } from '../process/registry.js';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-property-test-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

function seed(): number {
  const s = Number(process.env['CHAOS_TEST_SEED'] ?? Date.now() % 1_000_000);
  process.stderr.write(`chaos property test seed ${s} (set CHAOS_TEST_SEED to repeat)\n`);
  return s;
}

describe('chaos property on the correct engine', () => {
  it('sim mode: 400 trials over all scenarios hold', async () => {
    const s = await runChaos({ mode: 'sim', scenarios: await chaosScenarios('all'), runs: 400, seed: seed(), outDir: out });
    expect(s.failures.map((f) => `${f.scenario}: ${f.message} (seed ${f.seed} path ${f.path})`)).toEqual([]);
    expect(s.ok).toBe(true);
    expect(s.trials).toBe(400);
    expect(s.kills).toBeGreaterThan(200);
    for (const sc of s.scenarios) expect(sc.kills, sc.name).toBeGreaterThan(20);
    const hit = s.faultKinds.filter((k) => k.hits > 0).map((k) => k.kind);
    expect(hit).toEqual(expect.arrayContaining(['kill-random', 'kill-failpoint', 'torn-write', 'crash-in-recovery', 'io-error', 'changed-partitions']));
  });

  it('process mode: real processes and SIGKILL, 12 trials hold', async () => {
    const s = await runChaos({ mode: 'process', scenarios: await chaosScenarios('all', 'process'), runs: 12, seed: seed(), outDir: out, maxSize: 200 });
    expect(s.failures.map((f) => `${f.scenario}: ${f.message} (seed ${f.seed} path ${f.path})`)).toEqual([]);
    expect(s.trials).toBe(12);
    expect(s.kills).toBeGreaterThan(3);
    // Every trial removed its directories and reaped its processes.
    expect(liveTempDirs()).toEqual([]);
    expect(liveChildren()).toEqual([]);
  });
});
