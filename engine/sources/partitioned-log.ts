/**
 * The content of a local partitioned log: records in arrival order, split into partitions by
 * hash(key), each record with its offset and the batch before which it becomes available. The
 * availability models a growing source deterministically, so batch plans — and all that depends on
 * batch boundaries (watermark, late drops) — are the same in every run and after every crash.
 */
import type { JsonValue, SourceRecord } from '../streaming/source.js';
import { partitionOf } from '../streaming/random.js';

/** One generated input record, before partitioning. */
export interface InputEvent {
  key: string;
  value: JsonValue;
  eventTimeMs: number;
}

export interface LogRecord extends SourceRecord {
  /** Available to batch N when N >= availableBeforeBatch (non-decreasing within a partition). */
  availableBeforeBatch: number;
}

export interface PartitionedLog {
  partitions: LogRecord[][];
}

/** Arrival i of n becomes available at batch floor(i * growthBatches / n). */
export function buildPartitionedLog(events: readonly InputEvent[], partitions: number, growthBatches: number): PartitionedLog {
  const parts: LogRecord[][] = Array.from({ length: partitions }, () => []);
  const n = events.length;
  const growth = Math.max(1, growthBatches);
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    const p = partitionOf(e.key, partitions);
    const part = parts[p]!;
    part.push({ partition: p, offset: part.length, key: e.key, value: e.value, eventTimeMs: e.eventTimeMs, availableBeforeBatch: Math.floor((i * growth) / n) });
  }
  return { partitions: parts };
}

/** End offsets (exclusive) per partition available to batch `batchId`. */
export function availableAt(log: PartitionedLog, batchId: number): number[] {
  return log.partitions.map((records) => {
    // binary search: first record not yet available
    let lo = 0;
    let hi = records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (records[mid]!.availableBeforeBatch <= batchId) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
}

export function finalOffsetsOf(log: PartitionedLog): number[] {
  return log.partitions.map((r) => r.length);
}
