import { describe, expect, it } from 'vitest';
import { expectedTotalAt, fitCostModel, fittedOptimum, multiplierAt, perBatchShareAt } from './cost-model.js';
import { bracket, gridAbove, gridBelow, recordsPerRun } from './bracket.js';
import { decide } from './decision.js';

describe('cost model', () => {
  const ratios = [1, 2, 5, 10].flatMap((k) => [0, 1].map((repeat) => ({ interval: k, repeat, multiplier: 1.1 + 0.4 / k + (repeat ? 0.001 : -0.001) })));
  const recoveries = [
    { interval: 10, repeat: 0, restartMs: 100, replayedBatches: 4, replayMs: 40, baseLength: true },
    { interval: 500, repeat: 0, restartMs: 900, replayedBatches: 0, replayMs: 0, baseLength: false },
  ];
  const m = fitCostModel({ batchMsOff: 10, ratios, recoveries, checkpointWriteMs: 3, timeScale: 1 });

  it('recovers α (per-batch) and β (per-checkpoint) by least squares over 1/K', () => {
    expect(m.alpha).toBeCloseTo(1.1, 6);
    expect(m.beta).toBeCloseTo(0.4, 6);
    expect(m.replayMsPerBatch).toBe(10);
    // the lengthened run's slow restart (more input to load) is not what the job pays
    expect(m.restartMs).toBe(100);
    expect(multiplierAt(m, 4)).toBeCloseTo(1.2, 6);
    // at K = 4: .1 per batch against .4/4 per checkpoint
    expect(perBatchShareAt(m, 4)).toBeCloseTo(0.5, 6);
  });

  it('puts the optimum where falling checkpoint cost meets rising lost work', () => {
    const M = 600_000;
    const k = fittedOptimum(m, M, 3_600_000);
    // (α + β/K)/(1 − (r + ρK/2)/M) is lowest near K = sqrt(2βM / (αρ)) = sqrt(2·0.4·600000 / (1.1·10)) ≈ 209
    expect(k).toBeGreaterThan(190);
    expect(k).toBeLessThan(230);
    expect(expectedTotalAt(m, k, M, 3_600_000)).toBeLessThan(expectedTotalAt(m, k / 2, M, 3_600_000));
    expect(expectedTotalAt(m, k, M, 3_600_000)).toBeLessThan(expectedTotalAt(m, k * 2, M, 3_600_000));
  });

  it('falls back to the measured write time for β when only one interval was measured', () => {
    const one = fitCostModel({ batchMsOff: 10, ratios: [{ interval: 5, repeat: 0, multiplier: 1.2 }], recoveries: [], checkpointWriteMs: 3, timeScale: 1 });
    expect(one.beta).toBeCloseTo(0.3, 9);
    expect(multiplierAt(one, 5)).toBeCloseTo(1.2, 9);
  });
});

describe('bracketing', () => {
  it('walks the 1-2-5 grid', () => {
    expect([1, 2, 3, 5, 10, 20, 50, 99, 100].map(gridAbove)).toEqual([2, 5, 5, 10, 20, 50, 100, 100, 200]);
    expect([1, 2, 3, 5, 10, 20, 50, 100].map(gridBelow)).toEqual([1, 1, 2, 2, 5, 10, 20, 50]);
  });

  it('adds intervals until the range encloses every prediction, and says why when it cannot', () => {
    expect(bracket([1, 2, 5, 10, 20], [{ name: 'Young', batches: 96 }], 100_000).add).toEqual([50, 100]);
    expect(bracket([10, 20], [{ name: 'Daly', batches: 3 }], 100_000).add).toEqual([2, 5]);
    expect(bracket([1, 2], [{ name: 'Daly', batches: 1.5 }], 100_000).add).toEqual([]);
    const below = bracket([1, 2], [{ name: 'Young', batches: 0.3 }], 100_000);
    expect(below.unreachable.join()).toMatch(/below one batch/);
    const beyond = bracket([1, 2], [{ name: 'Young', batches: 1e6 }], 100_000);
    expect(beyond.unreachable.join()).toMatch(/beyond the largest interval a tune run measures/);
  });

  it('lengthens runs at large intervals to hold two checkpoints', () => {
    expect(recordsPerRun(200_000, 5000, 10)).toBe(200_000);
    expect(recordsPerRun(200_000, 5000, 100)).toBe(5000 * 202);
    expect(recordsPerRun(100, 50, 0)).toBe(400);
  });
});

describe('decision', () => {
  const map = (a: number, b: number) => new Map([[1, a], [2, b]]);
  const twice = new Map([[1, 3], [2, 3]]);

  it('separated only when the runner-up is slower in 95 % of resamples', () => {
    const reps = Array.from({ length: 200 }, (_, i) => map(100, 103 + (i % 5)));
    expect(decide(map(100, 105), reps, twice)).toMatchObject({ status: 'separated', best: 1, runnerUp: 2, pickShare: 1 });
  });

  it('equivalent when the difference is surely within 1 %, undecided when it straddles zero widely', () => {
    const close = Array.from({ length: 200 }, (_, i) => map(100, 100.2 + (i % 5) * 0.1));
    expect(decide(map(100, 100.3), close, twice).status).toBe('equivalent');
    const wide = Array.from({ length: 200 }, (_, i) => map(100, 95 + (i % 11)));
    const d = decide(map(100, 100.5), wide, twice);
    expect(d.status).toBe('undecided');
    expect(d.differencePct!.lo).toBeLessThan(0);
    expect(d.pickShare).toBeLessThan(0.95);
  });

  it('undecided with a single run at the best or the runner-up, however clear the point estimate', () => {
    const reps = Array.from({ length: 50 }, () => map(100, 150));
    expect(decide(map(100, 150), reps, new Map([[1, 1], [2, 3]])).status).toBe('undecided');
  });
});
