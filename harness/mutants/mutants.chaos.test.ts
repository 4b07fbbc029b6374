/**
 * The harness earns trust by catching known-bad engines: every mutant that simulation can expose
 * is caught in sim mode within a bounded budget, and its minimal failing trial replays to the
 * same verdict. The missing-fsync mutant needs real processes and lost unsynced writes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { mutants } from '../../mutants/index.js';
import { chaosScenarios } from '../chaos-scenarios.js';
import { huntMutants } from './hunt.js';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-mutants-test-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
const seed = Number(process.env['CHAOS_TEST_SEED'] ?? 4242);

describe('mutants', () => {
  const simMutants = Object.entries(mutants).filter(([, m]) => m.needs !== 'process');

  it('there are at least 12, each with a real-world bug class', () => {
    expect(Object.keys(mutants).length).toBeGreaterThanOrEqual(12);
    for (const [name, m] of Object.entries(mutants)) {
      expect(m.description, name).toBeTruthy();
      expect(m.realWorld, name).toBeTruthy();
    }
  });

  it('every sim-observable mutant is caught in sim mode, and its replay file fails again', async () => {
    const results = await huntMutants({
      mutants: simMutants.map(([name, m]) => ({ name, ...m })),
      // Each mutant is hunted on the scenarios of the engine it breaks (batch mutants: batch jobs).
      scenarios: await chaosScenarios('all'),
      budgetMs: 8000,
      // A count, not a time budget: a loaded machine runs fewer trials in 8 s, and the rarest
      // mutant (delta-chain-depth-capped: a long run with --snapshot-every > 10) needs ~400 at seed 4242.
      runsPerMutant: 1000,
      seed,
      outDir: out,
      mode: 'sim',
    });
    expect(results.map((r) => r.name).sort()).toEqual(simMutants.map(([name]) => name).sort());
    expect(results.filter((r) => !r.caught).map((r) => r.name)).toEqual([]);
    for (const r of results) expect(r.minimal!.message, r.name).not.toMatch(/internal error|failure-free reference run failed/);
    const withReplay = results.find((r) => r.name === 'commit-before-sink' && r.minimal?.replayFile);
    expect(withReplay).toBeDefined();
    const replay = await execa(process.execPath, [path.resolve('dist/harness/cli.js'), 'replay', withReplay!.minimal!.replayFile!], { reject: false });
    expect(replay.exitCode, String(replay.stderr)).toBe(1);
    expect(String(replay.stderr)).toContain('FAILED again');
    // Simulation finds, process mode confirms: the same trial with real processes and SIGKILL at the same failpoints.
    const confirmed = await execa(process.execPath, [path.resolve('dist/harness/cli.js'), 'replay', withReplay!.minimal!.replayFile!, '--mode', 'process'], { reject: false });
    expect(confirmed.exitCode, String(confirmed.stderr)).toBe(1);
  });

  it('batch mutants that only executor loss exposes are caught in process mode by killing executors', async () => {
    const needsExecutors = Object.entries(mutants).filter(([, m]) => m.kind === 'batch' && m.needs === 'process');
    expect(needsExecutors.map(([name]) => name).sort()).toEqual(['batch-cut-before-durable', 'batch-shuffle-reused-after-loss']);
    const results = await huntMutants({
      mutants: needsExecutors.map(([name, m]) => ({ name, ...m })),
      scenarios: await chaosScenarios('all', 'process'),
      budgetMs: 90_000,
      seed,
    });
    for (const r of results) {
      expect(r.mode, r.name).toBe('process');
      expect(r.caught, r.name).toBe(true);
      expect(r.minimal!.trial.schedule.faults.some((f) => f.kind === 'kill-executor'), r.name).toBe(true);
      expect(r.minimal!.message, r.name).toMatch(/exactly-once|missing although its manifest lists it/);
    }
  });

  it('there are at least 5 batch mutants, and the sim hunt above covered the sim-observable ones', () => {
    const batch = Object.entries(mutants).filter(([, m]) => m.kind === 'batch');
    expect(batch.length).toBeGreaterThanOrEqual(5);
    expect(simMutants.filter(([, m]) => m.kind === 'batch').length).toBeGreaterThanOrEqual(3);
  });

  it('missing fsync is caught in process mode with lost unsynced writes', async () => {
    const [r] = await huntMutants({
      mutants: [{ name: 'missing-fsync', ...mutants['missing-fsync']! }],
      scenarios: await chaosScenarios('wordcount'),
      budgetMs: 90_000,
      seed,
      maxSize: 150,
    });
    expect(r!.mode).toBe('process');
    expect(r!.caught).toBe(true);
    // Caught for the right reason: lost or refused data, not an engine that failed to start. A dropped
    // unsynced write shows as lost output, a refused restart over damaged state, an output part lost
    // behind a commit (the sink's record refuses the restart) or metadata lost behind the offsets.
    expect(r!.minimal!.message).toMatch(/exactly-once|already holds committed output|cannot recover|but output .* holds (none of them|only batches)|has offsets but no metadata file/);
    expect(r!.minimal!.message).not.toMatch(/internal error|MODULE_NOT_FOUND/);
  });
});
