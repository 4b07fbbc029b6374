/**
 * sessions: written from the documented rules, not from the engine's code.
 * - A click passes when its event time is after the batch's watermark (watermark 0 = none yet) and
 *   its (clickId, event time) never passed before.
 * - A passing click is late for the session window when t + gap <= watermark.
 * - Per user, the open sessions are the connected components of the intervals [t, t + gap) of the
 *   clicks kept since the user's last emitted session, where intervals that overlap or touch
 *   connect; a component whose end <= the batch's watermark is emitted in that batch and forgotten.
 * - Nothing is flushed at the end of the input.
 */
import type { ScenarioModel } from './model.js';
import { scenarioInput } from './input.js';
import { microBatches } from './micro-batches.js';

const GAP = 3_000;

type Interval = { start: number; end: number; count: number };

/** Union of intervals that overlap or touch, as sorted components with their click counts. */
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

export const sessionsModel: ScenarioModel = {
  scenario: 'sessions',
  outputMode: 'append',
  perKeyOrder: false,
  shape: { key: (r) => `${String(r['user'])}@${String(r['sessionStart'])}`, seq: (r) => Number(r['batchId']), value: (r) => [r['sessionEnd'], r['count']] },
  expected(spec) {
    const { records, knobs } = scenarioInput(spec);
    const seen = new Set<string>();
    const open = new Map<string, Interval[]>();
    const rows: string[] = [];
    const batches = microBatches(records, { partitions: spec.config.partitions, maxBatchRecords: spec.config.maxBatchRecords, growthBatches: knobs.growthBatches, watermarkDelayMs: knobs.disorderMs });
    for (const b of batches) {
      const wm = b.watermarkMs;
      const isLate = (t: number) => wm > 0 && t <= wm;
      for (const r of b.records) {
        const id = `${(r.value as { clickId: string }).clickId}@${r.eventTimeMs}`;
        if (isLate(r.eventTimeMs) || seen.has(id)) continue;
        seen.add(id);
        if (isLate(r.eventTimeMs + GAP)) continue;
        open.set(r.key, [...(open.get(r.key) ?? []), { start: r.eventTimeMs, end: r.eventTimeMs + GAP, count: 1 }]);
      }
      for (const [user, intervals] of open) {
        const kept: Interval[] = [];
        for (const c of components(intervals)) {
          if (isLate(c.end)) rows.push(JSON.stringify({ batchId: b.batchId, user, sessionStart: c.start, sessionEnd: c.end, count: c.count }));
          else kept.push(c);
        }
        if (kept.length === 0) open.delete(user);
        else open.set(user, kept);
      }
    }
    return rows;
  },
};
