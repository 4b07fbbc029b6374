/**
 * windowed-counts: sliding 10 s / 5 s event-time windows [start, start + 10 s) per sensor. A record
 * counts in each of its windows whose end is after its batch's watermark (Spark judges late data per
 * window; watermark 0 = none yet); a window is emitted once, with its final count, in the first
 * batch whose watermark reaches its end, or in the last batch (the job asks for a final flush).
 */
import type { ScenarioModel } from './model.js';
import { scenarioInput } from './input.js';
import { microBatches } from './micro-batches.js';

const SIZE = 10_000;
const SLIDE = 5_000;

export const windowedCountsModel: ScenarioModel = {
  scenario: 'windowed-counts',
  perKeyOrder: false,
  shape: { key: (r) => `${String(r['sensor'])}@${String(r['windowStart'])}`, seq: (r) => Number(r['batchId']), value: (r) => r['count'] },
  expected(spec) {
    const { records, knobs } = scenarioInput(spec);
    const open = new Map<string, { sensor: string; start: number; count: number }>();
    const rows: string[] = [];
    const batches = microBatches(records, {
      partitions: spec.config.partitions,
      maxBatchRecords: spec.config.maxBatchRecords,
      growthBatches: knobs.growthBatches,
      watermarkDelayMs: knobs.disorderMs,
    });
    for (const b of batches) {
      for (const r of b.records) {
        // every window [start, start + SIZE) with start a multiple of SLIDE that contains t
        for (let start = Math.floor(r.eventTimeMs / SLIDE) * SLIDE; start > r.eventTimeMs - SIZE; start -= SLIDE) {
          if (b.watermarkMs > 0 && start + SIZE <= b.watermarkMs) continue; // this window is closed: late for it
          const id = `${start}|${r.key}`;
          const w = open.get(id) ?? { sensor: r.key, start, count: 0 };
          w.count++;
          open.set(id, w);
        }
      }
      for (const [id, w] of open) {
        if (b.endOfInput || w.start + SIZE <= b.watermarkMs) {
          rows.push(JSON.stringify({ batchId: b.batchId, sensor: w.sensor, windowStart: w.start, windowEnd: w.start + SIZE, count: w.count }));
          open.delete(id);
        }
      }
    }
    return rows;
  },
};
