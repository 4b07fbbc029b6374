/**
 * What `chaos tune` measured and concluded: the shape of `--json` and of report.json.
 * Intervals are in batches; times in ms; throughput in input records per second.
 */
import type { Estimate } from './bootstrap.js';
import type { Decision } from './decision.js';
import type { Spread } from './spread.js';

/** One run at one interval from start to end of the bounded input, no faults. */
export interface SteadyRun {
  interval: number;
  repeat: number;
  /** Records per micro-batch (the batch-size knob) and input records of this run. */
  batchRecords: number;
  size: number;
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
  batchRecords: number;
  size: number;
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
  timeMultiplier: Spread | null;
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
  /** 1 − throughput / throughput off, in percent (kept for the --json contract; the report shows timeMultiplier). */
  overheadPct: number;
  /** Batch time ÷ batch time with checkpointing off, paired by repeat: "time ×1.8". */
  timeMultiplier: number;
  /** Input records of each run at this interval (long enough for two checkpoints). */
  recordsPerRun: number;
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
  /** Expected wall time for the reference workload under the MTBF, from the fitted cost model (see `model`). */
  expectedTotalMs: number | null;
  /** 95 % interval of expectedTotalMs over the bootstrap resamples. */
  expectedTotalCi: { lo: number; hi: number } | null;
  /** The same expected time computed from this interval's own medians only (noisy; shown beside the fit). */
  measuredTotalMs: number | null;
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

/** The cost model fitted at one batch size (cost-model.ts), every figure with its 95 % interval. */
export interface FitResult {
  /** Time multiplier as K grows without bound: 1 + the per-batch cost share. */
  alpha: Estimate;
  /** Cost of one state checkpoint as a fraction of a batch with checkpointing off. */
  beta: Estimate;
  /** The same two in ms: per batch on top of "off", per state checkpoint. */
  perBatchMs: Estimate;
  perCheckpointMs: Estimate;
  restartMs: Estimate;
  replayMsPerBatch: Estimate;
  /** Whole-batch interval with the lowest fitted expected time (any interval, not only measured ones). */
  optimum: Estimate;
  /** Share of the overhead that is per-batch cost at the recommended interval (0..1). */
  perBatchShare: number | null;
  /** The fitted expected time on a fine grid across the chart's range, with its 95 % band (ms). */
  curve: { interval: number; ms: number; lo: number; hi: number }[];
}

/** Everything measured and concluded at one records-per-batch setting. */
export interface BatchSizeResult {
  batchRecords: number;
  /** The base batch size: the one the user runs now (first of --max-batch-records). */
  base: boolean;
  baseline: BaselineResult;
  intervals: IntervalResult[];
  fit: FitResult;
  prediction: TuneResult['prediction'];
  decision: Decision;
  /** Expected time at the best interval relative to the base batch size's best (same records), 95 % interval. */
  relativeTime: Estimate;
  /** Batch duration at the best interval (ms): how long one batch takes, the latency a record sees grows with it. */
  batchLatencyMs: number;
}

/** What the batch-size dimension says: whether larger (or smaller) batches pay, and what they cost in latency. */
export interface BatchAdvice {
  /** The batch size with the lowest expected time for the same records. */
  bestBatchRecords: number;
  /** Its expected time relative to the base batch size (<1 is faster), with 95 % interval. */
  relativeTime: Estimate;
  /** Its batch duration ÷ the base one's: the latency cost. */
  latencyFactor: number;
  /** One sentence a person can act on. */
  text: string;
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
  recommendation: {
    interval: number | null;
    reason: string;
    /** How sure: separated from the runner-up, equivalent to it, or undecided (see decision.ts). */
    confidence: Decision['status'] | 'none';
    decision: Decision | null;
  };
  /** Records per batch of the top-level figures (the base batch size). */
  batchRecords: number;
  /** Every batch size measured, the base first. */
  batchSizes: BatchSizeResult[];
  batchAdvice: BatchAdvice | null;
  /** The measured intervals and whether they bracket the predictions (why not, when they do not). */
  bracket: { measured: number[]; added: number[]; bracketed: boolean; why: string[] };
  /** Rounds of measurement: how many, why they stopped, the budget. */
  rounds: { count: number; stopped: string; budgetMs: number };
  fit: FitResult | null;
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
    batchRecords: number[];
    repeat: number;
    budgetMs: number;
    intervals: number[];
    recovery: boolean;
    command: string;
  };
  runs: SteadyRun[];
  recoveries: RecoveryTrial[];
  startedAt: string;
  elapsedMs: number;
}
