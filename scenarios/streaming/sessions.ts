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
import { dropDuplicates, sessionWindowCount } from '../../engine/streaming/operators.js';
import { rng, randInt, skewedInt } from '../../engine/streaming/random.js';
import type { InputEvent } from '../../engine/sources/partitioned-log.js';
import { eventTimeOf } from './event-time.js';
import type { StreamingScenario } from './types.js';

export const SESSION_GAP_MS = 3_000;
/** How many recent clicks a re-delivery picks from, and how often one happens. */
export const REDELIVERY_WINDOW = 40;
export const REDELIVERY_RATE = 0.2;

export const sessions: StreamingScenario = {
  name: 'sessions',
  kind: 'streaming',
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
};
