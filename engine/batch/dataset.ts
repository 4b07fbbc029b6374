/**
 * A dataset is five things, like Spark's RDD: partitions (`numPartitions`), a compute function per
 * partition, dependencies on parent datasets (narrow or shuffle), an optional partitioner, and
 * optional checkpoint data. Transformations build new datasets lazily; actions (collect, count,
 * reduce, saveAsJsonLines) hand the graph to the context's scheduler.
 *
 * Every dataset gets a numeric id in construction order. A scenario builds its graph the same way
 * in the driver and in every executor process, so the same id names the same dataset everywhere
 * and a task can be shipped as (dataset id, partition) instead of as a closure.
 *
 * Hot paths iterate arrays and Maps with plain loops: a partition is an array, a shuffle block is a
 * flat [k0, v0, k1, v1, ...] array, and keys are hashed once per distinct key, not once per record.
 */
import { HashPartitioner, type Key } from './keys.js';
import type { Dependency, ShuffleDependency, Aggregator } from './dependency.js';
import type { TaskContext } from './task-context.js';
import type { BatchContext } from './context.js';
import type { CheckpointStore } from '../checkpoint/store.js';
import { UserError } from '../errors.js';
import { lineageDepth, toDebugString } from './lineage.js';
import { hashString, mulberry32 } from '../random.js';

export type CheckpointMark = 'reliable' | 'local';

export abstract class Dataset<T> {
  readonly id: number;
  /** Optional stable name given by the user (`setName`); a named reliable checkpoint can be reused by a later run. */
  name: string | undefined;
  abstract readonly numPartitions: number;
  readonly partitioner: HashPartitioner | undefined;
  /** Keep computed partitions in executor memory. */
  cached = false;
  /** Set by checkpoint() / localCheckpoint(); the cut happens when the first job that computes it completes. */
  checkpointMark: CheckpointMark | undefined;
  /** What kind of dataset this is, for toDebugString. */
  abstract readonly op: string;

  constructor(
    readonly ctx: BatchContext,
    private readonly deps: readonly Dependency[],
    partitioner?: HashPartitioner,
    register = true,
  ) {
    this.partitioner = partitioner;
    this.id = register ? ctx.registerDataset(this) : -1;
  }

  /** Compute one partition from the parents' iterators (never call directly: use iterator). */
  abstract compute(partition: number, tc: TaskContext): T[];

  /**
   * The dependencies as they are now: after the lineage was cut by a checkpoint, a single narrow
   * dependency on the dataset that reads the stored partitions.
   */
  get dependencies(): readonly Dependency[] {
    const view = this.ctx.checkpointView(this.id);
    return view === undefined ? this.deps : [{ kind: 'one-to-one', dataset: view }];
  }

  /** The original lineage, also after a cut (for planning the reuse of named checkpoints). */
  get lineageDependencies(): readonly Dependency[] {
    return this.deps;
  }

  get label(): string {
    return this.name === undefined ? `ds-${this.id}` : `ds-${this.id} '${this.name}'`;
  }

  /** Rows of one partition: from the checkpoint when the lineage was cut, else from cache, else computed. */
  iterator(partition: number, tc: TaskContext): T[] {
    const view = this.ctx.checkpointView(this.id);
    if (view !== undefined) return view.iterator(partition, tc) as T[];
    if (this.cached) {
      const block = tc.getBlock(this.id, partition);
      if (block !== undefined) {
        if (this.checkpointMark === 'reliable') tc.recordCheckpointPart(this.id, partition, block);
        return block as T[];
      }
    }
    const rows = this.compute(partition, tc);
    if (this.cached || this.checkpointMark === 'local') tc.storeBlock(this.id, partition, rows);
    if (this.checkpointMark === 'reliable') tc.recordCheckpointPart(this.id, partition, rows);
    return rows;
  }

  /**
   * Push every row of a partition to `sink`. Chains of per-row transformations (map, filter,
   * flatMap, keyBy, mapValues) that are not cached, marked or cut are fused here: no array per
   * step, and a row allocated by a step dies young instead of being kept in a partition array.
   */
  forEachRow(partition: number, tc: TaskContext, sink: (row: T) => void): void {
    const rows = this.iterator(partition, tc);
    for (let i = 0; i < rows.length; i++) sink(rows[i]!);
  }

  /** True when this dataset's rows can stream to a per-row child without a partition array. */
  fusableFrom(): boolean {
    return this.fusable && ((this instanceof MapPartitionsDataset && this.hasRowForm) || (this instanceof SourceDataset && this.hasRowForm));
  }

  /** Rows can stream through: nothing needs the whole partition array of this dataset. */
  protected get fusable(): boolean {
    return !this.cached && this.checkpointMark === undefined && this.ctx.checkpointView(this.id) === undefined;
  }

  // ---------------------------------------------------------------- persistence and names

  setName(name: string): this {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) {
      throw new Error(`dataset name "${name}" must be 1-100 characters of letters, digits, '.', '_' or '-' (it becomes part of a checkpoint key)`);
    }
    this.name = name;
    return this;
  }

  /** Keep computed partitions in executor memory; a partition lost with its executor is recomputed from lineage. */
  cache(): this {
    this.cached = true;
    return this;
  }

  /**
   * Mark for a reliable checkpoint. Each task that computes a partition of this dataset writes it to
   * the checkpoint store (`<run id>/ds-<id>/part-NNNNN`, checksummed, atomic) before it reports
   * success; when all partitions are written the driver writes the manifest last and cuts the
   * lineage: later jobs read the stored parts. A named dataset's complete checkpoint is reused by
   * later runs of the same job.
   */
  checkpoint(): this {
    this.checkpointMark = 'reliable';
    return this;
  }

  /**
   * Mark for a local checkpoint: partitions stay only in the memory of the executor that computed
   * them, and the lineage is cut anyway. Fast, and NOT fault tolerant: when that executor dies the
   * partition cannot be rebuilt and the job fails with a clear error. Use checkpoint() when data
   * must survive executor loss.
   */
  localCheckpoint(): this {
    this.checkpointMark = 'local';
    return this;
  }

  get isCheckpointed(): boolean {
    return this.ctx.checkpointView(this.id) !== undefined;
  }

  /** Longest chain of dependencies down to a source or a checkpoint cut (0 for a source). */
  lineageDepth(): number {
    return lineageDepth(this);
  }

  /** Spark-like description of the lineage: one line per dataset, indented at shuffle boundaries, with the cut shown. */
  toDebugString(): string {
    return toDebugString(this);
  }

  // ---------------------------------------------------------------- narrow transformations

  map<U>(f: (row: T) => U): Dataset<U> {
    return new MapPartitionsDataset<T, U>(this, 'map', (rows) => {
      const out = new Array<U>(rows.length);
      for (let i = 0; i < rows.length; i++) out[i] = f(rows[i]!);
      return out;
    }, false, (row, emit) => emit(f(row)));
  }

  filter(f: (row: T) => boolean): Dataset<T> {
    return new MapPartitionsDataset<T, T>(this, 'filter', (rows) => {
      const out: T[] = [];
      for (let i = 0; i < rows.length; i++) if (f(rows[i]!)) out.push(rows[i]!);
      return out;
    }, true, (row, emit) => {
      if (f(row)) emit(row);
    });
  }

  flatMap<U>(f: (row: T) => Iterable<U>): Dataset<U> {
    return new MapPartitionsDataset<T, U>(this, 'flatMap', (rows) => {
      const out: U[] = [];
      for (let i = 0; i < rows.length; i++) {
        const produced = f(rows[i]!);
        if (Array.isArray(produced)) for (let j = 0; j < produced.length; j++) out.push(produced[j]);
        else for (const u of produced) out.push(u);
      }
      return out;
    }, false, (row, emit) => {
      const produced = f(row);
      if (Array.isArray(produced)) for (let j = 0; j < produced.length; j++) emit(produced[j]);
      else for (const u of produced) emit(u);
    });
  }

  /** `f` gets a partition's rows (do not mutate them: they may be cached) and its index. */
  mapPartitions<U>(f: (rows: readonly T[], partition: number) => U[], preservesPartitioning = false): Dataset<U> {
    return new MapPartitionsDataset<T, U>(this, 'mapPartitions', f, preservesPartitioning);
  }

  keyBy<K extends Key>(f: (row: T) => K): Dataset<[K, T]> {
    return new MapPartitionsDataset<T, [K, T]>(this, 'keyBy', (rows) => {
      const out = new Array<[K, T]>(rows.length);
      for (let i = 0; i < rows.length; i++) out[i] = [f(rows[i]!), rows[i]!];
      return out;
    }, false, (row, emit) => emit([f(row), row]));
  }

  union(...others: Dataset<T>[]): Dataset<T> {
    return new UnionDataset<T>(this.ctx, [this, ...others]);
  }

  // ---------------------------------------------------------------- pair transformations

  /** Keeps the partitioner: keys do not move. */
  mapValues<K extends Key, V, W>(this: Dataset<[K, V]>, f: (value: V) => W): Dataset<[K, W]> {
    return new MapPartitionsDataset<[K, V], [K, W]>(this, 'mapValues', (rows) => {
      const out = new Array<[K, W]>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        out[i] = [r[0], f(r[1])];
      }
      return out;
    }, true, (row, emit) => emit([row[0], f(row[1])]));
  }

  /** Move every pair to the partition its key hashes to (no-op when already partitioned that way). */
  partitionBy<K extends Key, V>(this: Dataset<[K, V]>, numPartitions: number): Dataset<[K, V]> {
    const partitioner = new HashPartitioner(numPartitions);
    if (partitioner.equals(this.partitioner)) return this;
    return new ShuffledDataset<K, V, V>(this, partitioner, undefined, 'partitionBy');
  }

  /** Merge the values of each key with an associative, commutative `f`; combines on the map side first. */
  reduceByKey<K extends Key, V>(this: Dataset<[K, V]>, f: (a: V, b: V) => V, numPartitions?: number): Dataset<[K, V]> {
    const identity = (v: V) => v;
    return combineByKey<K, V, V>(this, { createCombiner: identity, mergeValue: f, mergeCombiners: f, mapSideCombine: true }, numPartitions, 'reduceByKey');
  }

  /** All values of each key, in a deterministic order (map partition order, then row order). */
  groupByKey<K extends Key, V>(this: Dataset<[K, V]>, numPartitions?: number): Dataset<[K, V[]]> {
    // As in Spark, no map-side combine: it would not shrink the data and costs a Map per task.
    return combineByKey<K, V, V[]>(
      this,
      {
        createCombiner: (v) => [v],
        mergeValue: (c, v) => {
          c.push(v);
          return c;
        },
        mergeCombiners: (a, b) => {
          for (let i = 0; i < b.length; i++) a.push(b[i]!);
          return a;
        },
        mapSideCombine: false,
      },
      numPartitions,
      'groupByKey',
    );
  }

  /** Inner join on key: one [k, [v, w]] per pair of matching rows. Co-partitioned inputs join without a shuffle. */
  join<K extends Key, V, W>(this: Dataset<[K, V]>, other: Dataset<[K, W]>, numPartitions?: number): Dataset<[K, [V, W]]> {
    const n = numPartitions ?? this.partitioner?.numPartitions ?? other.partitioner?.numPartitions ?? Math.max(this.numPartitions, other.numPartitions);
    const grouped = new CoGroupedDataset<K>(this.ctx, [this, other], new HashPartitioner(n));
    return new MapPartitionsDataset<[K, unknown[][]], [K, [V, W]]>(grouped, 'join', (rows) => {
      const out: [K, [V, W]][] = [];
      for (let i = 0; i < rows.length; i++) {
        const [k, groups] = rows[i]!;
        const left = groups[0] as V[];
        const right = groups[1] as W[];
        for (let a = 0; a < left.length; a++) for (let b = 0; b < right.length; b++) out.push([k, [left[a]!, right[b]!]]);
      }
      return out;
    }, true);
  }

  /** Each distinct row once. Rows are compared by value (objects by their JSON text). */
  distinct(numPartitions?: number): Dataset<T> {
    const keyed = new MapPartitionsDataset<T, [Key, T]>(this, 'distinct.key', (rows) => {
      const out = new Array<[Key, T]>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        out[i] = [typeof r === 'object' && r !== null ? JSON.stringify(r) : (r as Key), r];
      }
      return out;
    }, false);
    const first = (a: T) => a;
    const reduced = combineByKey<Key, T, T>(keyed, { createCombiner: first, mergeValue: first, mergeCombiners: first, mapSideCombine: true }, numPartitions, 'distinct');
    return new MapPartitionsDataset<[Key, T], T>(reduced, 'distinct.values', (rows) => {
      const out = new Array<T>(rows.length);
      for (let i = 0; i < rows.length; i++) out[i] = rows[i]![1];
      return out;
    }, false);
  }


  /** Like map on the value, one output pair per produced value; keeps the partitioner. */
  flatMapValues<K extends Key, V, W>(this: Dataset<[K, V]>, f: (value: V) => Iterable<W>): Dataset<[K, W]> {
    return new MapPartitionsDataset<[K, V], [K, W]>(this, 'flatMapValues', (rows) => {
      const out: [K, W][] = [];
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        for (const w of f(r[1])) out.push([r[0], w]);
      }
      return out;
    }, true, (row, emit) => {
      for (const w of f(row[1])) emit([row[0], w]);
    });
  }

  /**
   * Spark's combineByKey: `createCombiner` turns a key's first value into a combiner, `mergeValue`
   * adds a value to it (map side), `mergeCombiners` merges two (reduce side). Must not depend on
   * the order values arrive in beyond what the functions' associativity allows.
   */
  combineByKey<K extends Key, V, C>(
    this: Dataset<[K, V]>,
    createCombiner: (value: V) => C,
    mergeValue: (c: C, value: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    numPartitions?: number,
  ): Dataset<[K, C]> {
    return combineByKey<K, V, C>(this, { createCombiner, mergeValue, mergeCombiners, mapSideCombine: true }, numPartitions, 'combineByKey');
  }

  /**
   * Per key, fold the values into a fresh copy of `zero` with `seqOp` (within a partition), then merge
   * partial results with `combOp`. `zero` is copied (structuredClone) for every key and partition, so
   * a mutable zero is safe, as in Spark.
   */
  aggregateByKey<K extends Key, V, U>(this: Dataset<[K, V]>, zero: U, seqOp: (acc: U, value: V) => U, combOp: (a: U, b: U) => U, numPartitions?: number): Dataset<[K, U]> {
    return combineByKey<K, V, U>(this, { createCombiner: (v) => seqOp(structuredClone(zero), v), mergeValue: seqOp, mergeCombiners: combOp, mapSideCombine: true }, numPartitions, 'aggregateByKey');
  }

  /** aggregateByKey with one associative function for both steps (Spark's foldByKey). */
  foldByKey<K extends Key, V>(this: Dataset<[K, V]>, zero: V, f: (a: V, b: V) => V, numPartitions?: number): Dataset<[K, V]> {
    return combineByKey<K, V, V>(this, { createCombiner: (v) => f(structuredClone(zero), v), mergeValue: f, mergeCombiners: f, mapSideCombine: true }, numPartitions, 'foldByKey');
  }

  /** [k, [values of this, values of other]] for every key of either side (values in map partition order, then row order). */
  cogroup<K extends Key, V, W>(this: Dataset<[K, V]>, other: Dataset<[K, W]>, numPartitions?: number): Dataset<[K, [V[], W[]]]> {
    const n = numPartitions ?? this.partitioner?.numPartitions ?? other.partitioner?.numPartitions ?? Math.max(this.numPartitions, other.numPartitions);
    return new CoGroupedDataset<K>(this.ctx, [this, other], new HashPartitioner(n)) as unknown as Dataset<[K, [V[], W[]]]>;
  }

  /** Every left row with each matching right value, or with null when the key has none (Spark's None). */
  leftOuterJoin<K extends Key, V, W>(this: Dataset<[K, V]>, other: Dataset<[K, W]>, numPartitions?: number): Dataset<[K, [V, W | null]]> {
    return outerJoin<K, V, W, [K, [V, W | null]]>(this, other, numPartitions, 'leftOuterJoin', true, false);
  }

  /** Every right row with each matching left value, or with null when the key has none. */
  rightOuterJoin<K extends Key, V, W>(this: Dataset<[K, V]>, other: Dataset<[K, W]>, numPartitions?: number): Dataset<[K, [V | null, W]]> {
    return outerJoin<K, V, W, [K, [V | null, W]]>(this, other, numPartitions, 'rightOuterJoin', false, true);
  }

  /** Rows of both sides: matching pairs, and each unmatched row with null on the other side. */
  fullOuterJoin<K extends Key, V, W>(this: Dataset<[K, V]>, other: Dataset<[K, W]>, numPartitions?: number): Dataset<[K, [V | null, W | null]]> {
    return outerJoin<K, V, W, [K, [V | null, W | null]]>(this, other, numPartitions, 'fullOuterJoin', true, true);
  }

  /**
   * All pairs sorted by key (numbers numerically, strings by code unit), `numPartitions` partitions
   * in key order, so collect() returns them sorted. Pairs with equal keys keep their map order.
   * Unlike Spark there is no sampled range partitioner: every row passes through one reduce
   * partition, which each output partition slices (fine for the sizes this engine runs).
   */
  sortByKey<K extends Key, V>(this: Dataset<[K, V]>, ascending = true, numPartitions = this.numPartitions): Dataset<[K, V]> {
    const keyed = new MapPartitionsDataset<[K, V], [number, [K, V]]>(this, 'sortByKey.one', (rows) => rows.map((r) => [0, r] as [number, [K, V]]), false);
    const gathered = new ShuffledDataset<number, [K, V], [K, V]>(keyed, new HashPartitioner(1), undefined, 'sortByKey.gather');
    const sign = ascending ? 1 : -1;
    const sorted = new MapPartitionsDataset<[number, [K, V]], [K, V]>(gathered, 'sortByKey.sort', (rows) => {
      const out = rows.map((r) => r[1]);
      // Array.prototype.sort is stable: equal keys keep their order.
      out.sort((a, b) => sign * (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return out;
    }, false);
    return new SlicedDataset<[K, V]>(sorted, Math.max(1, Math.floor(numPartitions)), 'sortByKey');
  }

  /**
   * Rows of this dataset whose value (objects by JSON text) does not occur in `other`; duplicates
   * on this side are kept, as in Spark.
   */
  subtract(other: Dataset<T>, numPartitions?: number): Dataset<T> {
    const groups = byValue(this).cogroup(byValue(other), numPartitions ?? this.numPartitions);
    return new MapPartitionsDataset<[Key, [T[], T[]]], T>(groups, 'subtract', (rows) => {
      const out: T[] = [];
      for (const [, [mine, theirs]] of rows) if (theirs.length === 0) for (const r of mine) out.push(r);
      return out;
    }, false);
  }

  /** Each distinct value present in both datasets, once (as Spark's intersection). */
  intersection(other: Dataset<T>, numPartitions?: number): Dataset<T> {
    const groups = byValue(this).cogroup(byValue(other), numPartitions ?? Math.max(this.numPartitions, other.numPartitions));
    return new MapPartitionsDataset<[Key, [T[], T[]]], T>(groups, 'intersection', (rows) => {
      const out: T[] = [];
      for (const [, [mine, theirs]] of rows) if (mine.length > 0 && theirs.length > 0) out.push(mine[0]!);
      return out;
    }, false);
  }

  /**
   * Narrow: `numPartitions` partitions, each the concatenation of a contiguous range of this
   * dataset's partitions (no shuffle; order kept). Asking for more partitions than there are
   * keeps the count, as Spark's coalesce(n, shuffle = false) does.
   */
  coalesce(numPartitions: number): Dataset<T> {
    const n = Math.max(1, Math.min(Math.floor(numPartitions), this.numPartitions));
    const groups: number[][] = [];
    for (let p = 0; p < n; p++) {
      const g: number[] = [];
      for (let i = Math.floor((p * this.numPartitions) / n); i < Math.floor(((p + 1) * this.numPartitions) / n); i++) g.push(i);
      groups.push(g);
    }
    return new CoalescedDataset<T>(this, groups);
  }

  /**
   * Shuffle into `numPartitions` partitions of about equal size (Spark's repartition: round robin
   * from a start that depends on the map partition). Deterministic: the same input always lands
   * in the same partitions, in map partition order then row order.
   */
  repartition(numPartitions: number): Dataset<T> {
    const n = Math.max(1, Math.floor(numPartitions));
    const keyed = new MapPartitionsDataset<T, [number, T]>(this, 'repartition.key', (rows, partition) => {
      const out = new Array<[number, T]>(rows.length);
      const start = hashString(`repartition:${partition}`) % n;
      for (let i = 0; i < rows.length; i++) out[i] = [(start + i) % n, rows[i]!];
      return out;
    }, false);
    const moved = new ShuffledDataset<number, T, T>(keyed, new DirectPartitioner(n), undefined, 'repartition');
    return new MapPartitionsDataset<[number, T], T>(moved, 'repartition.values', (rows) => rows.map((r) => r[1]), false);
  }

  /**
   * A seeded, deterministic sample: each row is kept with probability `fraction` (without
   * replacement), or appears a Poisson(`fraction`) number of times (with replacement). The random
   * stream of partition p depends only on (seed, p), so a recomputed partition samples the same rows.
   */
  sample(withReplacement: boolean, fraction: number, seed: number): Dataset<T> {
    if (!(fraction >= 0) || (!withReplacement && fraction > 1)) {
      throw new UserError(`sample fraction must be in [0, 1] without replacement and >= 0 with replacement, got ${fraction}`);
    }
    return new MapPartitionsDataset<T, T>(this, `sample(${withReplacement ? 'with' : 'without'} replacement)`, (rows, partition) => {
      const next = mulberry32(hashString(`sample:${seed}:${partition}`));
      const out: T[] = [];
      for (let i = 0; i < rows.length; i++) {
        if (!withReplacement) {
          if (next() < fraction) out.push(rows[i]!);
          continue;
        }
        // Poisson(fraction) by inversion (Knuth): small fractions, a few draws per row.
        const limit = Math.exp(-fraction);
        let k = 0;
        for (let prod = next(); prod > limit; prod *= next()) k++;
        for (let j = 0; j < k; j++) out.push(rows[i]!);
      }
      return out;
    }, true);
  }

  // ---------------------------------------------------------------- actions

  async collect(): Promise<T[]> {
    const parts = await this.ctx.runJob<T[]>(this, { kind: 'collect' });
    return ([] as T[]).concat(...parts);
  }

  async count(): Promise<number> {
    const parts = await this.ctx.runJob<number>(this, { kind: 'count' });
    let n = 0;
    for (const c of parts) n += c;
    return n;
  }

  /**
   * Reduce all rows with an associative, commutative `f`. With executors in the driver each task
   * reduces its partition; with executor processes the closure cannot travel, so partitions are
   * collected and reduced in the driver.
   */
  async reduce(f: (a: T, b: T) => T): Promise<T> {
    const parts = await this.ctx.runJob<T[]>(this, { kind: 'reduce', fn: f as (a: unknown, b: unknown) => unknown });
    let acc: T | undefined;
    let seen = false;
    for (const part of parts) {
      for (const v of part) {
        acc = seen ? f(acc as T, v) : v;
        seen = true;
      }
    }
    if (!seen) throw new Error(`reduce of empty dataset ${this.label}`);
    return acc as T;
  }

  /**
   * Fold every row into `zero` with `f`: each partition starting from a fresh copy of `zero`, then
   * the partition results starting from another (Spark's fold). Partitions are collected and folded
   * in the driver, as a closure cannot travel to executor processes.
   */
  async fold(zero: T, f: (a: T, b: T) => T): Promise<T> {
    return this.aggregate(zero, f, f);
  }

  /** Spark's aggregate: `seqOp` within each partition from a copy of `zero`, `combOp` over the partition results. */
  async aggregate<U>(zero: U, seqOp: (acc: U, row: T) => U, combOp: (a: U, b: U) => U): Promise<U> {
    const parts = await this.ctx.runJob<T[]>(this, { kind: 'collect' });
    let total = structuredClone(zero);
    for (const part of parts) {
      let acc = structuredClone(zero);
      for (const row of part) acc = seqOp(acc, row);
      total = combOp(total, acc);
    }
    return total;
  }

  /** Smallest row by `compare` (default: < on numbers and strings); fails on an empty dataset, as Spark does. */
  async min(compare: (a: T, b: T) => number = naturalOrder): Promise<T> {
    return this.reduce((a, b) => (compare(a, b) <= 0 ? a : b));
  }

  /** Largest row by `compare`; fails on an empty dataset. */
  async max(compare: (a: T, b: T) => number = naturalOrder): Promise<T> {
    return this.reduce((a, b) => (compare(a, b) >= 0 ? a : b));
  }

  /** Where this dataset's reliable checkpoint lives (`<run id>/ds-<id>`) once it was written; pass it to BatchContext.readCheckpoint. */
  get checkpointLocation(): string | undefined {
    const view = this.ctx.checkpointView(this.id);
    return view?.kind === 'reliable' ? view.where : undefined;
  }

  /**
   * Write every partition as JSON lines to `part-NNNNN.jsonl` under `output` (a directory or a store),
   * atomically per part and with each part's rows in a canonical sorted order, then `.success`
   * (bookkeeping names start with '.'). Returns rows and bytes written.
   */
  async saveAsJsonLines(output: string | CheckpointStore): Promise<{ parts: number; rows: number; bytes: number }> {
    return this.ctx.saveAsJsonLines(this, output);
  }
}

// ---------------------------------------------------------------- concrete datasets

/** Rows generated per partition by a deterministic function (or slices of a given array). */
export class SourceDataset<T> extends Dataset<T> {
  readonly op: string;
  constructor(
    ctx: BatchContext,
    readonly numPartitions: number,
    private readonly generate: (partition: number) => T[],
    op = 'source',
    /** Rows of a partition pushed one by one without building an array (parallelize: no slice copy). */
    private readonly each?: (partition: number, sink: (row: T) => void) => void,
  ) {
    super(ctx, []);
    this.op = op;
  }
  get hasRowForm(): boolean {
    return this.each !== undefined;
  }
  compute(partition: number): T[] {
    return this.generate(partition);
  }
  override forEachRow(partition: number, tc: TaskContext, sink: (row: T) => void): void {
    if (this.each === undefined || !this.fusable) return super.forEachRow(partition, tc, sink);
    this.each(partition, sink);
  }
}

export class MapPartitionsDataset<T, U> extends Dataset<U> {
  readonly numPartitions: number;
  constructor(
    readonly parent: Dataset<T>,
    readonly op: string,
    private readonly f: (rows: readonly T[], partition: number) => U[],
    preservesPartitioning: boolean,
    /** The same transformation row by row, when it has one (lets forEachRow fuse steps). */
    private readonly each?: (row: T, emit: (u: U) => void) => void,
  ) {
    super(parent.ctx, [{ kind: 'one-to-one', dataset: parent }], preservesPartitioning ? parent.partitioner : undefined);
    this.numPartitions = parent.numPartitions;
  }
  get hasRowForm(): boolean {
    return this.each !== undefined;
  }
  compute(partition: number, tc: TaskContext): U[] {
    if (this.each !== undefined && this.parent.fusableFrom()) {
      const out: U[] = [];
      const each = this.each;
      const emit = (u: U) => {
        out.push(u);
      };
      this.parent.forEachRow(partition, tc, (row) => each(row, emit));
      return out;
    }
    return this.f(this.parent.iterator(partition, tc), partition);
  }
  override forEachRow(partition: number, tc: TaskContext, sink: (row: U) => void): void {
    if (this.each === undefined || !this.fusable) return super.forEachRow(partition, tc, sink);
    const each = this.each;
    this.parent.forEachRow(partition, tc, (row) => each(row, sink));
  }
}

export class UnionDataset<T> extends Dataset<T> {
  readonly op = 'union';
  readonly numPartitions: number;
  private readonly starts: number[] = [];
  constructor(ctx: BatchContext, readonly parents: Dataset<T>[]) {
    let start = 0;
    const deps: Dependency[] = [];
    for (const p of parents) {
      deps.push({ kind: 'range', dataset: p, inStart: 0, outStart: start, length: p.numPartitions });
      start += p.numPartitions;
    }
    super(ctx, deps);
    this.numPartitions = start;
    let s = 0;
    for (const p of parents) {
      this.starts.push(s);
      s += p.numPartitions;
    }
  }
  compute(partition: number, tc: TaskContext): T[] {
    for (let i = this.parents.length - 1; i >= 0; i--) {
      if (partition >= this.starts[i]!) return this.parents[i]!.iterator(partition - this.starts[i]!, tc);
    }
    throw new Error(`partition ${partition} out of range for ${this.label}`);
  }
}

interface CombineSpec<V, C> extends Aggregator<V, C> {
  mapSideCombine: boolean;
}

function combineByKey<K extends Key, V, C>(parent: Dataset<[K, V]>, spec: CombineSpec<V, C>, numPartitions: number | undefined, op: string): Dataset<[K, C]> {
  const partitioner = new HashPartitioner(numPartitions ?? parent.partitioner?.numPartitions ?? parent.numPartitions);
  if (partitioner.equals(parent.partitioner)) {
    // Already partitioned by key: combine inside each partition, no shuffle (as Spark does).
    return new MapPartitionsDataset<[K, V], [K, C]>(parent, op, (rows) => {
      const m = new Map<K, C>();
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        const prev = m.get(r[0]);
        m.set(r[0], prev === undefined && !m.has(r[0]) ? spec.createCombiner(r[1]) : spec.mergeValue(prev as C, r[1]));
      }
      return [...m];
    }, true);
  }
  return new ShuffledDataset<K, V, C>(parent, partitioner, spec, op);
}

/** The reduce side of a shuffle: merges the map outputs of one reduce partition, in map order. */
export class ShuffledDataset<K extends Key, V, C> extends Dataset<[K, C]> {
  readonly numPartitions: number;
  readonly dependency: ShuffleDependency;
  constructor(parent: Dataset<[K, V]>, partitioner: HashPartitioner, private readonly spec: CombineSpec<V, C> | undefined, readonly op: string) {
    const dep: ShuffleDependency = {
      kind: 'shuffle',
      dataset: parent,
      shuffleId: parent.ctx.nextShuffleId(),
      partitioner,
      aggregator: spec as Aggregator<unknown, unknown> | undefined,
      mapSideCombine: spec?.mapSideCombine ?? false,
    };
    super(parent.ctx, [dep], partitioner);
    this.dependency = dep;
    this.numPartitions = partitioner.numPartitions;
    parent.ctx.registerShuffle(dep);
  }

  compute(partition: number, tc: TaskContext): [K, C][] {
    const blocks = tc.shuffleBlocks(this.dependency.shuffleId, partition);
    const spec = this.spec;
    if (spec === undefined) {
      const out: [K, C][] = [];
      for (const b of blocks) for (let i = 0; i < b.length; i += 2) out.push([b[i] as K, b[i + 1] as C]);
      return out;
    }
    const m = new Map<K, C>();
    const merge = spec.mapSideCombine ? spec.mergeCombiners : (spec.mergeValue as unknown as (a: C, b: C) => C);
    const create = spec.mapSideCombine ? undefined : spec.createCombiner;
    for (let bi = 0; bi < blocks.length; bi++) {
      const b = blocks[bi]!;
      for (let i = 0; i < b.length; i += 2) {
        const k = b[i] as K;
        const v = b[i + 1] as C;
        const prev = m.get(k);
        if (prev === undefined && !m.has(k)) m.set(k, create === undefined ? v : create(v as unknown as V));
        else m.set(k, merge(prev as C, v));
      }
    }
    return [...m];
  }
}

/** Groups several pair datasets by key: [k, [values of parent 0, values of parent 1, ...]]. */
export class CoGroupedDataset<K extends Key> extends Dataset<[K, unknown[][]]> {
  readonly op = 'cogroup';
  readonly numPartitions: number;
  constructor(ctx: BatchContext, readonly parents: Dataset<[K, unknown]>[], partitioner: HashPartitioner) {
    const deps: Dependency[] = parents.map((p) =>
      partitioner.equals(p.partitioner)
        ? { kind: 'one-to-one', dataset: p }
        : { kind: 'shuffle', dataset: p, shuffleId: ctx.nextShuffleId(), partitioner, aggregator: undefined, mapSideCombine: false },
    );
    super(ctx, deps, partitioner);
    this.numPartitions = partitioner.numPartitions;
    for (const d of deps) if (d.kind === 'shuffle') ctx.registerShuffle(d);
  }

  compute(partition: number, tc: TaskContext): [K, unknown[][]][] {
    const n = this.parents.length;
    const m = new Map<K, unknown[][]>();
    const slot = (k: K): unknown[][] => {
      let g = m.get(k);
      if (g === undefined) {
        g = [];
        for (let i = 0; i < n; i++) g.push([]);
        m.set(k, g);
      }
      return g;
    };
    const deps = this.lineageDependencies;
    for (let i = 0; i < n; i++) {
      const dep = deps[i]!;
      if (dep.kind === 'shuffle') {
        for (const b of tc.shuffleBlocks(dep.shuffleId, partition)) for (let j = 0; j < b.length; j += 2) slot(b[j] as K)[i]!.push(b[j + 1]);
      } else {
        const rows = this.parents[i]!.iterator(partition, tc);
        for (let j = 0; j < rows.length; j++) slot(rows[j]![0])[i]!.push(rows[j]![1]);
      }
    }
    return [...m];
  }
}

/** Reads the stored partitions of a checkpointed dataset; it replaces that dataset's dependencies after the cut. */
export class CheckpointedDataset<T> extends Dataset<T> {
  readonly op: string;
  readonly numPartitions: number;
  constructor(readonly original: Dataset<T>, readonly kind: CheckpointMark, readonly where: string) {
    super(original.ctx, [], original.partitioner, false);
    this.numPartitions = original.numPartitions;
    this.op = kind === 'reliable' ? `reads ${where}` : 'reads executor memory (local checkpoint, not fault tolerant)';
  }
  override get label(): string {
    return `checkpoint of ds-${this.original.id}`;
  }
  override iterator(partition: number, tc: TaskContext): T[] {
    return this.compute(partition, tc);
  }
  compute(partition: number, tc: TaskContext): T[] {
    if (this.kind === 'reliable') return tc.checkpointPart(this.original.id, partition) as T[];
    const block = tc.getBlock(this.original.id, partition);
    if (block === undefined) throw new Error(`local checkpoint block ${partition} of ${this.original.label} was not resolved for this task`);
    return block as T[];
  }
}

function naturalOrder<T>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Each row keyed by its value (objects by JSON text), for set operations. */
function byValue<T>(ds: Dataset<T>): Dataset<[Key, T]> {
  return new MapPartitionsDataset<T, [Key, T]>(ds, 'byValue', (rows) => {
    const out = new Array<[Key, T]>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      out[i] = [typeof r === 'object' && r !== null ? JSON.stringify(r) : (r as Key), r];
    }
    return out;
  }, false);
}

function outerJoin<K extends Key, V, W, R>(left: Dataset<[K, V]>, right: Dataset<[K, W]>, numPartitions: number | undefined, op: string, keepLeft: boolean, keepRight: boolean): Dataset<R> {
  const groups = left.cogroup(right, numPartitions);
  return new MapPartitionsDataset<[K, [V[], W[]]], R>(groups, op, (rows) => {
    const out: R[] = [];
    for (const [k, [vs, ws]] of rows) {
      if (vs.length > 0 && ws.length > 0) {
        for (const v of vs) for (const w of ws) out.push([k, [v, w]] as R);
      } else if (vs.length > 0 && keepLeft) {
        for (const v of vs) out.push([k, [v, null]] as R);
      } else if (ws.length > 0 && keepRight) {
        for (const w of ws) out.push([k, [null, w]] as R);
      }
    }
    return out;
  }, true);
}

/** Keys are already partition numbers (repartition's round robin). */
class DirectPartitioner extends HashPartitioner {
  override partition(key: unknown): number {
    return (key as number) % this.numPartitions;
  }
  override equals(): boolean {
    return false;
  }
  override toString(): string {
    return `roundRobin(${this.numPartitions})`;
  }
}

/** Narrow: child partition p concatenates parent partitions groups[p] (coalesce). */
export class CoalescedDataset<T> extends Dataset<T> {
  readonly op = 'coalesce';
  readonly numPartitions: number;
  constructor(readonly parent: Dataset<T>, private readonly groups: number[][]) {
    const deps: Dependency[] = [];
    groups.forEach((g, p) => {
      for (const i of g) deps.push({ kind: 'range', dataset: parent, inStart: i, outStart: p, length: 1 });
    });
    super(parent.ctx, deps);
    this.numPartitions = groups.length;
  }
  compute(partition: number, tc: TaskContext): T[] {
    const out: T[] = [];
    for (const i of this.groups[partition]!) {
      const rows = this.parent.iterator(i, tc);
      for (let j = 0; j < rows.length; j++) out.push(rows[j]!);
    }
    return out;
  }
}

/** Narrow: splits the single partition of `parent` into `numPartitions` contiguous slices, in order (sortByKey). */
export class SlicedDataset<T> extends Dataset<T> {
  readonly numPartitions: number;
  constructor(readonly parent: Dataset<T>, numPartitions: number, readonly op: string) {
    const deps: Dependency[] = [];
    for (let p = 0; p < numPartitions; p++) deps.push({ kind: 'range', dataset: parent, inStart: 0, outStart: p, length: 1 });
    super(parent.ctx, deps);
    this.numPartitions = numPartitions;
  }
  compute(partition: number, tc: TaskContext): T[] {
    const rows = this.parent.iterator(0, tc);
    const n = this.numPartitions;
    return rows.slice(Math.floor((partition * rows.length) / n), Math.floor(((partition + 1) * rows.length) / n));
  }
}
