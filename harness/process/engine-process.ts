/**
 * Start, watch and kill one engine process (`node dist/runtime/main.js engine run ...`).
 *
 * The child runs detached as the leader of its own process group, so killing the group also kills
 * its executor processes; every child is in the registry until it is reaped. Events are read line
 * by line with readline on the child's stdout, and the caller kills BEFORE we stop reading (breaking
 * out of a line iterator first would let the child die of EPIPE instead of the signal).
 */
import * as readline from 'node:readline';
import { execa } from 'execa';
import { parseEvents, type EngineEvent } from '../../engine/index.js';
import { AWAIT_RUN_ENV, WATCH_PARENT_ENV } from '../../runtime/parent-watch.js';
import { signalTree, trackChild, untrackChild } from './registry.js';

/**
 * The slim engine entry dist/runtime/main.js (same flags as `chaos engine run`, no commander or
 * harness modules: a restart costs ~50 ms less), resolved from the compiled tree.
 */
export { engineEntry } from '../../runtime/entries.js';
import { engineEntry } from '../../runtime/entries.js';

export interface EngineExit {
  exitCode: number | null;
  signal: string | null;
  events: EngineEvent[];
  stderr: string;
  /** True when `kill` was called on it by us. */
  killedByHarness: boolean;
  ms: number;
}

export interface EngineProcess {
  pid: number;
  /** Signal the engine (SIGKILL by default); with `group` also every process in its group. */
  kill(signal?: NodeJS.Signals, opts?: { group?: boolean }): void;
  done: Promise<EngineExit>;
  /** Events seen so far. */
  readonly events: readonly EngineEvent[];
}

export interface SpawnOptions {
  onEvent?: (event: EngineEvent, index: number, proc: EngineProcess) => void;
  /** Environment additions (e.g. CHAOS_MUTANT). */
  env?: Record<string, string>;
  /** Kill the whole group with SIGKILL after this long (a hang); the exit then has killedByHarness. */
  timeoutMs?: number;
  cwd?: string;
}

type Subprocess = ReturnType<typeof execa>;

/** Starts an engine process: with `awaitRun` it loads its modules and waits for its arguments on stdin. */
function startEngineProcess(argv: readonly string[], env: Record<string, string> | undefined, cwd: string | undefined, awaitRun: boolean): Subprocess {
  return execa(process.execPath, [engineEntry(), ...argv], {
    detached: true,
    cleanup: true,
    reject: false,
    // A pipe only this process writes to: when the harness dies (even by SIGKILL) the engine reads
    // end-of-file and kills its process group (runtime/parent-watch.ts). A warm engine reads its
    // arguments from it first.
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: { stdout: false, stderr: true },
    env: { ...env, NO_COLOR: '1', [WATCH_PARENT_ENV]: 'stdin', ...(awaitRun ? { [AWAIT_RUN_ENV]: '1' } : {}) },
    cwd,
    maxBuffer: 4 * 1024 * 1024,
  });
}

/**
 * The warm pool: one pre-started engine process that has paid node's start and the module loading
 * and waits for its trial. Opened by a chaos run (openEnginePool) for its lifetime; every take
 * starts the next one in the background. What the pool must NOT change: the process a trial
 * kills is a real engine process of its own, started for it alone, killed with a real SIGKILL.
 */
let pool: Subprocess[] | undefined;

function warmOne(): void {
  if (pool === undefined) return;
  const sub = startEngineProcess([], undefined, undefined, true);
  if (sub.pid === undefined) return;
  trackChild(sub.pid, true);
  // A warm process that dies before its trial (killed by cleanup) is simply not used.
  void sub.then(() => {
    if (pool) pool = pool.filter((p) => p !== sub);
  });
  pool.push(sub);
}

/** Keep one engine process warm until closeEnginePool (chaos runs in process mode). */
export function openEnginePool(): void {
  // CHAOS_ENGINE_POOL=0 starts every engine cold (for comparing, or to rule the pool out).
  if (pool !== undefined || process.env['CHAOS_ENGINE_POOL'] === '0') return;
  pool = [];
  warmOne();
}

/** Kill the warm engine processes and stop refilling. */
export function closeEnginePool(): void {
  const left = pool ?? [];
  pool = undefined;
  for (const sub of left) {
    if (sub.pid !== undefined) {
      signalTree(sub.pid, 'SIGKILL', true);
      untrackChild(sub.pid);
    }
  }
}

/** A warm process for these options, or undefined (no pool, other working directory, none alive). */
function takeWarm(opts: SpawnOptions): Subprocess | undefined {
  if (pool === undefined || opts.cwd !== undefined) return undefined;
  const sub = pool.shift();
  warmOne();
  if (sub === undefined || sub.exitCode !== null || sub.signalCode !== null || sub.pid === undefined) return undefined;
  return sub;
}

/** Args after `engine`, e.g. ['run', '--scenario', 'wordcount', ...]. */
export function spawnEngine(args: readonly string[], opts: SpawnOptions = {}): EngineProcess {
  const started = Date.now();
  const warm = takeWarm(opts);
  if (warm) warm.stdin!.write(JSON.stringify({ argv: ['engine', ...args], env: opts.env ?? {} }) + '\n');
  const sub = warm ?? startEngineProcess(['engine', ...args], opts.env, opts.cwd, false);
  const pid = sub.pid;
  if (pid === undefined) {
    // spawn failed; `done` carries the error
  } else {
    trackChild(pid, true);
  }
  const events: EngineEvent[] = [];
  let killedByHarness = false;
  const proc: EngineProcess = {
    pid: pid ?? -1,
    events,
    kill(signal = 'SIGKILL', { group = false } = {}) {
      if (pid === undefined) return;
      killedByHarness = true;
      signalTree(pid, signal, group);
    },
    done: undefined as unknown as Promise<EngineExit>,
  };

  const lines = readline.createInterface({ input: sub.stdout!, crlfDelay: Infinity });
  const linesClosed = new Promise<void>((resolve) => lines.once('close', resolve));
  lines.on('line', (line) => {
    // One line at a time, by the engine's own NDJSON reader: a line torn by SIGKILL or not an event is skipped.
    const [event] = parseEvents(line);
    if (!event) return;
    events.push(event);
    opts.onEvent?.(event, events.length, proc);
  });

  const timer = opts.timeoutMs ? setTimeout(() => proc.kill('SIGKILL', { group: true }), opts.timeoutMs) : undefined;

  proc.done = (async () => {
    const result = await sub;
    await linesClosed;
    if (timer) clearTimeout(timer);
    if (pid !== undefined) {
      // Reap anything left in its group (an executor whose driver was killed).
      signalTree(pid, 'SIGKILL', true);
      untrackChild(pid);
    }
    return {
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      events,
      stderr: String(result.stderr ?? ''),
      killedByHarness,
      ms: Date.now() - started,
    };
  })();
  return proc;
}
