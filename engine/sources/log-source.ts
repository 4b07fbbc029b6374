/**
 * The local partitioned log: one file per partition plus a manifest, under a directory (by default
 * `<output>/.source-log/`, or `--input DIR`). Written once, atomically (partition files first, the
 * manifest last, all checksummed), and reused by every restart, so a killed run replays the very
 * same records. Records are `[key, value, eventTimeMs, availableBeforeBatch]`; the offset is the
 * index in its partition.
 */
import type { CheckpointStore } from '../checkpoint/store.js';
import { getJson, putJson } from '../checkpoint/checked.js';
import { CorruptCheckpointError } from '../checkpoint/codec.js';
import { UserError } from '../errors.js';
import type { JsonValue } from '../streaming/source.js';
import { MemorySource } from './memory-source.js';
import type { LogRecord, PartitionedLog } from './partitioned-log.js';

interface LogManifest {
  format: 1;
  description: string;
  partitions: number;
  counts: number[];
}

type StoredRecord = [string, JsonValue, number, number];

export interface LogSourceOptions {
  store: CheckpointStore;
  /** Key prefix of the log in `store`, e.g. `.source-log/` ('' for a whole --input directory). */
  prefix: string;
  description: string;
  partitions: number;
  /** Produces the records when the log is missing or damaged. */
  generate: () => PartitionedLog;
  /**
   * An existing log with a different description: overwrite it (a private log under the output
   * directory) or refuse (a user-provided --input directory).
   */
  onMismatch: 'regenerate' | 'refuse';
}

export class LogSource extends MemorySource {
  override readonly kind = 'log';

  private constructor(
    log: PartitionedLog,
    description: string,
    /** Where the log is stored: executor processes open the same files (engine/streaming/executors). */
    readonly stored: { store: CheckpointStore; prefix: string },
  ) {
    super(log, description);
  }

  static async open(o: LogSourceOptions): Promise<LogSource> {
    const existing = await readLog(o);
    if (existing) return new LogSource(existing, o.description, { store: o.store, prefix: o.prefix });
    const log = o.generate();
    for (let p = 0; p < log.partitions.length; p++) {
      const stored: StoredRecord[] = log.partitions[p]!.map((r) => [r.key, r.value, r.eventTimeMs, r.availableBeforeBatch]);
      await putJson(o.store, `${o.prefix}p-${p}`, stored, 'source');
    }
    const manifest: LogManifest = { format: 1, description: o.description, partitions: log.partitions.length, counts: log.partitions.map((r) => r.length) };
    await putJson(o.store, `${o.prefix}manifest`, manifest, 'source');
    return new LogSource(log, o.description, { store: o.store, prefix: o.prefix });
  }
}

/** The stored log, or undefined when it must be (re)generated. */
async function readLog(o: LogSourceOptions): Promise<PartitionedLog | undefined> {
  let manifest: LogManifest | undefined;
  try {
    manifest = await getJson<LogManifest>(o.store, `${o.prefix}manifest`);
  } catch (err) {
    if (err instanceof CorruptCheckpointError) return undefined; // torn while being generated: generate again
    throw err;
  }
  if (!manifest) return undefined;
  if (manifest.description !== o.description || manifest.partitions !== o.partitions) {
    if (o.onMismatch === 'regenerate') return undefined;
    throw new UserError(
      `the source log in ${o.store.location}/${o.prefix} holds ${manifest.description} with ${manifest.partitions} partitions, ` +
        `but this run needs ${o.description} with ${o.partitions} partitions. Use another --input directory or matching options.`,
    );
  }
  const partitions: LogRecord[][] = [];
  for (let p = 0; p < manifest.partitions; p++) {
    const key = `${o.prefix}p-${p}`;
    let stored: StoredRecord[] | undefined;
    try {
      stored = await getJson<StoredRecord[]>(o.store, key);
    } catch (err) {
      if (err instanceof CorruptCheckpointError && o.onMismatch === 'regenerate') return undefined;
      throw err instanceof CorruptCheckpointError ? new UserError(err.message) : err;
    }
    if (!stored || stored.length !== manifest.counts[p]) {
      if (o.onMismatch === 'regenerate') return undefined;
      throw new UserError(`source log file ${o.store.location}/${key} is missing or incomplete; regenerate the --input directory`);
    }
    partitions.push(stored.map(([key2, value, eventTimeMs, availableBeforeBatch], offset) => ({ partition: p, offset, key: key2, value, eventTimeMs, availableBeforeBatch })));
  }
  return { partitions };
}
