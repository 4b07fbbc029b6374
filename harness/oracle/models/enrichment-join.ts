/**
 * enrichment-join: purchases inner-joined with the static users table (users numbered ...7 are
 * unknown; the others get region and tier from a hash of `seed:user-N`), running events and
 * amount per region/tier, one row per region/tier a batch touched.
 */
import type { ScenarioModel } from './model.js';
import { scenarioInput } from './input.js';
import { fnv1a, microBatches } from './micro-batches.js';

const REGIONS = ['eu', 'us', 'apac'];
const TIERS = ['free', 'pro'];

function userOf(seed: number, key: string): { region: string; tier: string } | undefined {
  const m = /^user-(\d+)$/.exec(key);
  if (!m || Number(m[1]) % 10 === 7) return undefined;
  const h = fnv1a(`${seed}:${key}`);
  return { region: REGIONS[h % REGIONS.length]!, tier: TIERS[(h >>> 8) % TIERS.length]! };
}

export const enrichmentJoinModel: ScenarioModel = {
  scenario: 'enrichment-join',
  outputMode: 'update',
  perKeyOrder: true,
  shape: { key: (r) => `${String(r['region'])}/${String(r['tier'])}`, seq: (r) => Number(r['batchId']), value: (r) => [r['events'], r['amount']] },
  expected(spec) {
    const { records, knobs } = scenarioInput(spec);
    const users = Math.max(1, knobs.keys);
    const totals = new Map<string, { region: string; tier: string; events: number; amount: number }>();
    const rows: string[] = [];
    for (const b of microBatches(records, { partitions: spec.config.partitions, maxBatchRecords: spec.config.maxBatchRecords, growthBatches: knobs.growthBatches })) {
      const touched = new Set<string>();
      for (const r of b.records) {
        const u = Number(/^user-(\d+)$/.exec(r.key)?.[1] ?? -1);
        const user = u >= 0 && u < users ? userOf(spec.seed, r.key) : undefined;
        if (!user) continue;
        const k = `${user.region}/${user.tier}`;
        const t = totals.get(k) ?? { ...user, events: 0, amount: 0 };
        t.events++;
        t.amount += (r.value as { amount: number }).amount;
        totals.set(k, t);
        touched.add(k);
      }
      for (const k of touched) {
        const t = totals.get(k)!;
        rows.push(JSON.stringify({ batchId: b.batchId, region: t.region, tier: t.tier, events: t.events, amount: t.amount }));
      }
    }
    return rows;
  },
};
