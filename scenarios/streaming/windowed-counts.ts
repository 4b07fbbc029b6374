/**
 * windowed-counts — event-time sliding windows (10 s, sliding 5 s) per sensor with a watermark.
 *
 * Input: sensor readings with event-time disorder up to `disorderMs` and a `lateFraction` of
 * records lagging 5–25 s behind. The watermark of batch N is max(event time seen before N) minus
 * `disorderMs` (logged in offsets/N); a record is dropped from each of its windows whose end is
 * <= that watermark (Spark's per-window rule) and counted once per dropped window (`late.dropped`).
 * Output rows (Append mode, final): `{ batchId, sensor, windowStart, windowEnd, count }`, one per
 * window and sensor, emitted once when the watermark passes the window's end; the job asks for the
 * windows still open at the end of the bounded input too (`flushAtEnd`, which Spark does not do).
 * Counts are deterministic because batch boundaries are.
 */
import { windowCount } from '../../engine/streaming/operators.js';
import { rng, randInt, skewedInt } from '../../engine/streaming/random.js';
import type { InputEvent } from '../../engine/sources/partitioned-log.js';
import { eventTimeOf } from './event-time.js';
import type { StreamingScenario } from './types.js';

export const WINDOW_SIZE_MS = 10_000;
export const WINDOW_SLIDE_MS = 5_000;

export const windowedCounts: StreamingScenario = {
  name: 'windowed-counts',
  kind: 'streaming',
  description: 'sliding event-time windows (10s/5s) counting readings per sensor, watermark drops late data',
  defaults: { keys: 8, disorderMs: 2000, lateFraction: 0.05, growthBatches: 4 },
  generate(seed, size, knobs): InputEvent[] {
    const next = rng(seed);
    const out: InputEvent[] = new Array(size);
    for (let i = 0; i < size; i++) {
      const sensor = skewedInt(next, Math.max(1, knobs.keys));
      out[i] = { key: `sensor-${sensor}`, value: { reading: randInt(next, 1000) }, eventTimeMs: eventTimeOf(i, next, knobs) };
    }
    return out;
  },
  buildQuery(_seed, knobs) {
    return {
      stages: [windowCount('windows', { sizeMs: WINDOW_SIZE_MS, slideMs: WINDOW_SLIDE_MS }, { flushAtEnd: true })],
      watermarkDelayMs: knobs.disorderMs,
      toRow: (e, batchId) => ({ batchId, sensor: e.key, ...(e.value as { windowStart: number; windowEnd: number; count: number }) }),
    };
  },
};
