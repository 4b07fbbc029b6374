/**
 * An engine process must not outlive the harness that started it, even when the harness is
 * SIGKILLed and runs no cleanup at all. The harness hands the engine the read end of a pipe as
 * stdin (and sets CHAOS_WATCH_PARENT=stdin); only the harness holds the write end, so the kernel
 * closes it when the harness dies, however it dies. The engine sees end-of-file and SIGKILLs its
 * own process group: itself and its executors (which also follow their IPC channel,
 * engine/executors/driver-channel.ts).
 *
 * This watch must NOT keep the process alive (the pipe is unref'd) and must NOT read anything
 * meaningful from stdin: the harness never writes to it. A person running `chaos engine run` in a
 * terminal does not set the variable, and nothing is watched.
 */
import type { Socket } from 'node:net';

export const WATCH_PARENT_ENV = 'CHAOS_WATCH_PARENT';

/** SIGKILL this process's group (it leads one when the harness started it detached), then itself. */
function dieNow(): void {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    // not a group leader
  }
  process.kill(process.pid, 'SIGKILL');
}

/** Starts watching stdin when the harness asked for it (env CHAOS_WATCH_PARENT=stdin). */
export function dieWithParent(env: NodeJS.ProcessEnv = process.env): void {
  if (env[WATCH_PARENT_ENV] !== 'stdin') return;
  const stdin = process.stdin as NodeJS.ReadStream & Partial<Pick<Socket, 'unref'>>;
  stdin.on('data', () => {});
  stdin.once('end', dieNow);
  stdin.once('error', dieNow);
  stdin.unref?.();
}
