/**
 * What `chaos tune` measured and concluded: the shape of `--json` and of report.json.
 * Intervals are in batches; times in ms; throughput in input records per second.
 */
import type { Spread } from './spread.js';

/** One run at one interval from start to end of the bounded input, no faults. */
export interface SteadyRun {
  interval: number;
  repeat: number;
  batches: number;
  records: number;
  /** Input records per second between the first and the last committed batch (start-up excluded). */
  throughput: number;
  /** Wall ms per batch in the same window. */
  batchMs: number;
  /** State checkpoints written (distinct batches with a state.checkpointed event). */
  checkpoints: number;
  checkpointBytes: number;
  /** Write ms of each checkpoint (all operators and partitions of one batch summed). */
  checkpointMsEach: number[];
  wallMs: number;
  /** sha256 of the sorted committed output rows: every run of one input must agree. */
  outputDigest: string;
}

/** Kill the engine at a reproducible point, restart it, and time the way back. */
export interface RecoveryTrial {
  interval: number;
  repeat: number;
  /** The failpoint that killed the first process, e.g. offsets.written:37:crash. */
  killAt: string;
  /** Whether the first process really died of SIGKILL there. */
  killed: boolean;
  /** From spawning the second process to its recovery.caught-up event. */
  recoveryMs: number;
  /** The engine's own recovery.caught-up ms (from its start, without process start-up). */
  engineRecoveryMs: number | null;
  replayedBatches: number;
  /** Time spent replaying those batches (recovery.replayed ms). */
  replayMs: number;
  /** The recovered output equals the failure-free output. */
  outputMatches: boolean;
}

export interface PointSpreads {
  throughput: Spread;
  overheadPct: Spread | null;
  batchMs: Spread;
  checkpointBytes: Spread | null;
  bytesPerCheckpoint: Spread | null;
  checkpointMs: Spread | null;
  recoveryMs: Spread | null;
  replayedBatches: Spread | null;
}

export interface IntervalResult {
  /** Checkpoint interval K in batches. */
  interval: number;
  /** Medians of the repeats (the spread is under `spread`). */
  throughput: number;
  overheadPct: number;
  /** State bytes written in one run of the whole input at this interval. */
  checkpointBytes: number;
  bytesPerCheckpoint: number | null;
  checkpoints: number;
  /** Write time of one checkpoint: the measured cost C at this interval. */
  checkpointMs: number | null;
  recoveryMs: number | null;
  replayedBatches: number | null;
  batchMs: number;
  /** Expected cost of one failure: restart plus half an interval of batches replayed. */
  perFailureMs: number | null;
  /** Expected wall time for the reference workload under the MTBF (see `model`). */
  expectedTotalMs: number | null;
  spread: PointSpreads;
}

export interface BaselineResult {
  interval: 0;
  throughput: number;
  batchMs: number;
  batches: number;
  spread: { throughput: Spread; batchMs: Spread };
}

export interface Prediction {
  /** Interval in ms and converted to batches with the measured batch time (checkpointing off). */
  ms: number;
  batches: number;
}

export interface TuneResult {
  scenario: string;
  mtbfMs: number;
  intervals: IntervalResult[];
  /** Young's optimum in batches (null when no checkpoint cost could be measured). */
  young: number | null;
  /** Daly's optimum in batches. */
  daly: number | null;
  /** The recommended interval in batches: one of the measured intervals. */
  recommended: number | null;
  // ---- beyond the --json contract ----
  verdict: string;
  recommendation: { interval: number | null; reason: string };
  prediction: {
    checkpointCostMs: number | null;
    batchMsOff: number;
    young: Prediction | null;
    daly: Prediction | null;
  };
  /**
   * batch time ≈ perBatchMs + perCheckpointMs / K, fitted over the measured intervals: the part of the
   * overhead no interval removes (write-ahead log, commits) and the checkpoint cost as the throughput
   * sees it. Null with fewer than two intervals.
   */
  costFit: { perBatchMs: number; perCheckpointMs: number; overheadPerBatchMs: number } | null;
  model: {
    /** Failure-free work (wall ms with checkpointing off) that expectedTotalMs refers to. */
    workMs: number;
    description: string;
  };
  baseline: BaselineResult;
  notes: string[];
  config: {
    seed: number;
    size: number;
    maxBatchRecords: number;
    repeat: number;
    intervals: number[];
    recovery: boolean;
    command: string;
  };
  runs: SteadyRun[];
  recoveries: RecoveryTrial[];
  startedAt: string;
  elapsedMs: number;
}
