/** A tune result with known content, for the tune analysis's and the tune report's tests (no engine needed). */
import { analyzeTune } from '../analyze.js';
import type { RecoveryTrial, SteadyRun, TuneResult } from '../result.js';

/**
 * Runs shaped like a real engine: 5 ms per batch off, each interval adds 2 ms of checkpoint write
 * every K batches plus 0.1 ms per batch of WAL; recovery costs 150 ms plus the replayed batches.
 */
export function tuneFixture(intervals = [1, 2, 5, 10, 20], repeat = 3): TuneResult {
  const runs: SteadyRun[] = [];
  const recoveries: RecoveryTrial[] = [];
  const batches = 100;
  const records = 100 * batches;
  const kills = [37, 62, 81];
  for (let r = 0; r < repeat; r++) {
    const jitter = 1 + (r - 1) * 0.02;
    const offMs = 5 * jitter;
    runs.push(steady(0, r, batches, records, offMs, 0, []));
    for (const k of intervals) {
      const cost = 2 * jitter;
      const checkpoints = Math.floor(batches / k);
      const batchMs = offMs + 0.1 + cost / k;
      runs.push(steady(k, r, batches, records, batchMs, checkpoints * (400 + 60 * k), Array.from({ length: checkpoints }, (_, i) => cost + (i % 3) * 0.1)));
      const kill = kills[r % kills.length]!;
      const replayed = kill % k;
      recoveries.push({
        interval: k,
        repeat: r,
        killAt: `offsets.written:${kill + 1}:crash`,
        killed: true,
        recoveryMs: 150 * jitter + replayed * batchMs,
        engineRecoveryMs: 60 + replayed * batchMs,
        replayedBatches: replayed,
        replayMs: replayed * batchMs,
        outputMatches: true,
      });
    }
  }
  return analyzeTune({
    scenario: 'wordcount',
    mtbfMs: 600_000,
    intervals,
    runs,
    recoveries,
    config: { seed: 1, size: records, maxBatchRecords: 100, repeat, intervals, recovery: true, command: 'chaos tune --repeat 3' },
    startedAt: '2026-11-25T01:00:00.000Z',
    elapsedMs: 42_000,
  });
}

function steady(interval: number, repeat: number, batches: number, records: number, batchMs: number, bytes: number, costs: number[]): SteadyRun {
  return {
    interval,
    repeat,
    batches,
    records,
    throughput: (100 / batchMs) * 1000,
    batchMs,
    checkpoints: costs.length,
    checkpointBytes: bytes,
    checkpointMsEach: costs,
    wallMs: batches * batchMs + 80,
    outputDigest: 'same',
  };
}
