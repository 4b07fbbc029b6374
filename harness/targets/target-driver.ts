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
import { makeTempDir, removeTempDir } from '../process/registry.js';
import { expand, expandCommand, type PlaceholderValues, type TargetSpec } from './target-spec.js';
import { generateInput, injectFile, type InputFile } from './input-files.js';
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
}

/** One line of the failpoint adapter's events file. */
export interface PointEvent {
  point?: string;
  failpoint?: string;
  occurrence: number;
  action?: string;
  n?: number;
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
    this.values = {
      input: path.join(this.dir, 'input'),
      inputDone: path.join(this.dir, 'input.done'),
      output: path.join(this.dir, 'output'),
      checkpoint: path.join(this.dir, 'checkpoint'),
      master: target.master,
      ...(target.spark ? { sparkSubmit: target.spark.sparkSubmit, sparkConf: sparkTestConf() } : {}),
    };
    this.files = generateInput(target.spec.input, trial.seed);
    if (target.spec.input.when === 'before-start') {
      const base = Math.floor(Date.now() / 1000) - this.files.length - 10;
      this.files.forEach((f, i) => injectFile(this.inputDir(), path.join(this.dir, 'staging'), f, base + i));
    }
  }

  private inputDir(): string {
    return expand(this.target.spec.input.dir, this.target.spec, this.values);
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
        injectFile(this.inputDir(), path.join(this.dir, 'staging'), f);
        await new Promise((r) => setTimeout(r, interval));
      }
      if (spec.input.doneMarker) fs.writeFileSync(expand(spec.input.doneMarker, spec, this.values), '');
    })();
  }

  async run(index: number, fault: Fault | undefined): Promise<IncarnationResult> {
    const spec = this.target.spec;
    const usePrestart = this.target.prestart && spec.prestart;
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
      ...(exit.exitCode !== 0 || timedOut ? { stderrTail: (timedOut ? `timed out after ${remaining} ms; ` : '') + exit.tail.split('\n').slice(-12).join('\n') } : {}),
      killed,
    };
  }

  afterKill(): LostWritesCount {
    return { checkpoint: 0, output: 0 };
  }

  async readOutputs(): Promise<string[]> {
    const o = this.target.spec.output;
    if (o.kind === 'command') return readTargetOutput({ kind: 'command', command: o.command.map((c) => expand(c, this.target.spec, this.values)) });
    return readTargetOutput({ ...o, path: expand(o.path, this.target.spec, this.values) });
  }

  /** Not offered for external targets: their state files are the engine's own format (Spark's checksums decide). */
  async corruptCheckpoint(): Promise<string[]> {
    return [];
  }

  async hasCheckpoint(): Promise<boolean> {
    return fs.existsSync(expand(this.target.spec.checkpoint.path, this.target.spec, this.values));
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
    if (process.env['CHAOS_KEEP_TARGET_DIRS'] === '1') process.stderr.write(`chaos: kept ${this.dir}\n`);
    else removeTempDir(this.dir);
  }
}
