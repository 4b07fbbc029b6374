/**
 * Versioned, partitioned state of one stateful operator, modelled on Spark's HDFSBackedStateStore.
 *
 * In memory: one Map per partition (key -> value), plus the keys changed since the last durable
 * version. Version v is the state after batch v-1 (version 0 = empty). On disk, per partition:
 *   state/<operator>/<partition>/<v>.delta     { v, base, set: [[k, value]...], del: [k...] }
 *   state/<operator>/<partition>/<v>.snapshot  { v, entries: [[k, value]...] }
 * A delta holds the changes since its base version (the previous durable version, which with a
 * checkpoint interval K > 1 is K batches back). Loading follows the chain back to a snapshot.
 */
import type { CheckpointStore } from '../checkpoint/store.js';
import { getJson, putJson } from '../checkpoint/checked.js';
import { CorruptCheckpointError } from '../checkpoint/codec.js';
import type { JsonValue } from './source.js';
import type { KeyedState } from './query.js';
import { partitionOf } from './random.js';

export type StateFormat = 'delta' | 'snapshot';

interface DeltaFile {
  v: number;
  base: number;
  set: Array<[string, JsonValue]>;
  del: string[];
}
interface SnapshotFile {
  v: number;
  entries: Array<[string, JsonValue]>;
}

export function stateKey(operator: string, partition: number, version: number, format: StateFormat): string {
  return `state/${operator}/${partition}/${version}.${format}`;
}

/** Parses `state/<op>/<part>/<v>.<format>`; undefined for anything else. */
export function parseStateKey(key: string): { operator: string; partition: number; version: number; format: StateFormat } | undefined {
  const m = /^state\/([^/]+)\/(\d+)\/(\d+)\.(delta|snapshot)$/.exec(key);
  if (!m) return undefined;
  return { operator: m[1]!, partition: Number(m[2]), version: Number(m[3]), format: m[4] as StateFormat };
}

/** A state file that should be there is not: a chain is broken (retention, or lost). */
export class MissingStateError extends Error {
  constructor(readonly key: string) {
    super(`state file ${key} is missing`);
    this.name = 'MissingStateError';
  }
}

export class OperatorState implements KeyedState {
  readonly parts: Map<string, JsonValue>[];
  /** Keys changed since `durableVersion`, per partition; null when checkpointing is off. */
  private dirty: Set<string>[] | null;
  /** The version the on-disk chain can reproduce, which `dirty` is relative to. */
  durableVersion = 0;
  /** Oldest version the chain of `durableVersion` reads (its snapshot, or 0): retention keeps it. */
  chainStart = 0;
  /** Deltas since the chain's snapshot. */
  deltasSinceSnapshot = 0;

  constructor(readonly operator: string, readonly partitions: number, trackChanges: boolean) {
    this.parts = Array.from({ length: partitions }, () => new Map());
    this.dirty = trackChanges ? Array.from({ length: partitions }, () => new Set()) : null;
  }

  get size(): number {
    let n = 0;
    for (const p of this.parts) n += p.size;
    return n;
  }

  get(key: string): JsonValue | undefined {
    return this.parts[partitionOf(key, this.partitions)]!.get(key);
  }

  set(key: string, value: JsonValue): void {
    const p = partitionOf(key, this.partitions);
    this.parts[p]!.set(key, value);
    this.dirty?.[p]!.add(key);
  }

  delete(key: string): void {
    const p = partitionOf(key, this.partitions);
    if (this.parts[p]!.delete(key)) this.dirty?.[p]!.add(key);
  }

  *keys(): IterableIterator<string> {
    for (const p of this.parts) yield* p.keys();
  }

  changedKeys(): number {
    let n = 0;
    for (const d of this.dirty ?? []) n += d.size;
    return n;
  }

  /** Replace the content with a loaded version. */
  restore(parts: Map<string, JsonValue>[], version: number, chainStart: number, deltasSinceSnapshot: number): void {
    for (let p = 0; p < this.partitions; p++) this.parts[p] = parts[p]!;
    for (const d of this.dirty ?? []) d.clear();
    this.durableVersion = version;
    this.chainStart = chainStart;
    this.deltasSinceSnapshot = deltasSinceSnapshot;
  }

  /** Files (key, bytes) of version `v` in `format`; marks the version durable once written. */
  encodeVersion(v: number, format: StateFormat): Array<{ key: string; value: DeltaFile | SnapshotFile }> {
    const files: Array<{ key: string; value: DeltaFile | SnapshotFile }> = [];
    for (let p = 0; p < this.partitions; p++) {
      const map = this.parts[p]!;
      if (format === 'snapshot') {
        files.push({ key: stateKey(this.operator, p, v, 'snapshot'), value: { v, entries: [...map.entries()] } });
      } else {
        const set: Array<[string, JsonValue]> = [];
        const del: string[] = [];
        for (const k of this.dirty?.[p] ?? []) {
          const value = map.get(k);
          if (value === undefined) del.push(k);
          else set.push([k, value]);
        }
        files.push({ key: stateKey(this.operator, p, v, 'delta'), value: { v, base: this.durableVersion, set, del } });
      }
    }
    return files;
  }

  markDurable(v: number, format: StateFormat): void {
    for (const d of this.dirty ?? []) d.clear();
    if (format === 'snapshot') {
      this.chainStart = v;
      this.deltasSinceSnapshot = 0;
    } else {
      this.deltasSinceSnapshot++;
    }
    this.durableVersion = v;
  }
}

/** Writes version `v` of `op` (all partitions); returns the bytes written. Uses put kind 'state' or 'snapshot'. */
export async function writeStateVersion(store: CheckpointStore, op: OperatorState, v: number, format: StateFormat): Promise<number> {
  let bytes = 0;
  for (const f of op.encodeVersion(v, format)) bytes += await putJson(store, f.key, f.value, format === 'snapshot' ? 'snapshot' : 'state');
  op.markDurable(v, format);
  return bytes;
}

export interface LoadedPartition {
  map: Map<string, JsonValue>;
  chainStart: number;
  deltas: number;
}

/**
 * Loads version `v` of one partition, following delta bases back to a snapshot (or version 0).
 * At each version a snapshot is preferred; a corrupt file of one format falls back to the other.
 * Throws CorruptCheckpointError / MissingStateError when the chain cannot be read.
 */
export async function loadPartition(store: CheckpointStore, operator: string, partition: number, v: number): Promise<LoadedPartition> {
  const chain: DeltaFile[] = [];
  let version = v;
  let base: Map<string, JsonValue> | undefined;
  let chainStart = 0;
  while (version > 0) {
    const snapKey = stateKey(operator, partition, version, 'snapshot');
    const deltaKey = stateKey(operator, partition, version, 'delta');
    let snapshotError: unknown;
    try {
      const snap = await getJson<SnapshotFile>(store, snapKey);
      if (snap) {
        checkVersion(snapKey, snap.v, version);
        base = new Map(snap.entries);
        chainStart = version;
        break;
      }
    } catch (err) {
      if (!(err instanceof CorruptCheckpointError)) throw err;
      snapshotError = err;
    }
    const delta = await getJson<DeltaFile>(store, deltaKey);
    if (!delta) {
      if (snapshotError) throw snapshotError;
      throw new MissingStateError(deltaKey);
    }
    checkVersion(deltaKey, delta.v, version);
    if (!(delta.base < version)) throw new CorruptCheckpointError(deltaKey, `delta base ${delta.base} is not older than its version`);
    chain.push(delta);
    version = delta.base;
  }
  const map = base ?? new Map<string, JsonValue>();
  for (let i = chain.length - 1; i >= 0; i--) {
    const d = chain[i]!;
    for (const [k, value] of d.set) map.set(k, value);
    for (const k of d.del) map.delete(k);
  }
  return { map, chainStart, deltas: chain.length };
}

function checkVersion(key: string, found: number, expected: number): void {
  if (found !== expected) throw new CorruptCheckpointError(key, `holds version ${found}, expected ${expected}`);
}

/** Every state version present on disk for any operator (complete or not), newest first. */
export async function listStateVersions(store: CheckpointStore): Promise<number[]> {
  const versions = new Set<number>();
  for (const key of await store.list('state/')) {
    const parsed = parseStateKey(key);
    if (parsed) versions.add(parsed.version);
  }
  return [...versions].sort((a, b) => b - a);
}
