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

/** A fresh directory under the OS temp dir that is removed when the harness exits, however it exits. */
export function makeTempDir(prefix = 'chaos-'): string {
  installHandlers();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
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
