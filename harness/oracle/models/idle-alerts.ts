/**
 * idle-alerts: written from the job's documented rules. Per batch (watermark w; 0 = none yet):
 * payments with t <= w are dropped; each account with payments adds them (count, total, newest
 * time), gets a `limit` alert when its total first reaches 1000 and an idle deadline newest + 4 s;
 * then every account without payments in the batch whose deadline is < w gets an `idle` alert and
 * is forgotten.
 */
import type { ScenarioModel } from './model.js';
import { scenarioInput } from './input.js';
import { microBatches } from './micro-batches.js';

const IDLE = 4_000;
const LIMIT = 1_000;

export const idleAlertsModel: ScenarioModel = {
  scenario: 'idle-alerts',
  outputMode: 'append',
  perKeyOrder: false,
  shape: { key: (r) => `${String(r['account'])}/${String(r['alert'])}@${String(r['batchId'])}`, seq: (r) => Number(r['batchId']), value: (r) => [r['count'], r['total'], r['last']] },
  expected(spec) {
    const { records, knobs } = scenarioInput(spec);
    const accounts = new Map<string, { count: number; total: number; last: number; deadline: number }>();
    const rows: string[] = [];
    const batches = microBatches(records, { partitions: spec.config.partitions, maxBatchRecords: spec.config.maxBatchRecords, growthBatches: knobs.growthBatches, watermarkDelayMs: knobs.disorderMs });
    for (const b of batches) {
      const wm = b.watermarkMs;
      const active = new Set<string>();
      for (const r of b.records) {
        if (wm > 0 && r.eventTimeMs <= wm) continue;
        const a = accounts.get(r.key) ?? { count: 0, total: 0, last: 0, deadline: 0 };
        const before = a.total;
        a.count++;
        a.total += (r.value as { amount: number }).amount;
        a.last = Math.max(a.last, r.eventTimeMs);
        a.deadline = a.last + IDLE;
        accounts.set(r.key, a);
        if (!active.has(r.key)) active.add(r.key);
        (a as { before?: number }).before ??= before;
      }
      for (const key of active) {
        const a = accounts.get(key)! as { count: number; total: number; last: number; before?: number };
        if (a.before! < LIMIT && a.total >= LIMIT) rows.push(JSON.stringify({ batchId: b.batchId, account: key, alert: 'limit', count: a.count, total: a.total, last: a.last }));
        delete a.before;
      }
      if (wm > 0) {
        for (const [key, a] of [...accounts]) {
          if (active.has(key) || !(a.deadline < wm)) continue;
          rows.push(JSON.stringify({ batchId: b.batchId, account: key, alert: 'idle', count: a.count, total: a.total, last: a.last }));
          accounts.delete(key);
        }
      }
    }
    return rows;
  },
};
