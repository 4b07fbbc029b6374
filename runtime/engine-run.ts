/**
 * The one codec for "an engine run": the EngineRun type (everything one `engine run` process is
 * told), `toArgv` (what the harness spawns) and `fromFlags` (what both process entries parse:
 * runtime/main.ts with node:util, `chaos engine run` with commander). Nothing else builds or parses
 * engine command lines, so a value the harness draws cannot silently fail to reach the engine:
 * engine-run.test.ts proves the round trip for every field.
 *
 * The codec is pure: it checks syntax (whole numbers, ranges, one of --scenario/--job) and throws a
 * UserError naming the flag; what needs the filesystem or the job (directories, job kind, service
 * endpoints) is checked when the run starts (run-command.ts).
 */
import { UserError } from '../engine/errors.js';
import { SERVICE_FLAGS } from '../engine/streaming/service-wiring.js';
import { isModulePath } from './job-ref.js';

export interface EngineRun {
  /** The job: a bundled name (`--scenario`) or a job module path (`--job`). */
  job: string;
  seed: number;
  size: number;
  /** Checkpoint directory; not needed with store s3 (the checkpoint lives in S3). */
  checkpoint?: string;
  output: string;
  checkpointInterval?: number;
  executors?: number;
  executorFailpoints?: string;
  coverage?: boolean;
  failpoints?: string;
  maxBatchRecords?: number;
  partitions?: number;
  snapshotEvery?: number;
  retainBatches?: number;
  cleanCheckpoint?: boolean;
  mutant?: string;
  lazyFs?: boolean;
  events?: string;
  sink?: string;
  input?: string;
  /** Recorded input records (JSON lines file or directory) instead of the job's generator. */
  records?: string;
  keys?: number;
  disorderMs?: number;
  lateFraction?: number;
  growthBatches?: number;
  store?: string;
  source?: string;
  s3Endpoint?: string;
  s3Bucket?: string;
  s3Prefix?: string;
  kafkaBrokers?: string;
  topic?: string;
  sinkTopic?: string;
  kafkaDelivery?: string;
}

type FieldSpec =
  | { flag: string; kind: 'string'; help: string }
  | { flag: string; kind: 'bool'; help: string }
  | { flag: string; kind: 'int'; min: number; max?: number; help: string }
  | { flag: string; kind: 'num'; min: number; max: number; help: string };

/** Field -> flag. The one table both parsers, the usage text and toArgv are built from. */
export const ENGINE_RUN_FIELDS: { readonly [K in Exclude<keyof EngineRun, 'job'>]-?: FieldSpec } = {
  seed: { flag: 'seed', kind: 'int', min: 0, help: 'input seed (whole number)' },
  size: { flag: 'size', kind: 'int', min: 0, help: 'input records' },
  checkpoint: { flag: 'checkpoint', kind: 'string', help: 'checkpoint directory (resumed when it holds a checkpoint)' },
  output: { flag: 'output', kind: 'string', help: 'output directory (committed rows as JSON lines)' },
  checkpointInterval: { flag: 'checkpoint-interval', kind: 'int', min: 0, help: 'K: state durable every K batches; 0 = checkpointing off (default 1). Batch jobs: their checkpointEvery (or checkpoint on/off) parameter' },
  executors: {
    flag: 'executors',
    kind: 'int',
    min: 0,
    help: 'N executor processes run the tasks (default 0 = in the driver). Batch: every stage. Streaming: the per-source-partition stateless part of each micro-batch (read range, map/filter/flatMap/static join); stateful operators, state, sink and commits stay in the driver. A killed executor is replaced and its task re-run (executor.started/executor.lost/task.failed events carry the pids). Needs the local log source; 0 in simulation',
  },
  executorFailpoints: {
    flag: 'executor-failpoints',
    kind: 'string',
    help: 'arm failpoints in the first executor process only (replacements run clean), same syntax as --failpoints; streaming: task.begin, task.done; batch: task.begin, shuffle.written (also env CHAOS_EXECUTOR_FAILPOINTS)',
  },
  coverage: { flag: 'coverage', kind: 'bool', help: 'report coverage points of the recovery and retention paths as coverage.hit events (also env CHAOS_COVERAGE=1)' },
  failpoints: { flag: 'failpoints', kind: 'string', help: 'arm failpoints: name[:occurrence]:crash|throw|delay:<ms>|tear, comma separated (also env CHAOS_FAILPOINTS)' },
  maxBatchRecords: { flag: 'max-batch-records', kind: 'int', min: 1, help: 'records per micro-batch over all partitions (default 100)' },
  partitions: { flag: 'partitions', kind: 'int', min: 1, help: 'source and state partitions (default 4; fixed for a checkpoint). Batch jobs: their partitions parameter' },
  snapshotEvery: { flag: 'snapshot-every', kind: 'int', min: 1, help: 'M: full state snapshot every M state versions, deltas between (default 10)' },
  retainBatches: { flag: 'retain-batches', kind: 'int', min: 0, help: 'batches of checkpoint kept behind the newest complete state (default 20)' },
  cleanCheckpoint: { flag: 'clean-checkpoint', kind: 'bool', help: 'remove the checkpoint directory after the run completes' },
  mutant: { flag: 'mutant', kind: 'string', help: 'run a known-bad engine variant (also env CHAOS_MUTANT)' },
  lazyFs: { flag: 'lazy-fs', kind: 'bool', help: 'journal writes so unsynced ones can be dropped after a crash (lazyfs)' },
  events: { flag: 'events', kind: 'string', help: 'append NDJSON events to FILE (default stdout)' },
  sink: { flag: 'sink', kind: 'string', help: 'files (exactly-once, default) | append (at-least-once) | s3 (files sink on S3) | kafka (--sink-topic)' },
  input: { flag: 'input', kind: 'string', help: 'directory of the source log (default <output>/.source-log)' },
  records: { flag: 'records', kind: 'string', help: 'recorded input: a JSON-lines file or a directory of *.jsonl (key, value, eventTimeMs, optional partition and arrivalBatch) fed instead of the generated input' },
  keys: { flag: 'keys', kind: 'int', min: 1, help: 'input knob: distinct keys (default per job)' },
  disorderMs: { flag: 'disorder-ms', kind: 'int', min: 0, help: 'input knob: max event-time disorder in ms' },
  lateFraction: { flag: 'late-fraction', kind: 'num', min: 0, max: 1, help: 'input knob: fraction of late records (0..1)' },
  growthBatches: { flag: 'growth-batches', kind: 'int', min: 1, help: 'input knob: input arrives over this many batches' },
  store: { flag: 'store', kind: 'string', help: SERVICE_FLAGS['store'].help },
  source: { flag: 'source', kind: 'string', help: SERVICE_FLAGS['source'].help },
  s3Endpoint: { flag: 's3-endpoint', kind: 'string', help: SERVICE_FLAGS['s3-endpoint'].help },
  s3Bucket: { flag: 's3-bucket', kind: 'string', help: SERVICE_FLAGS['s3-bucket'].help },
  s3Prefix: { flag: 's3-prefix', kind: 'string', help: SERVICE_FLAGS['s3-prefix'].help },
  kafkaBrokers: { flag: 'kafka-brokers', kind: 'string', help: SERVICE_FLAGS['kafka-brokers'].help },
  topic: { flag: 'topic', kind: 'string', help: SERVICE_FLAGS['topic'].help },
  sinkTopic: { flag: 'sink-topic', kind: 'string', help: SERVICE_FLAGS['sink-topic'].help },
  kafkaDelivery: { flag: 'kafka-delivery', kind: 'string', help: SERVICE_FLAGS['kafka-delivery'].help },
};

/** The job flags (exactly one is given). */
export const JOB_FLAGS = {
  scenario: { type: 'string', help: 'a bundled job by name (see `chaos scenarios`)' },
  job: { type: 'string', help: 'a job module path (compiled .js/.mjs, or .ts with tsx installed) or a bundled job name' },
} as const;

/** Every flag of `engine run`: name -> parser type and help. */
export const ENGINE_RUN_FLAGS: Record<string, { type: 'string' | 'boolean'; help: string }> = {
  ...JOB_FLAGS,
  ...Object.fromEntries(Object.values(ENGINE_RUN_FIELDS).map((f) => [f.flag, { type: f.kind === 'bool' ? 'boolean' : 'string', help: f.help }])),
};

export type EngineRunFlagValues = Record<string, string | boolean | undefined>;

/** `run` and the flags of one engine run, in table order; undefined fields are left out. */
export function toArgv(run: EngineRun): string[] {
  const argv = ['run', isModulePath(run.job) ? '--job' : '--scenario', run.job];
  for (const [field, spec] of Object.entries(ENGINE_RUN_FIELDS) as [keyof EngineRun, FieldSpec][]) {
    const v = run[field];
    if (v === undefined) continue;
    if (spec.kind === 'bool') {
      if (v === true) argv.push(`--${spec.flag}`);
    } else argv.push(`--${spec.flag}`, String(v));
  }
  return argv;
}

/** Parsed flag values (keys are flag names without --) -> an EngineRun; every mistake is a UserError naming the flag. */
export function fromFlags(values: EngineRunFlagValues): EngineRun {
  for (const name of Object.keys(values)) {
    if (!(name in ENGINE_RUN_FLAGS)) throw new UserError(`unknown flag --${name}`);
  }
  const scenario = str(values, 'scenario');
  const jobFlag = str(values, 'job');
  if (scenario !== undefined && jobFlag !== undefined) throw new UserError('give either --scenario NAME or --job PATH, not both');
  const job = scenario ?? jobFlag;
  if (job === undefined || !job.trim()) throw new UserError(`missing --scenario NAME or --job PATH (${JOB_FLAGS.job.help})`);
  const out: Partial<EngineRun> = { job };
  for (const [field, spec] of Object.entries(ENGINE_RUN_FIELDS) as [keyof EngineRun, FieldSpec][]) {
    const raw = values[spec.flag];
    if (raw === undefined) continue;
    (out as Record<string, unknown>)[field] = parseField(spec, raw);
  }
  for (const required of ['seed', 'size', 'output'] as const) {
    if (out[required] === undefined) throw new UserError(`missing --${ENGINE_RUN_FIELDS[required].flag} (${ENGINE_RUN_FIELDS[required].help})`);
  }
  if (out.checkpoint === undefined && out.store !== 's3') throw new UserError(`missing --checkpoint (${ENGINE_RUN_FIELDS.checkpoint.help})`);
  return out as EngineRun;
}

/**
 * Some flags of a run (e.g. the services' `--store s3 --s3-endpoint ...` a harness adds to every
 * engine) as EngineRun fields, validated like fromFlags but with nothing required.
 */
export function partialFromArgv(argv: readonly string[]): Partial<EngineRun> {
  const values = parseEngineArgv(argv);
  const out: Partial<EngineRun> = {};
  const job = str(values, 'job') ?? str(values, 'scenario');
  if (job !== undefined) out.job = job;
  for (const [field, spec] of Object.entries(ENGINE_RUN_FIELDS) as [keyof EngineRun, FieldSpec][]) {
    const raw = values[spec.flag];
    if (raw !== undefined) (out as Record<string, unknown>)[field] = parseField(spec, raw);
  }
  return out;
}

/** Parses argv after `run` (flags only) with the same table; what tests and the slim entry use. */
export function parseEngineArgv(args: readonly string[]): EngineRunFlagValues {
  const values: EngineRunFlagValues = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new UserError(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const spec = ENGINE_RUN_FLAGS[name];
    if (!spec) throw new UserError(`unknown flag --${name}`);
    if (spec.type === 'boolean') {
      if (eq > 0) throw new UserError(`--${name} takes no value`);
      values[name] = true;
    } else if (eq > 0) values[name] = a.slice(eq + 1);
    else {
      if (i + 1 >= args.length) throw new UserError(`--${name} needs a value`);
      values[name] = args[++i]!;
    }
  }
  return values;
}

function str(v: EngineRunFlagValues, name: string): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? x : undefined;
}

function parseField(spec: FieldSpec, raw: string | boolean): string | number | boolean {
  if (spec.kind === 'bool') {
    if (typeof raw !== 'boolean') throw new UserError(`--${spec.flag} takes no value`);
    return raw;
  }
  if (typeof raw !== 'string') throw new UserError(`--${spec.flag} needs a value`);
  if (spec.kind === 'string') return raw;
  if (spec.kind === 'int') {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || n < spec.min || !Number.isSafeInteger(n) || (spec.max !== undefined && n > spec.max)) {
      throw new UserError(`--${spec.flag} must be a whole number >= ${spec.min}, got "${raw}"`);
    }
    return n;
  }
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < spec.min || n > spec.max) throw new UserError(`--${spec.flag} must be a number from ${spec.min} to ${spec.max}, got "${raw}"`);
  return n;
}
