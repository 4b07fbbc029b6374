/** The operators scenarios build queries from. Each returns a Stage (see query.ts). */
import type { JsonValue } from './source.js';
import type { Element, Stage, StageContext } from './query.js';

export function map(name: string, fn: (e: Element) => Element, describe = `map(${name})`): Stage {
  return { name, describe, stateful: false, process: (input) => input.map(fn) };
}

export function filter(name: string, fn: (e: Element) => boolean, describe = `filter(${name})`): Stage {
  return { name, describe, stateful: false, process: (input) => input.filter(fn) };
}

export function flatMap(name: string, fn: (e: Element) => Element[], describe = `flatMap(${name})`): Stage {
  return {
    name,
    describe,
    stateful: false,
    process: (input) => {
      const out: Element[] = [];
      for (const e of input) for (const x of fn(e)) out.push(x);
      return out;
    },
  };
}

export interface RunningAggregateSpec<S extends JsonValue> {
  init(): S;
  update(state: S, element: Element): S;
  /** The value emitted for a key updated in this batch (Update output mode). */
  emit(key: string, state: S, batchId: number): JsonValue;
}

/**
 * updateStateByKey / mapGroupsWithState-like running aggregation. Each batch emits one element per
 * key it updated, in key order, carrying the new running state.
 */
export function runningAggregate<S extends JsonValue>(name: string, spec: RunningAggregateSpec<S>, describe = `aggregate(${name})`): Stage {
  return {
    name,
    describe,
    stateful: true,
    process(input: Element[], ctx: StageContext): Element[] {
      const touched = new Map<string, S>();
      for (const e of input) {
        let s = touched.get(e.key);
        if (s === undefined) s = (ctx.state.get(e.key) as S | undefined) ?? spec.init();
        touched.set(e.key, spec.update(s, e));
      }
      const keys = [...touched.keys()].sort();
      const out: Element[] = new Array(keys.length);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const s = touched.get(k)!;
        ctx.state.set(k, s);
        out[i] = { key: k, value: spec.emit(k, s, ctx.batchId), eventTimeMs: 0 };
      }
      return out;
    },
  };
}

export interface WindowSpec {
  sizeMs: number;
  /** Equal to sizeMs for tumbling windows. */
  slideMs: number;
}

/** Window starts (ms) of every window of `spec` that contains `t`, oldest first. */
export function windowsOf(t: number, spec: WindowSpec): number[] {
  const starts: number[] = [];
  const last = Math.floor(t / spec.slideMs) * spec.slideMs;
  for (let s = last; s > t - spec.sizeMs; s -= spec.slideMs) starts.unshift(s);
  return starts;
}

const SEP = '\u0000';

/**
 * Event-time window count per key, Append output mode: a record behind the batch's watermark is
 * dropped and counted; a window is emitted once, with its final count, when the watermark passes its
 * end (or at the end of the bounded input), then its state is removed. Emitted values:
 * `{ windowStart, windowEnd, count }`, ordered by window then key.
 */
export function windowCount(name: string, spec: WindowSpec): Stage {
  if (!(spec.sizeMs > 0 && spec.slideMs > 0 && spec.slideMs <= spec.sizeMs)) {
    throw new Error(`window ${name}: need 0 < slide <= size`);
  }
  const kind = spec.slideMs === spec.sizeMs ? 'tumbling' : 'sliding';
  return {
    name,
    describe: `window(${name},${kind},${spec.sizeMs},${spec.slideMs})`,
    stateful: true,
    process(input: Element[], ctx: StageContext): Element[] {
      let late = 0;
      for (const e of input) {
        if (e.eventTimeMs < ctx.watermarkMs) {
          late++;
          continue;
        }
        for (const start of windowsOf(e.eventTimeMs, spec)) {
          const k = `${start}${SEP}${e.key}`;
          ctx.state.set(k, ((ctx.state.get(k) as number | undefined) ?? 0) + 1);
        }
      }
      if (late > 0) ctx.lateDropped(late);
      const closed: Array<{ start: number; key: string; stateKey: string }> = [];
      for (const stateKey of ctx.state.keys()) {
        const cut = stateKey.indexOf(SEP);
        const start = Number(stateKey.slice(0, cut));
        if (ctx.endOfInput || start + spec.sizeMs <= ctx.watermarkMs) closed.push({ start, key: stateKey.slice(cut + 1), stateKey });
      }
      closed.sort((a, b) => a.start - b.start || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const out: Element[] = [];
      for (const c of closed) {
        const count = ctx.state.get(c.stateKey) as number;
        ctx.state.delete(c.stateKey);
        out.push({ key: c.key, value: { windowStart: c.start, windowEnd: c.start + spec.sizeMs, count }, eventTimeMs: c.start });
      }
      return out;
    },
  };
}

/**
 * Stream-static join: each element is looked up by key in a static table, built once per engine
 * incarnation by `prepare` (it may run a batch job). Inner join drops elements without a match;
 * left join passes `undefined` as the match.
 */
export function staticJoin(
  name: string,
  table: () => ReadonlyMap<string, JsonValue> | Promise<ReadonlyMap<string, JsonValue>>,
  combine: (e: Element, match: JsonValue | undefined) => Element,
  opts: { type: 'inner' | 'left'; describe: string },
): Stage {
  let cached: ReadonlyMap<string, JsonValue> | undefined;
  return {
    name,
    describe: `join(${name},${opts.type},${opts.describe})`,
    stateful: false,
    async prepare() {
      cached ??= await table();
    },
    process(input: Element[]): Element[] {
      const t = cached;
      if (!t) throw new Error(`join ${name}: static side not prepared`);
      const out: Element[] = [];
      for (const e of input) {
        const m = t.get(e.key);
        if (m === undefined && opts.type === 'inner') continue;
        out.push(combine(e, m));
      }
      return out;
    },
  };
}
