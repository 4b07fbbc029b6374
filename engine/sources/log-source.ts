/**
 * The local partitioned log: per partition, segment files of at most SEGMENT_RECORDS records, plus
 * a manifest, under a directory (by default `<output>/.source-log/`, or `--input DIR`):
 *   <prefix>p-<partition>/s-<segment>   [[key, value, eventTimeMs], ...]   (checksummed JSON)
 *   <prefix>manifest                    { format: 2, description, partitions, counts, segmentRecords, available }
 * Written once (segments first, the manifest last), and reused by every restart, so a killed run
 * replays the very same records. The offset of a record is its index in its partition.
 *
 * Memory is bounded by a batch, not by the input: the log is written while the input is generated
 * (a partition holds at most one segment in memory), and `read` loads only the segments a batch's
 * range covers, keeping the last two per partition. What a log must NOT do: keep a whole partition,
 * or re-read the whole log to open it (the manifest alone says what is there).
 *
 * Availability (a growing source, modelled deterministically): arrival i of n becomes available to
 * batch floor(i * growthBatches / n), or to the batch a recorded record pins (`arrivalBatch`);
 * `available[p][b]` is how many records of partition p batch b may read (for b within the array;
 * from then on, all of them).
 */
import type { CheckpointStore } from '../checkpoint/store.js';
import { getJson, putJson } from '../checkpoint/checked.js';
import { CorruptCheckpointError } from '../checkpoint/codec.js';
import { UserError } from '../errors.js';
import type { JsonValue, SourceRecord, StreamSource } from '../streaming/source.js';
import { partitionOf } from '../streaming/random.js';
import type { InputEvent } from './partitioned-log.js';

/** Records per segment file: a batch reads a few segments; a segment is ~0.5-1 MB of JSON. */
export const SEGMENT_RECORDS = 1024;

interface LogManifest {
  format: 2;
  description: string;
  partitions: number;
  counts: number[];
  segmentRecords: number;
  /** available[p][b]: records of partition p available to batch b, for b < available[p].length (then all of them). */
  available: number[][];
}

type StoredRecord = [string, JsonValue, number];

export interface LogSourceOptions {
  store: CheckpointStore;
  /** Key prefix of the log in `store`, e.g. `.source-log/` ('' for a whole --input directory). */
  prefix: string;
  description: string;
  partitions: number;
  /**
   * The input when the log is missing or damaged: records in arrival order (an iterable, consumed
   * once, so a generator keeps memory flat), how many there are, and over how many batches they arrive.
   */
  generate: () => { records: Iterable<InputEvent>; size: number; growthBatches: number };
  /**
   * An existing log with a different description: overwrite it (a private log under the output
   * directory) or refuse (a user-provided --input directory).
   */
  onMismatch: 'regenerate' | 'refuse';
  /** Records per segment when writing (tests use small ones). */
  segmentRecords?: number;
}

export function segmentKey(prefix: string, partition: number, segment: number): string {
  return `${prefix}p-${partition}/s-${segment}`;
}

export class LogSource implements StreamSource {
  readonly kind = 'log';
  readonly partitions: number;
  /** Loaded segments, newest last: at most two per partition. */
  private readonly segments = new Map<string, StoredRecord[]>();

  private constructor(
    private readonly manifest: LogManifest,
    private readonly description: string,
    /** Where the log is stored: executor processes open the same files (engine/streaming/executors). */
    readonly stored: { store: CheckpointStore; prefix: string },
  ) {
    this.partitions = manifest.partitions;
  }

  static async open(o: LogSourceOptions): Promise<LogSource> {
    const existing = await readManifest(o);
    const manifest = existing ?? (await writeLog(o));
    return new LogSource(manifest, o.description, { store: o.store, prefix: o.prefix });
  }

  describe(): string {
    return this.description;
  }

  async availableOffsets(batchId: number): Promise<number[]> {
    const m = this.manifest;
    return m.counts.map((count, p) => (batchId < m.available[p]!.length ? m.available[p]![batchId]! : count));
  }

  async finalOffsets(): Promise<number[]> {
    return [...this.manifest.counts];
  }

  async read(partition: number, from: number, to: number): Promise<SourceRecord[]> {
    if (partition < 0 || partition >= this.partitions) throw new Error(`source has no partition ${partition}`);
    const size = this.manifest.segmentRecords;
    const end = Math.min(to, this.manifest.counts[partition]!);
    const out: SourceRecord[] = [];
    for (let s = Math.floor(from / size); s * size < end; s++) {
      const records = await this.segment(partition, s);
      for (let i = Math.max(from, s * size); i < Math.min(end, (s + 1) * size); i++) {
        const [key, value, eventTimeMs] = records[i - s * size]!;
        out.push({ partition, offset: i, key, value, eventTimeMs });
      }
    }
    return out;
  }

  private async segment(partition: number, s: number): Promise<StoredRecord[]> {
    const key = segmentKey(this.stored.prefix, partition, s);
    const hit = this.segments.get(key);
    if (hit) return hit;
    let records: StoredRecord[] | undefined;
    try {
      records = await getJson<StoredRecord[]>(this.stored.store, key);
    } catch (err) {
      if (err instanceof CorruptCheckpointError) throw new UserError(`source log file ${this.stored.store.location}/${key} is damaged (${err.reason}); delete the log directory to regenerate it`);
      throw err;
    }
    const expected = Math.min(this.manifest.segmentRecords, this.manifest.counts[partition]! - s * this.manifest.segmentRecords);
    if (!records || records.length !== expected) {
      throw new UserError(`source log file ${this.stored.store.location}/${key} is missing or incomplete; delete the log directory to regenerate it`);
    }
    // Keep the newest two segments of each partition: a batch range rarely spans more.
    const mine = [...this.segments.keys()].filter((k) => k.startsWith(`${this.stored.prefix}p-${partition}/`));
    if (mine.length >= 2) this.segments.delete(mine[0]!);
    this.segments.set(key, records);
    return records;
  }

  async close(): Promise<void> {
    this.segments.clear();
  }
}

/** The stored manifest, or undefined when the log must be (re)generated. */
async function readManifest(o: LogSourceOptions): Promise<LogManifest | undefined> {
  let manifest: LogManifest | undefined;
  try {
    manifest = await getJson<LogManifest>(o.store, `${o.prefix}manifest`);
  } catch (err) {
    if (err instanceof CorruptCheckpointError) return undefined; // torn while being generated: generate again
    throw err;
  }
  if (!manifest) return undefined;
  if (manifest.format !== 2 || manifest.description !== o.description || manifest.partitions !== o.partitions) {
    if (o.onMismatch === 'regenerate') return undefined;
    throw new UserError(
      `the source log in ${o.store.location}/${o.prefix} holds ${manifest.description} with ${manifest.partitions} partitions` +
        (manifest.format !== 2 ? ` in an older format (${manifest.format})` : '') +
        `, but this run needs ${o.description} with ${o.partitions} partitions. Use another --input directory or matching options.`,
    );
  }
  return manifest;
}

/**
 * Writes the log while the input is generated: at most one segment per partition is in memory.
 * Each record goes where buildPartitionedLog (partitioned-log.ts) puts it: its pinned `partition`
 * and `arrivalBatch` (recorded input) or partition hash(key) and arrival floor(i * growth / n),
 * with the same checks (a pinned partition out of range, or an arrival batch before the previous
 * one of its partition, is a UserError naming the record).
 */
async function writeLog(o: LogSourceOptions): Promise<LogManifest> {
  const { records, size, growthBatches } = o.generate();
  const segmentRecords = o.segmentRecords ?? SEGMENT_RECORDS;
  const growth = Math.max(1, growthBatches);
  const buffers: StoredRecord[][] = Array.from({ length: o.partitions }, () => []);
  const counts = new Array<number>(o.partitions).fill(0);
  const segments = new Array<number>(o.partitions).fill(0);
  /** arriving[p][b]: records of partition p that first become available to batch b. */
  const arriving: number[][] = Array.from({ length: o.partitions }, () => new Array<number>(growth).fill(0));
  const lastArrival = new Array<number>(o.partitions).fill(0);
  let i = 0;
  for (const e of records) {
    const p = e.partition ?? partitionOf(e.key, o.partitions);
    if (!Number.isInteger(p) || p < 0 || p >= o.partitions) throw new UserError(`input record ${i + 1} has partition ${e.partition}, but the run has ${o.partitions} partitions (0..${o.partitions - 1})`);
    const arrival = e.arrivalBatch ?? Math.floor((i * growth) / size);
    if (!Number.isInteger(arrival) || arrival < 0) throw new UserError(`input record ${i + 1} has arrivalBatch ${e.arrivalBatch}; it must be a whole number >= 0`);
    if (arrival < lastArrival[p]!) throw new UserError(`input record ${i + 1} arrives at batch ${arrival}, before the record ahead of it in partition ${p} (batch ${lastArrival[p]}): arrival batches must not decrease within a partition`);
    lastArrival[p] = arrival;
    const perBatch = arriving[p]!;
    while (perBatch.length <= arrival) perBatch.push(0);
    perBatch[arrival]!++;
    buffers[p]!.push([e.key, e.value, e.eventTimeMs]);
    counts[p]!++;
    i++;
    if (buffers[p]!.length === segmentRecords) {
      await putJson(o.store, segmentKey(o.prefix, p, segments[p]!++), buffers[p], 'source');
      buffers[p] = [];
    }
  }
  if (i !== size) throw new Error(`input generator produced ${i} records, expected ${size}`);
  for (let p = 0; p < o.partitions; p++) if (buffers[p]!.length > 0) await putJson(o.store, segmentKey(o.prefix, p, segments[p]!), buffers[p], 'source');
  // Every partition's availability over the same batches: up to the last batch any record arrives at.
  const batches = Math.max(...arriving.map((perBatch) => perBatch.length));
  const available = arriving.map((perBatch) => {
    let sum = 0;
    return Array.from({ length: batches }, (_, b) => (sum += perBatch[b] ?? 0));
  });
  const manifest: LogManifest = { format: 2, description: o.description, partitions: o.partitions, counts, segmentRecords, available };
  await putJson(o.store, `${o.prefix}manifest`, manifest, 'source');
  return manifest;
}
