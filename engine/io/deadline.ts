/**
 * Deadlines for calls into services (S3, Kafka). A call to a service that is down, partitioned or
 * blackholed can stay pending forever; every such call goes through `withDeadline` so the engine
 * fails the attempt with a clear error instead of hanging.
 */

export class DeadlineError extends Error {
  readonly what: string;
  readonly ms: number;
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms (service unreachable, blackholed or overloaded)`);
    this.name = 'DeadlineError';
    this.what = what;
    this.ms = ms;
  }
}

/**
 * Run `call` and reject with DeadlineError after `ms`. The signal is aborted at the deadline so a
 * call that honours it releases its socket; a call that ignores it is abandoned (its late result or
 * error is swallowed, never an unhandled rejection).
 */
export async function withDeadline<T>(what: string, ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new DeadlineError(what, ms);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  const running = Promise.resolve().then(() => call(controller.signal));
  running.catch(() => {});
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A sleep that ends early (rejecting) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
