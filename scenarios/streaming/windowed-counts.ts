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
import { defineStreamingJob, rng, randInt, skewedInt, windowCount, type InputEvent, type Row } from '../../engine/job/index.js';
import { eventTimeOf } from './event-time.js';

export const WINDOW_SIZE_MS = 10_000;
export const WINDOW_SLIDE_MS = 5_000;

export const windowedCounts = defineStreamingJob({
  name: 'windowed-counts',
  description: 'sliding event-time windows (10s/5s) counting readings per sensor, watermark drops late data',
  defaults: { keys: 8, disorderMs: 2000, lateFraction: 0.05, growthBatches: 4 },
  *generate(seed, size, knobs): Iterable<InputEvent> {
    const next = rng(seed);
    for (let i = 0; i < size; i++) {
      const sensor = skewedInt(next, Math.max(1, knobs.keys));
      yield { key: `sensor-${sensor}`, value: { reading: randInt(next, 1000) }, eventTimeMs: eventTimeOf(i, next, knobs) };
    }
  },
  buildQuery(_seed, knobs) {
    return {
      stages: [windowCount('windows', { sizeMs: WINDOW_SIZE_MS, slideMs: WINDOW_SLIDE_MS }, { flushAtEnd: true })],
      watermarkDelayMs: knobs.disorderMs,
      toRow: (e, batchId) => ({ batchId, sensor: e.key, ...(e.value as { windowStart: number; windowEnd: number; count: number }) }),
    };
  },
  /**
   * Plain loops: a record counts in each of its windows whose end is after its batch's watermark
   * (Spark judges late data per window; watermark 0 = none yet); a window is emitted once, with its
   * final count, in the first batch whose watermark reaches its end, or in the last batch (flushAtEnd).
   */
  model: {
    outputMode: 'append',
    perKeyOrder: false,
    watermarkDelayMs: (knobs) => knobs.disorderMs,
    shape: { key: (r) => `${String(r['sensor'])}@${String(r['windowStart'])}`, seq: (r) => Number(r['batchId']), value: (r) => r['count'] },
    expected({ batches }) {
      const open = new Map<string, { sensor: string; start: number; count: number }>();
      const rows: Row[] = [];
      for (const b of batches) {
        for (const r of b.records) {
          // every window [start, start + SIZE) with start a multiple of SLIDE that contains t
          for (let start = Math.floor(r.eventTimeMs / WINDOW_SLIDE_MS) * WINDOW_SLIDE_MS; start > r.eventTimeMs - WINDOW_SIZE_MS; start -= WINDOW_SLIDE_MS) {
            if (b.watermarkMs > 0 && start + WINDOW_SIZE_MS <= b.watermarkMs) continue; // this window is closed: late for it
            const id = `${start}|${r.key}`;
            const w = open.get(id) ?? { sensor: r.key, start, count: 0 };
            w.count++;
            open.set(id, w);
          }
        }
        for (const [id, w] of open) {
          if (b.endOfInput || w.start + WINDOW_SIZE_MS <= b.watermarkMs) {
            rows.push({ batchId: b.batchId, sensor: w.sensor, windowStart: w.start, windowEnd: w.start + WINDOW_SIZE_MS, count: w.count });
            open.delete(id);
          }
        }
      }
      return rows;
    },
  },
});

export default windowedCounts;
