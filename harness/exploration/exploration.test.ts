import { describe, expect, it } from 'vitest';
import { COVERAGE_POINT_NAMES } from '../../engine/coverage.js';
import { runTrial } from '../trial/run-trial.js';
import type { TrialSpec } from '../history.js';
import { Exploration } from './exploration.js';

const spec = (over: Partial<TrialSpec['config']>, faults: TrialSpec['schedule']['faults']): TrialSpec => ({
  scenario: 'running-totals',
  kind: 'streaming',
  seed: 9,
  input: { size: 240, keys: 12 },
  config: { partitions: 2, checkpointInterval: 1, executors: 0, maxBatchRecords: 20, store: 'memory', source: 'log', sink: 'files', ...over },
  schedule: { faults, lostWrites: false },
  checkDeterminism: false,
});

describe('exploration of a run', () => {
  it('counts coverage points from real trials, lists never-hit points, knob values, run lengths and where faults struck', async () => {
    const x = new Exploration();
    const interrupted = await runTrial(
      spec({ retainBatches: 0, snapshotEvery: 4 }, [
        { kind: 'kill-failpoint', failpoint: 'commits.written', occurrence: 9 },
        { kind: 'crash-in-recovery', failpoint: 'recovery.state-loaded', occurrence: 1 },
        { kind: 'crash-in-recovery', failpoint: 'recovery.state-loaded', occurrence: 1 },
      ]),
      'sim',
    );
    expect(interrupted.ok).toBe(true);
    x.add(interrupted);
    const corrupt = await runTrial(spec({ snapshotEvery: 3 }, [{ kind: 'kill-failpoint', failpoint: 'offsets.written', occurrence: 8 }, { kind: 'corrupt-checkpoint', scope: 'newest-state' }]), 'sim');
    expect(corrupt.ok).toBe(true);
    expect(corrupt.incarnations[1]!.faultsHit[0]).toMatchObject({ kind: 'corrupt-checkpoint' });
    x.add(corrupt);
    const s = x.summary(1);

    expect(s.coverage.map((p) => p.point)).toEqual([...COVERAGE_POINT_NAMES]);
    const count = (p: string) => s.coverage.find((c) => c.point === p)!;
    expect(count('recovery.interrupted-twice')).toMatchObject({ hits: 1, trials: 1 });
    expect(count('recovery.interrupted-once').hits).toBe(2);
    expect(count('recovery.fallback-older-state')).toMatchObject({ hits: 1, trials: 1 });
    expect(count('retention.deleted-then-restart').trials).toBe(1);
    expect(s.neverHit).toContain('recovery.already-finished');
    expect(s.neverHit).not.toContain('recovery.interrupted-twice');
    expect(s.untilCovered).toMatchObject({ min: 1, reached: false });
    expect(s.untilCovered!.below).toEqual(s.neverHit);

    const retain = s.knobs.find((k) => k.knob === 'retainBatches')!;
    expect(retain.values).toEqual([{ value: 0, trials: 1 }, { value: 20, trials: 1 }]);
    expect(retain.atDefault).toBe(1);
    expect(retain.edges.find((e) => e.value === 0)!.trials).toBe(1);
    expect(s.runLengths).toMatchObject({ trials: 2, maxBatches: 12, threeOrMoreIncarnations: 1 });

    expect(s.faultSpace).toEqual(
      expect.arrayContaining([
        { kind: 'kill-failpoint', step: 'commits', trials: 1 },
        { kind: 'crash-in-recovery', step: 'recovery', trials: 1 },
        { kind: 'kill-failpoint', step: 'offsets', trials: 1 },
        { kind: 'corrupt-checkpoint', step: 'start', trials: 1 },
      ]),
    );
  });
});
