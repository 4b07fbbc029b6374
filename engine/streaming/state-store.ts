/**
 * Versioned, partitioned state of one stateful operator, modelled on Spark's HDFSBackedStateStore.
 *
 * In memory: one Map per partition (key -> value and the change epoch it was last written in), plus
 * the keys deleted since the last durable version. Version v is the state after batch v-1 (version 0 = empty). On disk, per partition:
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

/**
 * A value and the change epoch it was last written in. Tracking changes in the entry itself (rather
 * than a separate dirty-key set) keeps an update at the two hash lookups of get + set, checkpointing
 * or not: change tracking costs one field store per update, not a third lookup.
 */
interface Slot {
  value: JsonValue;
  changedAt: number;
}

export class OperatorState implements KeyedState {
  private readonly parts: Map<string, Slot>[];
  /** Per partition: keys deleted since `durableVersion` (rare; a delta lists them). */
  private readonly deleted: Set<string>[];
  /** Per partition: distinct keys changed (set or deleted) since `durableVersion`. */
  private readonly changed: number[];
  /** Slots with `changedAt === epoch` changed since `durableVersion`; bumped when a version becomes durable. */
  private epoch = 1;
  /** The version the on-disk chain can reproduce, which the change tracking is relative to. */
  durableVersion = 0;
  /** Oldest version the chain of `durableVersion` reads (its snapshot, or 0): retention keeps it. */
  chainStart = 0;
  /** Deltas since the chain's snapshot. */
  deltasSinceSnapshot = 0;

  /** `trackChanges` false (checkpointing off): no delta is ever written, so deleted keys are not remembered. */
  constructor(readonly operator: string, readonly partitions: number, private readonly trackChanges: boolean) {
    this.parts = Array.from({ length: partitions }, () => new Map());
    this.deleted = Array.from({ length: partitions }, () => new Set());
    this.changed = new Array(partitions).fill(0);
  }

  get size(): number {
    let n = 0;
    for (const p of this.parts) n += p.size;
    return n;
  }

  get(key: string): JsonValue | undefined {
    return this.parts[partitionOf(key, this.partitions)]!.get(key)?.value;
  }

  set(key: string, value: JsonValue): void {
    const p = partitionOf(key, this.partitions);
    const slot = this.parts[p]!.get(key);
    if (slot) {
      slot.value = value;
      if (slot.changedAt !== this.epoch) {
        slot.changedAt = this.epoch;
        this.changed[p]!++;
      }
      return;
    }
    this.parts[p]!.set(key, { value, changedAt: this.epoch });
    // A key deleted and set again since the durable version was already counted as changed.
    const deleted = this.deleted[p]!;
    if (deleted.size === 0 || !deleted.delete(key)) this.changed[p]!++;
  }

  delete(key: string): void {
    const p = partitionOf(key, this.partitions);
    const slot = this.parts[p]!.get(key);
    if (!slot) return;
    this.parts[p]!.delete(key);
    if (slot.changedAt !== this.epoch) this.changed[p]!++;
    if (this.trackChanges) this.deleted[p]!.add(key);
  }

  *keys(): IterableIterator<string> {
    for (const p of this.parts) yield* p.keys();
  }

  changedKeys(): number {
    if (!this.trackChanges) return 0;
    let n = 0;
    for (const c of this.changed) n += c;
    return n;
  }

  /** Replace the content with a loaded version. */
  restore(parts: Map<string, JsonValue>[], version: number, chainStart: number, deltasSinceSnapshot: number): void {
    this.epoch++;
    for (let p = 0; p < this.partitions; p++) {
      const slots = new Map<string, Slot>();
      for (const [k, value] of parts[p]!) slots.set(k, { value, changedAt: 0 });
      this.parts[p] = slots;
    }
    this.clearChanges();
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
        const entries: Array<[string, JsonValue]> = [];
        for (const [k, slot] of map) entries.push([k, slot.value]);
        files.push({ key: stateKey(this.operator, p, v, 'snapshot'), value: { v, entries } });
      } else {
        const set: Array<[string, JsonValue]> = [];
        // O(keys) per durable version (every K batches) instead of O(updates) per update.
        if (this.trackChanges) for (const [k, slot] of map) if (slot.changedAt === this.epoch) set.push([k, slot.value]);
        files.push({ key: stateKey(this.operator, p, v, 'delta'), value: { v, base: this.durableVersion, set, del: [...this.deleted[p]!] } });
      }
    }
    return files;
  }

  markDurable(v: number, format: StateFormat): void {
    this.clearChanges();
    if (format === 'snapshot') {
      this.chainStart = v;
      this.deltasSinceSnapshot = 0;
    } else {
      this.deltasSinceSnapshot++;
    }
    this.durableVersion = v;
  }

  /** Everything now counts as unchanged: a new epoch, so no slot has to be visited. */
  private clearChanges(): void {
    this.epoch++;
    for (const d of this.deleted) d.clear();
    this.changed.fill(0);
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
