/**
 * Closers that must run however the harness ends: normal close(), an error, Ctrl-C (SIGINT),
 * SIGTERM. Containers and server processes are never left behind.
 */
type Closer = () => Promise<void>;

const closers = new Set<Closer>();
let installed = false;

async function runAll(): Promise<void> {
  const all = [...closers].reverse();
  closers.clear();
  await Promise.allSettled(all.map((c) => c()));
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void runAll().finally(() => {
        // Re-raise so the exit status says which signal ended us (and other handlers still run).
        process.kill(process.pid, signal);
      });
    });
  }
}

/** Register `close`; returns a function that runs it once and unregisters it. */
export function onShutdown(close: Closer): Closer {
  install();
  let done: Promise<void> | undefined;
  const once: Closer = () => {
    closers.delete(once);
    done ??= close();
    return done;
  };
  closers.add(once);
  return once;
}
