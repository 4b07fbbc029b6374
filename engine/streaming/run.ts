/**
 * Entry point of the streaming engine: `runStreamingQuery` = getOrCreate the checkpoint, then run
 * micro-batches until the bounded input is fully processed. Safe to call again on the same stores
 * after a SimulatedCrash escaped from it: every call builds a fresh engine; only the stores persist.
 *
 * The engine knows no job by name: the caller (a runner, runtime/) hands it the job definition,
 * and — for executor processes — the job's module reference and the executor entry to fork.
 * It knows no mutant either: a runner may hand it another `protocol` (the strategy seam).
 */
import type { CheckpointStore } from '../checkpoint/store.js';
import type { Failpoints } from '../failpoints.js';
import { Coverage } from '../coverage.js';
import type { EventSink } from '../events.js';
import type { StreamSource } from './source.js';
import type { StreamSink } from './sink.js';
import { UserError } from '../errors.js';
import type { StreamingJob } from '../job/streaming-job.js';
import type { InputEvent } from '../sources/partitioned-log.js';
import { correctProtocol, type StreamingProtocol } from './protocol.js';
import { readOutputRows } from '../sinks/read-output.js';
import type { ExecutionContext } from './context.js';
import { execute } from './execution.js';
import { resolveKnobs, resolveOptions, STREAMING_DEFAULTS } from './options.js';
import { describeQuery, statefulStages } from './query.js';
import { OperatorState } from './state-store.js';
import { createSink, createSource, type WiringContext } from './wiring.js';
import { LogSource } from '../sources/log-source.js';
import { parseFailpoints } from '../failpoints.js';
import { statelessPrefix } from './executors/partition-task.js';
import type { StreamingExecutorPool } from './executors/pool.js';

const MAX_EXECUTORS = 64;
/** Failpoints in a streaming executor process (executors/executor-main.ts). */
export const EXECUTOR_FAILPOINT_NAMES = ['task.begin', 'task.done'];

export interface StreamingInputKnobs {
  /** Distinct keys in the generated input. */
  keys?: number;
  /** Maximum event-time disorder (ms) of on-time records. */
  disorderMs?: number;
  /** Fraction of records whose event time is far behind (late data). */
  lateFraction?: number;
  /** Input becomes available over this many batches (a growing source); 1 = all there at batch 0. */
  growthBatches?: number;
}

export interface StreamingRunOptions {
  /** The job to run (its definition, loaded by the runner). */
  job: StreamingJob;
  seed: number;
  size: number;
  /** Source and state partitions (default 4); part of the fingerprint: changing it is refused. */
  partitions?: number;
  /** K: make state durable every K batches (default 1); 0 = checkpointing off entirely (no WAL, no state). */
  checkpointInterval?: number;
  /** Records per batch over all partitions (default 100). */
  maxBatchRecords?: number;
  /** M: a full snapshot every M state versions, deltas between (default 10). */
  snapshotEvery?: number;
  /** Batches of offsets/commits/state kept behind the newest complete state (default 20). */
  retainBatches?: number;
  input?: StreamingInputKnobs;
  /** Recorded records fed instead of the job's generated input (`id` identifies them in the checkpoint fingerprint). */
  records?: { id: string; events: readonly InputEvent[] };
  /** Label of the protocol variant the runner composed in (reported in engine.started); the engine does not interpret it. */
  mutant?: string;
  /** Remove the checkpoint after a successful bounded run. */
  cleanCheckpoint?: boolean;
  /**
   * Executor processes for the stateless part of each batch (one task per source partition; default
   * 0 = everything in the driver). Needs the local partitioned log on a filesystem and real
   * processes: refused with memory stores (simulation).
   */
  executors?: number;
  /** Failpoints armed in the first executor process only (`task.begin`, `task.done`); needs executors >= 1. */
  executorFailpoints?: string;
  /** 'files' (exactly-once, default) or 'append' (at-least-once); used when rt.sink is not given. */
  sink?: string;
}

export interface StreamingRuntime {
  /** The checkpoint "directory" (fs store in process mode, memory store in simulation). */
  checkpoint: CheckpointStore;
  /** Where the files sink writes its part files (fs store rooted at --output, or memory). */
  output: CheckpointStore;
  /** sigkillSelf crash handler in a process, simulatedCrash in simulation. */
  failpoints: Failpoints;
  events: EventSink;
  /** Coverage points to report (engine/coverage.ts); default disarmed. */
  coverage?: Coverage;
  /** Default: the local partitioned log generated from (scenario, seed, size, input). */
  source?: StreamSource;
  /** Default: files sink over `output`. */
  sink?: StreamSink;
  /** The checkpoint protocol's steps (default: the correct protocol); a runner swaps one step to run a known-bad variant. */
  protocol?: StreamingProtocol;
  /** How executor processes start (needed when executors > 0): the compiled entry that serves tasks and the job reference it loads. */
  executorLaunch?: { entry: string; job: string };
}

export async function runStreamingQuery(
  opts: StreamingRunOptions,
  rt: StreamingRuntime,
): Promise<{ batches: number; lastBatchId: number }> {
  const scenario = opts.job;
  const resolved = resolveOptions(opts);
  const knobs = resolveKnobs(scenario, opts.input);
  const protocol = rt.protocol ?? correctProtocol;
  const wiring: WiringContext = {
    input: { scenario, seed: resolved.seed, size: resolved.size, knobs, partitions: resolved.partitions, ...(opts.records ? { records: opts.records } : {}) },
    output: rt.output,
    failpoints: rt.failpoints,
  };
  const executors = checkExecutors(opts, rt);
  if (executors > 0 && protocol.runBatch !== correctProtocol.runBatch) {
    // Executors rebuild the correct stateless stages from the scenario: a mutant's runBatch change would not reach them.
    throw new UserError(`mutant ${resolved.mutant} changes how a batch runs, which executors ${executors} would partly bypass; run it with executors 0`);
  }
  const sink = rt.sink ?? (await createSink(opts.sink ?? STREAMING_DEFAULTS.sink, wiring));
  const source = rt.source ?? (await createSource('log', wiring));
  let pool: StreamingExecutorPool | undefined;
  try {
    if (source.partitions !== resolved.partitions) {
      throw new UserError(`the source has ${source.partitions} partitions but --partitions is ${resolved.partitions}; they must match`);
    }
    const query = scenario.buildQuery(resolved.seed, knobs);
    for (const stage of query.stages) await stage.prepare?.();
    const trackChanges = resolved.checkpointInterval > 0;
    const ctx: ExecutionContext = {
      opts: resolved,
      checkpoint: rt.checkpoint,
      output: rt.output,
      failpoints: rt.failpoints,
      coverage: rt.coverage ?? Coverage.disarmed(),
      events: rt.events,
      source,
      sink,
      query,
      states: statefulStages(query).map((s) => new OperatorState(s.name, resolved.partitions, trackChanges)),
      fingerprint: { scenario: scenario.name, operators: describeQuery(query), source: source.describe(), partitions: resolved.partitions },
      cleanedBelow: 0,
    };
    if (executors > 0) {
      pool = await startExecutorPool(executors, opts.executorFailpoints ?? '', ctx, wiring, rt);
      ctx.executors = pool;
    }
    const result = await execute(ctx, protocol);
    if (resolved.cleanCheckpoint) await rt.checkpoint.destroy();
    return result;
  } finally {
    await pool?.stop();
    // Not on a simulated crash: a crashed engine runs no more code (its sink and source are simply dropped).
    await sink.close();
    await source.close();
  }
}

/** The validated executor count; refuses executors where they cannot run (simulation) and bad executor failpoints. */
function checkExecutors(opts: StreamingRunOptions, rt: StreamingRuntime): number {
  const n = opts.executors ?? 0;
  if (!Number.isInteger(n) || n < 0 || n > MAX_EXECUTORS) throw new UserError(`executors must be a whole number from 0 to ${MAX_EXECUTORS}, got ${opts.executors}`);
  const spec = opts.executorFailpoints?.trim() ?? '';
  if (spec) {
    if (n === 0) throw new UserError('executor failpoints need executors >= 1 (with executors 0 tasks run in the driver: arm the driver failpoints instead)');
    for (const s of parseFailpoints(spec)) {
      if (!EXECUTOR_FAILPOINT_NAMES.includes(s.name)) throw new UserError(`unknown executor failpoint "${s.name}". Known: ${EXECUTOR_FAILPOINT_NAMES.join(', ')}`);
    }
  }
  if (n > 0 && (rt.checkpoint.backend === 'memory' || rt.output.backend === 'memory')) {
    throw new UserError(
      `executors ${n} needs real processes, but this run keeps its checkpoint/output in memory (simulation mode): executor processes cannot share it. Use executors 0 in simulation, or run the engine as a process (\`chaos engine run --executors ${n}\`).`,
    );
  }
  return n;
}

async function startExecutorPool(count: number, executorFailpoints: string, ctx: ExecutionContext, wiring: WiringContext, rt: StreamingRuntime): Promise<StreamingExecutorPool> {
  const stored = ctx.source instanceof LogSource ? ctx.source.stored : undefined;
  if (!stored || stored.store.backend !== 'fs') {
    throw new UserError(
      `executors read the local partitioned log from files, but this run's source is ${ctx.source.describe()}${stored ? ` stored in ${stored.store.backend}` : ''}. ` +
        'Use executors 0 with this source, or the default log source (or --input DIR).',
    );
  }
  if (!rt.executorLaunch) {
    throw new UserError(`executors ${count} needs an executor entry: run the job through a runner that starts executor processes (\`chaos engine run --executors ${count}\`), or use executors 0`);
  }
  const { StreamingExecutorPool } = await import('./executors/pool.js');
  const pool = new StreamingExecutorPool({
    count,
    entry: rt.executorLaunch.entry,
    init: {
      job: rt.executorLaunch.job,
      seed: ctx.opts.seed,
      size: ctx.opts.size,
      knobs: wiring.input.knobs,
      partitions: ctx.opts.partitions,
      sourceDir: stored.store.location,
      sourcePrefix: stored.prefix,
      sourceDescription: ctx.source.describe(),
      operators: ctx.fingerprint.operators,
    },
    executorFailpoints,
    events: rt.events,
    stagesDone: statelessPrefix(ctx.query).length,
  });
  try {
    await pool.start();
  } catch (err) {
    await pool.stop();
    throw err;
  }
  return pool;
}

export { readOutputRows };
