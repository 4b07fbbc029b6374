/**
 * Confidence intervals by the bootstrap: refit the cost model on observations drawn with replacement
 * from the measured ones, many times, and read the spread of whatever is derived from the fit
 * (expected times, the optimum, the difference between two candidates). Resampling is stratified —
 * within each interval (and batch size) — so every resample measures the same points as the run did.
 * Seeded, so the same measurements always give the same intervals.
 */
import { mulberry32 } from '../../engine/index.js';

/** How many resamples: enough for stable 2.5 / 97.5 % percentiles of smooth statistics. */
export const RESAMPLES = 1000;
/** Two-sided 95 % intervals. */
export const CONFIDENCE = 0.95;

export type Rng = () => number;

export function seededRng(seed: number): Rng {
  return mulberry32(seed ^ 0x5bd1e995);
}

/** One resample: within each stratum, as many items as it has, drawn with replacement. */
export function resampleStrata<T>(items: readonly T[], stratumOf: (item: T) => string | number, rng: Rng): T[] {
  const strata = new Map<string | number, T[]>();
  for (const item of items) {
    const key = stratumOf(item);
    const list = strata.get(key) ?? [];
    list.push(item);
    strata.set(key, list);
  }
  const out: T[] = [];
  for (const list of strata.values()) {
    for (let i = 0; i < list.length; i++) out.push(list[Math.floor(rng() * list.length)]!);
  }
  return out;
}

/** The value at quantile q (0..1) of the samples, linearly interpolated; NaN for none. */
export function quantile(samples: readonly number[], q: number): number {
  const xs = samples.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (!xs.length) return NaN;
  const at = (xs.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const a = xs[lo]!;
  const b = xs[hi]!;
  if (lo === hi || a === b) return a;
  return a + (b - a) * (at - lo);
}

/** A fitted figure with its 95 % percentile interval over the resamples. */
export interface Estimate {
  value: number;
  lo: number;
  hi: number;
}

export function estimate(value: number, samples: readonly number[]): Estimate {
  const tail = (1 - CONFIDENCE) / 2;
  return { value, lo: quantile(samples, tail), hi: quantile(samples, 1 - tail) };
}
