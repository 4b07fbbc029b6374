/**
 * A target spec: what the harness needs to start, kill and judge an external system (a Spark job
 * first) — the JSON file a user writes next to their job. It plays the part of Jepsen's DB and
 * client protocols: how to start it, when it is ready, when it is done, how to kill it, how input
 * gets in and committed output gets out, where its checkpoint is, which named failpoints it has,
 * and what it promises (exactly-once | at-least-once picks the checker).
 *
 * `loadTargetSpec` validates everything before any work starts: a bad field is one line naming the
 * field and the fix (UserError, exit 2). Strings in `start`, `input`, `output` and `checkpoint` may
 * hold placeholders, expanded per trial by `expand` below.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../engine/index.js';

export type Readiness = { kind: 'none' } | { kind: 'log'; pattern: string } | { kind: 'file'; path: string };

/** What both input kinds share: the records, generated from the trial's seed, in chunks. */
interface InputBase {
  /** words: one word per line. events: JSON lines {"key","ts"(epoch s),"value"} with some disorder. */
  format: 'words' | 'events';
  /** Chunks: files (kind files) or produce batches (kind kafka). */
  files: number;
  linesPerFile: number;
  keys: number;
  /**
   * before-start: all input is in place before the first incarnation (a bounded job).
   * after-ready: injected chunk by chunk once the first incarnation is ready (a job that only sees
   * new input, like a DStream textFileStream), then `doneMarker` is created.
   */
  when: 'before-start' | 'after-ready';
  /** Created (empty) after the last chunk was injected; required with after-ready. */
  doneMarker?: string;
  /** Pause between injected chunks (after-ready). */
  intervalMs?: number;
}

/** Input files: they appear in `dir` by atomic rename (temp name outside, then rename). */
export interface FilesInput extends InputBase {
  kind: 'files';
  /** Directory the job reads. */
  dir: string;
}

/**
 * Input records produced into a Kafka topic of the harness's broker (spec "services": ["kafka"]):
 * one record per line, key = the line's key (a word, or an event's "key"), value = the line; a
 * key always goes to the same partition (stable hash), so per-key order is the generated order.
 * Produced idempotently with acks=all: the topic holds each record exactly once.
 */
export interface KafkaInput extends InputBase {
  kind: 'kafka';
  /** Topic name; default {kafka-topic}, a fresh topic per trial (and per reference run). */
  topic: string;
  partitions: number;
}

export type TargetInput = FilesInput | KafkaInput;

/**
 * How committed output is read (never "whatever files are there"):
 * spark-file-sink — only the files Spark's `_spark_metadata` log lists (a killed batch leaves orphans);
 * plain — every file under `path` matching `glob` (default: not starting with . or _), or only the `latest` by name;
 * command — run a command that prints the committed rows on stdout.
 * Rows are JSON lines (compared in canonical form) or plain text lines.
 */
export type OutputReader =
  | { kind: 'spark-file-sink'; path: string }
  | { kind: 'plain'; path: string; pick: 'all' | 'latest' }
  | { kind: 'command'; command: string[] };

export interface TargetSpec {
  /** Absolute path of the spec file (placeholders `{spec-dir}` resolve against its directory). */
  file: string;
  /** sha256 of the spec file's bytes: part of the reference cache key and of replay files. */
  sha256: string;
  name: string;
  description: string;
  /** spark: spark-submit from the installed pyspark ({spark-submit}, {spark-conf}, {failpoint-args}). command: any program. */
  engine: 'spark' | 'command';
  /** streaming or batch: how reports group it. */
  kind: 'streaming' | 'batch';
  start: { command: string[]; env: Record<string, string>; cwd?: string };
  /** Spark master, `{master}` in the command; `chaos run --master` overrides it. */
  master: string;
  readiness: Readiness;
  /** A bounded run ends by exiting 0 (the only done condition: anything else is a failure or a kill). */
  done: { kind: 'exit-0' };
  /** How the nemesis and the harness stop an incarnation: SIGKILL to the whole process group (JVM + Python workers). */
  stop: { signal: 'SIGKILL'; group: true };
  input: TargetInput;
  output: OutputReader;
  checkpoint: { path: string };
  failpoints: { adapter: 'spark'; points: string[] } | { adapter: 'none' };
  /**
   * Services the harness starts (local processes it owns) for this target's run: kafka (the
   * installed Kafka broker, or CHAOS_KAFKA_BROKERS) and s3 (SeaweedFS, or s3rver). Their addresses
   * reach the job through the {kafka...} and {s3...} placeholders.
   */
  services: Array<'kafka' | 's3'>;
  /** Supports the pre-started driver handshake (examples/spark/chaos_spark.py: CHAOS_GO_FILE). */
  prestart: boolean;
  semantics: 'exactly-once' | 'at-least-once';
  /** For `chaos tune --target`: the knobs the job exposes and how each reaches it (see TuneKnob). */
  tune?: TargetTune;
  timeouts: { readyMs: number; incarnationMs: number; trialMs: number };
}

/**
 * One tunable setting of a target, as its spec declares it (`tune.knobs[]`):
 * - role batch-size: the knob sets how much input one batch takes (e.g. maxFilesPerTrigger); every
 *   batch is a checkpoint, so the fit is batch ms ≈ a + b·K (a the fixed cost of a batch and its
 *   checkpoint cycle, b the cost per unit of input).
 * - role checkpoint-interval: the knob sets how many batches pass between two checkpoints of
 *   `checkpointPoint` (an RDD checkpoint of a DStream, a state-store snapshot); the fit is the
 *   built-in engine's cost model (harness/tune/cost-model.ts) with the measured write time of one
 *   such checkpoint as its cost.
 * `via` says how a value reaches the job: an environment variable, a placeholder `{name}` the start
 * command or start.env uses, or a Spark `--conf key=value` (appended to {spark-conf}). Outside
 * `chaos tune` the job gets `default`.
 */
export interface TuneKnob {
  name: string;
  means: string;
  unit: string;
  role: 'batch-size' | 'checkpoint-interval';
  via: { env: string } | { placeholder: string } | { conf: string };
  values: number[];
  default: number;
  /** checkpoint-interval: the named point (without .before/.written) one checkpoint writes, e.g. rdd-checkpoint. */
  checkpointPoint?: string;
}

export interface TargetTune {
  /** The named point reached once per batch (steady batch time between its first and last event). */
  batchPoint: string;
  knobs: TuneKnob[];
  /** Spark settings for tune runs only (e.g. a short state-store maintenance interval so snapshots happen in a short run). */
  conf: Record<string, string>;
}

/** Failpoints the Spark adapter (harness/targets/spark/failpoints) can arm. */
export const SPARK_POINTS = [
  'metadata.before',
  'metadata.written',
  'source-log.before',
  'source-log.written',
  'offsets.before',
  'offsets.written',
  'commits.before',
  'commits.written',
  'state.delta.before',
  'state.delta.written',
  'state.snapshot.before',
  'state.snapshot.written',
  'sink-metadata.before',
  'sink-metadata.written',
  'rdd-checkpoint.before',
  'rdd-checkpoint.written',
  'dstream-checkpoint.before',
  'dstream-checkpoint.written',
] as const;

/** Placeholders a spec may use, and what each becomes. */
export const PLACEHOLDERS: Record<string, string> = {
  '{input}': "the trial's input directory",
  '{input-done}': 'a path the harness creates after the last input file (after-ready input)',
  '{output}': "the trial's output directory (does not exist before the first incarnation)",
  '{checkpoint}': "the trial's checkpoint directory (does not exist before the first incarnation)",
  '{spec-dir}': 'the directory of the spec file',
  '{master}': 'the Spark master (spec "master", or chaos run --master)',
  '{spark-submit}': "the installed pyspark's spark-submit (engine spark)",
  '{spark-conf}': 'the test-friendly Spark settings as --conf arguments (engine spark)',
  '{failpoint-args}': "the failpoint jar and its settings as spark-submit arguments (failpoints adapter spark)",
  '{kafka}': 'bootstrap address host:port of the Kafka broker (services kafka)',
  '{kafka-topic}': "the trial's input topic, created fresh per trial (services kafka)",
  '{spark-kafka-jars}': "Spark's Kafka connector jars, comma-separated, for --jars (engine spark, services kafka)",
  '{s3}': 'the S3 endpoint URL, e.g. http://127.0.0.1:8333 (services s3)',
  '{s3-bucket}': 'the bucket (exists; shared by trials: use {s3-prefix})',
  '{s3-prefix}': "a key prefix of this trial's own, ending in / (services s3)",
  '{s3-access-key}': "the S3 access key (services s3)",
  '{s3-secret-key}': "the S3 secret key (services s3)",
};

/** Which service each service placeholder needs. */
const PLACEHOLDER_SERVICE: Record<string, 'kafka' | 's3'> = {
  '{kafka}': 'kafka',
  '{kafka-topic}': 'kafka',
  '{spark-kafka-jars}': 'kafka',
  '{s3}': 's3',
  '{s3-bucket}': 's3',
  '{s3-prefix}': 's3',
  '{s3-access-key}': 's3',
  '{s3-secret-key}': 's3',
};

/** Services a spec may name (harness/targets/target-services.ts starts them). */
const KNOWN_SERVICES = ['kafka', 's3'];

function fail(file: string, field: string, why: string): never {
  throw new UserError(`${file}: field "${field}" ${why}`);
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Read and validate a target spec; every problem is a UserError naming the field. */
export function loadTargetSpec(specPath: string): TargetSpec {
  const file = path.resolve(specPath);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new UserError(`target spec ${specPath} not found: pass the path of a JSON target spec, e.g. --target examples/spark/wordcount.json`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new UserError(`${specPath}: not valid JSON (${(err as Error).message}); a target spec is one JSON object`);
  }
  return parseTargetSpec(raw, file, createHash('sha256').update(bytes).digest('hex'));
}

export function parseTargetSpec(raw: unknown, file: string, sha256: string): TargetSpec {
  const where = path.relative(process.cwd(), file) || file;
  if (!isObj(raw)) fail(where, '(top level)', 'must be a JSON object');
  const allowed = ['$comment', 'name', 'description', 'engine', 'kind', 'start', 'master', 'readiness', 'done', 'stop', 'input', 'output', 'checkpoint', 'failpoints', 'prestart', 'semantics', 'tune', 'services', 'timeouts'];
  for (const k of Object.keys(raw)) if (!allowed.includes(k)) fail(where, k, `is not a target spec field (known: ${allowed.slice(1).join(', ')})`);

  const str = (o: Obj, key: string, field: string, dflt?: string): string => {
    const v = o[key];
    if (v === undefined && dflt !== undefined) return dflt;
    if (typeof v !== 'string' || !v.trim()) fail(where, field, 'must be a non-empty string');
    return v;
  };
  const oneOf = <T extends string>(o: Obj, key: string, field: string, values: readonly T[], dflt?: T): T => {
    const v = o[key] ?? dflt;
    if (typeof v !== 'string' || !values.includes(v as T)) fail(where, field, `must be one of ${values.join(' | ')}${v === undefined ? ' (missing)' : ` (got ${JSON.stringify(v)})`}`);
    return v as T;
  };
  const int = (o: Obj, key: string, field: string, min: number, dflt?: number): number => {
    const v = o[key] ?? dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(where, field, `must be an integer >= ${min}${v === undefined ? ' (missing)' : ` (got ${JSON.stringify(v)})`}`);
    return v;
  };
  const obj = (o: Obj, key: string, field: string, dflt?: Obj): Obj => {
    const v = o[key] ?? dflt;
    if (!isObj(v)) fail(where, field, 'must be an object');
    return v;
  };

  const name = str(raw, 'name', 'name');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) fail(where, 'name', 'must be lowercase letters, digits and dashes (it names reports and replay files)');
  const engine = oneOf(raw, 'engine', 'engine', ['spark', 'command'] as const);
  const kind = oneOf(raw, 'kind', 'kind', ['streaming', 'batch'] as const);

  const start = obj(raw, 'start', 'start');
  const command = start['command'];
  if (!Array.isArray(command) || command.length === 0 || !command.every((c) => typeof c === 'string' && c.length > 0)) {
    fail(where, 'start.command', 'must be a non-empty array of strings (program and arguments; no shell)');
  }
  const envRaw = obj(start, 'env', 'start.env', {});
  for (const [k, v] of Object.entries(envRaw)) if (typeof v !== 'string') fail(where, `start.env.${k}`, 'must be a string');
  const cwd = start['cwd'] === undefined ? undefined : str(start, 'cwd', 'start.cwd');

  const readinessRaw = obj(raw, 'readiness', 'readiness', { kind: 'none' });
  const rkind = oneOf(readinessRaw, 'kind', 'readiness.kind', ['none', 'log', 'file'] as const);
  let readiness: Readiness;
  if (rkind === 'log') {
    const pattern = str(readinessRaw, 'pattern', 'readiness.pattern');
    try {
      new RegExp(pattern);
    } catch {
      fail(where, 'readiness.pattern', 'must be a valid regular expression');
    }
    readiness = { kind: 'log', pattern };
  } else if (rkind === 'file') readiness = { kind: 'file', path: str(readinessRaw, 'path', 'readiness.path') };
  else readiness = { kind: 'none' };

  const done = obj(raw, 'done', 'done', { kind: 'exit-0' });
  oneOf(done, 'kind', 'done.kind', ['exit-0'] as const);
  const stop = obj(raw, 'stop', 'stop', { signal: 'SIGKILL', group: true });
  oneOf(stop, 'signal', 'stop.signal', ['SIGKILL'] as const, 'SIGKILL');
  if ((stop['group'] ?? true) !== true) fail(where, 'stop.group', 'must be true: a Spark driver has a JVM and Python workers, the whole process group is killed');

  const inputRaw = obj(raw, 'input', 'input');
  const ikind = oneOf(inputRaw, 'kind', 'input.kind', ['files', 'kafka'] as const);
  const when = oneOf(inputRaw, 'when', 'input.when', ['before-start', 'after-ready'] as const, 'before-start');
  const base = {
    format: oneOf(inputRaw, 'format', 'input.format', ['words', 'events'] as const),
    files: int(inputRaw, 'files', 'input.files', 1),
    linesPerFile: int(inputRaw, 'linesPerFile', 'input.linesPerFile', 1),
    keys: int(inputRaw, 'keys', 'input.keys', 1, 5),
    when,
    ...(inputRaw['doneMarker'] !== undefined ? { doneMarker: str(inputRaw, 'doneMarker', 'input.doneMarker') } : {}),
    ...(inputRaw['intervalMs'] !== undefined ? { intervalMs: int(inputRaw, 'intervalMs', 'input.intervalMs', 0) } : {}),
  };
  for (const k of Object.keys(inputRaw)) {
    const known = ['kind', 'when', 'format', 'files', 'linesPerFile', 'keys', 'doneMarker', 'intervalMs', ...(ikind === 'kafka' ? ['topic', 'partitions'] : ['dir'])];
    if (!known.includes(k)) fail(where, `input.${k}`, `is not a field of ${ikind} input (known: ${known.join(', ')})`);
  }
  const input: TargetInput =
    ikind === 'kafka'
      ? { kind: 'kafka', topic: str(inputRaw, 'topic', 'input.topic', '{kafka-topic}'), partitions: int(inputRaw, 'partitions', 'input.partitions', 1, 1), ...base }
      : { kind: 'files', dir: str(inputRaw, 'dir', 'input.dir', '{input}'), ...base };
  if (when === 'after-ready' && !input.doneMarker) fail(where, 'input.doneMarker', 'is required with "when": "after-ready" (the job learns from it that no more input comes)');
  if (when === 'after-ready' && readiness.kind === 'none') fail(where, 'readiness', 'must be "log" or "file" with after-ready input: input is injected only once the job is ready');

  const outRaw = obj(raw, 'output', 'output');
  const okind = oneOf(outRaw, 'kind', 'output.kind', ['spark-file-sink', 'plain', 'command', 'kafka'] as const);
  let output: OutputReader;
  if (okind === 'kafka') fail(where, 'output.kind', 'kafka (read_committed) is not available for external targets yet: use spark-file-sink, plain or command');
  if (okind === 'command') {
    const c = outRaw['command'];
    if (!Array.isArray(c) || c.length === 0 || !c.every((x) => typeof x === 'string')) fail(where, 'output.command', 'must be a non-empty array of strings');
    output = { kind: 'command', command: c as string[] };
  } else if (okind === 'plain') {
    output = { kind: 'plain', path: str(outRaw, 'path', 'output.path', '{output}'), pick: oneOf(outRaw, 'pick', 'output.pick', ['all', 'latest'] as const, 'all') };
  } else output = { kind: 'spark-file-sink', path: str(outRaw, 'path', 'output.path', '{output}') };
  if (okind === 'spark-file-sink' && engine !== 'spark') fail(where, 'output.kind', 'spark-file-sink needs "engine": "spark"');

  const checkpoint = { path: str(obj(raw, 'checkpoint', 'checkpoint', { path: '{checkpoint}' }), 'path', 'checkpoint.path', '{checkpoint}') };

  const fpRaw = obj(raw, 'failpoints', 'failpoints', { adapter: 'none' });
  const adapter = oneOf(fpRaw, 'adapter', 'failpoints.adapter', ['spark', 'none'] as const);
  let failpoints: TargetSpec['failpoints'];
  if (adapter === 'spark') {
    if (engine !== 'spark') fail(where, 'failpoints.adapter', 'spark needs "engine": "spark"');
    const points = fpRaw['points'];
    if (!Array.isArray(points) || points.length === 0) fail(where, 'failpoints.points', `must list the named points this job reaches, from: ${SPARK_POINTS.join(', ')}`);
    for (const p of points) {
      if (typeof p !== 'string' || !(SPARK_POINTS as readonly string[]).includes(p)) fail(where, 'failpoints.points', `has unknown point ${JSON.stringify(p)}; known: ${SPARK_POINTS.join(', ')}`);
    }
    failpoints = { adapter: 'spark', points: points as string[] };
  } else failpoints = { adapter: 'none' };

  const prestart = raw['prestart'] ?? false;
  if (typeof prestart !== 'boolean') fail(where, 'prestart', 'must be true or false');

  const services = raw['services'] ?? [];
  if (!Array.isArray(services) || !services.every((x) => typeof x === 'string')) fail(where, 'services', 'must be an array of service names');
  for (const x of services as string[]) if (!KNOWN_SERVICES.includes(x)) fail(where, 'services', `has unknown service "${x}" (known: ${KNOWN_SERVICES.join(', ')})`);
  if (new Set(services).size !== services.length) fail(where, 'services', 'names a service twice');
  if (input.kind === 'kafka' && !(services as string[]).includes('kafka')) fail(where, 'services', 'must include "kafka" with "input": {"kind": "kafka"}: the harness starts the broker the input goes to');

  const t = obj(raw, 'timeouts', 'timeouts', {});
  const timeouts = {
    readyMs: int(t, 'readyMs', 'timeouts.readyMs', 1000, 120_000),
    incarnationMs: int(t, 'incarnationMs', 'timeouts.incarnationMs', 1000, 300_000),
    trialMs: int(t, 'trialMs', 'timeouts.trialMs', 1000, 900_000),
  };

  const tune = raw['tune'] === undefined ? undefined : parseTune(obj(raw, 'tune', 'tune'), where, engine);

  const spec: TargetSpec = {
    file,
    sha256,
    name,
    description: typeof raw['description'] === 'string' ? raw['description'] : '',
    engine,
    kind,
    start: { command: command as string[], env: envRaw as Record<string, string>, ...(cwd ? { cwd } : {}) },
    master: str(raw, 'master', 'master', 'local[2]'),
    readiness,
    done: { kind: 'exit-0' },
    stop: { signal: 'SIGKILL', group: true },
    input,
    output,
    checkpoint,
    failpoints,
    prestart,
    semantics: oneOf(raw, 'semantics', 'semantics', ['exactly-once', 'at-least-once'] as const),
    ...(tune ? { tune } : {}),
    services: services as Array<'kafka' | 's3'>,
    timeouts,
  };
  checkPlaceholders(spec, where);
  return spec;
}

/**
 * The spec's `tune` section. The old form {"unit": "..."} alone still means one batch-size knob that
 * reaches the job as CHAOS_CHECKPOINT_INTERVAL (what examples/spark/wordcount.py reads).
 */
function parseTune(t: Obj, where: string, engine: TargetSpec['engine']): TargetTune {
  for (const k of Object.keys(t)) if (!['$comment', 'unit', 'batchPoint', 'knobs', 'conf'].includes(k)) fail(where, `tune.${k}`, 'is not a tune field (known: unit, batchPoint, knobs, conf)');
  const conf = t['conf'] ?? {};
  if (!isObj(conf)) fail(where, 'tune.conf', 'must be an object of Spark settings, e.g. {"spark.sql.streaming.stateStore.maintenanceInterval": "1s"}');
  for (const [k, v] of Object.entries(conf)) {
    if (engine !== 'spark') fail(where, 'tune.conf', 'needs "engine": "spark" (its entries are spark-submit --conf settings)');
    if (!/^spark\.[A-Za-z0-9._-]+$/.test(k)) fail(where, `tune.conf.${k}`, 'is not a Spark setting key (spark.…)');
    if (typeof v !== 'string') fail(where, `tune.conf.${k}`, 'must be a string value, e.g. "1s"');
  }
  const batchPoint = t['batchPoint'] ?? 'commits.written';
  if (typeof batchPoint !== 'string' || !(SPARK_POINTS as readonly string[]).includes(batchPoint)) fail(where, 'tune.batchPoint', `must be a named point reached once per batch, one of ${SPARK_POINTS.join(', ')} (got ${JSON.stringify(batchPoint)})`);
  if (t['knobs'] === undefined) {
    if (typeof t['unit'] !== 'string' || !t['unit'].trim()) fail(where, 'tune.knobs', 'must be a non-empty array of knobs (or give the old "unit" alone for CHAOS_CHECKPOINT_INTERVAL)');
    return { batchPoint, conf: conf as Record<string, string>, knobs: [{ name: 'files-per-batch', means: t['unit'], unit: t['unit'], role: 'batch-size', via: { env: 'CHAOS_CHECKPOINT_INTERVAL' }, values: [1, 2, 3], default: 1 }] };
  }
  const knobs = t['knobs'];
  if (!Array.isArray(knobs) || knobs.length === 0) fail(where, 'tune.knobs', 'must be a non-empty array of knobs ({name, means, unit, role, via, values, default})');
  const out = knobs.map((k: unknown, i: number): TuneKnob => {
    const f = `tune.knobs[${i}]`;
    if (!isObj(k)) fail(where, f, 'must be an object {name, means, unit, role, via, values, default}');
    const known = ['$comment', 'name', 'means', 'unit', 'role', 'via', 'values', 'range', 'default', 'checkpointPoint'];
    for (const key of Object.keys(k)) if (!known.includes(key)) fail(where, `${f}.${key}`, `is not a knob field (known: ${known.slice(1).join(', ')})`);
    const text = (key: string): string => {
      const v = k[key];
      if (typeof v !== 'string' || !v.trim()) fail(where, `${f}.${key}`, 'must be a non-empty string');
      return v;
    };
    const name = text('name');
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) fail(where, `${f}.name`, 'must be lowercase letters, digits and dashes (chaos tune --knob names it)');
    const role = k['role'];
    if (role !== 'batch-size' && role !== 'checkpoint-interval') fail(where, `${f}.role`, `must be one of batch-size | checkpoint-interval (got ${JSON.stringify(role)})`);
    const via = k['via'];
    if (!isObj(via) || Object.keys(via).length !== 1) fail(where, `${f}.via`, 'must be one of {"env": "NAME"}, {"placeholder": "{name}"}, {"conf": "spark.some.key"}');
    let parsedVia: TuneKnob['via'];
    if (typeof via['env'] === 'string') {
      if (!/^[A-Z_][A-Z0-9_]*$/.test(via['env'])) fail(where, `${f}.via.env`, 'must be an environment variable name (A-Z, 0-9, _)');
      parsedVia = { env: via['env'] };
    } else if (typeof via['placeholder'] === 'string') {
      if (!/^\{[a-z0-9-]+\}$/.test(via['placeholder'])) fail(where, `${f}.via.placeholder`, 'must look like {checkpoint-interval}');
      if (via['placeholder'] in PLACEHOLDERS) fail(where, `${f}.via.placeholder`, `${via['placeholder']} is a built-in placeholder; pick another name`);
      parsedVia = { placeholder: via['placeholder'] };
    } else if (typeof via['conf'] === 'string') {
      if (engine !== 'spark') fail(where, `${f}.via.conf`, 'needs "engine": "spark" (it is a spark-submit --conf)');
      if (!/^spark\.[A-Za-z0-9._-]+$/.test(via['conf'])) fail(where, `${f}.via.conf`, 'must be a Spark setting key, e.g. spark.sql.streaming.stateStore.minDeltasForSnapshot');
      parsedVia = { conf: via['conf'] };
    } else fail(where, `${f}.via`, 'must be one of {"env": "NAME"}, {"placeholder": "{name}"}, {"conf": "spark.some.key"}');
    let values: number[];
    if (k['values'] !== undefined && k['range'] !== undefined) fail(where, `${f}.values`, 'give either values or range, not both');
    if (k['range'] !== undefined) {
      const r = k['range'];
      if (!isObj(r)) fail(where, `${f}.range`, 'must be {"from": N, "to": M, "step": S}');
      const [from, to, step] = [r['from'], r['to'], r['step'] ?? 1];
      for (const [key, v] of [['from', from], ['to', to], ['step', step]] as const) {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(where, `${f}.range.${key}`, `must be an integer >= 1 (got ${JSON.stringify(v)})`);
      }
      if ((to as number) < (from as number)) fail(where, `${f}.range.to`, 'must be >= range.from');
      values = [];
      for (let v = from as number; v <= (to as number) && values.length <= 50; v += step as number) values.push(v);
      if (values.length > 50) fail(where, `${f}.range`, 'gives more than 50 candidates; raise step');
    } else {
      const v = k['values'];
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 1)) fail(where, `${f}.values`, 'must be a non-empty array of whole numbers >= 1 (or give "range")');
      values = [...new Set(v as number[])].sort((a, b) => a - b);
    }
    const dflt = k['default'];
    if (typeof dflt !== 'number' || !Number.isInteger(dflt) || dflt < 1) fail(where, `${f}.default`, `must be a whole number >= 1: the value the job gets outside chaos tune (got ${JSON.stringify(dflt)})`);
    let checkpointPoint: string | undefined;
    if (role === 'checkpoint-interval') {
      const cp = k['checkpointPoint'];
      const kinds = [...new Set(SPARK_POINTS.map((p) => p.slice(0, p.lastIndexOf('.'))))];
      if (typeof cp !== 'string' || !kinds.includes(cp)) fail(where, `${f}.checkpointPoint`, `must name the checkpoint this knob spaces out, one of ${kinds.join(', ')} (got ${JSON.stringify(cp)})`);
      checkpointPoint = cp;
    } else if (k['checkpointPoint'] !== undefined) fail(where, `${f}.checkpointPoint`, 'applies only to role checkpoint-interval');
    return { name, means: text('means'), unit: text('unit'), role, via: parsedVia, values, default: dflt, ...(checkpointPoint ? { checkpointPoint } : {}) };
  });
  const names = out.map((k) => k.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) fail(where, 'tune.knobs', `names knob "${dup}" twice`);
  return { batchPoint, conf: conf as Record<string, string>, knobs: out };
}

/** Every `{...}` used must be a known placeholder, and engine-specific ones need that engine. */
function checkPlaceholders(spec: TargetSpec, where: string): void {
  const fields: Array<[string, string]> = [
    ...spec.start.command.map((c, i): [string, string] => [`start.command[${i}]`, c]),
    ...Object.entries(spec.start.env).map(([k, v]): [string, string] => [`start.env.${k}`, v]),
    ...(spec.start.cwd ? [['start.cwd', spec.start.cwd] as [string, string]] : []),
    spec.input.kind === 'files' ? ['input.dir', spec.input.dir] : ['input.topic', spec.input.topic],
    ...(spec.input.doneMarker ? [['input.doneMarker', spec.input.doneMarker] as [string, string]] : []),
    ['checkpoint.path', spec.checkpoint.path],
    ...(spec.output.kind === 'command' ? spec.output.command.map((c, i): [string, string] => [`output.command[${i}]`, c]) : [['output.path', spec.output.path] as [string, string]]),
  ];
  const knobPlaceholders = (spec.tune?.knobs ?? []).flatMap((k) => ('placeholder' in k.via ? [k.via.placeholder] : []));
  const used = new Set<string>();
  for (const [field, value] of fields) {
    for (const m of value.matchAll(/\{[a-z0-9-]+\}/g)) {
      const p = m[0];
      used.add(p);
      if (knobPlaceholders.includes(p)) continue;
      if (!(p in PLACEHOLDERS)) fail(where, field, `uses unknown placeholder ${p} (known: ${Object.keys(PLACEHOLDERS).join(' ')})`);
      if ((p === '{spark-submit}' || p === '{spark-conf}') && spec.engine !== 'spark') fail(where, field, `uses ${p}, which needs "engine": "spark"`);
      if (p === '{failpoint-args}' && spec.failpoints.adapter !== 'spark') fail(where, field, 'uses {failpoint-args}, which needs "failpoints": {"adapter": "spark", ...}');
      if (p === '{spark-kafka-jars}' && spec.engine !== 'spark') fail(where, field, 'uses {spark-kafka-jars}, which needs "engine": "spark"');
      const service = PLACEHOLDER_SERVICE[p];
      if (service && !spec.services.includes(service)) fail(where, field, `uses ${p}, which needs "services": [..., "${service}"] (the harness then starts ${service === 'kafka' ? 'a Kafka broker' : 'an S3 server'} for the run)`);
    }
  }
  spec.tune?.knobs.forEach((k, i) => {
    if ('placeholder' in k.via && !used.has(k.via.placeholder)) fail(where, `tune.knobs[${i}].via.placeholder`, `${k.via.placeholder} is not used in start.command or start.env: the knob would never reach the job`);
    if ('conf' in k.via && !spec.start.command.includes('{spark-conf}')) fail(where, `tune.knobs[${i}].via.conf`, 'needs "{spark-conf}" in start.command: that is where the --conf setting goes');
  });
  if (spec.failpoints.adapter === 'spark' && !spec.start.command.includes('{failpoint-args}')) {
    fail(where, 'start.command', 'must contain "{failpoint-args}" (after spark-submit) when failpoints.adapter is spark: that is how the failpoint jar is plugged in');
  }
}

/** Values of the placeholders for one trial (and one incarnation's failpoint arguments). */
export interface PlaceholderValues {
  input: string;
  inputDone: string;
  output: string;
  checkpoint: string;
  master: string;
  sparkSubmit?: string;
  sparkConf?: string[];
  sparkKafkaJars?: string;
  kafka?: string;
  kafkaTopic?: string;
  s3?: { endpoint: string; bucket: string; prefix: string; accessKey: string; secretKey: string };
  failpointArgs?: string[];
  /** Values of the spec's tune knobs that reach the job as placeholders ("{checkpoint-interval}" -> "4"). */
  knobs?: Record<string, string>;
}

/** Expand one string; list-valued placeholders are only allowed as a whole command element (see expandCommand). */
export function expand(text: string, spec: TargetSpec, v: PlaceholderValues): string {
  return text.replace(/\{[a-z0-9-]+\}/g, (p) => {
    switch (p) {
      case '{input}':
        return v.input;
      case '{input-done}':
        return v.inputDone;
      case '{output}':
        return v.output;
      case '{checkpoint}':
        return v.checkpoint;
      case '{spec-dir}':
        return path.dirname(spec.file);
      case '{master}':
        return v.master;
      case '{spark-submit}':
        return v.sparkSubmit ?? p;
      case '{spark-kafka-jars}':
      case '{kafka}':
      case '{kafka-topic}': {
        const value = p === '{kafka}' ? v.kafka : p === '{kafka-topic}' ? v.kafkaTopic : v.sparkKafkaJars;
        if (!value) throw new UserError(`${spec.file}: ${p} has no value: ${p === '{spark-kafka-jars}' ? 'the installed Spark has no Kafka connector (run npm run services:install spark again)' : 'the Kafka service was not started for this run'}`);
        return value;
      }
      case '{s3}':
      case '{s3-bucket}':
      case '{s3-prefix}':
      case '{s3-access-key}':
      case '{s3-secret-key}': {
        if (!v.s3) throw new UserError(`${spec.file}: ${p} has no value: the S3 service was not started for this run`);
        const key = ({ '{s3}': 'endpoint', '{s3-bucket}': 'bucket', '{s3-prefix}': 'prefix', '{s3-access-key}': 'accessKey', '{s3-secret-key}': 'secretKey' } as const)[p];
        return v.s3[key];
      }
      default: {
        const knob = spec.tune?.knobs.find((k) => 'placeholder' in k.via && k.via.placeholder === p);
        if (knob) return v.knobs?.[p] ?? String(knob.default);
        throw new UserError(`${spec.file}: ${p} must be a whole element of start.command (it expands to several arguments)`);
      }
    }
  });
}

export function expandCommand(spec: TargetSpec, v: PlaceholderValues): string[] {
  const out: string[] = [];
  for (const part of spec.start.command) {
    if (part === '{spark-conf}') out.push(...(v.sparkConf ?? []));
    else if (part === '{failpoint-args}') out.push(...(v.failpointArgs ?? []));
    else out.push(expand(part, spec, v));
  }
  return out;
}
