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
import { mapGroupsWithState, type GroupState } from '../../engine/streaming/operators.js';
import { rng, randInt, skewedInt } from '../../engine/streaming/random.js';
import type { InputEvent } from '../../engine/sources/partitioned-log.js';
import { eventTimeOf } from './event-time.js';
import type { StreamingScenario } from './types.js';

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

export const idleAlerts: StreamingScenario = {
  name: 'idle-alerts',
  kind: 'streaming',
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
};
