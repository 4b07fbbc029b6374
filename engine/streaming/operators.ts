/** The operators jobs build queries from. Each returns a Stage (see query.ts). */
import type { JsonValue } from './source.js';
import type { Element, Stage, StageContext } from './query.js';
import { behindWatermark, type OutputMode } from './output-mode.js';

export { behindWatermark, OUTPUT_MODES, type OutputMode } from './output-mode.js';

export function map(name: string, fn: (e: Element) => Element, describe = `map(${name})`): Stage {
  return { name, describe, stateful: false, process: (input) => input.map(fn), each: (e, emit) => emit(fn(e)) };
}

export function filter(name: string, fn: (e: Element) => boolean, describe = `filter(${name})`): Stage {
  return {
    name,
    describe,
    stateful: false,
    process: (input) => input.filter(fn),
    each: (e, emit) => {
      if (fn(e)) emit(e);
    },
  };
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
    each: (e, emit) => {
      for (const x of fn(e)) emit(x);
    },
  };
}

export interface RunningAggregateSpec<S extends JsonValue> {
  init(): S;
  update(state: S, element: Element): S;
  /** The value emitted for a key (the changed keys in Update mode, every key in Complete mode). */
  emit(key: string, state: S, batchId: number): JsonValue;
}

export interface RunningAggregateOptions {
  /** 'update' (default): keys updated in the batch; 'complete': every key, every batch. Append is refused, as in Spark. */
  outputMode?: OutputMode;
  /**
   * Evict by watermark (Spark: a watermark on the aggregation's event-time column). Input rows
   * whose event time is <= the batch's watermark are dropped and counted as late; after the batch,
   * the state of every key whose newest event time is <= the watermark is removed, so state is
   * bounded by the keys active within the watermark delay. A later row for an evicted key starts
   * from init(). Not allowed with 'complete' (Spark keeps all state in Complete mode).
   */
  evictBehindWatermark?: boolean;
}

/** State of a key of an evicting running aggregation: the aggregate and the newest event time seen. */
type Timed<S> = { s: S; t: number };

/**
 * updateStateByKey-like running aggregation. Update mode: each batch emits one element per key it
 * updated, in key order, carrying the new running state. Complete mode: every key in state, in key order.
 */
export function runningAggregate<S extends JsonValue>(name: string, spec: RunningAggregateSpec<S>, describe = `aggregate(${name})`, opts: RunningAggregateOptions = {}): Stage {
  const mode = opts.outputMode ?? 'update';
  if (mode === 'append') {
    throw new Error(`aggregate ${name}: append output mode is not supported for a running aggregation without event-time windows (as in Spark); use update or complete`);
  }
  const evict = opts.evictBehindWatermark === true;
  if (evict && mode === 'complete') throw new Error(`aggregate ${name}: evictBehindWatermark needs update mode (complete mode keeps the whole result table)`);
  const suffix = (mode === 'update' ? '' : ` mode=${mode}`) + (evict ? ' evict-behind-watermark' : '');
  const read = (raw: JsonValue | undefined): Timed<S> | undefined => (raw === undefined ? undefined : evict ? (raw as unknown as Timed<S>) : { s: raw as S, t: 0 });
  return {
    name,
    describe: describe + suffix,
    stateful: true,
    process(input: Element[], ctx: StageContext): Element[] {
      const touched = new Map<string, Timed<S>>();
      let late = 0;
      for (const e of input) {
        if (evict && behindWatermark(e.eventTimeMs, ctx.watermarkMs)) {
          late++;
          continue;
        }
        let s = touched.get(e.key);
        if (s === undefined) s = read(ctx.state.get(e.key)) ?? { s: spec.init(), t: Number.NEGATIVE_INFINITY };
        touched.set(e.key, { s: spec.update(s.s, e), t: Math.max(s.t, e.eventTimeMs) });
      }
      if (late > 0) ctx.lateDropped(late);
      for (const [k, s] of touched) ctx.state.set(k, evict ? (s as unknown as JsonValue) : s.s);
      if (evict) {
        const doomed: string[] = [];
        for (const k of ctx.state.keys()) if (behindWatermark((ctx.state.get(k) as unknown as Timed<S>).t, ctx.watermarkMs)) doomed.push(k);
        for (const k of doomed) ctx.state.delete(k);
      }
      const keys = mode === 'complete' ? [...ctx.state.keys()].sort() : [...touched.keys()].sort();
      const out: Element[] = new Array(keys.length);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const s = touched.get(k) ?? read(ctx.state.get(k))!;
        out[i] = { key: k, value: spec.emit(k, s.s, ctx.batchId), eventTimeMs: 0 };
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

/** Window starts (ms) of every window of `spec` that contains `t` (windows are [start, start + size)), oldest first. */
export function windowsOf(t: number, spec: WindowSpec): number[] {
  const starts: number[] = [];
  const last = Math.floor(t / spec.slideMs) * spec.slideMs;
  for (let s = last; s > t - spec.sizeMs; s -= spec.slideMs) starts.unshift(s);
  return starts;
}

const SEP = '\u0000';

export interface WindowCountOptions {
  /** Default 'append'. */
  outputMode?: OutputMode;
  /**
   * Append mode only: emit every window still open when the batch reaching the end of the bounded
   * input runs. Spark never does this (a bounded run ends with open windows still in state); a job
   * that wants the final partial windows says so here.
   */
  flushAtEnd?: boolean;
}

/**
 * Event-time window count per key (Spark's groupBy(window(t, size, slide), key).count()). Windows
 * are [start, end): a record at exactly `end` belongs to the next window.
 *
 * Late data is judged per window, as Spark does (the window's end against the watermark): a
 * record is added to each of its windows whose end is > the batch's watermark and dropped from each
 * window whose end is <= it; every dropped (record, window) pair counts as one late drop. So a
 * record behind the watermark still counts in its sliding windows that are open.
 *
 * Output modes: append (default) emits a window once, with its final count, in the batch whose
 * watermark reaches its end, and removes its state; update emits the windows a batch changed and
 * removes windows the watermark passed without emitting them again; complete emits every window
 * every batch and keeps all state (no late drops: Spark ignores the watermark in complete mode).
 * Emitted values: `{ windowStart, windowEnd, count }`, ordered by window then key.
 */
export function windowCount(name: string, spec: WindowSpec, opts: WindowCountOptions = {}): Stage {
  if (!(spec.sizeMs > 0 && spec.slideMs > 0 && spec.slideMs <= spec.sizeMs)) {
    throw new Error(`window ${name}: need 0 < slide <= size`);
  }
  const mode = opts.outputMode ?? 'append';
  if (opts.flushAtEnd && mode !== 'append') throw new Error(`window ${name}: flushAtEnd applies to append mode only`);
  const kind = spec.slideMs === spec.sizeMs ? 'tumbling' : 'sliding';
  const suffix = (mode === 'append' ? '' : `,${mode}`) + (opts.flushAtEnd ? ',flush-at-end' : '');
  const parse = (stateKey: string) => {
    const cut = stateKey.indexOf(SEP);
    return { start: Number(stateKey.slice(0, cut)), key: stateKey.slice(cut + 1), stateKey };
  };
  return {
    name,
    describe: `window(${name},${kind},${spec.sizeMs},${spec.slideMs}${suffix})`,
    stateful: true,
    process(input: Element[], ctx: StageContext): Element[] {
      const watermark = mode === 'complete' ? 0 : ctx.watermarkMs;
      let late = 0;
      const changed = new Set<string>();
      for (const e of input) {
        for (const start of windowsOf(e.eventTimeMs, spec)) {
          if (behindWatermark(start + spec.sizeMs, watermark)) {
            late++;
            continue;
          }
          const k = `${start}${SEP}${e.key}`;
          ctx.state.set(k, ((ctx.state.get(k) as number | undefined) ?? 0) + 1);
          if (mode === 'update') changed.add(k);
        }
      }
      if (late > 0) ctx.lateDropped(late);
      const emitted: Array<{ start: number; key: string; stateKey: string }> = [];
      const doomed: string[] = [];
      const flush = mode === 'append' && opts.flushAtEnd === true && ctx.endOfInput;
      for (const stateKey of ctx.state.keys()) {
        const w = parse(stateKey);
        const closed = flush || behindWatermark(w.start + spec.sizeMs, watermark);
        if (mode === 'complete') emitted.push(w);
        else if (mode === 'append' && closed) emitted.push(w);
        else if (mode === 'update' && changed.has(stateKey)) emitted.push(w);
        if (closed && mode !== 'complete') doomed.push(stateKey);
      }
      emitted.sort((a, b) => a.start - b.start || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const out: Element[] = [];
      for (const c of emitted) {
        const count = ctx.state.get(c.stateKey) as number;
        out.push({ key: c.key, value: { windowStart: c.start, windowEnd: c.start + spec.sizeMs, count }, eventTimeMs: c.start });
      }
      for (const k of doomed) ctx.state.delete(k);
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

export { dropDuplicates, type DropDuplicatesOptions } from './drop-duplicates.js';
export { sessionWindowCount, mergeIntoSessions, type Session } from './session-window.js';
export { mapGroupsWithState, type GroupState, type GroupStateFunction } from './group-state.js';
