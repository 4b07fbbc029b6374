/**
 * Bounded retries with exponential backoff and an overall deadline, for calls into services.
 * A transient failure (connection reset, timeout, 5xx) is retried; a permanent one (bad
 * credentials, missing bucket, precondition failed) is thrown at once; when attempts or time run
 * out the last error is wrapped in RetriesExhaustedError so the attempt fails cleanly.
 */
import { DeadlineError, sleep, withDeadline } from './deadline.js';

export interface RetryPolicy {
  /** Total tries, including the first. */
  attempts: number;
  /** Deadline of one try. */
  attemptTimeoutMs: number;
  /** Deadline of all tries together, backoff included. */
  totalTimeoutMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 6,
  attemptTimeoutMs: 5_000,
  totalTimeoutMs: 30_000,
  baseDelayMs: 50,
  maxDelayMs: 2_000,
};

export class RetriesExhaustedError extends Error {
  readonly what: string;
  readonly tries: number;
  readonly lastError: unknown;
  constructor(what: string, tries: number, elapsedMs: number, lastError: unknown) {
    super(`${what} failed after ${tries} ${tries === 1 ? 'try' : 'tries'} in ${elapsedMs} ms: ${describeError(lastError)}`);
    this.name = 'RetriesExhaustedError';
    this.what = what;
    this.tries = tries;
    this.lastError = lastError;
  }
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return code && !err.message.includes(String(code)) ? `${err.message} (${String(code)})` : err.message;
  }
  return String(err);
}

export interface RetryHooks {
  /** Called before each backoff sleep, e.g. to log or emit an event. */
  onRetry?: (info: { what: string; attempt: number; delayMs: number; error: unknown }) => void;
}

export async function withRetry<T>(
  what: string,
  policy: RetryPolicy,
  isTransient: (err: unknown) => boolean,
  call: (signal: AbortSignal) => Promise<T>,
  hooks: RetryHooks = {},
): Promise<T> {
  const started = Date.now();
  let lastError: unknown;
  let attempt = 0;
  while (attempt < policy.attempts) {
    attempt++;
    const remaining = policy.totalTimeoutMs - (Date.now() - started);
    if (remaining <= 0) break;
    try {
      return await withDeadline(what, Math.min(policy.attemptTimeoutMs, remaining), call);
    } catch (err) {
      lastError = err;
      if (!(err instanceof DeadlineError) && !isTransient(err)) throw err;
    }
    if (attempt >= policy.attempts) break;
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    // Full jitter keeps many retrying writers from hammering a recovering server in lockstep.
    const delayMs = Math.round(backoff / 2 + (Math.random() * backoff) / 2);
    if (Date.now() - started + delayMs >= policy.totalTimeoutMs) break;
    hooks.onRetry?.({ what, attempt, delayMs, error: lastError });
    await sleep(delayMs);
  }
  throw new RetriesExhaustedError(what, attempt, Date.now() - started, lastError);
}
