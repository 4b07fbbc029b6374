/**
 * Everything the harness starts or creates that must not outlive it: engine processes (with their
 * process groups, so executors die too) and temporary directories. Cleanup runs on normal exit, on
 * SIGINT/SIGTERM/SIGHUP (Ctrl-C) and on an uncaught error — a chaos tool must never leave a
 * SIGKILL-surviving engine or gigabytes of checkpoints behind.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const children = new Map<number, { group: boolean }>();
const tempDirs = new Set<string>();
/** Asynchronous closers (containers, an external S3 prefix, proxies): awaited on Ctrl-C before exiting. */
type Closer = () => Promise<void>;
const closers = new Set<Closer>();
/** How long Ctrl-C waits for closers (stopping a container takes seconds; a hung service must not hang the exit). */
const CLOSE_DEADLINE_MS = 15_000;
let installed = false;
let shuttingDown = false;
let interruptedBy: NodeJS.Signals | undefined;

/** The signal that is shutting the harness down, while closers run (undefined otherwise). */
export function interruptSignal(): NodeJS.Signals | undefined {
  return interruptedBy;
}

/** Send a signal to a child and, when it leads its own group, to everything in that group. */
export function signalTree(pid: number, signal: NodeJS.Signals, group: boolean): void {
  if (group) {
    try {
      process.kill(-pid, signal);
    } catch {
      // group already gone
    }
  }
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export function trackChild(pid: number, group: boolean): void {
  installHandlers();
  children.set(pid, { group });
}

export function untrackChild(pid: number): void {
  children.delete(pid);
}

export function liveChildren(): number[] {
  return [...children.keys()];
}

export function liveTempDirs(): string[] {
  return [...tempDirs];
}

/** Names of run dirs: `chaos-run-<harness pid>-<random>` directly under the OS temp dir. */
const RUN_DIR_RE = /^chaos-run-(\d+)-[A-Za-z0-9]+$/;
let runDir: string | undefined;

/**
 * The one directory under the OS temp dir that holds every temp dir of this harness process. It
 * carries the harness pid in its name, so a later run can tell it from a live run's and remove it
 * when its harness died without cleaning up (SIGKILL): see sweepStaleRunDirs.
 */
export function runTempRoot(): string {
  if (runDir === undefined || !fs.existsSync(runDir)) {
    installHandlers();
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), `chaos-run-${process.pid}-`));
    tempDirs.add(runDir);
  }
  return runDir;
}

/** A fresh directory in this run's temp root that is removed when the harness exits, however it exits. */
export function makeTempDir(prefix = 'chaos-'): string {
  installHandlers();
  const dir = fs.mkdtempSync(path.join(runTempRoot(), prefix));
  tempDirs.add(dir);
  return dir;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function bytesUnder(dir: string): number {
  let total = 0;
  try {
    for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (!e.isFile()) continue;
      try {
        total += fs.statSync(path.join(e.parentPath, e.name)).size;
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // unreadable: count nothing
  }
  return total;
}

export interface SweptRunDir {
  dir: string;
  pid: number;
  bytes: number;
}

/**
 * Removes run dirs (runTempRoot) of harness processes that no longer exist — what a SIGKILLed
 * harness left behind. A run dir whose pid is alive is never touched, whoever owns it.
 */
export function sweepStaleRunDirs(tmp: string = os.tmpdir()): SweptRunDir[] {
  const removed: SweptRunDir[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(tmp);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = RUN_DIR_RE.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || pidAlive(pid)) continue;
    const dir = path.join(tmp, name);
    const bytes = bytesUnder(dir);
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push({ dir, pid, bytes });
    } catch {
      // another run is sweeping it, or not ours to remove: leave it
    }
  }
  return removed;
}

/** Sweeps stale run dirs and says on stderr what it removed (nothing when there was nothing). */
export function sweepAndReport(command: string): SweptRunDir[] {
  const removed = sweepStaleRunDirs();
  for (const r of removed) {
    process.stderr.write(`${command}: removed ${r.dir} (${(r.bytes / 1e6).toFixed(1)} MB), left behind by harness pid ${r.pid}, which is gone\n`);
  }
  return removed;
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
  // The run dir lives only while it holds something: the last temp dir out removes it.
  if (runDir !== undefined && tempDirs.size === 1 && tempDirs.has(runDir)) {
    fs.rmSync(runDir, { recursive: true, force: true });
    tempDirs.delete(runDir);
    runDir = undefined;
  }
}

/** Keep `dir` after the harness exits (CHAOS_KEEP_TARGET_DIRS=1: a failing target trial's files, for a look). */
export function keepTempDir(dir: string): void {
  tempDirs.delete(dir);
}

/** Kill every tracked child (and its group) with SIGKILL and remove every temp dir. Synchronous. */
export function cleanupAll(): void {
  for (const [pid, { group }] of children) signalTree(pid, 'SIGKILL', group);
  children.clear();
  for (const dir of tempDirs) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  }
  tempDirs.clear();
  runDir = undefined;
}

/** Register `close` to run on shutdown; returns a function that runs it once and unregisters it. */
export function onShutdown(close: Closer): Closer {
  installHandlers();
  let done: Promise<void> | undefined;
  const once: Closer = () => {
    closers.delete(once);
    done ??= close();
    return done;
  };
  closers.add(once);
  return once;
}

/** Unregisters a closer from onShutdown without running it (its work finished normally). */
export function dropShutdown(close: Closer): void {
  closers.delete(close);
}

async function runClosers(): Promise<void> {
  const all = [...closers].reverse();
  closers.clear();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLOSE_DEADLINE_MS);
  });
  await Promise.race([Promise.allSettled(all.map((c) => c())), deadline]);
  clearTimeout(timer);
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (shuttingDown) return;
      shuttingDown = true;
      interruptedBy = sig;
      // Engines first (they must not keep writing), then the services they used, then exit.
      cleanupAll();
      void runClosers().finally(() => {
        process.stderr.write(`chaos: interrupted by ${sig}; killed engine processes, stopped services and removed temp dirs\n`);
        process.exit(sig === 'SIGINT' ? 130 : 143);
      });
    });
  }
}

/** For the CLI process only: an uncaught error also cleans up before the process dies (exit 3). */
export function cleanUpOnUncaughtError(): void {
  installHandlers();
  if (process.listenerCount('uncaughtException') > 0) return;
  process.on('uncaughtException', (err) => {
    cleanupAll();
    process.stderr.write(`chaos: internal error: ${err.stack ?? String(err)}\n`);
    process.exit(3);
  });
}
