/**
 * `engine run`: one engine process, the thing the harness starts and kills. Shared by the slim
 * entry (runtime/main.ts) and `chaos engine run` (commander): both parse flags into an EngineRun
 * with the one codec (engine-run.ts), and `engineRun` runs it — loads the job (bundled name or
 * module path), composes a mutant if asked, wires stores/source/sink/services, and runs the job to
 * the end of its bounded input, resuming from --checkpoint when it holds a checkpoint.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError, InjectedFault } from '../engine/errors.js';
import { Failpoints, parseFailpoints, sigkillSelf } from '../engine/failpoints.js';
import { Coverage, coverageArmed } from '../engine/coverage.js';
import { FdEventSink, type EventSink } from '../engine/events.js';
import { FsCheckpointStore } from '../engine/checkpoint/fs-store.js';
import { CorruptCheckpointError } from '../engine/checkpoint/codec.js';
import { lazyFsIo } from '../engine/io/lazy-fs.js';
import { checkOutputDir, checkOutputFile } from '../engine/io/output-path.js';
import { STREAMING_FAILPOINT_NAMES } from '../engine/streaming/failpoint-names.js';
import { runStreamingQuery, type StreamingInputKnobs, type StreamingRunOptions } from '../engine/streaming/run.js';
import type { GeneratedInputSpec } from '../engine/sources/generated.js';
import { openInputDirSource } from '../engine/streaming/wiring.js';
import { resolveKnobs } from '../engine/streaming/options.js';
import { openEngineServices, parseServiceFlags, seedDerivedKafkaSource, type ServiceFlagValues, type ServiceSelection } from '../engine/streaming/service-wiring.js';
import type { BatchJob, StreamingJob } from '../engine/job/index.js';
import { ENGINE_RUN_FIELDS, type EngineRun } from './engine-run.js';
import { loadJob } from './jobs.js';
import { readRecords } from './records.js';
import { partsFor, batchStepsFor, mutantKindOf, mutantNames } from './compose.js';
import { explainKafkaOpenError, validateKafkaConfig } from '../engine/kafka/kafka-config.js';
import { executorEntry } from './entries.js';
import { batchParamsOf, portableJobRef } from './run-job.js';

/**
 * Service outages (StorageUnavailableError in checkpoint/s3-objects.ts, FencedWriteError in
 * checkpoint/s3-store.ts, KafkaUnavailableError in kafka/kafka-config.ts), matched by name: importing
 * those modules loads the S3 client, ~0.5 s of startup for every engine process.
 */
const SERVICE_ERROR_NAMES = new Set(['StorageUnavailableError', 'FencedWriteError', 'KafkaUnavailableError']);

function dirOf(run: EngineRun, name: 'checkpoint' | 'output' | 'input'): string | undefined {
  const dir = run[name];
  if (dir === undefined) return undefined;
  if (name === 'input') {
    if (!dir.trim()) throw new UserError(`--${name} needs a directory path`);
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new UserError(`--${name} ${dir} exists and is not a directory`);
    return path.resolve(dir);
  }
  // Where the run writes: refused up front (exit 2, one line) when it is a file, under one, or on a special filesystem.
  return checkOutputDir(dir, `--${name}`);
}

/** Opens --events FILE for appending (creating its directory); a path that cannot be written is a UserError. */
function openEventsFile(file: string): number {
  checkOutputFile(file, '--events');
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return fs.openSync(file, 'a');
  } catch (err) {
    throw new UserError(`cannot open --events ${file} for writing: ${(err as Error).message}`);
  }
}

/** --executor-failpoints and env CHAOS_EXECUTOR_FAILPOINTS together; undefined when neither is set. */
function executorFailpointSpec(run: EngineRun, env: NodeJS.ProcessEnv): string | undefined {
  return [run.executorFailpoints, env.CHAOS_EXECUTOR_FAILPOINTS].filter((s) => s && s.trim()).join(',') || undefined;
}

/** The service flags of a run, as the engine's service wiring reads them (flag name -> value). */
function serviceValues(run: EngineRun): ServiceFlagValues {
  const out: ServiceFlagValues = {};
  for (const field of ['store', 'source', 's3Endpoint', 's3Bucket', 's3Prefix', 'kafkaBrokers', 'topic', 'sinkTopic', 'kafkaDelivery'] as const) {
    const v = run[field];
    if (v !== undefined) (out as Record<string, string>)[ENGINE_RUN_FIELDS[field].flag] = v;
  }
  return out;
}

/** The input knobs a streaming run was given (the job's defaults fill the rest: resolveKnobs). */
function inputKnobsOf(run: EngineRun): StreamingInputKnobs {
  const input: StreamingInputKnobs = {};
  if (run.keys !== undefined) input.keys = run.keys;
  if (run.disorderMs !== undefined) input.disorderMs = run.disorderMs;
  if (run.lateFraction !== undefined) input.lateFraction = run.lateFraction;
  if (run.growthBatches !== undefined) input.growthBatches = run.growthBatches;
  return input;
}

/** The input a streaming run generates (or reads from --records): what its source log or derived Kafka topic holds. */
function generatedInputOf(job: StreamingJob, run: EngineRun, records: StreamingRunOptions['records']): GeneratedInputSpec {
  return { scenario: job, seed: run.seed, size: run.size, knobs: resolveKnobs(job, inputKnobsOf(run)), partitions: run.partitions ?? 4, ...(records ? { records } : {}) };
}

/**
 * Input injection for a run that reads a derived Kafka source topic (`--source kafka` without
 * --topic): seeds the topic the engine of `run` will read with dense offsets — the records with no
 * transaction markers between them, so its batch plans equal those over the local log — before any
 * engine of the run starts (the chaos harness calls it once per trial). The engine then finds the
 * topic seeded with exactly its input (both descriptions come from generatedInputOf). Returns the
 * topic, or undefined when the run reads no derived Kafka topic (another source, --topic, a batch job).
 */
export async function seedKafkaSourceOf(run: EngineRun, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const job = await loadJob(run.job);
  if (job.kind === 'batch') return undefined;
  const services = parseServiceFlags(serviceValues(run), run.sink ?? 'files', env);
  if (services.source !== 'kafka' || services.kafka?.topic) return undefined;
  const checkpointDir = dirOf(run, 'checkpoint');
  if (!checkpointDir) throw new UserError('a derived Kafka source topic is named after --checkpoint: give --checkpoint DIR or --topic NAME');
  const records = run.records !== undefined ? readRecords(run.records) : undefined;
  const brokers = services.kafka!.brokers;
  // A broker that cannot be reached before any engine ran is the run's configuration: "cannot reach Kafka at …" (exit 2).
  return seedDerivedKafkaSource(brokers, checkpointDir, generatedInputOf(job, run, records)).catch((err: unknown) => {
    throw explainKafkaOpenError(validateKafkaConfig({ brokers }), err);
  });
}

/** Runs one engine run; returns the exit code (errors a user can fix are UserErrors). */
export async function engineRun(run: EngineRun, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const failpointSpec = [run.failpoints, env.CHAOS_FAILPOINTS].filter((s) => s && s.trim()).join(',');
  const mutant = run.mutant ?? (env.CHAOS_MUTANT || undefined);
  const job = await loadJob(run.job);
  if (job.kind === 'batch') return runBatchKind(job, run, failpointSpec, mutant, env);

  const specs = parseFailpoints(failpointSpec);
  for (const s of specs) {
    if (!STREAMING_FAILPOINT_NAMES.includes(s.name)) {
      throw new UserError(`unknown failpoint "${s.name}" for a streaming job. Known: ${STREAMING_FAILPOINT_NAMES.join(', ')}`);
    }
  }
  const sinkKind = run.sink ?? 'files';
  const services = parseServiceFlags(serviceValues(run), sinkKind, env);
  const opts: StreamingRunOptions = {
    job,
    seed: run.seed,
    size: run.size,
    sink: sinkKind,
    cleanCheckpoint: run.cleanCheckpoint === true,
  };
  const setOpt = <K extends keyof StreamingRunOptions>(k: K, value: StreamingRunOptions[K] | undefined) => {
    if (value !== undefined) opts[k] = value;
  };
  setOpt('checkpointInterval', run.checkpointInterval);
  setOpt('maxBatchRecords', run.maxBatchRecords);
  setOpt('partitions', run.partitions);
  setOpt('snapshotEvery', run.snapshotEvery);
  setOpt('retainBatches', run.retainBatches);
  setOpt('mutant', mutant);
  opts.input = inputKnobsOf(run);
  setOpt('executors', run.executors);
  setOpt('executorFailpoints', executorFailpointSpec(run, env));

  const checkpointDir = dirOf(run, 'checkpoint') ?? '';
  const outputDir = dirOf(run, 'output')!;
  const inputDir = dirOf(run, 'input');
  if (checkpointDir === outputDir) throw new UserError('--checkpoint and --output must be different directories');

  const parts = partsFor(mutant);
  const eventsFd = run.events ? openEventsFile(run.events) : 1;
  const events: EventSink = new FdEventSink(eventsFd);
  const failpoints = new Failpoints(specs, sigkillSelf);
  failpoints.onFire = (hit) => events.emit({ type: 'failpoint.fired', ...hit });
  // A mutant's FsIo runs over the lazy "disk", so an fsync it skips is really missing from the journal.
  const ioFor = (root: string) => (run.lazyFs === true ? partsFor(mutant, lazyFsIo(root)).io : parts.io);
  const partitions = opts.partitions ?? 4;
  if (run.records !== undefined) opts.records = readRecords(run.records);
  const generated = generatedInputOf(job, run, opts.records);
  const svc = await openEngineServices(services, { checkpointDir, outputDir, partitions, failpoints, events, ioFor, input: generated });
  const { checkpoint, output } = svc;
  try {
    let source;
    if (inputDir) {
      const inputStore = new FsCheckpointStore(inputDir, { failpoints, io: ioFor(inputDir) });
      source = await openInputDirSource(inputStore, { input: generated, output, failpoints });
    }
    source ??= svc.source;
    const coverage = coverageArmed(run.coverage === true, env) ? new Coverage(events) : Coverage.disarmed();
    await runStreamingQuery(opts, {
      checkpoint,
      output,
      failpoints,
      events,
      coverage,
      protocol: parts.protocol,
      ...((opts.executors ?? 0) > 0 ? { executorLaunch: { entry: executorEntry('streaming'), job: portableJobRef(run.job) } } : {}),
      ...(source ? { source } : {}),
      ...(svc.sink ? { sink: svc.sink } : {}),
    });
    return 0;
  } catch (err) {
    if (err instanceof CorruptCheckpointError) throw new UserError(err.message);
    throw err;
  } finally {
    await svc.close();
    if (eventsFd !== 1) fs.closeSync(eventsFd);
  }
}

/** Fields that only mean something to streaming jobs: ignored (with a warning event) for batch ones. */
const STREAMING_ONLY_FIELDS = ['maxBatchRecords', 'snapshotEvery', 'retainBatches', 'input', 'records', 'keys', 'disorderMs', 'lateFraction', 'growthBatches', 'lazyFs', 'cleanCheckpoint'] as const;

/**
 * Batch jobs run on the batch engine (engine/batch/run.ts, loaded only when needed).
 * --partitions and --checkpoint-interval become the job's `partitions` and
 * `checkpointEvery` (or `checkpoint`) parameters when it has them.
 */
async function runBatchKind(job: BatchJob, run: EngineRun, failpointSpec: string, mutant: string | undefined, env: NodeJS.ProcessEnv): Promise<number> {
  if (mutant && mutantKindOf(mutant) !== 'batch') {
    throw new UserError(mutantKindOf(mutant) ? `mutant "${mutant}" breaks the streaming engine; "${job.name}" is a batch job` : `unknown mutant "${mutant}". Known mutants: ${mutantNames().join(', ')}.`);
  }
  // Executor processes inherit the environment: they build the same broken steps (runtime/batch-executor-main.ts).
  if (mutant) process.env.CHAOS_MUTANT = mutant;
  const services = batchServiceSelection(job, run, env);
  const executors = run.executors ?? 0;
  if (executors > 0 && services.sink === 's3') {
    // Executors write output parts themselves and open only output directories (their checkpoint store may be S3: the driver passes its location).
    throw new UserError(
      `batch job ${job.name}: --executors ${executors} cannot be combined with --sink s3 (executor processes write output parts only to a directory); use --sink files with executors, or --executors 0 with --sink s3`,
    );
  }
  const { runBatchJob } = await import('../engine/batch/run.js');
  const params = batchParamsOf(job, run);
  const partitions = run.partitions;
  const checkpointDir = dirOf(run, 'checkpoint') ?? '';
  const outputDir = dirOf(run, 'output')!;
  if (checkpointDir === outputDir) throw new UserError('--checkpoint and --output must be different directories');
  const eventsFd = run.events ? openEventsFile(run.events) : 1;
  const events: EventSink = new FdEventSink(eventsFd);
  try {
    const ignored = STREAMING_ONLY_FIELDS.filter((f) => run[f] !== undefined).map((f) => ENGINE_RUN_FIELDS[f].flag);
    if (ignored.length) {
      events.emit({ type: 'warning', code: 'streaming-flags-ignored', message: `${ignored.map((f) => `--${f}`).join(', ')} apply to streaming jobs only; ignored for batch job ${job.name}` });
    }
    const failpoints = new Failpoints(parseFailpoints(failpointSpec), sigkillSelf);
    failpoints.onFire = (hit) => events.emit({ type: 'failpoint.fired', ...hit });
    // The same stores the streaming path opens: fs directories, or S3 under the run prefix
    // (a stable key derived from --checkpoint / --output, so a re-run finds its named checkpoints).
    const svc = await openEngineServices(services, { checkpointDir, outputDir, partitions: partitions ?? 4, failpoints, events });
    try {
      await runBatchJob({
        job,
        jobRef: portableJobRef(run.job),
        ...(executors > 0 ? { executorEntry: executorEntry('batch') } : {}),
        seed: run.seed,
        size: run.size,
        params,
        checkpoint: services.store === 'fs' ? checkpointDir : svc.checkpoint,
        output: services.sink === 's3' ? svc.output : outputDir,
        executors,
        executorFailpoints: executorFailpointSpec(run, env),
        failpoints,
        events,
        ...(mutant ? { checkpointSteps: batchStepsFor(mutant) } : {}),
      });
    } finally {
      await svc.close();
    }
    return 0;
  } catch (err) {
    if (err instanceof CorruptCheckpointError) throw new UserError(err.message);
    throw err;
  } finally {
    if (eventsFd !== 1) fs.closeSync(eventsFd);
  }
}

/** --store fs|s3 and --sink files|s3 for a batch job (its output is always files); Kafka is for streaming. */
function batchServiceSelection(job: BatchJob, run: EngineRun, env: NodeJS.ProcessEnv): ServiceSelection {
  const sink = run.sink ?? 'files';
  if (sink !== 'files' && sink !== 's3') {
    throw new UserError(`--sink ${sink} applies to streaming jobs; batch job ${job.name} writes part files: use --sink files (the --output directory) or --sink s3`);
  }
  const services = parseServiceFlags(serviceValues(run), sink, env);
  if (services.source !== 'log') throw new UserError(`--source ${services.source} applies to streaming jobs; batch job ${job.name} generates its own input`);
  if (services.store === 'fs' && !dirOf(run, 'checkpoint')) throw new UserError(`missing --checkpoint (${ENGINE_RUN_FIELDS.checkpoint.help})`);
  return services;
}

/** Exit code for an error out of engineRun, with the message written to stderr. */
export function reportEngineError(err: unknown, prefix = 'engine'): number {
  if (err instanceof UserError) {
    process.stderr.write(`${prefix}: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof CorruptCheckpointError) {
    process.stderr.write(`${prefix}: ${err.message}\n`);
    return 2;
  }
  if (err instanceof InjectedFault) {
    process.stderr.write(`${prefix}: ${err.message}\n`);
    return 1;
  }
  if (err instanceof Error && err.name === 'StreamingTaskFailedError') {
    // engine/streaming/executors/pool.ts: a task failed on every attempt; the checkpoint is intact.
    process.stderr.write(`${prefix}: ${err.message}\n`);
    return 1;
  }
  if (err instanceof Error && SERVICE_ERROR_NAMES.has(err.name)) {
    // A service outage fails this attempt cleanly; a restart recovers from the checkpoint.
    process.stderr.write(`${prefix}: ${err.message}; the attempt failed and a restart resumes from the checkpoint\n`);
    return 1;
  }
  process.stderr.write(`${prefix}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 3;
}
