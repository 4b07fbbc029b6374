/**
 * The cost model `chaos tune` fits to its measurements, one per batch size, and what it predicts for
 * any checkpoint interval K (in batches):
 *
 *   time multiplier  m(K) = α + β / K        batch time at K ÷ batch time with checkpointing off
 *   per failure      f(K) = restart + replay per batch × K / 2
 *   expected time    T(K) = W · s · m(K) / (1 − f(K) / MTBF)
 *
 * α − 1 is the per-batch cost no interval removes (the write-ahead log: offsets and commits every
 * batch), β the cost of one state checkpoint, both as fractions of a batch with checkpointing off.
 * W is the reference work (1 h with checkpointing off at the base batch size) and s the time the
 * same records take at this batch size relative to the base one. A failure finds on average half an
 * interval of batches since the last durable state.
 *
 * The model is fitted from every measurement (least squares over all repeats at all intervals), so a
 * recommendation rests on the whole curve, never on the single noisiest point. It is a pure function
 * of its observations; bootstrap.ts refits it on resampled observations for confidence intervals.
 */

/** One failure-free run at interval K, paired with the "off" run of the same repeat. */
export interface RatioObservation {
  interval: number;
  repeat: number;
  /** Batch time at K ÷ batch time off (same repeat, same batch size). */
  multiplier: number;
}

/** One kill-and-recover trial that really killed. */
export interface RecoveryObservation {
  interval: number;
  repeat: number;
  /** Restart to caught up, minus the replay itself: process start, load state, read the log. */
  restartMs: number;
  replayedBatches: number;
  replayMs: number;
  /** The run had the base length (not lengthened for a large interval). */
  baseLength: boolean;
}

export interface CostModelInput {
  /** Steady ms per batch with checkpointing off (median over the repeats). */
  batchMsOff: number;
  ratios: readonly RatioObservation[];
  recoveries: readonly RecoveryObservation[];
  /** Measured write time of one state checkpoint (median): used for β only when one interval was measured. */
  checkpointWriteMs: number | null;
  /** Time of these records at this batch size ÷ the same records at the base batch size (1 for the base). */
  timeScale: number;
}

export interface CostModel {
  batchMsOff: number;
  alpha: number;
  beta: number;
  restartMs: number;
  replayMsPerBatch: number;
  timeScale: number;
}

export function fitCostModel(input: CostModelInput): CostModel {
  const { alpha, beta } = fitMultiplier(input.ratios, input.checkpointWriteMs, input.batchMsOff);
  const killed = input.recoveries;
  // Restart time grows with the input a run was given (more to load at start), and runs at large
  // intervals are lengthened only so they hold two checkpoints: the restart a job pays is the one
  // measured on runs of the base length, where there are any.
  const base = killed.filter((t) => t.baseLength);
  const restarts = (base.length ? base : killed).map((t) => Math.max(0, t.restartMs));
  const restartMs = restarts.length ? mean(restarts) : 0;
  const replayed = killed.reduce((s, t) => s + t.replayedBatches, 0);
  const replayMs = killed.reduce((s, t) => s + t.replayMs, 0);
  // Without a measured replay a replayed batch costs what a batch costs with checkpointing on.
  const replayMsPerBatch = replayed > 0 && replayMs > 0 ? replayMs / replayed : input.batchMsOff * alpha;
  return { batchMsOff: input.batchMsOff, alpha, beta, restartMs, replayMsPerBatch, timeScale: input.timeScale };
}

/** Least squares of the multiplier against 1/K; one interval alone fixes β from the measured write time. */
function fitMultiplier(ratios: readonly RatioObservation[], writeMs: number | null, batchMsOff: number): { alpha: number; beta: number } {
  if (!ratios.length) return { alpha: 1, beta: 0 };
  const xs = ratios.map((r) => 1 / r.interval);
  const ys = ratios.map((r) => r.multiplier);
  const mx = mean(xs);
  const my = mean(ys);
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  if (sxx > 0) {
    const beta = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / sxx;
    return { alpha: my - beta * mx, beta };
  }
  const beta = writeMs !== null && batchMsOff > 0 ? writeMs / batchMsOff : 0;
  return { alpha: my - beta * mx, beta };
}

export function multiplierAt(m: CostModel, k: number): number {
  return m.alpha + m.beta / k;
}

export function perFailureAt(m: CostModel, k: number): number {
  return m.restartMs + (m.replayMsPerBatch * k) / 2;
}

/** Expected wall time for `workMs` of reference work at interval K; Infinity when a failure costs the whole MTBF. */
export function expectedTotalAt(m: CostModel, k: number, mtbfMs: number, workMs: number): number {
  const loss = perFailureAt(m, k) / mtbfMs;
  return loss >= 1 ? Infinity : (workMs * m.timeScale * multiplierAt(m, k)) / (1 - loss);
}

/**
 * The whole-batch interval with the lowest expected time, searched from 1 to `maxInterval` (every
 * whole number to 64, then 2 % steps: the curve is flat near its bottom, so finer steps change nothing).
 */
export function fittedOptimum(m: CostModel, mtbfMs: number, workMs: number, maxInterval = 100_000): number {
  let best = 1;
  let bestT = expectedTotalAt(m, 1, mtbfMs, workMs);
  for (let k = 2; k <= maxInterval; k = k < 64 ? k + 1 : Math.ceil(k * 1.02)) {
    const t = expectedTotalAt(m, k, mtbfMs, workMs);
    if (t < bestT) {
      best = k;
      bestT = t;
    }
  }
  return best;
}

/** The share of the overhead at K that is per-batch cost (no interval removes it); null without overhead. */
export function perBatchShareAt(m: CostModel, k: number): number | null {
  const perBatch = m.alpha - 1;
  const perCheckpoint = m.beta / k;
  if (!(perBatch > 0) || !(perCheckpoint > 0)) return perBatch > 0 ? 1 : null;
  return perBatch / (perBatch + perCheckpoint);
}

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}
