import { describe, expect, it } from 'vitest';
import { tuneFixture } from './test-support/tune-fixture.js';
import { analyzeTune, REFERENCE_WORK_MS } from './analyze.js';
import { steadyMetrics } from './engine-runs.js';
import { killBatches } from './run-tune.js';
import type { EngineEvent } from '../../engine/index.js';

describe('analyzeTune', () => {
  const r = tuneFixture();

  it('keeps the --json contract fields', () => {
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['scenario', 'mtbfMs', 'intervals', 'young', 'daly', 'recommended']));
    for (const i of r.intervals) {
      expect(Object.keys(i)).toEqual(
        expect.arrayContaining(['interval', 'throughput', 'overheadPct', 'checkpointBytes', 'checkpointMs', 'recoveryMs', 'replayedBatches']),
      );
    }
    expect(r.intervals.map((i) => i.interval)).toEqual([1, 2, 5, 10, 20]);
  });

  it('takes C as the median write time of all checkpoints and converts Young/Daly to batches with the batch time off', () => {
    // fixture: costs 2·jitter + (0, .1, .2) ms, jitter .98/1/1.02; batch time off = 5 ms median
    expect(r.prediction.batchMsOff).toBeCloseTo(5, 9);
    expect(r.prediction.checkpointCostMs).toBeCloseTo(2.1, 9);
    const youngMs = Math.sqrt(2 * 2.1 * 600_000);
    expect(r.prediction.young!.ms).toBeCloseTo(youngMs, 6);
    expect(r.young).toBeCloseTo(youngMs / 5, 1);
    expect(r.daly!).toBeLessThan(r.young!);
  });

  it('reports overhead against the "off" run of the same repeat, with its spread', () => {
    const k1 = r.intervals[0]!;
    // batch 5·j off vs 5·j + .1 + 2·j at K = 1: overhead = 1 − off/on
    const expected = [0.98, 1, 1.02].map((j) => 100 * (1 - (5 * j) / (5 * j + 0.1 + 2 * j))).sort((a, b) => a - b);
    expect(k1.spread.overheadPct).toMatchObject({ n: 3, min: expect.closeTo(expected[0]!, 6), median: expect.closeTo(expected[1]!, 6), max: expect.closeTo(expected[2]!, 6) });
    expect(k1.overheadPct).toBeCloseTo(expected[1]!, 6);
    expect(r.intervals.map((i) => i.overheadPct)).toEqual([...r.intervals.map((i) => i.overheadPct)].sort((a, b) => b - a));
  });

  it('recommends the interval with the lowest expected total time', () => {
    const best = r.intervals.reduce((a, b) => (b.expectedTotalMs! < a.expectedTotalMs! ? b : a));
    expect(r.recommended).toBe(best.interval);
    expect(r.verdict).toMatch(new RegExp(`every ${best.interval} batches`));
    // expected totals exceed the failure-free work (1 h) by at least the overhead
    for (const i of r.intervals) expect(i.expectedTotalMs!).toBeGreaterThan(REFERENCE_WORK_MS * (i.batchMs / r.prediction.batchMsOff));
  });

  it('separates per-batch costs from per-checkpoint costs', () => {
    expect(r.costFit!.overheadPerBatchMs).toBeCloseTo(0.1, 1);
    expect(r.costFit!.perCheckpointMs).toBeCloseTo(2, 1);
    // at K = 20: 0.1 ms per batch against 2 ms / 20 per checkpoint
    expect(r.notes.join('\n')).toMatch(/At interval 20, 50 % of the overhead is a per-batch cost that no interval removes/);
  });

  it('says when the predicted optimum lies outside the measured intervals', () => {
    expect(r.notes.join('\n')).toMatch(/Young's optimum .* beyond the largest measured interval \(20\)/);
  });

  it('breaks a tie the measurement cannot resolve with Daly’s prediction', () => {
    const flat = tuneFixture();
    const input = {
      scenario: 'wordcount',
      mtbfMs: 60_000,
      intervals: [1, 2, 5],
      // equal batch times at every interval and no recovery cost: all expected totals tie
      runs: [0, 1, 2, 5].map((k) => ({ ...flat.runs[0]!, interval: k, repeat: 0, batchMs: 5, throughput: 20_000, checkpointMsEach: k ? [0.25] : [] })),
      recoveries: [1, 2, 5].map((k) => ({ ...flat.recoveries[0]!, interval: k, repeat: 0, recoveryMs: 100, replayMs: 0, replayedBatches: 0 })),
      config: flat.config,
      startedAt: flat.startedAt,
      elapsedMs: 1,
    };
    const tie = analyzeTune(input);
    // Daly: sqrt(2 · .25 · 60000) ≈ 173 ms ≈ 35 batches → the largest of the tied intervals is closest
    expect(tie.recommendation.reason).toMatch(/closest to Daly/);
    expect(tie.recommended).toBe(5);
  });

  it('leaves out kills that never happened and flags a recovered output that differs', () => {
    const base = tuneFixture([5], 1);
    const input = {
      scenario: 'wordcount',
      mtbfMs: 600_000,
      intervals: [5],
      runs: base.runs,
      recoveries: [
        { ...base.recoveries[0]!, killed: false, recoveryMs: 99_999 },
        { ...base.recoveries[0]!, outputMatches: false, recoveryMs: 200 },
      ],
      config: base.config,
      startedAt: base.startedAt,
      elapsedMs: 1,
    };
    const res = analyzeTune(input);
    expect(res.intervals[0]!.recoveryMs).toBe(200);
    expect(res.notes.join('\n')).toMatch(/never reached their kill point/);
    expect(res.notes.join('\n')).toMatch(/FINDING: after the kill at offsets\.written:38:crash .* differs/);
    expect(res.verdict).toMatch(/1 correctness finding/);
  });
});

describe('steadyMetrics', () => {
  const ev = (e: object, t: number) => ({ ...e, t }) as EngineEvent;
  it('measures throughput between the first and the last commit and groups checkpoint writes by batch', () => {
    const events = [
      ev({ type: 'engine.started' }, 0),
      ev({ type: 'batch.committed', batchId: 0, inputRecords: 100, outputRows: 1, ms: 50 }, 100),
      ev({ type: 'state.checkpointed', batchId: 1, version: 2, operator: 'a', format: 'delta', partitions: 2, bytes: 300, ms: 1.5 }, 105),
      ev({ type: 'state.checkpointed', batchId: 1, version: 2, operator: 'b', format: 'delta', partitions: 2, bytes: 200, ms: 0.5 }, 106),
      ev({ type: 'batch.committed', batchId: 1, inputRecords: 100, outputRows: 1, ms: 9 }, 110),
      ev({ type: 'batch.committed', batchId: 2, inputRecords: 100, outputRows: 1, ms: 9 }, 120),
    ];
    const m = steadyMetrics(events);
    expect(m).toMatchObject({ batches: 3, records: 300, throughput: 10_000, batchMs: 10, checkpoints: 1, checkpointBytes: 500, checkpointMsEach: [2] });
  });
});

describe('kill points', () => {
  it('are reproducible from the seed and lie strictly inside the run', () => {
    const a = killBatches(7, 40, 5);
    expect(a).toEqual(killBatches(7, 40, 5));
    expect(a).toHaveLength(5);
    for (const b of a) expect(b >= 1 && b <= 39).toBe(true);
    expect(killBatches(7, 1, 3)).toEqual([]);
  });
});
