/**
 * The DAG scheduler (after Spark's DAGScheduler, simplified): a job becomes stages split at
 * shuffle boundaries; a stage runs only after the map stages it reads are complete; tasks of a
 * stage run on the executor pool.
 *
 * Failure handling:
 * - The driver tracks where every shuffle map output (and cached block) lives. When an executor
 *   dies, everything it held is forgotten; a task that needs a lost map output fails with
 *   FetchFailed before or while it runs; the scheduler then re-runs only the missing map tasks of
 *   the parent stage, and after that the missing tasks of the failed stage (`stage.resubmitted`).
 * - Any other task failure is retried; after `maxTaskAttempts` failures of the same partition the
 *   job fails with a JobAbortedError naming the stage, partition and last error. Errors retrying
 *   cannot fix (corrupt checkpoint, lost local checkpoint) fail the job at once.
 *
 * Checkpoints: a task that computes a partition of a dataset marked with checkpoint() writes it to
 * the store before it reports success (so, unlike Spark, the common case computes the data once).
 * When every partition is written the driver writes the manifest last and cuts the lineage. A
 * marked dataset that no task of the job computed (e.g. its consumer's shuffle output already
 * existed) is checkpointed after the job by an extra job, as in Spark; unless it is cached, that
 * computes it again (warning `checkpoint.recompute`).
 */
import { performance } from 'node:perf_hooks';
import type { BatchContext } from './context.js';
import type { Dataset } from './dataset.js';
import { parentPartition, type ShuffleDependency } from './dependency.js';
import type { ExecutorBackend, ExecutorHandle } from './backend.js';
import { ExecutorLostError } from '../executors/child-executor.js';
import { LocalBackend } from './local-backend.js';
import { ProcessBackend } from './process-backend.js';
import type { BlockRequest, ResultAction, TaskFailure, TaskInputs, TaskSpec } from './protocol.js';
import { FetchFailedError, LocalCheckpointLostError } from './task-context.js';
import { checkpointDir, fingerprint, partKey, writeManifest } from './checkpoint-files.js';
import { checkpointTargets, LineageWalk, lineageDepth } from './lineage.js';
import { writeSuccess, type OutputSummary } from './output.js';
import { FsCheckpointStore } from '../checkpoint/fs-store.js';
import type { CheckpointStore } from '../checkpoint/store.js';
import { UserError } from '../errors.js';

type AnyDataset = Dataset<unknown>;

/** The job cannot finish: a task kept failing, a stage kept losing its input, or a failure retrying cannot fix. */
export class JobAbortedError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'JobAbortedError';
  }
}

interface Stage {
  id: number;
  kind: 'map' | 'result';
  /** Map stage: the shuffle's parent (computed, then bucketized); result stage: the job's dataset. */
  dataset: AnyDataset;
  shuffle?: ShuffleDependency;
  action?: ResultAction;
  results: unknown[];
  done: Set<number>;
  ranOnce: boolean;
  rounds: number;
  fetchFailures: number;
}

interface Job {
  id: number;
  tasks: number;
  rerun: number;
  launched: Set<string>;
  failures: Map<string, number>;
}

interface CheckpointProgress {
  parts: Set<number>;
  bytes: number;
  rows: number;
  ms: number;
}

const MAX_STAGE_ATTEMPTS = 4;

export class DagScheduler {
  readonly stats = { jobs: 0, tasks: 0, rerunTasks: 0 };
  private backend: ExecutorBackend | undefined;
  private readonly mapOutputs = new Map<number, (number | undefined)[]>();
  private readonly blockLocations = new Map<string, number>();
  private readonly mapStages = new Map<number, Stage>();
  private readonly progress = new Map<number, CheckpointProgress>();
  private readonly reuseTried = new Set<number>();
  private readonly outputStores = new Map<string, CheckpointStore>();
  private nextStageId = 0;
  private nextJobId = 0;
  private lastLoss: string | undefined;
  private readonly maxTaskAttempts: number;
  /** Ids of the datasets the running job checkpoints (and only those are cut). */
  private targets = new Set<number>();

  constructor(private readonly ctx: BatchContext) {
    this.maxTaskAttempts = ctx.options.maxTaskAttempts ?? 4;
  }

  private getBackend(): ExecutorBackend {
    if (this.backend === undefined) {
      const stores = {
        checkpoint: this.ctx.checkpointStore,
        output: (location: string) => {
          const store = this.outputStores.get(location);
          if (store === undefined) throw new Error(`no output store registered at ${location}`);
          return store;
        },
      };
      this.backend = this.ctx.executorCount === 0 ? new LocalBackend(this.ctx, stores) : new ProcessBackend(this.ctx);
      this.backend.onLost = (id) => this.executorLost(id, `executor ${id} lost`);
    }
    return this.backend;
  }

  async stop(): Promise<void> {
    await this.backend?.stop();
  }

  // ---------------------------------------------------------------- jobs

  async runJob<R>(final: AnyDataset, action: ResultAction): Promise<R[]> {
    const started = performance.now();
    this.getBackend();
    await this.reuseNamedCheckpoints(final);
    await this.ctx.steps.onJobStart({ store: this.ctx.checkpointStore, runId: this.ctx.runId, jobKey: this.ctx.jobKey, final });
    this.warnDeepLineage(final);
    const job: Job = { id: this.nextJobId++, tasks: 0, rerun: 0, launched: new Set(), failures: new Map() };
    const targets = checkpointTargets(final, this.ctx.options.checkpointAllMarkedAncestors === true);
    this.targets = new Set(targets.map((d) => d.id));
    const stage = this.newResultStage(final, action);
    this.ctx.events.emit({ type: 'job.started', jobId: job.id, action: action.kind, stages: 1 + this.countMissingStages(final) });
    await this.runStage(stage, job);
    await this.checkpointMarkedAfterJob(targets, job);
    this.targets = new Set();
    this.stats.jobs++;
    this.stats.tasks += job.tasks;
    this.stats.rerunTasks += job.rerun;
    this.ctx.events.emit({ type: 'job.finished', jobId: job.id, ms: Math.round(performance.now() - started), tasks: job.tasks, rerunTasks: job.rerun });
    return stage.results as R[];
  }

  async saveAsJsonLines(ds: AnyDataset, output: string | CheckpointStore): Promise<OutputSummary> {
    const store = typeof output === 'string' ? new FsCheckpointStore(output, { failpoints: this.ctx.failpoints }) : output;
    if (this.ctx.executorCount > 0 && store.backend !== 'fs') {
      throw new UserError(`executor processes write output parts themselves and need a directory; the ${store.backend} output store works only with executors: 0`);
    }
    this.outputStores.set(store.location, store);
    const parts = await this.runJob<{ rows: number; bytes: number }>(ds, { kind: 'save', location: store.location });
    const summary: OutputSummary = { parts: parts.length, rows: 0, bytes: 0 };
    for (const p of parts) {
      summary.rows += p.rows;
      summary.bytes += p.bytes;
    }
    await writeSuccess(store, summary);
    return summary;
  }

  private newResultStage(dataset: AnyDataset, action: ResultAction): Stage {
    return { id: this.nextStageId++, kind: 'result', dataset, action, results: new Array(dataset.numPartitions), done: new Set(), ranOnce: false, rounds: 0, fetchFailures: 0 };
  }

  private mapStage(dep: ShuffleDependency): Stage {
    let stage = this.mapStages.get(dep.shuffleId);
    if (stage === undefined) {
      stage = { id: this.nextStageId++, kind: 'map', dataset: dep.dataset, shuffle: dep, results: [], done: new Set(), ranOnce: false, rounds: 0, fetchFailures: 0 };
      this.mapStages.set(dep.shuffleId, stage);
      this.mapOutputs.set(dep.shuffleId, new Array(dep.dataset.numPartitions).fill(undefined));
    }
    return stage;
  }

  private missingPartitions(stage: Stage): number[] {
    const out: number[] = [];
    if (stage.kind === 'map') {
      const outputs = this.mapOutputs.get(stage.shuffle!.shuffleId)!;
      for (let p = 0; p < outputs.length; p++) if (outputs[p] === undefined) out.push(p);
    } else {
      for (let p = 0; p < stage.dataset.numPartitions; p++) if (!stage.done.has(p)) out.push(p);
    }
    return out;
  }

  /** Map stages whose output `root` reads and that are not complete, in dependency order of discovery. */
  private missingParentStages(root: AnyDataset): Stage[] {
    const out: Stage[] = [];
    const walk = new LineageWalk(root);
    for (const ds of walk) {
      if (ds.cached && this.allBlocksLive(ds)) continue;
      for (const dep of ds.dependencies) {
        if (dep.kind === 'shuffle') {
          const stage = this.mapStage(dep);
          if (this.missingPartitions(stage).length > 0 && !out.includes(stage)) out.push(stage);
        } else {
          walk.visit(dep.dataset);
        }
      }
    }
    return out;
  }

  private countMissingStages(root: AnyDataset): number {
    const counted = new Set<number>();
    const visit = (ds: AnyDataset): void => {
      for (const stage of this.missingParentStages(ds)) {
        if (counted.has(stage.id)) continue;
        counted.add(stage.id);
        visit(stage.dataset);
      }
    };
    visit(root);
    return counted.size;
  }

  private allBlocksLive(ds: AnyDataset): boolean {
    for (let p = 0; p < ds.numPartitions; p++) if (this.liveBlock(ds.id, p) === undefined) return false;
    return true;
  }

  private liveBlock(datasetId: number, partition: number): number | undefined {
    const loc = this.blockLocations.get(`${datasetId}:${partition}`);
    return loc !== undefined && this.backend!.isAlive(loc) ? loc : undefined;
  }

  private async runStage(stage: Stage, job: Job): Promise<void> {
    for (;;) {
      for (const parent of this.missingParentStages(stage.dataset)) await this.runStage(parent, job);
      const missing = this.missingPartitions(stage);
      if (missing.length === 0) {
        stage.ranOnce = true;
        await this.completeCheckpoints();
        return;
      }
      if (stage.ranOnce || stage.rounds > 0) {
        this.ctx.events.emit({ type: 'stage.resubmitted', stageId: stage.id, missingPartitions: missing, reason: this.lastLoss ?? 'outputs lost' });
      }
      stage.rounds++;
      if (stage.rounds > this.maxTaskAttempts * MAX_STAGE_ATTEMPTS) {
        throw new JobAbortedError(`stage ${stage.id} (${stage.dataset.label}) kept losing its outputs (${stage.rounds - 1} rounds); last cause: ${this.lastLoss ?? 'unknown'}`);
      }
      const fetchFailed = await this.runTasks(stage, missing, job);
      if (fetchFailed !== undefined) {
        stage.fetchFailures++;
        this.lastLoss = fetchFailed.message;
        if (stage.fetchFailures >= MAX_STAGE_ATTEMPTS) {
          throw new JobAbortedError(`stage ${stage.id} (${stage.dataset.label}) failed ${stage.fetchFailures} times because its shuffle input was lost; last: ${fetchFailed.message}`);
        }
      } else {
        stage.fetchFailures = 0;
      }
    }
  }

  /** Runs the given partitions of a stage on all slots; returns the first FetchFailed, if any. */
  private async runTasks(stage: Stage, partitions: number[], job: Job): Promise<FetchFailedError | undefined> {
    const backend = this.getBackend();
    const queue = [...partitions];
    let fetchFailed: FetchFailedError | undefined;
    let abort: Error | undefined;

    const failTask = (p: number, attempt: number, reason: string, failure?: TaskFailure): void => {
      this.ctx.events.emit({ type: 'task.failed', stageId: stage.id, partition: p, attempt, reason });
      const key = `${stage.id}:${p}`;
      const failures = (job.failures.get(key) ?? 0) + 1;
      job.failures.set(key, failures);
      if (failures >= this.maxTaskAttempts && failure?.serviceOutage) {
        // Storage is still down: fail this attempt as the outage it is (exit 1, a restart resumes from the checkpoint).
        abort ??= Object.assign(new Error(`${failure.message} (task for partition ${p} of stage ${stage.id} failed ${failures} times)`), { name: failure.name });
      } else if (failures >= this.maxTaskAttempts) {
        abort ??= new JobAbortedError(
          `job ${job.id} aborted: task for partition ${p} of stage ${stage.id} (${stage.dataset.label}) failed ${failures} times; last error: ${reason}`,
        );
      } else {
        queue.push(p);
      }
    };

    const worker = async (slot: number): Promise<void> => {
      while (queue.length > 0 && fetchFailed === undefined && abort === undefined) {
        const p = queue.shift()!;
        let executor: ExecutorHandle;
        const key = `${stage.id}:${p}`;
        const attempt = (job.failures.get(key) ?? 0) + 1;
        try {
          executor = await backend.ensure(slot);
        } catch (err) {
          // An executor that dies while starting counts against the task that waited for it.
          if (err instanceof ExecutorLostError) failTask(p, attempt, `could not start an executor: ${err.message}`);
          else abort ??= err as Error;
          continue;
        }
        let spec: TaskSpec;
        try {
          spec = await this.buildTask(stage, p, executor.id, job.id, attempt);
        } catch (err) {
          if (err instanceof FetchFailedError) fetchFailed ??= err;
          else if (err instanceof LocalCheckpointLostError) abort ??= new JobAbortedError(`job ${job.id} aborted: ${err.message}`);
          else abort ??= err as Error;
          return;
        }
        if (job.launched.has(key)) job.rerun++;
        job.launched.add(key);
        job.tasks++;
        let result;
        try {
          result = await backend.runTask(executor, spec);
        } catch (err) {
          if (err instanceof ExecutorLostError) {
            failTask(p, attempt, err.message);
            continue;
          }
          abort ??= err as Error;
          return;
        }
        if (result.ok) {
          this.taskSucceeded(stage, p, executor.id, result);
        } else if (result.failure.fetchFailed !== undefined) {
          const { shuffleId, mapPartition } = result.failure.fetchFailed;
          this.ctx.events.emit({ type: 'task.failed', stageId: stage.id, partition: p, attempt, reason: result.failure.message });
          const outputs = this.mapOutputs.get(shuffleId);
          if (outputs) outputs[mapPartition] = undefined;
          fetchFailed ??= new FetchFailedError(shuffleId, mapPartition, undefined);
        } else if (result.failure.fatal) {
          this.ctx.events.emit({ type: 'task.failed', stageId: stage.id, partition: p, attempt, reason: result.failure.message });
          abort ??= new JobAbortedError(`job ${job.id} aborted: ${result.failure.message}`);
        } else {
          failTask(p, attempt, `${result.failure.name}: ${result.failure.message}`, result.failure);
        }
      }
    };

    const slots = Math.min(backend.slots, partitions.length);
    await Promise.all(Array.from({ length: slots }, (_, i) => worker(i)));
    if (abort !== undefined) throw abort;
    return fetchFailed;
  }

  private taskSucceeded(stage: Stage, p: number, executorId: number, result: { value?: unknown; storedBlocks: [number, number][]; checkpointParts: { datasetId: number; partition: number; bytes: number; rows: number; ms: number }[] }): void {
    const alive = this.backend!.isAlive(executorId);
    if (stage.kind === 'map') {
      if (alive) this.mapOutputs.get(stage.shuffle!.shuffleId)![p] = executorId;
    } else {
      stage.results[p] = result.value;
      stage.done.add(p);
    }
    if (alive) for (const [d, part] of result.storedBlocks) this.blockLocations.set(`${d}:${part}`, executorId);
    for (const w of result.checkpointParts) {
      let prog = this.progress.get(w.datasetId);
      if (prog === undefined) {
        prog = { parts: new Set(), bytes: 0, rows: 0, ms: 0 };
        this.progress.set(w.datasetId, prog);
      }
      if (!prog.parts.has(w.partition)) {
        prog.parts.add(w.partition);
        prog.bytes += w.bytes;
        prog.rows += w.rows;
        prog.ms += w.ms;
      }
    }
  }

  private executorLost(executorId: number, reason: string): void {
    this.lastLoss = reason;
    if (this.ctx.steps.lostShuffleOutput === 'read-empty') return;
    for (const outputs of this.mapOutputs.values()) {
      for (let i = 0; i < outputs.length; i++) if (outputs[i] === executorId) outputs[i] = undefined;
    }
    for (const [key, loc] of this.blockLocations) if (loc === executorId) this.blockLocations.delete(key);
  }

  // ---------------------------------------------------------------- task inputs

  /**
   * Resolve what partition `p` of the stage reads below its narrow chain: checkpoint parts (the
   * executor loads them), shuffle blocks and cached blocks (fetched here from the executors that
   * hold them, so compute never waits). A map output with no live owner is a FetchFailed now.
   */
  private async buildTask(stage: Stage, p: number, executorId: number, jobId: number, attempt: number): Promise<TaskSpec> {
    const inputs: TaskInputs = { parts: [], shuffle: [], blocks: [] };
    const remote = new Map<number, BlockRequest[]>();
    const wantRemote = (owner: number, req: BlockRequest) => {
      let list = remote.get(owner);
      if (list === undefined) remote.set(owner, (list = []));
      list.push(req);
    };
    const seen = new Set<string>();
    const visit = (ds: AnyDataset, part: number): void => {
      const id = `${ds.id}:${part}`;
      if (seen.has(id)) return;
      seen.add(id);
      const view = this.ctx.checkpointView(ds.id);
      if (view !== undefined) {
        if (view.kind === 'reliable') {
          inputs.parts.push({ datasetId: ds.id, partition: part, key: partKey(view.where, part) });
        } else {
          const loc = this.liveBlock(ds.id, part);
          if (loc === undefined) throw new LocalCheckpointLostError(ds.id, part, ds.label);
          if (loc !== executorId) wantRemote(loc, { type: 'block', datasetId: ds.id, partition: part });
        }
        return;
      }
      if (ds.cached) {
        const loc = this.liveBlock(ds.id, part);
        if (loc !== undefined) {
          if (loc !== executorId) wantRemote(loc, { type: 'block', datasetId: ds.id, partition: part });
          return;
        }
      }
      for (const dep of ds.dependencies) {
        if (dep.kind === 'shuffle') {
          const outputs = this.mapOutputs.get(dep.shuffleId);
          for (let m = 0; m < dep.dataset.numPartitions; m++) {
            const owner = outputs?.[m];
            if (owner === undefined) throw new FetchFailedError(dep.shuffleId, m, undefined);
            if (owner !== executorId) wantRemote(owner, { type: 'shuffle', shuffleId: dep.shuffleId, map: m, reduce: part });
          }
        } else {
          const pp = parentPartition(dep, part);
          if (pp !== undefined) visit(dep.dataset, pp);
        }
      }
    };
    visit(stage.dataset, p);

    for (const [owner, requests] of remote) {
      let blocks: (unknown[] | null)[];
      try {
        blocks = await this.backend!.fetchBlocks(owner, requests);
      } catch (err) {
        if (!(err instanceof ExecutorLostError)) throw err;
        blocks = requests.map(() => null);
      }
      requests.forEach((req, i) => {
        const block = blocks[i];
        if ((block === null || block === undefined) && req.type === 'shuffle' && this.ctx.steps.lostShuffleOutput === 'read-empty') {
          inputs.shuffle.push({ shuffleId: req.shuffleId, map: req.map, reduce: req.reduce, block: [] });
          return;
        }
        if (block === null || block === undefined) {
          if (req.type === 'shuffle') {
            const outputs = this.mapOutputs.get(req.shuffleId);
            if (outputs && outputs[req.map] === owner) outputs[req.map] = undefined;
            throw new FetchFailedError(req.shuffleId, req.map, owner);
          }
          if (this.ctx.checkpointView(req.datasetId)?.kind === 'local') {
            throw new LocalCheckpointLostError(req.datasetId, req.partition, this.ctx.dataset(req.datasetId).label);
          }
          // A cached block vanished: forget it; the next round recomputes it from lineage.
          this.blockLocations.delete(`${req.datasetId}:${req.partition}`);
          throw new FetchFailedError(-1, req.partition, owner);
        }
        if (req.type === 'shuffle') inputs.shuffle.push({ shuffleId: req.shuffleId, map: req.map, reduce: req.reduce, block });
        else inputs.blocks.push({ datasetId: req.datasetId, partition: req.partition, rows: block });
      });
    }

    return {
      jobId,
      stageId: stage.id,
      attempt,
      kind: stage.kind,
      datasetId: stage.dataset.id,
      partition: p,
      shuffleId: stage.shuffle?.shuffleId,
      action: stage.action,
      runId: this.ctx.runId,
      cuts: this.ctx.cutRefs(),
      checkpointTargets: [...this.targets],
      writtenParts: this.writtenParts(),
      inputs,
    };
  }

  // ---------------------------------------------------------------- checkpoints

  private writtenParts(): string[] {
    const out: string[] = [];
    for (const [id, prog] of this.progress) {
      if (this.ctx.checkpointView(id) !== undefined) continue;
      for (const p of prog.parts) out.push(`${id}:${p}`);
    }
    return out;
  }

  /** Cut the lineage of every checkpoint target of the job whose partitions are all stored (manifest last). */
  private async completeCheckpoints(): Promise<void> {
    for (const [id, prog] of this.progress) {
      if (this.ctx.checkpointView(id) !== undefined || !this.targets.has(id)) continue;
      const ds = this.ctx.dataset(id);
      if (prog.parts.size < ds.numPartitions) continue;
      const started = performance.now();
      const where = checkpointDir(this.ctx.runId, id);
      await writeManifest(this.ctx.checkpointStore!, {
        version: 1,
        where,
        datasetId: id,
        name: ds.name ?? null,
        fingerprint: ds.name === undefined ? '' : fingerprint(ds.name, this.ctx.jobKey, ds.numPartitions),
        parts: ds.numPartitions,
        bytes: prog.bytes,
        rows: prog.rows,
      });
      this.ctx.cut(ds, 'reliable', where);
      this.ctx.events.emit({
        type: 'dataset.checkpointed',
        dataset: ds.label,
        parts: ds.numPartitions,
        bytes: prog.bytes,
        ms: Math.round(prog.ms + performance.now() - started),
        reused: false,
      });
    }
    for (const ds of this.ctx.allDatasets()) {
      if (ds.checkpointMark !== 'local' || ds.isCheckpointed || !this.targets.has(ds.id) || !this.allBlocksLive(ds)) continue;
      this.ctx.cut(ds, 'local', 'executor memory');
      this.ctx.events.emit({ type: 'dataset.checkpointed', dataset: ds.label, parts: ds.numPartitions, bytes: 0, ms: 0, reused: false });
    }
  }

  /** Checkpoint targets of the job that no task computed are checkpointed by an extra job (Spark's way), ancestors first. */
  private async checkpointMarkedAfterJob(targets: AnyDataset[], job: Job): Promise<void> {
    const pending = targets.filter((ds) => !ds.isCheckpointed);
    for (const ds of pending) {
      if (!ds.cached) {
        this.ctx.warnOnce(
          'checkpoint.recompute',
          String(ds.id),
          `${ds.label} is marked for checkpoint but was not cached and no task of the job computed it: writing its checkpoint computes it again (as in Spark). Call .cache() before .checkpoint() to avoid that.`,
        );
      }
      await this.runStage(this.newResultStage(ds, { kind: 'materialize' }), job);
    }
  }

  /** Cut at complete checkpoints of named datasets left by earlier runs of the same job. */
  async reuseNamedCheckpoints(final: AnyDataset): Promise<string[]> {
    const store = this.ctx.checkpointStore;
    const reused: string[] = [];
    if (store === undefined) return reused;
    const walk = new LineageWalk(final);
    for (const ds of walk) {
      if (ds.checkpointMark === 'reliable' && ds.name !== undefined && !ds.isCheckpointed && !this.reuseTried.has(ds.id)) {
        this.reuseTried.add(ds.id);
        const started = performance.now();
        const fp = fingerprint(ds.name, this.ctx.jobKey, ds.numPartitions);
        const found = await this.ctx.steps.findNamed(store, { name: ds.name, fingerprint: fp, numPartitions: ds.numPartitions, datasetId: ds.id, runId: this.ctx.runId });
        if (found.found) {
          this.ctx.cut(ds, 'reliable', found.manifest.where);
          reused.push(ds.label);
          this.ctx.events.emit({
            type: 'dataset.checkpointed',
            dataset: ds.label,
            parts: found.manifest.parts,
            bytes: found.manifest.bytes,
            ms: Math.round(performance.now() - started),
            reused: true,
          });
          continue;
        }
        if (found.reason !== undefined) {
          this.ctx.warnOnce('checkpoint.unusable', ds.name, `not reusing the checkpoint of ${ds.label}: ${found.reason}; recomputing it`);
        }
      }
      if (ds.isCheckpointed) continue;
      for (const dep of ds.dependencies) walk.visit(dep.dataset);
    }
    return reused;
  }

  private warnDeepLineage(final: AnyDataset): void {
    const limit = this.ctx.options.lineageWarnDepth ?? 50;
    const depth = lineageDepth(final, true);
    if (depth > limit) {
      this.ctx.warnOnce(
        'lineage.deep',
        String(final.id),
        `lineage of ${final.label} is ${depth} dependencies deep with no checkpoint (limit ${limit}): recovery recomputes the whole chain and a deep lineage can overflow the stack. ` +
          'Call .checkpoint() every few iterations (or raise lineageWarnDepth).',
      );
    }
  }
}
