/**
 * One process of an external target (e.g. spark-submit: a JVM, its Python driver and workers),
 * started detached as the leader of its own process group so that a kill takes all of it. Output
 * goes to a log file per incarnation (a Spark driver writes a lot; we keep the file, not memory)
 * and lines are watched for the readiness pattern. Every child stays in the registry until its
 * whole group has been killed and reaped: nothing outlives the harness.
 *
 * Must NOT: judge anything from the log lines (they are diagnostics and readiness only), or leave
 * a group alive after `done` resolves.
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { execa } from 'execa';
import { signalTree, trackChild, untrackChild } from '../process/registry.js';

export interface TargetExit {
  exitCode: number | null;
  signal: string | null;
  killedByHarness: boolean;
  /** Last lines of the process's output (stdout and stderr interleaved). */
  tail: string;
}

export interface TargetProcess {
  pid: number;
  /** Resolves when a line matching `pattern` appears (or at once when there is none); rejects never. */
  ready(pattern: RegExp | undefined): Promise<boolean>;
  /** SIGKILL the whole process group. */
  kill(): void;
  done: Promise<TargetExit>;
  readonly exited: boolean;
}

const TAIL_LINES = 40;

export function spawnTarget(command: string[], opts: { env: Record<string, string>; cwd?: string; logFile: string }): TargetProcess {
  const [program, ...args] = command;
  const log = fs.openSync(opts.logFile, 'a');
  const sub = execa(program!, args, {
    detached: true,
    cleanup: true,
    reject: false,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    env: { ...opts.env },
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  const pid = sub.pid ?? -1;
  if (pid > 0) trackChild(pid, true);
  const tail: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (ok: boolean) => void }> = [];
  let seen = '';
  let killedByHarness = false;
  let exited = false;
  const onLine = (line: string) => {
    fs.writeSync(log, line + '\n');
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    if (seen.length < 1_000_000) seen += line + '\n';
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.pattern.test(line)) {
        waiters[i]!.resolve(true);
        waiters.splice(i, 1);
      }
    }
  };
  const closed: Promise<void>[] = [];
  for (const stream of [sub.stdout, sub.stderr]) {
    if (!stream) continue;
    const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
    closed.push(new Promise((resolve) => rl.once('close', resolve)));
    rl.on('line', onLine);
  }
  const proc: TargetProcess = {
    pid,
    get exited() {
      return exited;
    },
    ready(pattern) {
      if (!pattern) return Promise.resolve(true);
      if (seen.split('\n').some((l) => pattern.test(l))) return Promise.resolve(true);
      if (exited) return Promise.resolve(false);
      return new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
    kill() {
      if (pid <= 0) return;
      killedByHarness = true;
      signalTree(pid, 'SIGKILL', true);
    },
    done: undefined as unknown as Promise<TargetExit>,
  };
  proc.done = (async () => {
    const r = await sub;
    await Promise.all(closed);
    exited = true;
    // The leader is gone (exit, halt or kill): reap the rest of its group (Python workers, a Python driver).
    if (pid > 0) {
      signalTree(pid, 'SIGKILL', true);
      untrackChild(pid);
    }
    for (const w of waiters.splice(0)) w.resolve(false);
    fs.closeSync(log);
    return { exitCode: r.exitCode ?? null, signal: r.signal ?? null, killedByHarness, tail: tail.join('\n') };
  })();
  return proc;
}
