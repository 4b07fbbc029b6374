/**
 * A custom stateful operator with per-key state and event-time timeouts, like Spark's
 * (flat)MapGroupsWithState with GroupStateTimeout.EventTimeTimeout.
 *
 * Each batch, for every key with records in the batch (in key order), `fn(key, records, state)`
 * runs once with the key's records in input order; then for every key without records whose
 * timeout timestamp is < the batch's watermark (in key order), `fn(key, [], state)` runs with
 * `state.hasTimedOut` true. A call's returned elements are the output, in call order.
 *
 * What `fn` must NOT do, as in Spark: keep anything outside `state` between calls (only `state` is
 * checkpointed and recovered), or depend on wall-clock time. The timeout is cleared before every
 * call (set it again to keep one); it must be later than the current watermark. Records whose event
 * time is <= the watermark are dropped and counted as late, as Spark does under an event-time timeout.
 */
import { behindWatermark } from './output-mode.js';
import type { JsonValue } from './source.js';
import type { Element, Stage, StageContext } from './query.js';

/** What `fn` sees of a key's state (Spark's GroupState). */
export interface GroupState<S extends JsonValue> {
  readonly exists: boolean;
  /** The state; throws when it does not exist (check `exists`, or use getOption). */
  get(): S;
  getOption(): S | undefined;
  update(value: S): void;
  remove(): void;
  /** True only in a call made because the key's timeout passed. */
  readonly hasTimedOut: boolean;
  /** Call again with no records once the watermark passes `timestampMs` (must be > the current watermark). */
  setTimeoutTimestamp(timestampMs: number): void;
  readonly currentWatermarkMs: number;
}

export type GroupStateFunction<S extends JsonValue> = (key: string, records: readonly Element[], state: GroupState<S>) => Element[];

/** How a key's state is stored: the user's value and the timeout (-1 none). */
type Stored = { v: JsonValue; timeout: number };

export function mapGroupsWithState<S extends JsonValue>(name: string, fn: GroupStateFunction<S>, describe: string): Stage {
  return {
    name,
    describe: `mapGroupsWithState(${name},event-time-timeout: ${describe})`,
    stateful: true,
    process(input: Element[], ctx: StageContext): Element[] {
      const groups = new Map<string, Element[]>();
      let late = 0;
      for (const e of input) {
        if (behindWatermark(e.eventTimeMs, ctx.watermarkMs)) {
          late++;
          continue;
        }
        let g = groups.get(e.key);
        if (!g) groups.set(e.key, (g = []));
        g.push(e);
      }
      if (late > 0) ctx.lateDropped(late);
      const timedOut: string[] = [];
      if (ctx.watermarkMs > 0) {
        for (const k of ctx.state.keys()) {
          if (groups.has(k)) continue;
          const t = (ctx.state.get(k) as Stored).timeout;
          if (t >= 0 && t < ctx.watermarkMs) timedOut.push(k);
        }
      }
      const out: Element[] = [];
      const call = (key: string, records: readonly Element[], hasTimedOut: boolean) => {
        const stored = ctx.state.get(key) as Stored | undefined;
        let value = stored?.v as S | undefined;
        let exists = stored !== undefined;
        let timeout = -1;
        const state: GroupState<S> = {
          get exists() {
            return exists;
          },
          get(): S {
            if (!exists) throw new Error(`mapGroupsWithState ${name}: state of key ${key} does not exist (check state.exists)`);
            return value as S;
          },
          getOption: () => (exists ? value : undefined),
          update(v: S) {
            if (v === undefined || v === null) throw new Error(`mapGroupsWithState ${name}: update() needs a value; use remove() to drop the state`);
            value = v;
            exists = true;
          },
          remove() {
            value = undefined;
            exists = false;
          },
          hasTimedOut,
          setTimeoutTimestamp(ts: number) {
            if (!(ts > ctx.watermarkMs)) throw new Error(`mapGroupsWithState ${name}: timeout ${ts} must be later than the current watermark ${ctx.watermarkMs}`);
            timeout = ts;
          },
          currentWatermarkMs: ctx.watermarkMs,
        };
        for (const e of fn(key, records, state)) out.push(e);
        if (exists) ctx.state.set(key, { v: value as JsonValue, timeout });
        else ctx.state.delete(key);
      };
      for (const k of [...groups.keys()].sort()) call(k, groups.get(k)!, false);
      for (const k of timedOut.sort()) call(k, [], true);
      return out;
    },
  };
}
