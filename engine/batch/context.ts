/**
 * The batch context: where datasets are created and numbered, where lineage cuts are recorded,
 * and (in the driver) the entry to the scheduler and the executor pool.
 *
 *   const ctx = new BatchContext({ executors: 0, checkpoint: dir });
 *   const counts = ctx.parallelize(words, 4).map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b);
 *   await counts.collect();
 *   await ctx.stop();
 *
 * With `executors: N > 0` tasks run in N executor processes (forked from `executorEntry`) which
 * rebuild the graph from `scenario` (a job module reference and its input), so such a context must
 * be built by that job.
 */
import { randomBytes } from 'node:crypto';
import { SourceDataset, CheckpointedDataset, type Dataset, type CheckpointMark } from './dataset.js';
import type { ShuffleDependency } from './dependency.js';
import type { CutRef, ResultAction, ScenarioRef } from './protocol.js';
import { DagScheduler } from './scheduler.js';
import { FsCheckpointStore } from '../checkpoint/fs-store.js';
import { storeRefOf } from './store-ref.js';
import type { CheckpointStore } from '../checkpoint/store.js';
import { Failpoints } from '../failpoints.js';
import { nullEventSink, type EventSink } from '../events.js';
import { UserError } from '../errors.js';
import type { OutputSummary } from './output.js';
import { correctBatchSteps, type BatchCheckpointSteps } from './checkpoint-steps.js';
import { describeFile, manifestKey, type DatasetManifest } from './checkpoint-files.js';
import { getJson } from '../checkpoint/checked.js';

export interface BatchContextOptions {
  /** 0 (default): tasks run in this process. N > 0: N executor processes (needs `scenario` and a directory or S3 checkpoint store). */
  executors?: number;
  /** Where reliable checkpoints go: a directory or a CheckpointStore. Needed by checkpoint(). */
  checkpoint?: string | CheckpointStore;
  /** Checkpoint parts of this run go under `<runId>/`. Default: a fresh unique id. */
  runId?: string;
  /** Identity of the job for named checkpoints (same key + name + partitions = reusable). */
  jobKey?: string;
  events?: EventSink;
  /** Failpoints of this process (the driver, and tasks when executors is 0). */
  failpoints?: Failpoints;
  /** Warn once when a job's lineage is deeper than this with no checkpoint. Default 50. */
  lineageWarnDepth?: number;
  /** A task failing this many times fails the job. Default 4. */
  maxTaskAttempts?: number;
  /** The job (module reference + input) executor processes rebuild (required when executors > 0). */
  scenario?: ScenarioRef;
  /** The executor process entry: compiled JS that calls serveBatchExecutor (required when executors > 0). */
  executorEntry?: string;
  /** Failpoint spec armed in executor 0 only (the first process of slot 0); other executors and replacements run clean. */
  executorFailpoints?: string;
  /** Partitions of parallelize()/range() when not given. Default 4. */
  defaultParallelism?: number;
  /** Checkpoint steps (default the correct ones); a batch mutant replaces one (mutants/batch/). */
  checkpointSteps?: BatchCheckpointSteps;
  /**
   * Spark's `spark.checkpoint.checkpointAllMarkedAncestors`. false (default, as in Spark): a job
   * checkpoints only the last marked dataset on each path of its lineage (the first one met walking
   * from the job's dataset toward the sources); marked ancestors behind it stay uncut and are not
   * written. true: every marked dataset in the lineage is checkpointed, ancestors first.
   */
  checkpointAllMarkedAncestors?: boolean;
}

export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

export class BatchContext {
  readonly role: 'driver' | 'executor';
  readonly runId: string;
  readonly jobKey: string;
  readonly events: EventSink;
  readonly failpoints: Failpoints;
  readonly options: BatchContextOptions;
  readonly checkpointStore: CheckpointStore | undefined;
  readonly steps: BatchCheckpointSteps;
  private readonly ownsCheckpointStore: boolean;
  private readonly datasets: Dataset<unknown>[] = [];
  private readonly shuffles: ShuffleDependency[] = [];
  private shuffleCount = 0;
  private readonly cuts = new Map<number, CheckpointedDataset<unknown>>();
  private readonly warned = new Set<string>();
  private scheduler: DagScheduler | undefined;
  private stopped = false;

  constructor(options: BatchContextOptions = {}, role: 'driver' | 'executor' = 'driver') {
    this.options = options;
    this.role = role;
    this.runId = options.runId ?? newRunId();
    this.jobKey = options.jobKey ?? '';
    this.events = options.events ?? nullEventSink;
    this.failpoints = options.failpoints ?? Failpoints.disarmed();
    this.steps = options.checkpointSteps ?? correctBatchSteps;
    const executors = options.executors ?? 0;
    if (!Number.isInteger(executors) || executors < 0) throw new UserError(`executors must be a whole number >= 0, got ${executors}`);
    if (typeof options.checkpoint === 'string') {
      this.checkpointStore = new FsCheckpointStore(options.checkpoint, { failpoints: this.failpoints });
      this.ownsCheckpointStore = true;
    } else {
      this.checkpointStore = options.checkpoint;
      this.ownsCheckpointStore = false;
    }
    if (executors > 0 && role === 'driver') {
      if (options.scenario === undefined || options.executorEntry === undefined) {
        throw new UserError('executors > 0 needs a job reference and an executor entry: executor processes rebuild the graph from the job module (run it through runtime/ or runBatchJob with jobRef and executorEntry), or use executors: 0');
      }
      // Executor processes open the same store themselves: a directory or S3 (store-ref.ts); memory stores are refused there.
      if (this.checkpointStore !== undefined) storeRefOf(this.checkpointStore);
    }
  }

  get executorCount(): number {
    return this.options.executors ?? 0;
  }

  // ---------------------------------------------------------------- graph registry

  registerDataset(ds: Dataset<unknown>): number {
    this.datasets.push(ds);
    return this.datasets.length - 1;
  }

  nextShuffleId(): number {
    return this.shuffleCount++;
  }

  registerShuffle(dep: ShuffleDependency): void {
    this.shuffles[dep.shuffleId] = dep;
  }

  dataset(id: number): Dataset<unknown> {
    const ds = this.datasets[id];
    if (ds === undefined) throw new Error(`no dataset ds-${id} in this graph (it has ${this.datasets.length})`);
    return ds;
  }

  shuffle(id: number): ShuffleDependency {
    const dep = this.shuffles[id];
    if (dep === undefined) throw new Error(`no shuffle ${id} in this graph`);
    return dep;
  }

  allDatasets(): readonly Dataset<unknown>[] {
    return this.datasets;
  }

  /** Shape of the graph (ids, kinds, partitions): equal in driver and executors when the build is deterministic. */
  graphSignature(): string {
    return this.datasets.map((d) => `${d.id}:${d.op}:${d.numPartitions}`).join(',');
  }

  // ---------------------------------------------------------------- lineage cuts

  checkpointView(id: number): CheckpointedDataset<unknown> | undefined {
    return this.cuts.get(id);
  }

  /** Replace the dependencies of `ds` by a dataset that reads its checkpoint. */
  cut(ds: Dataset<unknown>, kind: CheckpointMark, where: string): void {
    this.cuts.set(ds.id, new CheckpointedDataset(ds, kind, where));
  }

  cutRefs(): CutRef[] {
    return [...this.cuts.values()].map((c) => ({ datasetId: c.original.id, kind: c.kind, where: c.where }));
  }

  /** Executors apply the driver's cuts before each task. */
  applyCuts(refs: readonly CutRef[]): void {
    for (const r of refs) if (!this.cuts.has(r.datasetId)) this.cut(this.dataset(r.datasetId), r.kind, r.where);
  }

  // ---------------------------------------------------------------- sources

  /** Slices of an array. In executor processes the same array must come from the scenario's seed. */
  parallelize<T>(data: readonly T[], numSlices = this.options.defaultParallelism ?? 4): Dataset<T> {
    const n = Math.max(1, Math.floor(numSlices));
    const start = (p: number) => Math.floor((p * data.length) / n);
    return new SourceDataset<T>(this, n, (p) => data.slice(start(p), start(p + 1)), 'parallelize', (p, sink) => {
      for (let i = start(p), end = start(p + 1); i < end; i++) sink(data[i]!);
    });
  }

  /** Partitions generated on demand by a deterministic function (executors generate only their partitions). */
  generate<T>(numPartitions: number, generate: (partition: number) => T[]): Dataset<T> {
    if (!Number.isInteger(numPartitions) || numPartitions < 1) throw new UserError(`a partition count must be a positive integer, got ${numPartitions}`);
    return new SourceDataset<T>(this, numPartitions, generate, 'generate');
  }

  /** The integers [0, n) in `numSlices` partitions. */
  range(n: number, numSlices = this.options.defaultParallelism ?? 4): Dataset<number> {
    return this.generate(numSlices, (p) => {
      const out: number[] = [];
      for (let i = Math.floor((p * n) / numSlices); i < Math.floor(((p + 1) * n) / numSlices); i++) out.push(i);
      return out;
    });
  }

  /**
   * A dataset read back from a complete reliable checkpoint of an earlier job or run (Spark's
   * SparkContext.checkpointFile): `where` is a dataset's `checkpointLocation` (`<run id>/ds-<id>`)
   * in this context's checkpoint store. Its rows are the stored parts, partition for partition; it
   * has no lineage. Driver-side only (executors: 0), because executor processes rebuild the graph
   * from the job module, which cannot wait for a manifest while it builds.
   */
  async readCheckpoint<T>(where: string): Promise<Dataset<T>> {
    const store = this.checkpointStore;
    if (store === undefined) throw new UserError('readCheckpoint needs a checkpoint store: create the context with { checkpoint: DIR | store }');
    if (this.executorCount > 0) throw new UserError('readCheckpoint works with executors: 0 (executor processes rebuild the graph from the job module and cannot read a manifest while building it)');
    const manifest = await getJson<DatasetManifest>(store, manifestKey(where));
    if (manifest === undefined) {
      throw new UserError(`no complete checkpoint at ${describeFile(store, where)}: its manifest is missing (a checkpoint is complete only once its manifest is written). Pass a dataset's checkpointLocation after the job that wrote it finished.`);
    }
    const ds = new SourceDataset<T>(this, manifest.parts, () => {
      throw new Error(`checkpoint ${where} is read from the store, never computed`);
    }, `checkpointFile(${where})`);
    this.cut(ds, 'reliable', where);
    return ds;
  }

  // ---------------------------------------------------------------- warnings

  warnOnce(code: string, key: string, message: string): void {
    const id = `${code}:${key}`;
    if (this.warned.has(id)) return;
    this.warned.add(id);
    this.events.emit({ type: 'warning', code, message });
  }

  // ---------------------------------------------------------------- jobs (driver only)

  private driver(): DagScheduler {
    if (this.role !== 'driver') throw new Error('actions run in the driver; an executor only computes tasks');
    if (this.stopped) throw new UserError('this batch context was stopped; create a new one');
    this.scheduler ??= new DagScheduler(this);
    return this.scheduler;
  }

  runJob<R>(ds: Dataset<unknown>, action: ResultAction): Promise<R[]> {
    return this.driver().runJob<R>(ds, action);
  }

  saveAsJsonLines(ds: Dataset<unknown>, output: string | CheckpointStore): Promise<OutputSummary> {
    return this.driver().saveAsJsonLines(ds, output);
  }

  /** Look for complete checkpoints of named datasets from earlier runs and cut there; returns the reused labels. */
  reuseNamedCheckpoints(ds: Dataset<unknown>): Promise<string[]> {
    return this.driver().reuseNamedCheckpoints(ds);
  }

  /** Totals over all jobs of this context. */
  get stats(): { jobs: number; tasks: number; rerunTasks: number } {
    return this.scheduler?.stats ?? { jobs: 0, tasks: 0, rerunTasks: 0 };
  }

  /** Kill executor processes and close what this context opened. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      await this.scheduler?.stop();
    } finally {
      if (this.ownsCheckpointStore) await this.checkpointStore?.close();
    }
  }
}
