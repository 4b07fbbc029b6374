/**
 * The executor child's side of the IPC channel to its driver (child-executor.ts is the driver's):
 * the init handshake (`ready` / `init-failed`), replies, and exiting with the driver. When the
 * channel closes (the driver exited or was SIGKILLed) the executor exits too, so no executor
 * outlives its driver.
 */
import type { ExecutorStartMessage } from './child-executor.js';

/** Sends a message (pin M to the protocol's message type) to the driver; dropped when the driver is gone (this process is exiting then). */
export function sendToDriver<M extends { type: string }>(msg: M): void {
  // With a callback a send into a closed channel is an error passed to it, not an unhandled
  // 'error' event on process (an EPIPE trace); the 'disconnect' handler below ends the process.
  if (process.connected) process.send!(msg, undefined, undefined, () => {});
}

/** The driver is gone: the channel closed, or a write to its pipe (events on stdout) failed with EPIPE. */
function driverGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return !process.connected || code === 'EPIPE' || code === 'ERR_IPC_CHANNEL_CLOSED' || code === 'ECONNRESET';
}

export interface ExecutorService<Init, Runtime, Request> {
  /** Names the process in its crash message: `executor`, `streaming executor`. */
  role: string;
  /** Builds the runtime from the init message; a throw is reported to the driver as `init-failed`. */
  init(spec: Init): Runtime | Promise<Runtime>;
  /** Handles a request after init; a throw is a bug: it is printed and the process exits with 70. */
  handle(runtime: Runtime, msg: Request): Promise<void>;
}

/** Serves the driver's messages in this process until the driver goes away. */
export function serveDriver<Init, Runtime, Request extends { type: string }>(service: ExecutorService<Init, Runtime, Request>): void {
  let runtime: Runtime | undefined;
  const receive = async (msg: { type: 'init'; init: Init } | Request): Promise<void> => {
    if (msg.type === 'init') {
      try {
        runtime = await service.init((msg as { init: Init }).init);
        sendToDriver<ExecutorStartMessage>({ type: 'ready', pid: process.pid });
      } catch (err) {
        sendToDriver<ExecutorStartMessage>({ type: 'init-failed', message: (err as Error).message });
      }
      return;
    }
    if (runtime === undefined) throw new Error(`${msg.type} before init`);
    await service.handle(runtime, msg as Request);
  };
  // An executor whose driver died exits quietly: nothing it could print would reach anyone who
  // asked, and a trace per executor would bury the driver's own message.
  process.on('disconnect', () => process.exit(0));
  process.stdout.on('error', () => process.exit(0));
  process.on('message', (msg) => {
    receive(msg as Request).catch((err) => {
      if (driverGone(err)) process.exit(0);
      process.stderr.write(`${service.role} ${process.pid}: ${(err as Error).stack ?? err}\n`);
      process.exit(70);
    });
  });
}
