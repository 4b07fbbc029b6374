/**
 * running-totals — a running balance per account across batches (updateStateByKey-like).
 *
 * Input: `{ amount }` deposits/withdrawals (integers, -50..199) for `keys` accounts, skewed.
 * Output rows (Update mode, one per account the batch touched):
 * `{ batchId, account, total, count, max }` — the running sum, number of transactions and largest
 * amount of the account through batch `batchId`. Final state = each account's row with the highest batchId.
 * Zero amounts are filtered out before the aggregation.
 */
import { defineStreamingJob, filter, rng, randInt, runningAggregate, skewedInt, type InputEvent, type Row } from '../../engine/job/index.js';
import { eventTimeOf } from './event-time.js';

type Totals = { total: number; count: number; max: number };

export const runningTotals = defineStreamingJob({
  name: 'running-totals',
  description: 'running total, count and max amount per account across batches (state per key)',
  defaults: { keys: 50, disorderMs: 1000, lateFraction: 0, growthBatches: 3 },
  *generate(seed, size, knobs): Iterable<InputEvent> {
    const next = rng(seed);
    for (let i = 0; i < size; i++) {
      const account = skewedInt(next, Math.max(1, knobs.keys));
      yield { key: `acct-${account}`, value: { amount: randInt(next, 250) - 50 }, eventTimeMs: eventTimeOf(i, next, knobs) };
    }
  },
  buildQuery() {
    const amountOf = (v: unknown) => (v as { amount: number }).amount;
    return {
      stages: [
        filter('nonzero', (e) => amountOf(e.value) !== 0, 'filter(amount != 0)'),
        runningAggregate<Totals>(
          'totals',
          {
            init: () => ({ total: 0, count: 0, max: Number.MIN_SAFE_INTEGER }),
            update: (s, e) => ({ total: s.total + amountOf(e.value), count: s.count + 1, max: Math.max(s.max, amountOf(e.value)) }),
            emit: (_k, s) => s,
          },
          'aggregate(totals: sum,count,max of amount per account)',
        ),
      ],
      toRow: (e, batchId) => ({ batchId, account: e.key, ...(e.value as Totals) }),
    };
  },
  /** Plain loops: nonzero amounts; running total, count and max per account, one row per account a batch touched. */
  model: {
    outputMode: 'update',
    perKeyOrder: true,
    shape: { key: (r) => String(r['account']), seq: (r) => Number(r['batchId']), value: (r) => [r['total'], r['count'], r['max']] },
    expected({ batches }) {
      const acc = new Map<string, Totals>();
      const rows: Row[] = [];
      for (const b of batches) {
        const touched = new Set<string>();
        for (const r of b.records) {
          const amount = (r.value as { amount: number }).amount;
          if (amount === 0) continue;
          const s = acc.get(r.key) ?? { total: 0, count: 0, max: -Infinity };
          acc.set(r.key, { total: s.total + amount, count: s.count + 1, max: Math.max(s.max, amount) });
          touched.add(r.key);
        }
        for (const k of touched) rows.push({ batchId: b.batchId, account: k, ...acc.get(k)! });
      }
      return rows;
    },
  },
});

export default runningTotals;
