/**
 * An engine process must not outlive the harness that started it, even when the harness is
 * SIGKILLed and runs no cleanup at all. The harness hands the engine the read end of a pipe as
 * stdin (and sets CHAOS_WATCH_PARENT=stdin); only the harness holds the write end, so the kernel
 * closes it when the harness dies, however it dies. The engine sees end-of-file and SIGKILLs its
 * own process group: itself and its executors (which also follow their IPC channel,
 * engine/executors/driver-channel.ts).
 *
 * The same pipe carries the one message of a pre-started ("warm") engine: with CHAOS_AWAIT_RUN=1
 * the process loads its modules, then waits for one line `{"argv": [...], "env": {...}}` naming
 * its trial, and runs it like a freshly started one. A kill is still a real SIGKILL of a real
 * process; only node's start and the module loading happened before the trial.
 *
 * This watch must NOT keep the process alive (the pipe is unref'd once the run arguments are in)
 * and must NOT read anything else from stdin. A person running `chaos engine run` in a terminal
 * sets neither variable, and nothing is watched.
 */
import type { Socket } from 'node:net';

export const WATCH_PARENT_ENV = 'CHAOS_WATCH_PARENT';
export const AWAIT_RUN_ENV = 'CHAOS_AWAIT_RUN';

/** SIGKILL this process's group (it leads one when the harness started it detached), then itself. */
function dieNow(): void {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    // not a group leader
  }
  process.kill(process.pid, 'SIGKILL');
}

export interface RunMessage {
  argv: string[];
  env: Record<string, string>;
}

/**
 * Starts watching stdin when the harness asked for it. With CHAOS_AWAIT_RUN=1 resolves with the
 * run message once it arrived (its env already applied to process.env); otherwise at once with
 * undefined.
 */
export function dieWithParent(env: NodeJS.ProcessEnv = process.env): Promise<RunMessage | undefined> {
  if (env[WATCH_PARENT_ENV] !== 'stdin') return Promise.resolve(undefined);
  const stdin = process.stdin as NodeJS.ReadStream & Partial<Pick<Socket, 'unref'>>;
  stdin.once('end', dieNow);
  stdin.once('error', dieNow);
  if (env[AWAIT_RUN_ENV] !== '1') {
    stdin.on('data', () => {});
    stdin.unref?.();
    return Promise.resolve(undefined);
  }
  delete env[AWAIT_RUN_ENV];
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      stdin.off('data', onData);
      stdin.on('data', () => {});
      stdin.unref?.();
      const msg = JSON.parse(text.slice(0, nl)) as RunMessage;
      Object.assign(process.env, msg.env);
      resolve(msg);
    };
    stdin.on('data', onData);
  });
}
