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

/** Input the harness generates from the trial's seed and writes where the job reads it. */
export interface FilesInput {
  kind: 'files';
  /** Directory the job reads; files appear in it by atomic rename (temp name outside, then rename). */
  dir: string;
  /** words: one word per line. events: JSON lines {"key","ts"(epoch s),"value"} with some disorder. */
  format: 'words' | 'events';
  files: number;
  linesPerFile: number;
  keys: number;
  /**
   * before-start: all files are in place before the first incarnation (a bounded file-source job).
   * after-ready: injected one by one once the first incarnation is ready (a job that only sees new
   * files, like a DStream textFileStream), then `doneMarker` is created.
   */
  when: 'before-start' | 'after-ready';
  /** Created (empty) after the last file was injected; required with after-ready. */
  doneMarker?: string;
  /** Pause between injected files (after-ready). */
  intervalMs?: number;
}

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
  input: FilesInput;
  output: OutputReader;
  checkpoint: { path: string };
  failpoints: { adapter: 'spark'; points: string[] } | { adapter: 'none' };
  /** Supports the pre-started driver handshake (examples/spark/chaos_spark.py: CHAOS_GO_FILE). */
  prestart: boolean;
  semantics: 'exactly-once' | 'at-least-once';
  /** For `chaos tune --target`: the job takes its checkpoint interval from CHAOS_CHECKPOINT_INTERVAL, in this unit. */
  tune?: { unit: string };
  services: string[];
  timeouts: { readyMs: number; incarnationMs: number; trialMs: number };
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
};

/** Services a spec may name; none is wired for external targets yet (see the message). */
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
  oneOf(inputRaw, 'kind', 'input.kind', ['files'] as const);
  const when = oneOf(inputRaw, 'when', 'input.when', ['before-start', 'after-ready'] as const, 'before-start');
  const input: FilesInput = {
    kind: 'files',
    dir: str(inputRaw, 'dir', 'input.dir', '{input}'),
    format: oneOf(inputRaw, 'format', 'input.format', ['words', 'events'] as const),
    files: int(inputRaw, 'files', 'input.files', 1),
    linesPerFile: int(inputRaw, 'linesPerFile', 'input.linesPerFile', 1),
    keys: int(inputRaw, 'keys', 'input.keys', 1, 5),
    when,
    ...(inputRaw['doneMarker'] !== undefined ? { doneMarker: str(inputRaw, 'doneMarker', 'input.doneMarker') } : {}),
    ...(inputRaw['intervalMs'] !== undefined ? { intervalMs: int(inputRaw, 'intervalMs', 'input.intervalMs', 0) } : {}),
  };
  if (when === 'after-ready' && !input.doneMarker) fail(where, 'input.doneMarker', 'is required with "when": "after-ready" (the job learns from it that no more input comes)');
  if (when === 'after-ready' && readiness.kind === 'none') fail(where, 'readiness', 'must be "log" or "file" with after-ready input: files are injected only once the job is ready');

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
  if (!Array.isArray(services) || !services.every((s) => typeof s === 'string')) fail(where, 'services', 'must be an array of service names');
  for (const s of services as string[]) {
    if (!KNOWN_SERVICES.includes(s)) fail(where, 'services', `has unknown service "${s}" (known: ${KNOWN_SERVICES.join(', ')})`);
    fail(where, 'services', `names "${s}", but external targets cannot be given ${s} yet ({kafka}/{s3} placeholders are not wired): drop it`);
  }

  const t = obj(raw, 'timeouts', 'timeouts', {});
  const timeouts = {
    readyMs: int(t, 'readyMs', 'timeouts.readyMs', 1000, 120_000),
    incarnationMs: int(t, 'incarnationMs', 'timeouts.incarnationMs', 1000, 300_000),
    trialMs: int(t, 'trialMs', 'timeouts.trialMs', 1000, 900_000),
  };

  let tune: TargetSpec['tune'];
  if (raw['tune'] !== undefined) tune = { unit: str(obj(raw, 'tune', 'tune'), 'unit', 'tune.unit') };

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
    services: services as string[],
    timeouts,
  };
  checkPlaceholders(spec, where);
  return spec;
}

/** Every `{...}` used must be a known placeholder, and engine-specific ones need that engine. */
function checkPlaceholders(spec: TargetSpec, where: string): void {
  const fields: Array<[string, string]> = [
    ...spec.start.command.map((c, i): [string, string] => [`start.command[${i}]`, c]),
    ...Object.entries(spec.start.env).map(([k, v]): [string, string] => [`start.env.${k}`, v]),
    ...(spec.start.cwd ? [['start.cwd', spec.start.cwd] as [string, string]] : []),
    ['input.dir', spec.input.dir],
    ...(spec.input.doneMarker ? [['input.doneMarker', spec.input.doneMarker] as [string, string]] : []),
    ['checkpoint.path', spec.checkpoint.path],
    ...(spec.output.kind === 'command' ? spec.output.command.map((c, i): [string, string] => [`output.command[${i}]`, c]) : [['output.path', spec.output.path] as [string, string]]),
  ];
  for (const [field, value] of fields) {
    for (const m of value.matchAll(/\{[a-z-]+\}/g)) {
      const p = m[0];
      if (!(p in PLACEHOLDERS)) fail(where, field, `uses unknown placeholder ${p} (known: ${Object.keys(PLACEHOLDERS).join(' ')})`);
      if ((p === '{spark-submit}' || p === '{spark-conf}') && spec.engine !== 'spark') fail(where, field, `uses ${p}, which needs "engine": "spark"`);
      if (p === '{failpoint-args}' && spec.failpoints.adapter !== 'spark') fail(where, field, 'uses {failpoint-args}, which needs "failpoints": {"adapter": "spark", ...}');
    }
  }
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
  failpointArgs?: string[];
}

/** Expand one string; list-valued placeholders are only allowed as a whole command element (see expandCommand). */
export function expand(text: string, spec: TargetSpec, v: PlaceholderValues): string {
  return text.replace(/\{[a-z-]+\}/g, (p) => {
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
      default:
        throw new UserError(`${spec.file}: ${p} must be a whole element of start.command (it expands to several arguments)`);
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
