/**
 * enrichment-join — purchase events joined with a static users table, then totals per region and tier.
 *
 * Input: `{ eventId, amount }` per user (`keys` users, skewed). The static side is a users table
 * computed from the seed as a dataset on the batch engine (parallelize -> filter -> map -> collect,
 * in-process): every user whose number ends in 7 is unknown (inner join drops its events); the
 * others have a region (eu|us|apac) and a tier (free|pro).
 * Output rows (Update mode, one per region/tier the batch touched):
 * `{ batchId, region, tier, events, amount }` — running number of joined events and their amount sum
 * through batch `batchId`. Final state = each region/tier's row with the highest batchId.
 */
import { BatchContext, defineStreamingJob, hashString, rng, randInt, runningAggregate, skewedInt, staticJoin, type InputEvent, type JsonValue, type Row } from '../../engine/job/index.js';
import { eventTimeOf } from './event-time.js';

const REGIONS = ['eu', 'us', 'apac'];
const TIERS = ['free', 'pro'];

type User = { region: string; tier: string };
type Totals = { events: number; amount: number };

function userProfile(seed: number, u: number): User {
  const h = hashString(`${seed}:user-${u}`);
  return { region: REGIONS[h % REGIONS.length]!, tier: TIERS[(h >>> 8) % TIERS.length]! };
}

/** The static dataset: user key -> { region, tier }; users numbered ...7 are missing. Plain code (the reference). */
export function usersTable(seed: number, users: number): Map<string, JsonValue> {
  const table = new Map<string, JsonValue>();
  for (let u = 0; u < users; u++) if (u % 10 !== 7) table.set(`user-${u}`, userProfile(seed, u));
  return table;
}

/** The same table computed as a dataset on the batch engine (in this process); cached per (seed, users): it is pure. */
const built = new Map<string, Promise<Map<string, JsonValue>>>();
export function usersTableFromBatchEngine(seed: number, users: number): Promise<Map<string, JsonValue>> {
  const id = `${seed}:${users}`;
  let table = built.get(id);
  if (!table) {
    table = (async () => {
      const ctx = new BatchContext({ executors: 0 });
      try {
        const ids = Array.from({ length: users }, (_, u) => u);
        const rows = await ctx
          .parallelize(ids, 2)
          .filter((u) => u % 10 !== 7)
          .map((u) => [`user-${u}`, userProfile(seed, u)] as [string, JsonValue])
          .collect();
        return new Map(rows);
      } finally {
        await ctx.stop();
      }
    })();
    if (built.size > 16) built.clear();
    built.set(id, table);
  }
  return table;
}

/** FNV-1a, written out here so the model shares no code with the pipeline's hashString. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The model's users table: users numbered ...7 are unknown; the others get region and tier from a hash of `seed:user-N`. */
function modelUser(seed: number, users: number, key: string): User | undefined {
  const m = /^user-(\d+)$/.exec(key);
  const u = m ? Number(m[1]) : -1;
  if (u < 0 || u >= users || u % 10 === 7) return undefined;
  const h = fnv1a(`${seed}:${key}`);
  return { region: REGIONS[h % REGIONS.length]!, tier: TIERS[(h >>> 8) % TIERS.length]! };
}

export const enrichmentJoin = defineStreamingJob({
  name: 'enrichment-join',
  description: 'purchases joined with a static users table (stream-static inner join), running totals per region and tier',
  defaults: { keys: 100, disorderMs: 1000, lateFraction: 0, growthBatches: 2 },
  *generate(seed, size, knobs): Iterable<InputEvent> {
    const next = rng(seed);
    for (let i = 0; i < size; i++) {
      const user = skewedInt(next, Math.max(1, knobs.keys));
      yield { key: `user-${user}`, value: { eventId: i, amount: 1 + randInt(next, 100) }, eventTimeMs: eventTimeOf(i, next, knobs) };
    }
  },
  buildQuery(seed, knobs) {
    return {
      stages: [
        staticJoin(
          'users',
          () => usersTableFromBatchEngine(seed, Math.max(1, knobs.keys)),
          (e, match) => {
            const u = match as User;
            return { key: `${u.region}/${u.tier}`, value: (e.value as { amount: number }).amount, eventTimeMs: e.eventTimeMs };
          },
          { type: 'inner', describe: 'users table by user key, keyed by region/tier' },
        ),
        runningAggregate<Totals>(
          'region-totals',
          { init: () => ({ events: 0, amount: 0 }), update: (s, e) => ({ events: s.events + 1, amount: s.amount + (e.value as number) }), emit: (_k, s) => s },
          'aggregate(region-totals: events,sum amount per region/tier)',
        ),
      ],
      toRow: (e, batchId) => {
        const [region, tier] = e.key.split('/');
        return { batchId, region: region!, tier: tier!, ...(e.value as Totals) };
      },
    };
  },
  /** Plain loops: the inner join with the users table, running events and amount per region/tier, one row per region/tier a batch touched. */
  model: {
    outputMode: 'update',
    perKeyOrder: true,
    shape: { key: (r) => `${String(r['region'])}/${String(r['tier'])}`, seq: (r) => Number(r['batchId']), value: (r) => [r['events'], r['amount']] },
    expected({ seed, knobs, batches }) {
      const users = Math.max(1, knobs.keys);
      const totals = new Map<string, User & Totals>();
      const rows: Row[] = [];
      for (const b of batches) {
        const touched = new Set<string>();
        for (const r of b.records) {
          const user = modelUser(seed, users, r.key);
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
          rows.push({ batchId: b.batchId, region: t.region, tier: t.tier, events: t.events, amount: t.amount });
        }
      }
      return rows;
    },
  },
});

export default enrichmentJoin;
