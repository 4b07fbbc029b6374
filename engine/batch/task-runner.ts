/**
 * Runs tasks on one executor — inside the driver (executors: 0) or in an executor process. A task
 * is (dataset id, partition, kind): the runtime finds the dataset in its own copy of the graph,
 * loads the checkpoint parts the driver listed, computes synchronously, then writes what must be
 * durable (checkpoint parts, output parts) before it reports success.
 */
import { BlockStore } from './block-store.js';
import { partKey, readPart } from './checkpoint-files.js';
import { outputPartKey, encodeJsonLines } from './output.js';
import { FetchFailedError, LocalCheckpointLostError, type ShuffleBlock, type TaskContext } from './task-context.js';
import type { BlockRequest, TaskFailure, TaskResult, TaskSpec } from './protocol.js';
import type { BatchContext } from './context.js';
import type { ShuffleDependency } from './dependency.js';
import type { Dataset } from './dataset.js';
import type { CheckpointStore } from '../checkpoint/store.js';
import type { Failpoints } from '../failpoints.js';
import { CorruptCheckpointError } from '../checkpoint/codec.js';
import { SimulatedCrash, UserError } from '../errors.js';

export interface RuntimeStores {
  checkpoint: CheckpointStore | undefined;
  /** The output store at `location` (a directory for executor processes). */
  output(location: string): CheckpointStore;
}

class RuntimeTaskContext implements TaskContext {
  readonly parts = new Map<string, unknown[]>();
  readonly remoteShuffle = new Map<string, ShuffleBlock>();
  readonly remoteBlocks = new Map<string, unknown[]>();
  readonly stored: [number, number][] = [];
  readonly toCheckpoint: { datasetId: number; partition: number; rows: unknown[] }[] = [];

  constructor(readonly executorId: number, private readonly runtime: ExecutorRuntime) {}

  shuffleBlocks(shuffleId: number, reduce: number): ShuffleBlock[] {
    const maps = this.runtime.ctx.shuffle(shuffleId).dataset.numPartitions;
    const out = new Array<ShuffleBlock>(maps);
    for (let m = 0; m < maps; m++) {
      const block = this.remoteShuffle.get(`${shuffleId}:${m}:${reduce}`) ?? this.runtime.blocks.getShuffle(shuffleId, m, reduce);
      if (block === undefined) throw new FetchFailedError(shuffleId, m, undefined);
      out[m] = block;
    }
    return out;
  }

  checkpointPart(datasetId: number, partition: number): unknown[] {
    const rows = this.parts.get(`${datasetId}:${partition}`);
    if (rows === undefined) throw new Error(`checkpoint part ${partition} of ds-${datasetId} was not loaded for this task`);
    return rows;
  }

  getBlock(datasetId: number, partition: number): unknown[] | undefined {
    return this.runtime.blocks.getBlock(datasetId, partition) ?? this.remoteBlocks.get(`${datasetId}:${partition}`);
  }

  storeBlock(datasetId: number, partition: number, rows: unknown[]): void {
    this.runtime.blocks.putBlock(datasetId, partition, rows);
    this.stored.push([datasetId, partition]);
  }

  recordCheckpointPart(datasetId: number, partition: number, rows: unknown[]): void {
    this.toCheckpoint.push({ datasetId, partition, rows });
  }
}

export class ExecutorRuntime {
  readonly blocks = new BlockStore();

  constructor(
    readonly ctx: BatchContext,
    readonly executorId: number,
    private readonly stores: RuntimeStores,
    private readonly failpoints: Failpoints,
  ) {}

  async runTask(spec: TaskSpec): Promise<TaskResult> {
    try {
      return await this.execute(spec);
    } catch (err) {
      if (err instanceof SimulatedCrash) throw err;
      return { ok: false, failure: toFailure(err) };
    }
  }

  private async execute(spec: TaskSpec): Promise<TaskResult> {
    await this.failpoints.hit('task.begin');
    this.ctx.applyCuts(spec.cuts);
    const tc = new RuntimeTaskContext(this.executorId, this);
    for (const part of spec.inputs.parts) {
      tc.parts.set(`${part.datasetId}:${part.partition}`, await readPart(this.requireCheckpointStore(), part.key));
    }
    for (const s of spec.inputs.shuffle) tc.remoteShuffle.set(`${s.shuffleId}:${s.map}:${s.reduce}`, s.block);
    for (const b of spec.inputs.blocks) tc.remoteBlocks.set(`${b.datasetId}:${b.partition}`, b.rows);

    let value: unknown;
    if (spec.kind === 'map') {
      const dep = this.ctx.shuffle(spec.shuffleId!);
      this.blocks.putShuffle(dep.shuffleId, spec.partition, bucketize(dep.dataset, spec.partition, tc, dep));
      await this.failpoints.hit('shuffle.written');
    } else if (spec.action?.kind === 'count' || spec.action?.kind === 'materialize') {
      let n = 0;
      this.ctx.dataset(spec.datasetId).forEachRow(spec.partition, tc, () => {
        n++;
      });
      value = n;
    } else {
      const rows = this.ctx.dataset(spec.datasetId).iterator(spec.partition, tc);
      value = await this.finish(spec, rows);
    }

    const checkpointParts: { datasetId: number; partition: number; bytes: number; rows: number; ms: number }[] = [];
    const written = new Set(spec.writtenParts);
    const targets = new Set(spec.checkpointTargets);
    for (const w of tc.toCheckpoint) {
      if (!targets.has(w.datasetId)) continue; // a marked ancestor of this job's checkpoint: not written (checkpointAllMarkedAncestors=false)
      if (written.has(`${w.datasetId}:${w.partition}`)) continue;
      const started = performance.now();
      const store = this.requireCheckpointStore();
      const bytes = await this.ctx.steps.writePart(store, partKey(`${spec.runId}/ds-${w.datasetId}`, w.partition), w.rows);
      checkpointParts.push({ datasetId: w.datasetId, partition: w.partition, bytes, rows: w.rows.length, ms: performance.now() - started });
    }
    return { ok: true, value, storedBlocks: tc.stored, checkpointParts };
  }

  private async finish(spec: TaskSpec, rows: unknown[]): Promise<unknown> {
    const action = spec.action!;
    switch (action.kind) {
      case 'collect':
        return rows;
      case 'count':
      case 'materialize':
        return rows.length;
      case 'reduce': {
        if (action.fn === undefined || rows.length === 0) return rows;
        let acc = rows[0];
        for (let i = 1; i < rows.length; i++) acc = action.fn(acc, rows[i]);
        return [acc];
      }
      case 'save': {
        const bytes = encodeJsonLines(rows);
        await this.stores.output(action.location).put(outputPartKey(spec.partition), bytes, { kind: 'sink' });
        return { rows: rows.length, bytes: bytes.length };
      }
    }
  }

  /** Blocks other executors' tasks need; null when this executor does not hold one. */
  getBlocks(requests: BlockRequest[]): (unknown[] | null)[] {
    return requests.map((r) =>
      r.type === 'shuffle' ? (this.blocks.getShuffle(r.shuffleId, r.map, r.reduce) ?? null) : (this.blocks.getBlock(r.datasetId, r.partition) ?? null),
    );
  }

  private requireCheckpointStore(): CheckpointStore {
    if (this.stores.checkpoint === undefined) {
      throw new UserError('checkpoint() needs a checkpoint store: pass `checkpoint` (a directory or a CheckpointStore) to the batch context');
    }
    return this.stores.checkpoint;
  }
}

/**
 * The map side of a shuffle: one flat [k, v, ...] block per reduce partition. With map-side
 * combine, records are merged in a Map first, so the key hash runs once per distinct key.
 */
export function bucketize(parent: Dataset<unknown>, partition: number, tc: TaskContext, dep: ShuffleDependency): ShuffleBlock[] {
  const partitioner = dep.partitioner;
  const buckets: ShuffleBlock[] = [];
  for (let r = 0; r < partitioner.numPartitions; r++) buckets.push([]);
  const agg = dep.aggregator;
  if (agg !== undefined && dep.mapSideCombine) {
    const m = new Map<unknown, unknown>();
    const create = agg.createCombiner;
    const merge = agg.mergeValue;
    parent.forEachRow(partition, tc, (r) => {
      const row = r as [unknown, unknown];
      const k = row[0];
      const prev = m.get(k);
      m.set(k, prev === undefined && !m.has(k) ? create(row[1]) : merge(prev, row[1]));
    });
    m.forEach((c, k) => {
      buckets[partitioner.partition(k)]!.push(k, c);
    });
  } else {
    parent.forEachRow(partition, tc, (r) => {
      const row = r as [unknown, unknown];
      buckets[partitioner.partition(row[0])]!.push(row[0], row[1]);
    });
  }
  return buckets;
}

const SERVICE_OUTAGE_ERRORS = new Set(['StorageUnavailableError', 'FencedWriteError']);

function toFailure(err: unknown): TaskFailure {
  const e = err instanceof Error ? err : new Error(String(err));
  if (e instanceof FetchFailedError) {
    return { name: e.name, message: e.message, fatal: false, fetchFailed: { shuffleId: e.shuffleId, mapPartition: e.mapPartition } };
  }
  const fatal = e instanceof UserError || e instanceof CorruptCheckpointError || e instanceof LocalCheckpointLostError;
  // Matched by name: importing the S3 modules would load the S3 client in every executor.
  const serviceOutage = SERVICE_OUTAGE_ERRORS.has(e.name);
  return { name: e.name, message: e.message, fatal, ...(serviceOutage ? { serviceOutage } : {}) };
}
