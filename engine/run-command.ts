/**
 * `engine run`: one engine process, the thing the harness starts and kills. Shared by the slim
 * entry (engine/main.ts, node:util parseArgs) and `chaos engine run` (commander): both hand the raw
 * flag values to `engineRun`, which validates every one (UserError, exit 2) and runs the scenario
 * to the end of its bounded input, resuming from --checkpoint when it holds a checkpoint.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError, InjectedFault } from './errors.js';
import { Failpoints, parseFailpoints, sigkillSelf } from './failpoints.js';
import { Coverage, coverageArmed } from './coverage.js';
import { FdEventSink, type EventSink } from './events.js';
import { FsCheckpointStore } from './checkpoint/fs-store.js';
import { CorruptCheckpointError } from './checkpoint/codec.js';
import { lazyFsIo } from './io/lazy-fs.js';
import { checkOutputDir, checkOutputFile } from './io/output-path.js';
import { engineParts } from './mutants/index.js';
import { STREAMING_FAILPOINT_NAMES } from './streaming/failpoint-names.js';
import { runStreamingQuery, type StreamingRunOptions } from './streaming/run.js';
import { openInputDirSource } from './streaming/wiring.js';
import { streamingScenarios } from '../scenarios/streaming/index.js';
import { findStreamingScenario } from '../scenarios/streaming/index.js';
import { resolveKnobs } from './streaming/options.js';
import { SERVICE_FLAGS, openEngineServices, parseServiceFlags, type ServiceSelection } from './streaming/service-wiring.js';

/**
 * Service outages (StorageUnavailableError in checkpoint/s3-objects.ts, FencedWriteError in
 * checkpoint/s3-store.ts, KafkaUnavailableError in kafka/kafka-config.ts), matched by name: importing
 * those modules loads the S3 client, ~0.5 s of startup for every engine process.
 */
const SERVICE_ERROR_NAMES = new Set(['StorageUnavailableError', 'FencedWriteError', 'KafkaUnavailableError']);

/** Flag name (long, without --) -> what it takes. The one list both parsers are built from. */
export const ENGINE_RUN_FLAGS = {
  scenario: { type: 'string', required: true, help: 'scenario name (see `chaos scenarios`)' },
  seed: { type: 'string', required: true, help: 'input seed (whole number)' },
  size: { type: 'string', required: true, help: 'input records' },
  checkpoint: { type: 'string', required: true, help: 'checkpoint directory (resumed when it holds a checkpoint)' },
  output: { type: 'string', required: true, help: 'output directory (committed rows as JSON lines)' },
  'checkpoint-interval': { type: 'string', help: 'K: state durable every K batches; 0 = checkpointing off (default 1)' },
  executors: {
    type: 'string',
    help: 'N executor processes run the tasks (default 0 = in the driver). Batch: every stage. Streaming: the per-source-partition stateless part of each micro-batch (read range, map/filter/flatMap/static join); stateful operators, state, sink and commits stay in the driver. A killed executor is replaced and its task re-run (executor.started/executor.lost/task.failed events carry the pids). Needs the local log source; 0 in simulation',
  },
  'executor-failpoints': {
    type: 'string',
    help: 'arm failpoints in the first executor process only (replacements run clean), same syntax as --failpoints; streaming: task.begin, task.done; batch: task.begin, shuffle.written (also env CHAOS_EXECUTOR_FAILPOINTS)',
  },
  coverage: { type: 'boolean', help: 'report coverage points of the recovery and retention paths as coverage.hit events (also env CHAOS_COVERAGE=1)' },
  failpoints: { type: 'string', help: 'arm failpoints: name[:occurrence]:crash|throw|delay:<ms>|tear, comma separated (also env CHAOS_FAILPOINTS)' },
  'max-batch-records': { type: 'string', help: 'records per micro-batch over all partitions (default 100)' },
  partitions: { type: 'string', help: 'source and state partitions (default 4; fixed for a checkpoint)' },
  'snapshot-every': { type: 'string', help: 'M: full state snapshot every M state versions, deltas between (default 10)' },
  'retain-batches': { type: 'string', help: 'batches of checkpoint kept behind the newest complete state (default 20)' },
  'clean-checkpoint': { type: 'boolean', help: 'remove the checkpoint directory after the run completes' },
  mutant: { type: 'string', help: 'run a known-bad engine variant (also env CHAOS_MUTANT)' },
  'lazy-fs': { type: 'boolean', help: 'journal writes so unsynced ones can be dropped after a crash (lazyfs)' },
  events: { type: 'string', help: 'append NDJSON events to FILE (default stdout)' },
  sink: { type: 'string', help: 'files (exactly-once, default) | append (at-least-once) | s3 (files sink on S3) | kafka (--sink-topic)' },
  input: { type: 'string', help: 'directory of the source log (default <output>/.source-log)' },
  keys: { type: 'string', help: 'input knob: distinct keys (default per scenario)' },
  'disorder-ms': { type: 'string', help: 'input knob: max event-time disorder in ms' },
  'late-fraction': { type: 'string', help: 'input knob: fraction of late records (0..1)' },
  'growth-batches': { type: 'string', help: 'input knob: input arrives over this many batches' },
  // --store, --source, S3 and Kafka endpoints (engine/streaming/service-wiring.ts)
  ...SERVICE_FLAGS,
} as const;

export type EngineRunFlagValues = Partial<Record<keyof typeof ENGINE_RUN_FLAGS, string | boolean | undefined>>;

function str(v: EngineRunFlagValues, name: keyof typeof ENGINE_RUN_FLAGS): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? x : undefined;
}

function intFlag(v: EngineRunFlagValues, name: keyof typeof ENGINE_RUN_FLAGS, min: number): number | undefined {
  const text = str(v, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UserError(`--${name} must be a whole number >= ${min}, got "${text}"`);
  }
  return Number(text);
}

function numFlag(v: EngineRunFlagValues, name: keyof typeof ENGINE_RUN_FLAGS, min: number, max: number): number | undefined {
  const text = str(v, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new UserError(`--${name} must be a number from ${min} to ${max}, got "${text}"`);
  return n;
}

function dirFlag(v: EngineRunFlagValues, name: 'checkpoint' | 'output' | 'input'): string | undefined {
  const dir = str(v, name);
  if (dir === undefined) return undefined;
  if (name === 'input') {
    if (!dir.trim()) throw new UserError(`--${name} needs a directory path`);
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new UserError(`--${name} ${dir} exists and is not a directory`);
    return path.resolve(dir);
  }
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
function executorFailpointSpec(v: EngineRunFlagValues, env: NodeJS.ProcessEnv): string | undefined {
  return [str(v, 'executor-failpoints'), env.CHAOS_EXECUTOR_FAILPOINTS].filter((s) => s && s.trim()).join(',') || undefined;
}

/** Runs `engine run` with raw flag values; returns the exit code (errors a user can fix are UserErrors). */
export async function engineRun(values: EngineRunFlagValues, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  for (const [name, spec] of Object.entries(ENGINE_RUN_FLAGS)) {
    const notNeeded = name === 'checkpoint' && values.store === 's3'; // the checkpoint lives in S3
    if ('required' in spec && spec.required && values[name as keyof typeof ENGINE_RUN_FLAGS] === undefined && !notNeeded) {
      throw new UserError(`missing --${name} (${spec.help})`);
    }
  }
  const scenarioName = str(values, 'scenario')!;
  const failpointSpec = [str(values, 'failpoints'), env.CHAOS_FAILPOINTS].filter((s) => s && s.trim()).join(',');
  const mutant = str(values, 'mutant') ?? (env.CHAOS_MUTANT || undefined);
  const eventsFile = str(values, 'events');

  if (!streamingScenarios.some((s) => s.name === scenarioName)) {
    return runBatchKind(scenarioName, values, failpointSpec, mutant, env);
  }

  const specs = parseFailpoints(failpointSpec);
  for (const s of specs) {
    if (!STREAMING_FAILPOINT_NAMES.includes(s.name)) {
      throw new UserError(`unknown failpoint "${s.name}" for a streaming scenario. Known: ${STREAMING_FAILPOINT_NAMES.join(', ')}`);
    }
  }
  const sinkKind = str(values, 'sink') ?? 'files';
  const services = parseServiceFlags(values, sinkKind, env);
  const opts: StreamingRunOptions = {
    scenario: scenarioName,
    seed: intFlag(values, 'seed', 0)!,
    size: intFlag(values, 'size', 0)!,
    sink: sinkKind,
    cleanCheckpoint: values['clean-checkpoint'] === true,
    input: {},
  };
  const setOpt = <K extends keyof StreamingRunOptions>(k: K, value: StreamingRunOptions[K] | undefined) => {
    if (value !== undefined) opts[k] = value;
  };
  setOpt('checkpointInterval', intFlag(values, 'checkpoint-interval', 0));
  setOpt('maxBatchRecords', intFlag(values, 'max-batch-records', 1));
  setOpt('partitions', intFlag(values, 'partitions', 1));
  setOpt('snapshotEvery', intFlag(values, 'snapshot-every', 1));
  setOpt('retainBatches', intFlag(values, 'retain-batches', 0));
  setOpt('mutant', mutant);
  const input = opts.input!;
  const keys = intFlag(values, 'keys', 1);
  if (keys !== undefined) input.keys = keys;
  const disorder = intFlag(values, 'disorder-ms', 0);
  if (disorder !== undefined) input.disorderMs = disorder;
  const late = numFlag(values, 'late-fraction', 0, 1);
  if (late !== undefined) input.lateFraction = late;
  const growth = intFlag(values, 'growth-batches', 1);
  if (growth !== undefined) input.growthBatches = growth;
  setOpt('executors', intFlag(values, 'executors', 0));
  setOpt('executorFailpoints', executorFailpointSpec(values, env));

  const checkpointDir = dirFlag(values, 'checkpoint') ?? '';
  const outputDir = dirFlag(values, 'output')!;
  const inputDir = dirFlag(values, 'input');
  if (checkpointDir === outputDir) throw new UserError('--checkpoint and --output must be different directories');

  const parts = engineParts(mutant);
  const eventsFd = eventsFile ? openEventsFile(eventsFile) : 1;
  const events: EventSink = new FdEventSink(eventsFd);
  const failpoints = new Failpoints(specs, sigkillSelf);
  failpoints.onFire = (hit) => events.emit({ type: 'failpoint.fired', ...hit });
  // A mutant's FsIo runs over the lazy "disk", so an fsync it skips is really missing from the journal.
  const ioFor = (root: string) => (values['lazy-fs'] === true ? engineParts(mutant, lazyFsIo(root)).io : parts.io);
  const svc = await openEngineServices(services, { checkpointDir, outputDir, partitions: opts.partitions ?? 4, failpoints, events, ioFor, run: opts });
  const { checkpoint, output } = svc;
  try {
    let source;
    if (inputDir) {
      const scenario = findStreamingScenario(scenarioName);
      const knobs = resolveKnobs(scenario, opts.input);
      const inputStore = new FsCheckpointStore(inputDir, { failpoints, io: ioFor(inputDir) });
      source = await openInputDirSource(inputStore, {
        input: { scenario, seed: opts.seed, size: opts.size, knobs, partitions: opts.partitions ?? 4 },
        output,
        failpoints,
      });
    }
    source ??= svc.source;
    const coverage = coverageArmed(values.coverage === true, env) ? new Coverage(events) : Coverage.disarmed();
    await runStreamingQuery(opts, { checkpoint, output, failpoints, events, coverage, ...(source ? { source } : {}), ...(svc.sink ? { sink: svc.sink } : {}) });
    return 0;
  } catch (err) {
    if (err instanceof CorruptCheckpointError) throw new UserError(err.message);
    throw err;
  } finally {
    await svc.close();
    if (eventsFd !== 1) fs.closeSync(eventsFd);
  }
}

/** Flags that only mean something to streaming scenarios: ignored (with a warning event) for batch ones. */
const STREAMING_ONLY_FLAGS = ['max-batch-records', 'snapshot-every', 'retain-batches', 'input', 'keys', 'disorder-ms', 'late-fraction', 'growth-batches', 'lazy-fs', 'clean-checkpoint'] as const;

/**
 * Batch scenarios run on the batch engine (engine/batch/run.ts, loaded only when needed).
 * --partitions and --checkpoint-interval become the scenario's `partitions` and
 * `checkpointEvery` (or `checkpoint`) parameters when it has them.
 */
async function runBatchKind(scenarioName: string, values: EngineRunFlagValues, failpointSpec: string, mutant: string | undefined, env: NodeJS.ProcessEnv): Promise<number> {
  const { findScenario } = await import('../scenarios/index.js');
  findScenario(scenarioName); // UserError listing every scenario when unknown
  const { mutants } = await import('./mutants/index.js');
  if (mutant && mutants[mutant]?.kind !== 'batch') {
    throw new UserError(mutants[mutant] ? `mutant "${mutant}" breaks the streaming engine; "${scenarioName}" is a batch scenario` : `unknown mutant "${mutant}". Known mutants: ${Object.keys(mutants).join(', ')}.`);
  }
  // Executor processes inherit the environment: they build the same broken steps (executor-main.ts).
  if (mutant) process.env.CHAOS_MUTANT = mutant;
  const { batchSteps } = await import('./mutants/batch/index.js');
  const services = batchServiceSelection(scenarioName, values, env);
  const executors = intFlag(values, 'executors', 0) ?? 0;
  if (executors > 0 && services.sink === 's3') {
    // Executors write output parts themselves and open only output directories (their checkpoint store may be S3: the driver passes its location).
    throw new UserError(
      `batch scenario ${scenarioName}: --executors ${executors} cannot be combined with --sink s3 (executor processes write output parts only to a directory); use --sink files with executors, or --executors 0 with --sink s3`,
    );
  }
  const { runBatchScenario } = await import('./batch/run.js');
  const { findBatchScenario } = await import('../scenarios/batch/index.js');
  const scenario = findBatchScenario(scenarioName);
  const params: Record<string, number> = {};
  const partitions = intFlag(values, 'partitions', 1);
  if (partitions !== undefined && 'partitions' in scenario.defaults.params) params.partitions = partitions;
  const interval = intFlag(values, 'checkpoint-interval', 0);
  if (interval !== undefined) {
    if ('checkpointEvery' in scenario.defaults.params) params.checkpointEvery = interval;
    else if ('checkpoint' in scenario.defaults.params) params.checkpoint = interval > 0 ? 1 : 0;
  }
  const checkpointDir = dirFlag(values, 'checkpoint') ?? '';
  const outputDir = dirFlag(values, 'output')!;
  if (checkpointDir === outputDir) throw new UserError('--checkpoint and --output must be different directories');
  const eventsFile = str(values, 'events');
  const eventsFd = eventsFile ? openEventsFile(eventsFile) : 1;
  const events: EventSink = new FdEventSink(eventsFd);
  try {
    const ignored = STREAMING_ONLY_FLAGS.filter((f) => values[f] !== undefined);
    if (ignored.length) {
      events.emit({ type: 'warning', code: 'streaming-flags-ignored', message: `${ignored.map((f) => `--${f}`).join(', ')} apply to streaming scenarios only; ignored for batch scenario ${scenarioName}` });
    }
    const failpoints = new Failpoints(parseFailpoints(failpointSpec), sigkillSelf);
    failpoints.onFire = (hit) => events.emit({ type: 'failpoint.fired', ...hit });
    // The same stores the streaming path opens: fs directories, or S3 under the run prefix
    // (a stable key derived from --checkpoint / --output, so a re-run finds its named checkpoints).
    const svc = await openEngineServices(services, { checkpointDir, outputDir, partitions: partitions ?? 4, failpoints, events });
    try {
      await runBatchScenario({
        scenario: scenarioName,
        seed: intFlag(values, 'seed', 0)!,
        size: intFlag(values, 'size', 1)!,
        params,
        checkpoint: services.store === 'fs' ? checkpointDir : svc.checkpoint,
        output: services.sink === 's3' ? svc.output : outputDir,
        executors,
        executorFailpoints: executorFailpointSpec(values, env),
        failpoints,
        events,
        ...(mutant ? { checkpointSteps: batchSteps(mutant) } : {}),
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

/** --store fs|s3 and --sink files|s3 for a batch scenario (its output is always files); Kafka is for streaming. */
function batchServiceSelection(scenarioName: string, values: EngineRunFlagValues, env: NodeJS.ProcessEnv): ServiceSelection {
  const sink = str(values, 'sink') ?? 'files';
  if (sink !== 'files' && sink !== 's3') {
    throw new UserError(`--sink ${sink} applies to streaming scenarios; batch scenario ${scenarioName} writes part files: use --sink files (the --output directory) or --sink s3`);
  }
  const services = parseServiceFlags(values, sink, env);
  if (services.source !== 'log') throw new UserError(`--source ${services.source} applies to streaming scenarios; batch scenario ${scenarioName} generates its own input`);
  if (services.store === 'fs' && !dirFlag(values, 'checkpoint')) throw new UserError(`missing --checkpoint (${ENGINE_RUN_FLAGS.checkpoint.help})`);
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
