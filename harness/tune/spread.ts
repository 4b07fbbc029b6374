/** The spread of repeated measurements of one point: median, min, max — never one noisy number. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many samples. */
  n: number;
}

export function spreadOf(samples: readonly number[]): Spread | null {
  const xs = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  const median = xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  return { median, min: xs[0]!, max: xs[xs.length - 1]!, n: xs.length };
}

export function median(samples: readonly number[]): number | null {
  return spreadOf(samples)?.median ?? null;
}
