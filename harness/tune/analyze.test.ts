import { describe, expect, it } from 'vitest';
import { tuneFixture } from './test-support/tune-fixture.js';
import { analyzeTune, pairedOff, REFERENCE_WORK_MS, type AnalyzeInput } from './analyze.js';
import { steadyMetrics } from './engine-runs.js';
import { killBatchOf, killFraction } from './run-tune.js';
import type { EngineEvent } from '../../engine/index.js';

describe('analyzeTune', () => {
  const r = tuneFixture();

  it('keeps the --json contract fields', () => {
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['scenario', 'mtbfMs', 'intervals', 'young', 'daly', 'recommended']));
    for (const i of r.intervals) {
      expect(Object.keys(i)).toEqual(
        expect.arrayContaining(['interval', 'throughput', 'overheadPct', 'checkpointBytes', 'checkpointMs', 'recoveryMs', 'replayedBatches', 'timeMultiplier']),
      );
    }
    expect(r.intervals.map((i) => i.interval)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500]);
  });

  it('takes C as the median write time of all checkpoints and converts Young/Daly to batches with the batch time off', () => {
    // fixture at 100 records per batch: 5 ms per batch off (median repeat), checkpoint writes 2·jitter + (0, .1, .2) ms
    expect(r.prediction.batchMsOff).toBeCloseTo(5, 9);
    const c = r.prediction.checkpointCostMs!;
    expect(c).toBeGreaterThan(2);
    expect(c).toBeLessThan(2.2);
    expect(r.prediction.young!.ms).toBeCloseTo(Math.sqrt(2 * c * 600_000), 6);
    expect(r.young).toBeCloseTo(Math.sqrt(2 * c * 600_000) / 5, 1);
    expect(r.daly!).toBeLessThan(r.young!);
  });

  it('fits per-batch and per-checkpoint cost from all runs, each with a 95 % interval around the truth', () => {
    // truth: 0.5 ms write-ahead log per batch, 2 ms per state checkpoint
    const f = r.fit!;
    expect(f.perBatchMs.value).toBeCloseTo(0.5, 1);
    expect(f.perCheckpointMs.value).toBeCloseTo(2, 1);
    for (const e of [f.perBatchMs, f.perCheckpointMs, f.restartMs, f.optimum]) {
      expect(e.lo).toBeLessThanOrEqual(e.value);
      expect(e.hi).toBeGreaterThanOrEqual(e.value);
      expect(e.hi).toBeGreaterThan(e.lo); // the fixture has noise: a real spread, not a point
    }
    expect(f.restartMs.value).toBeGreaterThan(140);
    expect(f.restartMs.value).toBeLessThan(160);
    expect(r.costFit!.overheadPerBatchMs).toBeCloseTo(0.5, 1);
  });

  it('pairs each run with the "off" run of its repeat: time multiplier and overhead', () => {
    const k1 = r.intervals[0]!;
    expect(k1.timeMultiplier).toBeGreaterThan(1.45);
    expect(k1.timeMultiplier).toBeLessThan(1.55); // (5 + .5 + 2) / 5 = 1.5, ±1 % noise
    expect(k1.overheadPct).toBeCloseTo(100 * (1 - 1 / k1.timeMultiplier), 0);
    expect(k1.spread.timeMultiplier!.n).toBe(3);
  });

  it('recommends from the fit: the measured interval with the lowest fitted expected time, and says how sure', () => {
    const pick = r.intervals.find((i) => i.interval === r.recommended)!;
    const bestFitted = Math.min(...r.intervals.map((i) => i.expectedTotalMs!));
    // equivalent intervals: the pick is within the equivalence margin of the best
    expect(pick.expectedTotalMs!).toBeLessThanOrEqual(bestFitted * 1.01);
    expect(['separated', 'equivalent']).toContain(r.recommendation.confidence);
    for (const i of r.intervals) {
      expect(i.expectedTotalMs!).toBeGreaterThan(REFERENCE_WORK_MS);
      expect(i.expectedTotalCi!.lo).toBeLessThanOrEqual(i.expectedTotalMs!);
      expect(i.expectedTotalCi!.hi).toBeGreaterThanOrEqual(i.expectedTotalMs!);
    }
    expect(r.verdict).toMatch(new RegExp(`every ${r.recommended} batches`));
  });

  it('is a pure function of its input: the same measurements give the same recommendation and intervals', () => {
    const again = tuneFixture();
    expect(again.recommended).toBe(r.recommended);
    expect(again.fit).toEqual(r.fit);
    expect(again.recommendation).toEqual(r.recommendation);
  });

  it('brackets the predictions when the measured range encloses them, and says why when it does not', () => {
    expect(r.bracket.bracketed).toBe(true);
    const narrow = tuneFixture([1, 2, 5, 10, 20], 3, [100]);
    expect(narrow.bracket.bracketed).toBe(false);
    expect(narrow.notes.join('\n')).toMatch(/Not bracketed: .*lie outside the measured 1–20/);
  });

  it('tunes the batch size too: larger batches amortise the write-ahead cost, at a latency price', () => {
    expect(r.batchSizes.map((b) => b.batchRecords)).toEqual([100, 400]);
    const [small, large] = r.batchSizes;
    expect(small!.base).toBe(true);
    // same records at 400/batch: (17 + .5)/400 vs (5 + .5)/100 per record ⇒ about ×0.8
    expect(large!.relativeTime.value).toBeGreaterThan(0.75);
    expect(large!.relativeTime.value).toBeLessThan(0.85);
    expect(large!.relativeTime.hi).toBeLessThan(1);
    expect(r.batchAdvice!.bestBatchRecords).toBe(400);
    expect(r.batchAdvice!.latencyFactor).toBeGreaterThan(3);
    expect(r.batchAdvice!.text).toMatch(/400 records per batch instead of 100 .* ×0\.\d\d the time .* latency/);
    expect(r.notes.join('\n')).toMatch(/per-batch cost that no checkpoint interval removes/);
  });

  it('never ticks a pick on the edge of the measured range when the optimum is predicted beyond it', () => {
    const narrow = tuneFixture([1, 2, 5, 10, 20], 3, [100]);
    expect(narrow.recommended).toBe(20);
    expect(narrow.recommendation.confidence).toBe('undecided');
    expect(narrow.recommendation.decision?.edge).toBe('above');
    expect(narrow.verdict).toMatch(/NOT decided: the largest interval measured, with the optimum predicted beyond it/);
    // inside a bracketed range the same data do separate
    expect(r.recommendation.decision?.edge).toBeUndefined();
  });

  it('never claims separation from a single run per interval', () => {
    const once = tuneFixture([1, 2, 5, 10, 20, 50, 100, 200, 500], 1, [100]);
    expect(once.recommendation.confidence).toBe('undecided');
    expect(once.verdict).toMatch(/NOT separated .*each measured once/);
  });

  it('compares outputs only between runs of the same input cut into the same batches', () => {
    const base = tuneFixture([1, 2], 2, [100, 400]);
    // the same records at another batch size give other per-batch rows: not a finding
    const sameSize = base.runs.map((r) => ({ ...r, size: 40_000 }));
    const ok = analyzeTune({ ...base, runs: sameSize, config: base.config });
    expect(ok.notes.join('\n')).not.toMatch(/FINDING/);
    // the same input and batch size at another interval must agree
    const differs = base.runs.map((r, i) => (i === 1 ? { ...r, outputDigest: 'other' } : r));
    expect(analyzeTune({ ...base, runs: differs, config: base.config }).notes.join('\n')).toMatch(/FINDING: failure-free runs of the same input/);
  });

  it('leaves out kills that never happened and flags a recovered output that differs', () => {
    const base = tuneFixture([5], 1, [100]);
    const input: AnalyzeInput = {
      scenario: 'wordcount',
      mtbfMs: 600_000,
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
    expect(res.notes.join('\n')).toMatch(/FINDING: after the kill at offsets\.written:\d+:crash .* differs/);
    expect(res.verdict).toMatch(/1 correctness finding/);
  });
});

describe('pairedOff', () => {
  it('compares a run with the off run of its repeat and length, else the shortest off run of the repeat', () => {
    const r = tuneFixture([1, 50], 2, [100]);
    const off = r.runs.filter((x) => x.interval === 0);
    const long = r.runs.find((x) => x.interval === 50 && x.repeat === 1)!;
    expect(pairedOff(long, off)).toMatchObject({ repeat: 1, size: long.size, interval: 0 });
    const orphan = { ...long, size: 123 };
    expect(pairedOff(orphan, off)).toMatchObject({ repeat: 1, size: 100 * 100 });
    // paired by length, the state growth of longer runs does not count as checkpoint overhead
    expect(r.intervals.find((i) => i.interval === 50)!.timeMultiplier).toBeLessThan(1.12);
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
    const fractions = [0, 1, 2, 3, 4].map((round) => killFraction(7, round));
    expect(fractions).toEqual([0, 1, 2, 3, 4].map((round) => killFraction(7, round)));
    expect(new Set(fractions).size).toBe(5);
    // uniform over the run, not crowded at its start
    const many = Array.from({ length: 200 }, (_, round) => killFraction(7, round));
    expect(many.filter((f) => f >= 0.5).length).toBeGreaterThan(60);
    expect(many.filter((f) => f < 0.5).length).toBeGreaterThan(60);
    for (const f of fractions) {
      const b = killBatchOf(f, 40)!;
      expect(b >= 1 && b <= 39).toBe(true);
    }
    expect(killBatchOf(0.5, 1)).toBeNull();
  });
});
