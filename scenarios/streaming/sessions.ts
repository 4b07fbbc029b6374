/**
 * sessions — click sessions per user from a feed that delivers some clicks twice.
 *
 * Input: clicks `{ clickId, page }` of `keys` users (skewed), event times with disorder up to
 * `disorderMs` and a `lateFraction` lagging 5–25 s; about 1 in 5 arrivals re-delivers one of the
 * last 40 clicks (same clickId, same event time: an at-least-once upstream).
 * Query: dropDuplicates(clickId + event time) with the watermark (delay `disorderMs`), then session
 * windows per user with a 3 s gap, Append mode: a session is emitted once, when the watermark passes
 * its end; sessions still open when the bounded input ends are not emitted (as in Spark).
 * Late data: a click with event time <= the watermark is dropped by dropDuplicates; a click whose
 * own session [t, t + 3 s) ends at or before the watermark is dropped by the session window.
 * Output rows: `{ batchId, user, sessionStart, sessionEnd, count }` (count = distinct clicks).
 */
import { defineStreamingJob, dropDuplicates, rng, randInt, sessionWindowCount, skewedInt, type InputEvent, type Row } from '../../engine/job/index.js';
import { eventTimeOf } from './event-time.js';

export const SESSION_GAP_MS = 3_000;
/** How many recent clicks a re-delivery picks from, and how often one happens. */
export const REDELIVERY_WINDOW = 40;
export const REDELIVERY_RATE = 0.2;

type Interval = { start: number; end: number; count: number };

/** Union of intervals that overlap or touch, as sorted components with their click counts (the model's own sessions). */
function components(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) {
      last.end = Math.max(last.end, i.end);
      last.count += i.count;
    } else {
      out.push({ ...i });
    }
  }
  return out;
}

export const sessions = defineStreamingJob({
  name: 'sessions',
  description: 'clicks delivered at least once, deduplicated with a watermark (dropDuplicates), counted in 3s-gap session windows per user',
  defaults: { keys: 20, disorderMs: 1500, lateFraction: 0.03, growthBatches: 3 },
  *generate(seed, size, knobs): Iterable<InputEvent> {
    const next = rng(seed);
    const recent: InputEvent[] = [];
    let clicks = 0;
    for (let i = 0; i < size; i++) {
      if (recent.length > 0 && next() < REDELIVERY_RATE) {
        yield recent[randInt(next, recent.length)]!;
        continue;
      }
      const user = skewedInt(next, Math.max(1, knobs.keys));
      // Users click in bursts: the event time advances with arrivals, so gaps appear per user.
      const e: InputEvent = { key: `user-${user}`, value: { clickId: `c${clicks++}`, page: randInt(next, 50) }, eventTimeMs: eventTimeOf(i, next, knobs) };
      recent.push(e);
      if (recent.length > REDELIVERY_WINDOW) recent.shift();
      yield e;
    }
  },
  buildQuery(_seed, knobs) {
    return {
      stages: [
        dropDuplicates('dedup', { idOf: (e) => (e.value as { clickId: string }).clickId, describeId: 'clickId' }),
        sessionWindowCount('sessions', SESSION_GAP_MS),
      ],
      watermarkDelayMs: knobs.disorderMs,
      toRow: (e, batchId) => ({ batchId, user: e.key, ...(e.value as { sessionStart: number; sessionEnd: number; count: number }) }),
    };
  },
  /**
   * Written from the documented rules, not from the engine's operators:
   * - a click passes when its event time is after the batch's watermark (watermark 0 = none yet)
   *   and its (clickId, event time) never passed before;
   * - a passing click is late for the session window when t + gap <= watermark;
   * - per user, the open sessions are the connected components of the intervals [t, t + gap) of the
   *   clicks kept since the user's last emitted session, where intervals that overlap or touch
   *   connect; a component whose end <= the batch's watermark is emitted in that batch and forgotten;
   * - nothing is flushed at the end of the input.
   */
  model: {
    outputMode: 'append',
    perKeyOrder: false,
    watermarkDelayMs: (knobs) => knobs.disorderMs,
    shape: { key: (r) => `${String(r['user'])}@${String(r['sessionStart'])}`, seq: (r) => Number(r['batchId']), value: (r) => [r['sessionEnd'], r['count']] },
    expected({ batches }) {
      const seen = new Set<string>();
      const open = new Map<string, Interval[]>();
      const rows: Row[] = [];
      for (const b of batches) {
        const wm = b.watermarkMs;
        const isLate = (t: number) => wm > 0 && t <= wm;
        for (const r of b.records) {
          const id = `${(r.value as { clickId: string }).clickId}@${r.eventTimeMs}`;
          if (isLate(r.eventTimeMs) || seen.has(id)) continue;
          seen.add(id);
          if (isLate(r.eventTimeMs + SESSION_GAP_MS)) continue;
          open.set(r.key, [...(open.get(r.key) ?? []), { start: r.eventTimeMs, end: r.eventTimeMs + SESSION_GAP_MS, count: 1 }]);
        }
        for (const [user, intervals] of open) {
          const kept: Interval[] = [];
          for (const c of components(intervals)) {
            if (isLate(c.end)) rows.push({ batchId: b.batchId, user, sessionStart: c.start, sessionEnd: c.end, count: c.count });
            else kept.push(c);
          }
          if (kept.length === 0) open.delete(user);
          else open.set(user, kept);
        }
      }
      return rows;
    },
  },
});

export default sessions;
