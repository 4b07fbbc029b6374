/**
 * The checkpoint layout (Spark Structured Streaming's), every file framed with a checksum:
 *   metadata            query id + fingerprint (what must not change across restarts)
 *   offsets/<batchId>   write-ahead log: the exact source range, watermark and timestamp of the batch, written before it runs
 *   commits/<batchId>   the batch is fully done (state written, sink committed), and the watermark for the next batch
 *   state/<op>/<partition>/<version>.{delta,snapshot}   see state-store.ts
 */
export const METADATA_KEY = 'metadata';

export interface Fingerprint {
  scenario: string;
  /** The operator graph, e.g. `flatMap(...) -> aggregate(...)`. */
  operators: string;
  /** The source's identity: kind, location/topic, generator parameters. */
  source: string;
  partitions: number;
}

export interface MetadataFile {
  format: 1;
  queryId: string;
  fingerprint: Fingerprint;
}

export interface OffsetsFile {
  batchId: number;
  /** Start offsets (inclusive) per partition = end offsets of the previous batch. */
  start: number[];
  /** End offsets (exclusive) per partition. */
  end: number[];
  /** Logical batch time (wall clock when planned); restored on replay, never put in rows. */
  batchTimestampMs: number;
  /** Event-time watermark in force for this batch. */
  watermarkMs: number;
  /** The range reaches the end of the bounded input: event-time state is flushed by this batch. */
  endOfInput: boolean;
}

export interface CommitFile {
  batchId: number;
  /** Watermark for the next batch: max(this watermark, max event time of this batch - delay). */
  nextBatchWatermarkMs: number;
  outputRows: number;
}

export const offsetsKey = (batchId: number) => `offsets/${batchId}`;
export const commitKey = (batchId: number) => `commits/${batchId}`;

/** Batch ids under `offsets/` or `commits/`, ascending (other names are ignored). */
export function batchIdsOf(keys: readonly string[], dir: 'offsets' | 'commits'): number[] {
  const ids: number[] = [];
  for (const k of keys) {
    const m = /^(offsets|commits)\/(\d+)$/.exec(k);
    if (m && m[1] === dir) ids.push(Number(m[2]));
  }
  return ids.sort((a, b) => a - b);
}

export function recordsIn(plan: Pick<OffsetsFile, 'start' | 'end'>): number {
  let n = 0;
  for (let p = 0; p < plan.end.length; p++) n += plan.end[p]! - plan.start[p]!;
  return n;
}

/** What changed between two fingerprints, in words ("partitions changed from 4 to 8"); undefined when compatible. */
export function fingerprintChange(stored: Fingerprint, current: Fingerprint): string | undefined {
  const changes: string[] = [];
  for (const field of ['scenario', 'partitions', 'operators', 'source'] as const) {
    if (stored[field] !== current[field]) {
      const what = field === 'operators' ? 'operator graph' : field;
      changes.push(`${what} changed from ${JSON.stringify(stored[field])} to ${JSON.stringify(current[field])}`);
    }
  }
  return changes.length ? changes.join('; ') : undefined;
}
