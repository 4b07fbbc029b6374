/**
 * Kafka connection settings, validated before any connection so a typo is a clear usage error.
 * Every client call goes through `kafkaCall` with a deadline: @platformatic/kafka retries
 * internally, and without a reachable broker some calls (e.g. `beginTransaction()`) never settle.
 */
import { UserError } from '../errors.js';
import { DeadlineError, withDeadline } from '../io/deadline.js';
import { describeError } from '../io/retry.js';

export interface KafkaConfig {
  /** `host:port` of one or more bootstrap brokers. */
  brokers: string[];
  clientId?: string;
  /** Deadline of one client call (default 15 s). */
  callTimeoutMs?: number;
  /** TCP connect timeout (default 3 s). */
  connectTimeoutMs?: number;
}

const BROKER = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

/** `host:port[,host:port...]` → list; a clear exit-2 error otherwise. */
export function parseBrokers(text: string | undefined): string[] {
  const items = (text ?? '')
    .split(',')
    .map((s) => s.trim().replace(/^PLAINTEXT:\/\//i, ''))
    .filter(Boolean);
  if (items.length === 0) {
    throw new UserError('no Kafka brokers given: pass --kafka-brokers host:port[,host:port] or set CHAOS_KAFKA_BROKERS');
  }
  for (const b of items) {
    const m = BROKER.exec(b);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
      throw new UserError(`bad Kafka broker "${b}": expected host:port, e.g. 127.0.0.1:9092`);
    }
  }
  return items;
}

export function validateTopic(topic: string | undefined, flag = '--topic'): string {
  if (!topic || !TOPIC.test(topic) || topic === '.' || topic === '..') {
    throw new UserError(`bad Kafka topic "${topic ?? ''}" (${flag}): use 1-249 letters, digits, '.', '_' or '-'`);
  }
  return topic;
}

export function validateKafkaConfig(config: KafkaConfig): Required<KafkaConfig> {
  const brokers = parseBrokers(config.brokers.join(','));
  return {
    brokers,
    clientId: config.clientId ?? 'checkpoint-chaos',
    callTimeoutMs: config.callTimeoutMs ?? 15_000,
    connectTimeoutMs: config.connectTimeoutMs ?? 3_000,
  };
}

/** The broker did not answer in time or refused: the attempt fails (and is retried by whoever runs it). */
export class KafkaUnavailableError extends Error {
  readonly brokers: string[];
  constructor(brokers: string[], what: string, cause: unknown) {
    super(`Kafka ${what} failed against ${brokers.join(',')}: ${describeKafkaError(cause)}`);
    this.name = 'KafkaUnavailableError';
    this.brokers = brokers;
    this.cause = cause;
  }
}

/** The first root cause of a client error (MultipleErrors nest: "createTopics failed 3 times" → "Connection to … failed"). */
export function innermostKafkaError(err: unknown): string {
  let e = err;
  for (let depth = 0; depth < 10; depth++) {
    const inner = (e as { errors?: unknown[] } | null)?.errors;
    if (!Array.isArray(inner) || inner.length === 0) break;
    e = inner[0];
  }
  return describeError(e);
}

export function describeKafkaError(err: unknown): string {
  // MultipleErrors from the client carries the real causes in `errors`.
  const inner = (err as { errors?: unknown[] } | null)?.errors;
  if (Array.isArray(inner) && inner.length > 0) return `${describeError(err)} (${inner.map(describeKafkaError).join('; ')})`;
  return describeError(err);
}

/** One client call under a deadline; failures become KafkaUnavailableError naming the brokers. */
export async function kafkaCall<T>(config: Required<KafkaConfig>, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await withDeadline(`Kafka ${what}`, config.callTimeoutMs, () => call());
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new KafkaUnavailableError(config.brokers, what, err);
  }
}

/**
 * No broker answered when an engine opened its Kafka source or sink. On its own (`chaos engine
 * run`) that is a configuration problem: exit 2 with the fix. Inside a chaos run the engine first
 * retries for a bounded time (CHAOS_KAFKA_OPEN_TIMEOUT_MS, see openKafkaWithRetry): the broker may
 * be restarting.
 */
export class KafkaUnreachableError extends UserError {
  constructor(message: string, readonly brokers: string[], cause: unknown) {
    super(message, 2);
    this.name = 'KafkaUnreachableError';
    this.cause = cause;
  }
}

/** An unavailable broker at startup is a configuration problem: exit 2 with the fix. Other UserErrors pass through. */
export function explainKafkaOpenError(config: Required<KafkaConfig>, err: unknown): Error {
  if (err instanceof UserError) return err;
  const cause = err instanceof KafkaUnavailableError ? err.cause : err;
  const silent = cause instanceof DeadlineError ? ' (no answer: blackholed, firewalled or not a Kafka broker?)' : '';
  const first = innermostKafkaError(cause);
  return new KafkaUnreachableError(
    `cannot reach Kafka at ${config.brokers.join(',')}${silent}: ${first}. ` +
      'Start the broker or fix --kafka-brokers / CHAOS_KAFKA_BROKERS (npm run services:install, then --services local, runs one here)',
    config.brokers,
    cause,
  );
}

/**
 * Open a Kafka client (source, sink, topic seeding) and, when `budgetMs` > 0 (a chaos run sets
 * CHAOS_KAFKA_OPEN_TIMEOUT_MS), retry an unreachable broker until the budget is spent — then the
 * attempt fails like any service outage (KafkaUnavailableError: exit 1, the harness restarts it).
 * With no budget the first KafkaUnreachableError stands (exit 2, "cannot reach Kafka at …").
 */
export async function openKafkaWithRetry<T>(
  what: string,
  budgetMs: number,
  open: () => Promise<T>,
  onRetry: (info: { attempt: number; delayMs: number; error: unknown }) => void = () => {},
): Promise<T> {
  const start = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await open();
    } catch (err) {
      if (!(err instanceof KafkaUnreachableError)) throw err;
      if (budgetMs <= 0) throw err;
      const delayMs = Math.min(2000, 250 * attempt);
      if (Date.now() - start + delayMs > budgetMs) {
        throw new KafkaUnavailableError(err.brokers, `${what} (still unreachable after ${Date.now() - start} ms of retries)`, err.cause);
      }
      onRetry({ attempt, delayMs, error: err.cause });
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

/** CHAOS_KAFKA_OPEN_TIMEOUT_MS: how long an engine retries an unreachable broker at open (default 0: fail at once, exit 2). */
export function kafkaOpenBudgetFromEnv(env: NodeJS.ProcessEnv): number {
  const text = env.CHAOS_KAFKA_OPEN_TIMEOUT_MS;
  if (text === undefined || text === '') return 0;
  if (!/^\d+$/.test(text)) throw new UserError(`CHAOS_KAFKA_OPEN_TIMEOUT_MS="${text}" must be a whole number of milliseconds`);
  return Number(text);
}

/** Client options shared by every client we create: few internal retries, our deadline around each call. */
export function clientOptions(config: Required<KafkaConfig>, suffix: string) {
  return {
    clientId: `${config.clientId}-${suffix}`,
    bootstrapBrokers: config.brokers,
    connectTimeout: config.connectTimeoutMs,
    requestTimeout: Math.max(1_000, config.callTimeoutMs - 1_000),
    timeout: config.connectTimeoutMs,
    retries: 2,
    retryDelay: 250,
  };
}

/**
 * Producer options of a transactional producer. `producerId: -1n, producerEpoch: -1` are what
 * InitProducerId must carry for a NEW producer instance: @platformatic/kafka 1.35.0 sends 0/0 by
 * default, which a broker reads as "I am producer 0, epoch 0" — on a real 4.1.1 broker that works
 * only while the transactional id's producer id happens to be 0, and otherwise the new instance is
 * itself answered PRODUCER_FENCED instead of fencing the old one (observed here). With -1/-1 the
 * broker bumps the epoch and fences every earlier instance with the same transactional id.
 */
export function transactionalProducerOptions(transactionalId: string) {
  return { idempotent: true, transactionalId, producerId: -1n, producerEpoch: -1 } as const;
}

/**
 * Close a client under a deadline; never throws. Producer and Consumer take `close(force)` (do not
 * wait for in-flight requests); Admin only has `close(callback)` — passing it `true` would make the
 * client call `true` as a callback later (an uncaught TypeError), hence the arity check.
 */
export async function closeClient(config: Required<KafkaConfig>, client: { close(...args: never[]): unknown }): Promise<void> {
  const close = client.close as unknown as (force?: boolean) => Promise<void>;
  await withDeadline('Kafka close', Math.min(config.callTimeoutMs, 5_000), () =>
    close.length >= 2 ? close.call(client, true) : close.call(client),
  ).catch(() => {});
}
