/** A tune result with known content, for the tune analysis's and the tune report's tests (no engine needed). */
import { analyzeTune } from '../analyze.js';
import type { RecoveryTrial, SteadyRun, TuneResult } from '../result.js';

/**
 * Runs shaped like a real engine, at each batch size B: 1 + 0.04·B ms per batch off (5 % more per
 * e-fold of run length: state grows), with an off run per run length; checkpointing
 * adds 0.5 ms of write-ahead log every batch and 2 ms of state checkpoint every K batches; recovery
 * costs 150 ms plus the replayed batches. Each repeat drifts the machine by ±2 %, and each run has
 * its own ±1 % of noise, so the fit has a spread to resample.
 */
export function tuneFixture(intervals = [1, 2, 5, 10, 20, 50, 100, 200, 500], repeat = 3, batchSizes = [100, 400]): TuneResult {
  const runs: SteadyRun[] = [];
  const recoveries: RecoveryTrial[] = [];
  const kills = [0.37, 0.62, 0.81, 0.15, 0.5];
  for (let r = 0; r < repeat; r++) {
    const jitter = 1 + ((r % 3) - 1) * 0.02;
    for (const b of batchSizes) {
      // a longer run carries more state: its batches are slower at any interval, "off" included
      const offMsAt = (batches: number) => (1 + 0.04 * b) * jitter * (1 + 0.05 * Math.log(batches / 100));
      const lengths = [...new Set([100, ...intervals.map((k) => Math.max(100, 2 * k + 2))])];
      for (const batches of lengths) runs.push(steady(0, r, b, b * batches, batches, offMsAt(batches), 0, []));
      for (const k of intervals) {
        const batches = Math.max(100, 2 * k + 2);
        const size = b * batches;
        const offMs = offMsAt(batches);
        const noise = 1 + 0.01 * Math.sin(k * 7 + r * 3 + b);
        const cost = 2 * jitter;
        const checkpoints = Math.floor(batches / k);
        const batchMs = (offMs + 0.5 + cost / k) * noise;
        runs.push(steady(k, r, b, size, batches, batchMs, checkpoints * (400 + 60 * k), Array.from({ length: checkpoints }, (_, i) => cost + (i % 3) * 0.1)));
        const kill = Math.floor(kills[r % kills.length]! * batches);
        const replayed = kill % k;
        recoveries.push({
          interval: k,
          repeat: r,
          batchRecords: b,
          size,
          killAt: `offsets.written:${kill + 1}:crash`,
          killed: true,
          recoveryMs: 150 * jitter * noise + replayed * batchMs,
          engineRecoveryMs: 60 + replayed * batchMs,
          replayedBatches: replayed,
          replayMs: replayed * batchMs,
          outputMatches: true,
        });
      }
    }
  }
  return analyzeTune({
    scenario: 'wordcount',
    mtbfMs: 600_000,
    runs,
    recoveries,
    config: {
      seed: 1,
      size: batchSizes[0]! * 100,
      maxBatchRecords: batchSizes[0]!,
      batchRecords: batchSizes,
      repeat,
      budgetMs: 600_000,
      intervals,
      recovery: true,
      command: 'chaos tune --repeat 3',
    },
    rounds: { count: repeat, stopped: 'the best interval is separated from the runner-up', budgetMs: 600_000 },
    startedAt: '2026-11-25T01:00:00.000Z',
    elapsedMs: 42_000,
  });
}

function steady(interval: number, repeat: number, batchRecords: number, size: number, batches: number, batchMs: number, bytes: number, costs: number[]): SteadyRun {
  return {
    interval,
    repeat,
    batchRecords,
    size,
    batches,
    records: size,
    throughput: (batchRecords / batchMs) * 1000,
    batchMs,
    checkpoints: costs.length,
    checkpointBytes: bytes,
    checkpointMsEach: costs,
    wallMs: batches * batchMs + 80,
    outputDigest: `out-${size}-${batchRecords}`,
  };
}
