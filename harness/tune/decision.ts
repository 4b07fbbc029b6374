/**
 * Whether the measurements can tell the best candidate interval from the runner-up: the question
 * `chaos tune` keeps measuring until it can answer (or its budget is spent). Three answers:
 *
 * - separated:  in 95 % of the resamples the runner-up is slower — the pick is the best.
 * - equivalent: the difference lies within ±EQUIVALENCE_PCT with 95 % confidence — either will do,
 *               and no amount of further measuring would make the choice matter.
 * - undecided:  neither; the pick is the best guess, and the report must say it is only that.
 *
 * A candidate measured once has no spread a resample could show, so with fewer than
 * MIN_OBSERVATIONS runs at either of the two the answer is always "undecided".
 */
import { estimate, type Estimate } from './bootstrap.js';

/** Differences in expected time smaller than this (percent) do not matter to anyone running a job. */
export const EQUIVALENCE_PCT = 1;

/** Runs a candidate needs before the resamples can say anything about its spread. */
export const MIN_OBSERVATIONS = 2;

export type Separation = 'separated' | 'equivalent' | 'undecided' | 'single';

export interface Decision {
  status: Separation;
  /** The candidate with the lowest fitted expected time. */
  best: number;
  /** The candidate with the second lowest; null when only one interval was measured. */
  runnerUp: number | null;
  /**
   * Set when the pick is the largest (or smallest) interval measured and a prediction (Young, Daly,
   * the fitted optimum) lies beyond it: being best among the measured ones says nothing about the
   * unmeasured side, so such a pick is never 'separated'.
   */
  edge?: 'above' | 'below';
  /** (T(runner-up) − T(best)) / T(best) in percent, fitted, with its 95 % interval over the resamples. */
  differencePct: Estimate | null;
  /** Runs behind the thinner of the two (best, runner-up). */
  runs: number;
  /** Share of the resamples in which `best` had the lowest expected time of all candidates (0..1). */
  pickShare: number;
}

/**
 * `point` maps each candidate interval to its fitted expected time; `replicates` holds the same map
 * refitted on each resample; `observations` how many runs each candidate has.
 */
export function decide(
  point: ReadonlyMap<number, number>,
  replicates: readonly ReadonlyMap<number, number>[],
  observations: ReadonlyMap<number, number>,
): Decision {
  const ranked = [...point.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  if (!ranked.length) throw new Error('decide: no candidates');
  const best = ranked[0]![0];
  const argmin = (m: ReadonlyMap<number, number>) => [...m.entries()].reduce((a, b) => (b[1] < a[1] ? b : a))[0];
  const pickShare = replicates.length ? replicates.filter((r) => argmin(r) === best).length / replicates.length : 1;
  if (ranked.length === 1) return { status: 'single', best, runnerUp: null, differencePct: null, runs: observations.get(best) ?? 0, pickShare };
  const runnerUp = ranked[1]![0];
  const diff = (m: ReadonlyMap<number, number>) => {
    const a = m.get(best)!;
    const b = m.get(runnerUp)!;
    if (!Number.isFinite(a)) return Number.isFinite(b) ? -Infinity : NaN;
    return (100 * (b - a)) / a;
  };
  const differencePct = estimate(diff(point), replicates.map(diff));
  const runs = Math.min(observations.get(best) ?? 0, observations.get(runnerUp) ?? 0);
  const enough = runs >= MIN_OBSERVATIONS;
  const status: Separation = !enough
    ? 'undecided'
    : differencePct.lo > -EQUIVALENCE_PCT && differencePct.hi < EQUIVALENCE_PCT
      ? 'equivalent'
      : differencePct.lo > 0
        ? 'separated'
        : 'undecided';
  return { status, best, runnerUp, differencePct, runs, pickShare };
}

export interface ConfidenceMark {
  /** For Markdown (GitHub renders emoji). */
  icon: string;
  /** For HTML and terminals: a plain Unicode sign any text font has. */
  glyph: string;
  label: string;
  cls: 'ok' | 'info' | 'warn' | 'fail';
}

/** The mark in front of a verdict: a green tick only where the data separate the pick from the runner-up. */
export function markOf(findings: boolean, status: Separation | 'none'): ConfidenceMark {
  if (findings) return { icon: '❌', glyph: '✗', label: 'correctness finding', cls: 'fail' };
  switch (status) {
    case 'separated':
      return { icon: '✅', glyph: '✓', label: 'separated from the runner-up', cls: 'ok' };
    case 'equivalent':
      return { icon: '≈', glyph: '≈', label: `equivalent to the runner-up (within ${EQUIVALENCE_PCT} %)`, cls: 'info' };
    case 'single':
      return { icon: 'ℹ️', glyph: 'i', label: 'only one interval measured', cls: 'info' };
    default:
      return { icon: '⚠️', glyph: '⚠', label: 'not separated: the data cannot tell the pick from its neighbour', cls: 'warn' };
  }
}
