/**
 * Which intervals to measure and how long each run must be. The measured range must bracket the
 * predicted optimum (Young, Daly and the fitted one), or the report could only extrapolate to it;
 * intervals are added on the 1-2-5 grid until it does. Each run must hold at least two state
 * checkpoints and a steady stretch, so a run at a large interval is longer than the base run.
 */

/** The 1-2-5 grid: 1, 2, 5, 10, 20, 50, … */
export function gridAbove(x: number): number {
  let decade = 1;
  while (decade * 10 <= x) decade *= 10;
  for (const step of [1, 2, 5, 10]) if (step * decade > x) return step * decade;
  return 10 * decade;
}

export function gridBelow(x: number): number {
  if (x <= 1) return 1;
  let decade = 1;
  while (decade * 10 < x) decade *= 10;
  for (const step of [5, 2, 1]) if (step * decade < x) return step * decade;
  return Math.max(1, decade / 2);
}

/** Batches a run needs at interval K: two checkpoints and then some; at least 8 for a steady window. */
export function batchesNeeded(interval: number): number {
  return Math.max(8, 2 * interval + 2);
}

/** Records of one run at interval K (0 = off): the requested size, or more when K needs more batches. */
export function recordsPerRun(size: number, batchRecords: number, interval: number): number {
  return Math.max(size, batchRecords * batchesNeeded(interval));
}

export interface BracketPlan {
  /** Intervals to add, ascending. */
  add: number[];
  /** Targets that no interval can bracket, with why. */
  unreachable: string[];
}

/**
 * Intervals to add so that min(measured) ≤ target ≤ max(measured) for every target. A target below
 * one batch cannot be bracketed from below: checkpointing every batch is as often as it gets.
 */
export function bracket(measured: readonly number[], targets: readonly { name: string; batches: number }[], maxInterval: number): BracketPlan {
  const grid = new Set(measured);
  const unreachable: string[] = [];
  for (const t of targets) {
    if (!Number.isFinite(t.batches) || t.batches <= 0) continue;
    while (Math.max(...grid) < t.batches) {
      const next = gridAbove(Math.max(...grid));
      if (next > maxInterval) {
        unreachable.push(`${t.name} (${t.batches.toFixed(1)} batches) lies beyond the largest interval a tune run measures (${maxInterval})`);
        break;
      }
      grid.add(next);
    }
    if (t.batches < 1) {
      unreachable.push(`${t.name} (${t.batches.toFixed(2)} batches) is below one batch: no interval is shorter than checkpointing every batch, so measure 1 and checkpoint every batch`);
      grid.add(1);
      continue;
    }
    while (Math.min(...grid) > t.batches) grid.add(gridBelow(Math.min(...grid)));
  }
  return { add: [...grid].filter((k) => !measured.includes(k)).sort((a, b) => a - b), unreachable };
}
