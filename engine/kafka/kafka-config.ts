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

/** An unavailable broker at startup is a configuration problem: exit 2 with the fix. */
export function explainKafkaOpenError(config: Required<KafkaConfig>, err: unknown): Error {
  if (err instanceof UserError) return err;
  const cause = err instanceof KafkaUnavailableError ? err.cause : err;
  const silent = cause instanceof DeadlineError ? ' (no answer: blackholed, firewalled or not a Kafka broker?)' : '';
  return new UserError(
    `cannot reach Kafka at ${config.brokers.join(',')}${silent}: ${describeKafkaError(cause)}. ` +
      'Start the broker or fix --kafka-brokers / CHAOS_KAFKA_BROKERS (with Docker, --services containers starts one)',
  );
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
