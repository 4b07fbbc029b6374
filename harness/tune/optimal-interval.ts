/**
 * Optimal checkpoint intervals from first-order failure models, and the expected wall time of a
 * workload under a failure rate. All times in milliseconds.
 *
 * Young (1974): T = sqrt(2·C·M), with C the cost of one checkpoint and M the mean time between
 * failures. Daly (2006) adds higher-order terms that matter when C is not small against M:
 * T = sqrt(2CM)·[1 + (1/3)·sqrt(C/2M) + (1/9)·(C/2M)] − C for C < 2M, else T = M.
 */

export function youngIntervalMs(checkpointCostMs: number, mtbfMs: number): number {
  assertPositive(checkpointCostMs, mtbfMs);
  return Math.sqrt(2 * checkpointCostMs * mtbfMs);
}

export function dalyIntervalMs(checkpointCostMs: number, mtbfMs: number): number {
  assertPositive(checkpointCostMs, mtbfMs);
  const c = checkpointCostMs;
  const m = mtbfMs;
  if (c >= 2 * m) return m;
  const ratio = c / (2 * m);
  return Math.sqrt(2 * c * m) * (1 + Math.sqrt(ratio) / 3 + ratio / 9) - c;
}

export interface ExpectedTotalInput {
  /** Failure-free work to get done, measured as wall time with checkpointing off. */
  workMs: number;
  /** Steady-state ms per batch with checkpointing off, and at this interval. */
  batchMsOff: number;
  batchMs: number;
  /** Expected cost of one failure at this interval: restart + lost work replayed. */
  perFailureMs: number;
  mtbfMs: number;
}

/**
 * Expected wall time to finish `workMs` of failure-free work at one checkpoint interval.
 * The work is `workMs / batchMsOff` batches, each taking `batchMs` with checkpointing on. Failures
 * arrive at rate 1/M over the whole wall time T and each costs `perFailureMs`, so
 * T = work + (T / M)·perFailure, i.e. T = work / (1 − perFailure / M). When one failure costs
 * M or more the job never finishes on average: Infinity.
 */
export function expectedTotalMs(input: ExpectedTotalInput): number {
  const { workMs, batchMsOff, batchMs, perFailureMs, mtbfMs } = input;
  const work = (workMs / batchMsOff) * batchMs;
  const lossFraction = perFailureMs / mtbfMs;
  return lossFraction >= 1 ? Infinity : work / (1 - lossFraction);
}

/**
 * Expected cost of one failure at interval K (batches): the fixed part of a restart (start the
 * process, load state, reach the first new batch) plus the lost work. A failure at a uniformly random
 * point finds on average half an interval of batches since the last durable state; recovery
 * replays them at `replayMsPerBatch` each.
 */
export function perFailureMs(restartMs: number, interval: number, replayMsPerBatch: number): number {
  return restartMs + (interval / 2) * replayMsPerBatch;
}

function assertPositive(c: number, m: number): void {
  if (!(c > 0) || !(m > 0) || !Number.isFinite(c) || !Number.isFinite(m)) {
    throw new RangeError(`checkpoint cost and MTBF must be positive finite ms (got C=${c}, M=${m})`);
  }
}
