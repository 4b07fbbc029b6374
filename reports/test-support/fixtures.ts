/** Report inputs with known content, for the report builders' tests (no engine needed). */
import { analyzeTune } from '../../harness/tune/analyze.js';
import type { RecoveryTrial, SteadyRun, TuneResult } from '../../harness/tune/result.js';
import type { History, RunSummary } from '../../harness/history.js';
import type { EngineEvent } from '../../engine/events.js';

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
    outputDigest: `same-${size}`,
  };
}

const T0 = 1_764_032_400_000;

function ev(e: Record<string, unknown> & { type: string }, t: number): EngineEvent {
  return { ...e, t: T0 + t } as unknown as EngineEvent;
}

/** A trial killed at a failpoint, restarted, and found to have lost a row: the story a report must tell. */
export function failingHistory(): History {
  return {
    version: 1,
    trialId: 'wordcount-7',
    mode: 'process',
    scenario: 'wordcount',
    kind: 'streaming',
    seed: 7,
    input: { size: 500 },
    config: { partitions: 2, checkpointInterval: 5, executors: 0, maxBatchRecords: 50, store: 'fs', source: 'log', sink: 'files', mutant: 'commit-before-sink' },
    schedule: { faults: [{ kind: 'kill-failpoint', failpoint: 'sink.begin', occurrence: 3 }], lostWrites: false },
    guarantee: 'exactly-once',
    startedAt: T0,
    elapsedMs: 900,
    incarnations: [
      {
        index: 0,
        pid: 4242,
        startedAt: T0,
        endedAt: T0 + 310,
        exit: { code: null, signal: 'SIGKILL' },
        fault: { kind: 'kill-failpoint', failpoint: 'sink.begin', occurrence: 3 },
        faultsHit: [{ kind: 'kill-failpoint', where: 'sink.begin:3', at: T0 + 305 }],
        events: [
          ev({ type: 'engine.started', pid: 4242, scenario: 'wordcount', kind: 'streaming', resumed: false }, 60),
          ev({ type: 'batch.committed', batchId: 0, inputRecords: 50, outputRows: 12, ms: 40 }, 120),
          ev({ type: 'batch.committed', batchId: 1, inputRecords: 50, outputRows: 11, ms: 40 }, 200),
          ev({ type: 'failpoint.fired', name: 'sink.begin', occurrence: 3, action: 'crash' }, 305),
        ],
      },
      {
        index: 1,
        pid: 4250,
        startedAt: T0 + 330,
        endedAt: T0 + 900,
        exit: { code: 0, signal: null },
        faultsHit: [],
        events: [
          ev({ type: 'engine.started', pid: 4250, scenario: 'wordcount', kind: 'streaming', resumed: true }, 390),
          ev({ type: 'recovery.started', lastPlanned: 2, lastCommitted: 2, stateVersion: 0 }, 400),
          ev({ type: 'recovery.replayed', batches: 2, fromBatch: 1, toBatch: 2, ms: 60 }, 460),
          ev({ type: 'recovery.caught-up', batchId: 2, ms: 70 }, 470),
          ev({ type: 'batch.committed', batchId: 3, inputRecords: 50, outputRows: 12, ms: 40 }, 520),
          ev({ type: 'engine.finished', ms: 510 }, 890),
        ],
      },
    ],
    outputs: ['{"word":"a","count":3}', '{"word":"b","count":2}'],
    reference: ['{"word":"a","count":3}', '{"word":"b","count":2}', '{"word":"c","count":1}'],
    verdicts: [
      {
        checker: 'exactly-once',
        ok: false,
        message: 'output differs from the failure-free run: 1 lost (e.g. {"word":"c","count":1})',
        lost: ['{"word":"c","count":1}'],
        duplicated: [],
        unexpected: [],
        counts: { lost: 1, duplicated: 0, unexpected: 0, expected: 3, actual: 2 },
      },
    ],
    ok: false,
    kills: 1,
  };
}

export function runSummaryFixture(failing = true): RunSummary {
  const h = failingHistory();
  return {
    ok: !failing,
    mode: 'process',
    seed: 7,
    trials: 40,
    kills: 57,
    failures: failing
      ? [
          {
            trialId: h.trialId,
            scenario: h.scenario,
            mode: 'process',
            mutant: 'commit-before-sink',
            checkers: ['exactly-once'],
            message: h.verdicts[0]!.message,
            seed: 7,
            path: '3:1:0',
            replayFile: 'out/chaos/replays/wordcount-7.json',
            replayCommand: 'chaos replay out/chaos/replays/wordcount-7.json',
            history: h,
          },
        ]
      : [],
    scenarios: [
      { name: 'wordcount', kind: 'streaming', trials: 20, kills: 30, failures: failing ? 1 : 0 },
      { name: 'running-totals', kind: 'streaming', trials: 20, kills: 27, failures: 0 },
    ],
    faultKinds: [
      { kind: 'kill-random', armed: 14, struck: 12, strikes: 20, trials: 14, hits: 20 },
      { kind: 'kill-failpoint', armed: 13, struck: 13, strikes: 19, trials: 13, hits: 19 },
      { kind: 'torn-write', armed: 13, struck: 11, strikes: 18, trials: 13, hits: 18 },
    ],
    elapsedMs: 61_000,
    shrinkTrials: failing ? 12 : 0,
    nonDeterministic: [],
    outDir: 'out/chaos',
    startedAt: '2026-11-25T01:00:00.000Z',
  };
}
