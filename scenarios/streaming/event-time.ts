/**
 * Event times for generated input: arrival i is "produced" at i * STEP_MS, shows up to
 * `disorderMs` earlier (out of order), and a `lateFraction` of records lag far behind (late data).
 */
import type { InputKnobs } from '../../engine/job/index.js';

export const STEP_MS = 100;
/** How far behind the late records lag, beyond the disorder: [LATE_MIN_MS, LATE_MIN_MS + LATE_SPREAD_MS). */
export const LATE_MIN_MS = 5_000;
export const LATE_SPREAD_MS = 20_000;

export function eventTimeOf(i: number, next: () => number, knobs: InputKnobs): number {
  const produced = i * STEP_MS;
  const late = knobs.lateFraction > 0 && next() < knobs.lateFraction;
  const lag = late ? knobs.disorderMs + LATE_MIN_MS + Math.floor(next() * LATE_SPREAD_MS) : Math.floor(next() * (knobs.disorderMs + 1));
  return Math.max(0, produced - lag);
}
