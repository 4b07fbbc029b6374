/**
 * Run a batch job end to end — what `chaos engine run` (runtime/run-command.ts) uses for kind 'batch'.
 * The engine knows no job by name: the runner loads the job module and passes its definition; with
 * executors it also passes the module reference (`jobRef`) and the executor entry to fork.
 *
 *   const result = await runBatchJob({
 *     job: pagerank, seed: 7, size: 2000,
 *     params: { iterations: 10, checkpointEvery: 3 },   // optional, scenario-specific
 *     checkpoint: 'out/ckpt',                           // directory or CheckpointStore (fs or s3 with executors; memory: executors 0 only)
 *     output: 'out/result',                             // directory or CheckpointStore
 *     executors: 2,                                     // 0 = tasks in this process (default)
 *     failpoints: 'manifest.write:1:crash',             // spec or Failpoints: this (driver) process
 *     executorFailpoints: 'shuffle.written:3:crash',    // armed in executor 0 only (not in replacements)
 *     events: new FdEventSink(1),
 *   });
 *
 * Output: `part-NNNNN.jsonl` per partition of the final dataset (each part's rows sorted by their
 * JSON text, no wall-clock values) and `.success` written last; read it with
 * `readJsonLinesOutput(dir)` and compare `canonicalLines(rows)` with the job's
 * `referenceResult(seed, size, params)`.
 * Events: engine.started, executor.*, job.*, stage.resubmitted, task.failed,
 * dataset.checkpointed (reused: true when a named checkpoint of an earlier run was used), warning,
 * failpoint.fired, engine.finished.
 * Re-running the same (scenario, seed, size, params) over the same checkpoint directory reuses the
 * complete named checkpoints of earlier (killed) runs; partial ones are ignored.
 * Errors a user can act on are UserErrors (unknown scenario, corrupt checkpoint, job aborted).
 */
import { performance } from 'node:perf_hooks';
import { BatchContext, newRunId } from './context.js';
import type { BatchCheckpointSteps } from './checkpoint-steps.js';
import { FsCheckpointStore } from '../checkpoint/fs-store.js';
import type { CheckpointStore } from '../checkpoint/store.js';
import { Failpoints, parseFailpoints } from '../failpoints.js';
import { nullEventSink, type EventInput, type EventSink } from '../events.js';
import { UserError } from '../errors.js';
import type { BatchJob, BatchParams } from '../job/batch-job.js';

export interface BatchRunOptions {
  job: BatchJob;
  /** How executor processes find the job: its module reference (bundled name or path), opaque to the engine. Default: the job's name. */
  jobRef?: string;
  /** The executor process entry (compiled JS calling serveBatchExecutor); needed when executors > 0. */
  executorEntry?: string;
  seed: number;
  size: number;
  params?: Partial<BatchParams>;
  checkpoint: string | CheckpointStore;
  output: string | CheckpointStore;
  executors?: number;
  failpoints?: string | Failpoints;
  executorFailpoints?: string;
  events?: EventSink;
  /** Default: a fresh unique id. */
  runId?: string;
  lineageWarnDepth?: number;
  maxTaskAttempts?: number;
  /** Known-bad checkpoint steps of a batch mutant (executor processes build theirs from env CHAOS_MUTANT). */
  checkpointSteps?: BatchCheckpointSteps;
}

export interface BatchRunResult {
  runId: string;
  rows: number;
  parts: number;
  bytes: number;
  tasks: number;
  rerunTasks: number;
  /** Labels of datasets whose checkpoint from an earlier run was reused. */
  reused: string[];
  ms: number;
}

export async function runBatchJob(opts: BatchRunOptions): Promise<BatchRunResult> {
  const started = performance.now();
  const scenario = opts.job;
  if (!Number.isInteger(opts.seed)) throw new UserError(`seed must be an integer, got ${opts.seed}`);
  if (!Number.isInteger(opts.size) || opts.size < 1) throw new UserError(`size must be a positive integer, got ${opts.size}`);
  const params: BatchParams = { ...scenario.defaults.params };
  for (const [key, value] of Object.entries(opts.params ?? {})) {
    if (!(key in params)) {
      throw new UserError(`job ${scenario.name} has no parameter "${key}"; its parameters are ${Object.keys(params).join(', ')}`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new UserError(`parameter ${key} must be a number, got ${value}`);
    params[key] = value;
  }
  const events = opts.events ?? nullEventSink;
  const failpoints = typeof opts.failpoints === 'string' || opts.failpoints === undefined ? new Failpoints(parseFailpoints(opts.failpoints)) : opts.failpoints;
  failpoints.onFire ??= (hit) => events.emit({ type: 'failpoint.fired', name: hit.name, occurrence: hit.occurrence, action: hit.action });
  const executors = opts.executors ?? 0;
  if (opts.executorFailpoints && executors === 0) {
    throw new UserError('executorFailpoints needs executors >= 1 (with executors: 0 tasks run in the driver: arm `failpoints` instead)');
  }
  parseFailpoints(opts.executorFailpoints); // a bad spec fails here, in the driver, with a clear message
  const checkpoint = typeof opts.checkpoint === 'string' ? new FsCheckpointStore(opts.checkpoint, { failpoints }) : opts.checkpoint;
  const output = typeof opts.output === 'string' ? new FsCheckpointStore(opts.output, { failpoints }) : opts.output;
  if (executors > 0 && output.backend !== 'fs') {
    // Executor processes write output parts themselves, only to directories (the checkpoint store, fs or S3, is checked by BatchContext).
    throw new UserError(`executor processes write output parts to a directory; the ${output.backend} output store works only with executors: 0`);
  }
  if (executors > 0 && !opts.executorEntry) {
    throw new UserError(`executors ${executors} needs an executor entry: run the job through a runner that starts executor processes (\`chaos engine run --executors ${executors}\`), or use executors: 0`);
  }
  const ref = { name: opts.jobRef ?? scenario.name, seed: opts.seed, size: opts.size, params };
  // engine.started comes first, but whether the run resumes is known only after the reuse lookup:
  // the context's events wait behind a gate until engine.started is out.
  const gate = new GatedEventSink(events);
  const ctx = new BatchContext({
    executors,
    checkpoint,
    runId: opts.runId ?? newRunId(),
    jobKey: JSON.stringify(ref),
    events: gate,
    failpoints,
    lineageWarnDepth: opts.lineageWarnDepth,
    maxTaskAttempts: opts.maxTaskAttempts,
    ...(opts.checkpointSteps ? { checkpointSteps: opts.checkpointSteps } : {}),
    scenario: ref,
    ...(opts.executorEntry ? { executorEntry: opts.executorEntry } : {}),
    executorFailpoints: opts.executorFailpoints,
    ...(scenario.checkpointAllMarkedAncestors ? { checkpointAllMarkedAncestors: true } : {}),
  });
  try {
    const job = scenario.build(ctx, { seed: opts.seed, size: opts.size, params });
    const reused = await ctx.reuseNamedCheckpoints(job.dataset);
    events.emit({ type: 'engine.started', pid: process.pid, scenario: scenario.name, kind: 'batch', resumed: reused.length > 0 });
    gate.open();
    const summary = await job.dataset.saveAsJsonLines(output);
    const ms = Math.round(performance.now() - started);
    events.emit({ type: 'engine.finished', ms });
    return { runId: ctx.runId, ...summary, tasks: ctx.stats.tasks, rerunTasks: ctx.stats.rerunTasks, reused, ms };
  } finally {
    gate.open(); // warnings of a run that failed before it started still get out
    await ctx.stop();
    if (typeof opts.checkpoint === 'string') await checkpoint.close();
    if (typeof opts.output === 'string') await output.close();
  }
}

/** Holds events back until `open()`, then passes them through in order. */
class GatedEventSink implements EventSink {
  private held: EventInput[] | undefined = [];
  constructor(private readonly target: EventSink) {}
  emit(event: EventInput): void {
    if (this.held === undefined) this.target.emit(event);
    else this.held.push(event);
  }
  open(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const e of held) this.target.emit(e);
  }
}

export { readJsonLinesOutput, canonicalLines } from './output.js';
