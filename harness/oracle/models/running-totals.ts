/** running-totals: nonzero amounts; running total, count and max per account, one row per account a batch touched. */
import type { ScenarioModel } from './model.js';
import { scenarioInput } from './input.js';
import { microBatches } from './micro-batches.js';

export const runningTotalsModel: ScenarioModel = {
  scenario: 'running-totals',
  outputMode: 'update',
  perKeyOrder: true,
  shape: { key: (r) => String(r['account']), seq: (r) => Number(r['batchId']), value: (r) => [r['total'], r['count'], r['max']] },
  expected(spec) {
    const { records, knobs } = scenarioInput(spec);
    const acc = new Map<string, { total: number; count: number; max: number }>();
    const rows: string[] = [];
    for (const b of microBatches(records, { partitions: spec.config.partitions, maxBatchRecords: spec.config.maxBatchRecords, growthBatches: knobs.growthBatches })) {
      const touched = new Set<string>();
      for (const r of b.records) {
        const amount = (r.value as { amount: number }).amount;
        if (amount === 0) continue;
        const s = acc.get(r.key) ?? { total: 0, count: 0, max: -Infinity };
        acc.set(r.key, { total: s.total + amount, count: s.count + 1, max: Math.max(s.max, amount) });
        touched.add(r.key);
      }
      for (const k of touched) {
        const s = acc.get(k)!;
        rows.push(JSON.stringify({ batchId: b.batchId, account: k, total: s.total, count: s.count, max: s.max }));
      }
    }
    return rows;
  },
};
