/**
 * idle-alerts — a custom stateful operator (mapGroupsWithState with event-time timeouts).
 *
 * Input: payments `{ amount }` (1..100) of `keys` accounts (skewed), event times with disorder up
 * to `disorderMs` and a `lateFraction` lagging 5–25 s.
 * Query: per account, state `{ count, total, last }` (last = newest event time). Each call with
 * payments adds them, emits a `limit` alert the first time `total` reaches 1 000, and sets the
 * timeout to last + 4 s. An account whose timeout passes the watermark (no payment for 4 s of event
 * time) gets an `idle` alert with its count and total, and its state is removed (a later payment
 * starts over). Payments with event time <= the watermark are dropped as late (watermark delay
 * `disorderMs`). Accounts still active when the bounded input ends get no idle alert.
 * Output rows (append: each alert once): `{ batchId, account, alert, count, total, last }`.
 */
import { defineStreamingJob, mapGroupsWithState, rng, randInt, skewedInt, type GroupState, type InputEvent, type Row } from '../../engine/job/index.js';
import { eventTimeOf } from './event-time.js';

export const IDLE_MS = 4_000;
export const LIMIT = 1_000;

type Account = { count: number; total: number; last: number };

export function idleAlert(key: string, records: readonly { value: unknown; eventTimeMs: number }[], state: GroupState<Account>) {
  if (state.hasTimedOut) {
    const s = state.get();
    state.remove();
    return [{ key, value: { alert: 'idle', ...s }, eventTimeMs: s.last }];
  }
  const before = state.getOption() ?? { count: 0, total: 0, last: 0 };
  const s = { ...before };
  for (const r of records) {
    s.count++;
    s.total += (r.value as { amount: number }).amount;
    s.last = Math.max(s.last, r.eventTimeMs);
  }
  state.update(s);
  state.setTimeoutTimestamp(s.last + IDLE_MS);
  return before.total < LIMIT && s.total >= LIMIT ? [{ key, value: { alert: 'limit', ...s }, eventTimeMs: s.last }] : [];
}

export const idleAlerts = defineStreamingJob({
  name: 'idle-alerts',
  description: 'per-account state with event-time timeouts (mapGroupsWithState): a limit alert at 1000, an idle alert after 4s without payments',
  defaults: { keys: 30, disorderMs: 1000, lateFraction: 0.02, growthBatches: 3 },
  *generate(seed, size, knobs): Iterable<InputEvent> {
    const next = rng(seed);
    for (let i = 0; i < size; i++) {
      const account = skewedInt(next, Math.max(1, knobs.keys));
      yield { key: `acct-${account}`, value: { amount: 1 + randInt(next, 100) }, eventTimeMs: eventTimeOf(i, next, knobs) };
    }
  },
  buildQuery(_seed, knobs) {
    return {
      stages: [mapGroupsWithState<Account>('accounts', idleAlert, `limit ${LIMIT}, idle after ${IDLE_MS}ms`)],
      watermarkDelayMs: knobs.disorderMs,
      toRow: (e, batchId) => ({ batchId, account: e.key, ...(e.value as { alert: string } & Account) }),
    };
  },
  /**
   * Written from the documented rules. Per batch (watermark w; 0 = none yet): payments with t <= w
   * are dropped; each account with payments adds them (count, total, newest time), gets a `limit`
   * alert when its total first reaches 1000 and an idle deadline newest + 4 s; then every account
   * without payments in the batch whose deadline is < w gets an `idle` alert and is forgotten.
   */
  model: {
    outputMode: 'append',
    perKeyOrder: false,
    watermarkDelayMs: (knobs) => knobs.disorderMs,
    shape: { key: (r) => `${String(r['account'])}/${String(r['alert'])}@${String(r['batchId'])}`, seq: (r) => Number(r['batchId']), value: (r) => [r['count'], r['total'], r['last']] },
    expected({ batches }) {
      const accounts = new Map<string, { count: number; total: number; last: number; deadline: number }>();
      const rows: Row[] = [];
      for (const b of batches) {
        const wm = b.watermarkMs;
        const totalBefore = new Map<string, number>();
        for (const r of b.records) {
          if (wm > 0 && r.eventTimeMs <= wm) continue;
          const a = accounts.get(r.key) ?? { count: 0, total: 0, last: 0, deadline: 0 };
          if (!totalBefore.has(r.key)) totalBefore.set(r.key, a.total);
          a.count++;
          a.total += (r.value as { amount: number }).amount;
          a.last = Math.max(a.last, r.eventTimeMs);
          a.deadline = a.last + IDLE_MS;
          accounts.set(r.key, a);
        }
        for (const [key, before] of totalBefore) {
          const a = accounts.get(key)!;
          if (before < LIMIT && a.total >= LIMIT) rows.push({ batchId: b.batchId, account: key, alert: 'limit', count: a.count, total: a.total, last: a.last });
        }
        if (wm > 0) {
          for (const [key, a] of [...accounts]) {
            if (totalBefore.has(key) || !(a.deadline < wm)) continue;
            rows.push({ batchId: b.batchId, account: key, alert: 'idle', count: a.count, total: a.total, last: a.last });
            accounts.delete(key);
          }
        }
      }
      return rows;
    },
  },
});

export default idleAlerts;
