/**
 * What a streaming query is: a linear chain of stages over keyed elements. Stateless stages
 * (map, filter, flatMap, static join) transform a batch; stateful stages (running aggregation,
 * event-time windows) keep state per key, partitioned by hash(key) % partitions, which the engine
 * versions and checkpoints. A stage's `describe` text is part of the checkpoint fingerprint.
 */
import type { JsonValue } from './source.js';
import type { Row } from './sink.js';

export interface Element {
  key: string;
  value: JsonValue;
  /** Event time in ms from the input (never wall clock). */
  eventTimeMs: number;
}

/** State of one stateful stage, as the stage sees it: keys routed to partitions behind the scenes. */
export interface KeyedState {
  get(key: string): JsonValue | undefined;
  set(key: string, value: JsonValue): void;
  delete(key: string): void;
  /** All keys over all partitions (partition order, then insertion order): sort before emitting. */
  keys(): IterableIterator<string>;
  readonly size: number;
}

/** The state a stateless stage sees: nothing to read, and writing is a bug in the stage. */
export const NO_STATE: KeyedState = {
  get: () => undefined,
  set() {
    throw new Error('a stateless stage wrote state');
  },
  delete() {},
  keys: () => [][Symbol.iterator](),
  size: 0,
};

export interface StageContext {
  batchId: number;
  /** Event-time watermark of this batch, as logged in offsets/<batchId>. */
  watermarkMs: number;
  /** This batch reaches the end of the bounded input: event-time operators emit what they still hold. */
  endOfInput: boolean;
  /** The stage's own state (an empty throwaway for stateless stages). */
  state: KeyedState;
  /** Count records dropped because they arrived behind the watermark. */
  lateDropped(count: number): void;
}

export interface Stage {
  /** Unique within the query; names the state directory of a stateful stage. */
  readonly name: string;
  /** What the stage computes, for the fingerprint (a change here refuses a restart). */
  readonly describe: string;
  readonly stateful: boolean;
  process(input: Element[], ctx: StageContext): Element[];
  /**
   * The same transformation element by element, for stateless per-record stages (map, filter,
   * flatMap): consecutive stages with it run fused (applyStages), so an element produced by one
   * dies young instead of waiting in a batch-sized array for the next stage.
   */
  each?(e: Element, emit: (out: Element) => void): void;
  /** Called once per engine incarnation before the first batch (e.g. to build a join's static side). */
  prepare?(): Promise<void>;
}

export interface StreamingQuery {
  stages: Stage[];
  /** Event-time watermark delay (Spark's withWatermark); undefined = no watermark (stays 0). */
  watermarkDelayMs?: number;
  /** The output row of a final element (what the sink receives). */
  toRow(element: Element, batchId: number): Row;
}

export function describeQuery(query: StreamingQuery): string {
  const wm = query.watermarkDelayMs === undefined ? '' : ` watermark(${query.watermarkDelayMs}ms)`;
  return query.stages.map((s) => s.describe).join(' -> ') + wm;
}

export function statefulStages(query: StreamingQuery): Stage[] {
  return query.stages.filter((s) => s.stateful);
}

/**
 * Runs `stages` over a batch: consecutive stages with an element form are fused into one pass, the
 * others get the whole array. Gives exactly what calling each stage's `process` in turn gives.
 */
export function applyStages(stages: readonly Stage[], input: Element[], ctxOf: (stage: Stage) => StageContext): Element[] {
  let elements = input;
  for (let i = 0; i < stages.length; ) {
    const stage = stages[i]!;
    if (stage.each === undefined) {
      elements = stage.process(elements, ctxOf(stage));
      i++;
      continue;
    }
    let j = i;
    while (j < stages.length && stages[j]!.each !== undefined) j++;
    const out: Element[] = [];
    let sink = (e: Element): void => {
      out.push(e);
    };
    for (let k = j - 1; k >= i; k--) {
      const each = stages[k]!.each!.bind(stages[k]);
      const next = sink;
      sink = (e) => each(e, next);
    }
    for (let n = 0; n < elements.length; n++) sink(elements[n]!);
    elements = out;
    i = j;
  }
  return elements;
}
