/**
 * The stateless part of a micro-batch, per source partition (Spark's way: each micro-batch's
 * narrow part is a job of one task per source partition). A task reads its partition's logged
 * offset range and applies the query's leading stateless stages (map, filter, flatMap, static
 * join); the driver concatenates the task outputs in partition order and runs the rest (the
 * stateful stages, state, sink, commit). Because every leading stage works element by element,
 * the concatenation equals what the driver computes alone over the whole batch.
 *
 * The same function runs in executor processes and is plain data in and out (it crosses a process
 * boundary with structured clone).
 */
import { applyStages, NO_STATE, type Element, type Stage, type StreamingQuery } from '../query.js';
import type { JsonValue, StreamSource } from '../source.js';

/** What the driver ships for one task: the batch and the partition's offset range. */
export interface PartitionTask {
  batchId: number;
  partition: number;
  /** Offsets [from, to) of `partition`, exactly as logged in offsets/<batchId>. */
  from: number;
  to: number;
  watermarkMs: number;
  endOfInput: boolean;
}

export interface PartitionOutput {
  partition: number;
  /** Elements after the leading stateless stages, in offset order. */
  elements: Element[];
  /** Records read from the source (before any stage). */
  inputRecords: number;
  /** Highest event time read; -Infinity when the range was empty. */
  maxEventTimeMs: number;
  /** Records a stage dropped as late, by stage name. */
  lateDropped: Record<string, number>;
}

/** The stages before the first stateful one: what can run per source partition. */
export function statelessPrefix(query: StreamingQuery): Stage[] {
  const firstStateful = query.stages.findIndex((s) => s.stateful);
  return firstStateful < 0 ? query.stages : query.stages.slice(0, firstStateful);
}

/**
 * Appends the records at offsets [from, to) of `partition` to `into`, in offset order; returns
 * their highest event time (-Infinity when the range is empty). The one read path of the driver
 * and the executors, so both see the same elements.
 */
export async function readRangeInto(source: StreamSource, partition: number, from: number, to: number, into: Element[]): Promise<number> {
  let maxEventTimeMs = Number.NEGATIVE_INFINITY;
  if (to <= from) return maxEventTimeMs;
  for (const r of await source.read(partition, from, to)) {
    into.push({ key: r.key, value: r.value as JsonValue, eventTimeMs: r.eventTimeMs });
    if (r.eventTimeMs > maxEventTimeMs) maxEventTimeMs = r.eventTimeMs;
  }
  return maxEventTimeMs;
}

export async function runPartitionTask(source: StreamSource, stages: readonly Stage[], task: PartitionTask): Promise<PartitionOutput> {
  let elements: Element[] = [];
  const maxEventTimeMs = await readRangeInto(source, task.partition, task.from, task.to, elements);
  const inputRecords = elements.length;
  const lateDropped: Record<string, number> = {};
  elements = applyStages(stages, elements, (stage) => ({
    batchId: task.batchId,
    watermarkMs: task.watermarkMs,
    endOfInput: task.endOfInput,
    state: NO_STATE,
    lateDropped: (count) => {
      lateDropped[stage.name] = (lateDropped[stage.name] ?? 0) + count;
    },
  }));
  return { partition: task.partition, elements, inputRecords, maxEventTimeMs, lateDropped };
}
