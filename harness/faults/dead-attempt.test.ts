/**
 * A re-run of a batch after a crash must never keep files written by the dead attempt in place of
 * its own. The dead-attempt-files fault lets a real engine run of the next batch under another batch
 * plan die after publishing its state version and output part, with its offsets never written; the
 * restart plans the batch itself. The correct engine recovers to the reference output; an engine
 * that trusts the dead attempt's files (a sink that skips an existing part, a loader that prefers
 * the dead attempt's snapshot over the re-run's delta of the same version) must be caught.
 */
import { describe, expect, it } from 'vitest';
import type { Fault, History, TrialSpec } from '../history.js';
import { runTrial } from '../trial/run-trial.js';
import { deadAttemptMaxBatchRecords, faultKindsOf } from '../properties/arbitraries.js';
import { FaultSpaceTally } from '../exploration/fault-space.js';
import { checkTrialSpec } from '../trial/trial-spec-check.js';

type Mode = 'sim' | 'process';

const trial = (mode: Mode, deadAttempt: Extract<Fault, { kind: 'dead-attempt-files' }>, over: Partial<TrialSpec['config']> = {}, keys = 8): TrialSpec => ({
  scenario: 'running-totals',
  kind: 'streaming',
  seed: 11,
  input: { size: 300, keys, disorderMs: 0, lateFraction: 0, growthBatches: 1 },
  config: { partitions: 2, checkpointInterval: 1, executors: 0, maxBatchRecords: 30, store: mode === 'sim' ? 'memory' : 'fs', source: 'log', sink: 'files', ...over },
  schedule: { faults: [{ kind: 'kill-failpoint', failpoint: 'commits.written', occurrence: 3 }, deadAttempt], lostWrites: false },
  checkDeterminism: false,
});

const failures = (h: History) => h.verdicts.filter((v) => !v.ok).map((v) => `${v.checker}: ${v.message}`);
const planting = (h: History) => h.incarnations.flatMap((i) => i.faultsHit).find((f) => f.kind === 'dead-attempt-files');

describe('dead attempt files', () => {
  it('the drawn plan of the dead attempt always differs from the trial\'s', () => {
    for (const m of [1, 2, 3, 7, 30, 400]) for (const p of [-1, -2, -3, -4]) expect(deadAttemptMaxBatchRecords(p, m)).not.toBe(m);
  });

  it('is a valid replay-file fault, counted with its own kill of the re-run as a kill-failpoint', () => {
    const spec = trial('sim', { kind: 'dead-attempt-files', scope: 'part-and-state', maxBatchRecords: 13, thenKill: { failpoint: 'commits.written', occurrence: 1 } });
    expect(() => checkTrialSpec(JSON.parse(JSON.stringify(spec)), 'replay.json')).not.toThrow();
    expect(() => checkTrialSpec({ ...spec, schedule: { ...spec.schedule, faults: [{ kind: 'dead-attempt-files', scope: 'everything', maxBatchRecords: 13 }] } }, 'replay.json')).toThrow(/scope/);
    expect(faultKindsOf(spec).sort()).toEqual(['dead-attempt-files', 'kill-failpoint']);
  });

  for (const mode of ['sim', 'process'] as const) {
    it(`${mode}: the correct engine replaces the dead attempt's part and state (output equals the reference)`, async () => {
      const h = await runTrial(trial(mode, { kind: 'dead-attempt-files', scope: 'part-and-state', maxBatchRecords: 13 }), mode);
      const hit = planting(h);
      expect(hit?.where, 'the dead attempt left its files').toMatch(/dead attempt of batch 3 under --max-batch-records 13 \(13 records\) left .*part-00000003\.jsonl/);
      expect(failures(h)).toEqual([]);
      const tally = new FaultSpaceTally();
      tally.add(h);
      expect(tally.cellsInOrder()).toContainEqual({ kind: 'dead-attempt-files', step: 'start', trials: 1 });
    });

    it(`${mode}: a sink that keeps an existing part (sink-skips-existing-part) is caught`, async () => {
      const h = await runTrial(trial(mode, { kind: 'dead-attempt-files', scope: 'part-and-state', maxBatchRecords: 13 }, { mutant: 'sink-skips-existing-part' }), mode);
      expect(planting(h)).toBeDefined();
      expect(failures(h).join('\n')).toMatch(/exactly-once|final-state/);
    });

    it(`${mode}: the same mutant under the same crash without the dead attempt holds (the fault is what exposes it)`, async () => {
      const spec = trial(mode, { kind: 'dead-attempt-files', scope: 'part-and-state', maxBatchRecords: 13 }, { mutant: 'sink-skips-existing-part' });
      const h = await runTrial({ ...spec, schedule: { ...spec.schedule, faults: [spec.schedule.faults[0]!] } }, mode);
      expect(h.incarnations.length).toBe(2);
      expect(failures(h)).toEqual([]);
    });
  }

  // The dead attempt's batch (all remaining records) changes every key: it writes a snapshot of
  // version N+1. The re-run's small batch writes a delta of the same version. After the re-run is
  // killed past its commit, the next restart loads version N+1: the dead attempt's snapshot must
  // not be what it reads.
  const snapshotTrial = (mode: Mode, mutant?: string) =>
    trial(
      mode,
      { kind: 'dead-attempt-files', scope: 'state-only', maxBatchRecords: 400, thenKill: { failpoint: 'commits.written', occurrence: 1 } },
      { maxBatchRecords: 10, snapshotEvery: 1000, ...(mutant ? { mutant } : {}) },
      40,
    );
  for (const mode of ['sim', 'process'] as const) {
    it(`${mode}: keeping the dead attempt's state versions (dead-attempt-state-kept) is caught`, async () => {
      const h = await runTrial(snapshotTrial(mode, 'dead-attempt-state-kept'), mode);
      expect(planting(h)?.where).toMatch(/\.snapshot/);
      expect(failures(h).join('\n')).toMatch(/exactly-once|final-state/);
    });

    it(`${mode}: a dead attempt's snapshot of the version the re-run writes as a delta is not loaded later`, async () => {
      const spec = trial(
        mode,
        { kind: 'dead-attempt-files', scope: 'state-only', maxBatchRecords: 400, thenKill: { failpoint: 'commits.written', occurrence: 1 } },
        { maxBatchRecords: 10, snapshotEvery: 1000 },
        40,
      );
      const h = await runTrial(spec, mode);
      expect(planting(h)?.where).toMatch(/\.snapshot/);
      const rerun = h.incarnations[1]!;
      expect(rerun.events.some((e) => e.type === 'state.checkpointed' && e.version === 4 && e.format === 'delta'), 'the re-run wrote version 4 as a delta').toBe(true);
      expect(rerun.faultsHit.map((f) => f.kind)).toEqual(['dead-attempt-files', 'kill-failpoint']);
      expect(failures(h)).toEqual([]);
    });
  }
});
