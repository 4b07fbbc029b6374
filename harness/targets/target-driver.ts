/**
 * The incarnation driver of an external target: what process-driver.ts is for the built-in engine.
 * The restart loop (trial/restart-loop.ts) drives it the same way — run incarnation i with fault i
 * armed, restart after a kill on the same checkpoint, until an incarnation exits 0.
 *
 * Faults: `kill-random` SIGKILLs the process group after the incarnation reached `afterEvents`
 * named points (the failpoint adapter's events file; 0 without an adapter) plus `delayMs`;
 * `kill-failpoint` / `torn-write` arm the adapter (`name:occurrence:crash|tear`), which halts the
 * JVM in place (Runtime.halt — no hook, no flush: a SIGKILL as far as the checkpoint can tell).
 *
 * Pre-started driver (spec `prestart`): while incarnation i runs with a fault armed, incarnation
 * i+1 is already started and waits for "go" (a file) after its JVM and SparkSession are up; the
 * restart after a kill then pays only for opening the checkpoint. The spare must NOT touch the
 * checkpoint, input or output before go (examples/spark/chaos_spark.py).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Fault, FaultHit, LostWritesCount, TrialSpec } from '../history.js';
import type { IncarnationDriver, IncarnationResult } from '../trial/driver.js';
import { keepTempDir, makeTempDir, removeTempDir } from '../process/registry.js';
import { expand, expandCommand, type PlaceholderValues, type TargetSpec } from './target-spec.js';
import { createTopic, generateInput, injectFile, topicWriter, type InputFile } from './input-files.js';
import { uniqueName, type TargetServices } from './target-services.js';
import { UserError } from '../../engine/index.js';
import { readTargetOutput } from './output-readers.js';
import { spawnTarget, type TargetProcess } from './target-process.js';
import { sparkEnv, sparkFailpointArgs, sparkTestConf, type SparkInstall } from './spark/spark-install.js';

/** A target spec with what it runs on here: the Spark install (engine spark) and the master to use. */
export interface ResolvedTarget {
  spec: TargetSpec;
  spark?: SparkInstall;
  master: string;
  /** Use the pre-started driver when the spec supports it (default true). */
  prestart: boolean;
  /** Extra environment for every incarnation (chaos tune: CHAOS_CHECKPOINT_INTERVAL). */
  env?: Record<string, string>;
  /** The run's services (spec "services"), started by withTargetServices. */
  services?: TargetServices;
  /** Values of the spec's tune knobs by knob name (chaos tune --target); a knob not named gets its default. */
  knobValues?: Record<string, number>;
}

/** How the spec's tune knobs reach an incarnation: environment, placeholder values and --conf arguments. */
export function knobSettings(target: ResolvedTarget): { env: Record<string, string>; placeholders: Record<string, string>; conf: string[] } {
  const out = { env: {} as Record<string, string>, placeholders: {} as Record<string, string>, conf: [] as string[] };
  for (const k of target.spec.tune?.knobs ?? []) {
    const v = String(target.knobValues?.[k.name] ?? k.default);
    if ('env' in k.via) out.env[k.via.env] = v;
    else if ('placeholder' in k.via) out.placeholders[k.via.placeholder] = v;
    else out.conf.push('--conf', `${k.via.conf}=${v}`);
  }
  if (target.knobValues) for (const [k, v] of Object.entries(target.spec.tune?.conf ?? {})) out.conf.push('--conf', `${k}=${v}`);
  return out;
}

/** One line of the failpoint adapter's events file. */
export interface PointEvent {
  point?: string;
  failpoint?: string;
  occurrence: number;
  action?: string;
  n?: number;
  /** The checkpoint file the point concerns (point events). */
  file?: string;
  t: number;
}

export function readPointEvents(file: string): PointEvent[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: PointEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as PointEvent);
    } catch {
      // a line torn by the halt: skip
    }
  }
  return out;
}

function failpointSpec(fault: Fault | undefined): string {
  if (fault?.kind === 'kill-failpoint') return `${fault.failpoint}:${fault.occurrence}:crash`;
  if (fault?.kind === 'torn-write') return `${fault.failpoint}:${fault.occurrence}:tear`;
  return '';
}

interface Started {
  index: number;
  proc: TargetProcess;
  eventsFile: string;
  goFile?: string;
  fault: Fault | undefined;
}

export class TargetDriver implements IncarnationDriver {
  readonly mode = 'process' as const;
  readonly dir: string;
  readonly values: PlaceholderValues;
  private readonly files: InputFile[];
  private spare: Started | undefined;
  private injection: Promise<void> | undefined;
  /** Creates the trial's topic and puts before-start input in it (once, before the first incarnation). */
  private prepared: Promise<void> | undefined;
  private writer: ReturnType<typeof topicWriter> | undefined;
  private injectionStopped = false;
  /** Named points each incarnation reached (index -> events), for reports and the reference's counts. */
  readonly points: PointEvent[][] = [];

  constructor(
    private readonly target: ResolvedTarget,
    private readonly trial: TrialSpec,
    private readonly deadline: number,
  ) {
    this.dir = makeTempDir(`chaos-${target.spec.name}-`);
    for (const d of ['input', 'staging', 'logs']) fs.mkdirSync(path.join(this.dir, d));
    const services = target.services;
    for (const need of target.spec.services) {
      if (!services?.[need]) throw new UserError(`target ${target.spec.name} declares service ${need} but it was not started (run it through chaos run|replay|tune --target, or withTargetServices)`);
    }
    const knobs = knobSettings(target);
    this.values = {
      knobs: knobs.placeholders,
      input: path.join(this.dir, 'input'),
      inputDone: path.join(this.dir, 'input.done'),
      output: path.join(this.dir, 'output'),
      checkpoint: path.join(this.dir, 'checkpoint'),
      master: target.master,
      ...(target.spark ? { sparkSubmit: target.spark.sparkSubmit, sparkConf: [...sparkTestConf(), ...knobs.conf], ...(target.spark.kafkaJars.length ? { sparkKafkaJars: target.spark.kafkaJars.join(',') } : {}) } : {}),
      ...(services?.kafka ? { kafka: services.kafka.brokers.join(','), kafkaTopic: uniqueName(`chaos-${target.spec.name}`) } : {}),
      ...(services?.s3 ? { s3: { endpoint: services.s3.endpoint, bucket: services.s3.bucket, accessKey: services.s3.accessKey, secretKey: services.s3.secretKey, prefix: `${uniqueName(`targets/${target.spec.name}`)}/` } } : {}),
    };
    this.files = generateInput(target.spec.input, trial.seed);
    if (target.spec.input.kind === 'files' && target.spec.input.when === 'before-start') {
      const base = Math.floor(Date.now() / 1000) - this.files.length - 10;
      this.files.forEach((f, i) => injectFile(this.inputDir(), path.join(this.dir, 'staging'), f, base + i));
    }
  }

  /** Kafka input: the trial's topic exists before the first incarnation, holding the input when it is before-start. */
  private prepare(): Promise<void> {
    const input = this.target.spec.input;
    if (input.kind !== 'kafka') return Promise.resolve();
    this.prepared ??= (async () => {
      const brokers = this.target.services!.kafka!.brokers;
      const topic = expand(input.topic, this.target.spec, this.values);
      await createTopic(brokers, topic, input.partitions);
      this.writer = topicWriter(brokers, topic, input.partitions);
      if (input.when === 'before-start') for (const f of this.files) await this.writer.send(f);
    })();
    return this.prepared;
  }

  /** Put one chunk of after-ready input where the job reads it. */
  private async inject(file: InputFile): Promise<void> {
    if (this.target.spec.input.kind === 'kafka') await this.writer!.send(file);
    else injectFile(this.inputDir(), path.join(this.dir, 'staging'), file);
  }

  private inputDir(): string {
    const input = this.target.spec.input;
    return input.kind === 'files' ? expand(input.dir, this.target.spec, this.values) : this.values.input;
  }

  private start(index: number, fault: Fault | undefined, prestarted: boolean): Started {
    const spec = this.target.spec;
    const eventsFile = path.join(this.dir, 'logs', `points-${index}.jsonl`);
    const goFile = prestarted ? path.join(this.dir, `go-${index}`) : undefined;
    const values: PlaceholderValues = {
      ...this.values,
      ...(this.target.spark && spec.failpoints.adapter === 'spark' ? { failpointArgs: sparkFailpointArgs(this.target.spark, failpointSpec(fault), eventsFile) } : {}),
    };
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...(this.target.spark ? sparkEnv(this.target.spark) : {}),
      ...Object.fromEntries(Object.entries(spec.start.env).map(([k, v]) => [k, expand(v, spec, values)])),
      ...knobSettings(this.target).env,
      ...this.target.env,
      CHAOS_SPARK_EVENTS: eventsFile,
      ...(goFile ? { CHAOS_GO_FILE: goFile } : {}),
    };
    const proc = spawnTarget(expandCommand(spec, values), {
      env,
      ...(spec.start.cwd ? { cwd: expand(spec.start.cwd, spec, values) } : {}),
      logFile: path.join(this.dir, 'logs', `incarnation-${index}.log`),
    });
    return { index, proc, eventsFile, ...(goFile ? { goFile } : {}), fault };
  }

  /** After-ready input: inject the files one by one (once per trial, across incarnations), then the done marker. */
  private startInjection(): void {
    if (this.injection || this.target.spec.input.when !== 'after-ready') return;
    const spec = this.target.spec;
    const interval = spec.input.intervalMs ?? 300;
    this.injection = (async () => {
      for (const f of this.files) {
        if (this.injectionStopped) return;
        await this.inject(f);
        await new Promise((r) => setTimeout(r, interval));
      }
      if (spec.input.doneMarker) fs.writeFileSync(expand(spec.input.doneMarker, spec, this.values), '');
    })();
  }

  async run(index: number, fault: Fault | undefined): Promise<IncarnationResult> {
    const spec = this.target.spec;
    const usePrestart = this.target.prestart && spec.prestart;
    await this.prepare();
    let started: Started;
    if (this.spare && this.spare.index === index && !this.spare.proc.exited && failpointSpec(this.spare.fault) === failpointSpec(fault)) {
      started = this.spare;
      this.spare = undefined;
    } else {
      this.spare?.proc.kill();
      this.spare = undefined;
      started = this.start(index, fault, usePrestart);
    }
    // With a fault armed this incarnation will probably die: have the next one warm up meanwhile.
    if (usePrestart && fault) this.spare = this.start(index + 1, this.trial.schedule.faults[index + 1], true);
    if (started.goFile) fs.writeFileSync(started.goFile, '');
    const startedAt = Date.now();
    const { proc } = started;
    const remaining = Math.max(1000, Math.min(spec.timeouts.incarnationMs, this.deadline - Date.now()));
    let timedOut = false;
    const hang = setTimeout(() => {
      timedOut = true;
      proc.kill();
    }, remaining);
    const faultsHit: FaultHit[] = [];

    // Readiness, then input that waits for it.
    const pattern = spec.readiness.kind === 'log' ? new RegExp(spec.readiness.pattern) : undefined;
    void (async () => {
      if (spec.readiness.kind === 'file') {
        const file = expand(spec.readiness.path, spec, this.values);
        while (!proc.exited && !fs.existsSync(file)) await new Promise((r) => setTimeout(r, 50));
        if (!proc.exited) this.startInjection();
      } else if (await proc.ready(pattern)) this.startInjection();
    })();

    // Random-time kill: after the n-th named point plus a delay (the delay alone without an adapter).
    let randomKill: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    if (fault?.kind === 'kill-random') {
      const strike = () => {
        randomKill = setTimeout(() => {
          if (proc.exited) return;
          faultsHit.push({ kind: 'kill-random', where: `point #${fault.afterEvents} +${fault.delayMs} ms`, at: Date.now() });
          proc.kill();
        }, fault.delayMs);
      };
      if (fault.afterEvents <= 0 || spec.failpoints.adapter === 'none') strike();
      else {
        poll = setInterval(() => {
          if (readPointEvents(started.eventsFile).filter((e) => e.point).length >= fault.afterEvents) {
            clearInterval(poll);
            poll = undefined;
            strike();
          }
        }, 50);
      }
    }

    const exit = await proc.done;
    clearTimeout(hang);
    if (randomKill) clearTimeout(randomKill);
    if (poll) clearInterval(poll);
    const events = readPointEvents(started.eventsFile);
    this.points[index] = events.filter((e) => e.point);
    const fired = events.find((e) => e.failpoint);
    if (fired && (fault?.kind === 'kill-failpoint' || fault?.kind === 'torn-write')) {
      faultsHit.push({ kind: fault.kind, where: `${fired.failpoint}:${fired.occurrence} (JVM halted)`, at: fired.t, failpoint: { name: fired.failpoint!, occurrence: fired.occurrence } });
    }
    const killed = faultsHit.length > 0 && !timedOut;
    const endedAt = Date.now();
    return {
      index,
      pid: proc.pid,
      startedAt,
      endedAt,
      // A failpoint halt (exit 137) stands for the SIGKILL it models, as a SimulatedCrash does in sim mode.
      exit: killed ? { code: null, signal: 'SIGKILL' } : { code: exit.exitCode, signal: exit.signal },
      ...(fault ? { fault } : {}),
      faultsHit,
      events: [],
      ...(exit.exitCode !== 0 || timedOut ? { stderrTail: (timedOut ? `timed out after ${remaining} ms; ` : '') + this.firstError(index) + exit.tail.split('\n').slice(-12).join('\n') } : {}),
      killed,
    };
  }

  afterKill(): LostWritesCount {
    return { checkpoint: 0, output: 0 };
  }

  async readOutputs(): Promise<string[]> {
    const o = this.target.spec.output;
    if (o.kind === 'command') {
      // The job's own environment (start.env: e.g. S3 keys) reaches its output command too.
      const env = Object.fromEntries(Object.entries(this.target.spec.start.env).map(([k, v]) => [k, expand(v, this.target.spec, this.values)]));
      return readTargetOutput({ kind: 'command', command: o.command.map((c) => expand(c, this.target.spec, this.values)), env });
    }
    return readTargetOutput({ ...o, path: expand(o.path, this.target.spec, this.values) });
  }

  /** Not offered for external targets: their state files are the engine's own format (Spark's checksums decide). */
  async corruptCheckpoint(): Promise<string[]> {
    return [];
  }

  async hasCheckpoint(): Promise<boolean> {
    return fs.existsSync(expand(this.target.spec.checkpoint.path, this.target.spec, this.values));
  }

  /**
   * The first exception line of a failed incarnation's log, as "first error: ...\n" (a JVM's last
   * lines are often a query plan or a Python traceback's tail, not the cause).
   */
  private firstError(index: number): string {
    const line = this.logOf(index).split('\n').find((l) => /^(\S+\.)?[A-Za-z]*(Exception|Error)\b.*:/.test(l.trim()) && !/^\d\d\/\d\d\/\d\d /.test(l));
    return line ? `first error: ${line.trim().slice(0, 500)}\n` : '';
  }

  /** The first exception line of incarnation `index` (or ''). */
  firstErrorOf(index: number): string {
    return this.firstError(index).replace(/^first error: /, '').trim();
  }

  /** Log lines of one incarnation (for a failing trial's report). */
  logOf(index: number): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'logs', `incarnation-${index}.log`), 'utf8');
    } catch {
      return '';
    }
  }

  async dispose(): Promise<void> {
    this.injectionStopped = true;
    if (this.spare) {
      this.spare.proc.kill();
      await this.spare.proc.done;
      this.spare = undefined;
    }
    await this.injection?.catch(() => undefined);
    await this.prepared?.catch(() => undefined);
    await this.writer?.close();
    if (process.env['CHAOS_KEEP_TARGET_DIRS'] === '1') {
      keepTempDir(this.dir);
      process.stderr.write(`chaos: kept ${this.dir}\n`);
    }
    else removeTempDir(this.dir);
  }
}
