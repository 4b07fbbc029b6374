/**
 * Where an engine process keeps its checkpoint, reads its input and writes its output, from flags
 * (and environment for secrets): `--store fs|s3`, `--source log|kafka`, `--sink files|append|s3|kafka`.
 *
 *   --store s3     checkpoint at s3://<bucket>/<prefix>/<--checkpoint path> (the S3CheckpointStore),
 *                  or <prefix>/checkpoint without --checkpoint
 *   --sink s3      the files sink over s3://<bucket>/<prefix>/<--output path> (exactly-once by batch id)
 * Deriving the key from the --checkpoint / --output path keeps every trial of a chaos run (each has
 * its own directories) apart under one run prefix, and stable across a trial's restarts.
 *   --source kafka explicit partitions of --topic, ranges kept in our checkpoint
 *   --sink kafka   --sink-topic, --kafka-delivery exactly-once (transactional, default) | at-least-once
 *
 * S3 credentials come only from the environment (CHAOS_S3_ACCESS_KEY / CHAOS_S3_SECRET_KEY), so they
 * never show in a process list. Every other S3/Kafka flag falls back to its CHAOS_* variable.
 */
import type { CheckpointStore } from '../checkpoint/store.js';
import type { Failpoints } from '../failpoints.js';
import type { EventSink } from '../events.js';
import type { FsIo } from '../io/fs-io.js';
import type { StreamSink } from './sink.js';
import type { StreamSource } from './source.js';
import { UserError } from '../errors.js';
import { FsCheckpointStore } from '../checkpoint/fs-store.js';
import type { S3CheckpointStore } from '../checkpoint/s3-store.js';
import { normalizePrefix, type S3Config } from '../checkpoint/s3-config.js';
import { getJson } from '../checkpoint/checked.js';
import { FilesSink } from '../sinks/files-sink.js';
import type { KafkaDelivery } from '../sinks/kafka-sink.js';
import { explainKafkaOpenError, kafkaOpenBudgetFromEnv, openKafkaWithRetry, parseBrokers, validateKafkaConfig, validateTopic } from '../kafka/kafka-config.js';
import { describeGeneratedInput, generatedLog, type GeneratedInputSpec } from '../sources/generated.js';
import { createHash } from 'node:crypto';
import { describeError, type RetryPolicy } from '../io/retry.js';

/** Engine flags for services; merged into ENGINE_RUN_FLAGS so both engine entries accept them. */
export const SERVICE_FLAGS = {
  store: { type: 'string', help: 'checkpoint store: fs (default, --checkpoint DIR) | s3 (--s3-endpoint, --s3-bucket, --s3-prefix)' },
  's3-endpoint': { type: 'string', help: 'S3 endpoint URL, e.g. http://127.0.0.1:9000 (env CHAOS_S3_ENDPOINT); keys from env CHAOS_S3_ACCESS_KEY / CHAOS_S3_SECRET_KEY' },
  's3-bucket': { type: 'string', help: 'S3 bucket (env CHAOS_S3_BUCKET; created when missing)' },
  's3-prefix': { type: 'string', help: 'S3 key prefix of this run: checkpoint under <prefix>/checkpoint, s3 sink output under <prefix>/output (env CHAOS_S3_PREFIX)' },
  source: { type: 'string', help: 'log (default: the local partitioned log) | kafka (--kafka-brokers, --topic)' },
  'kafka-brokers': { type: 'string', help: 'Kafka bootstrap brokers host:port[,host:port] (env CHAOS_KAFKA_BROKERS)' },
  topic: { type: 'string', help: 'Kafka source topic, used as is (env CHAOS_KAFKA_TOPIC); default: chaos-in-<hash of --checkpoint>, seeded once with the generated input' },
  'sink-topic': { type: 'string', help: 'Kafka sink topic (env CHAOS_KAFKA_SINK_TOPIC; default chaos-out-<hash of --checkpoint>)' },
  'kafka-delivery': { type: 'string', help: 'Kafka sink guarantee: exactly-once (transactional, default) | at-least-once' },
} as const;

export type ServiceFlagValues = Partial<Record<keyof typeof SERVICE_FLAGS, string | boolean | undefined>>;

export interface ServiceSelection {
  store: 'fs' | 's3';
  source: 'log' | 'kafka';
  /** files | append | s3 | kafka (files and append are built by wiring.ts over the output store). */
  sink: string;
  s3?: Omit<S3Config, 'prefix'> & { prefix: string };
  kafka?: { brokers: string[]; topic?: string; sinkTopic?: string; delivery: KafkaDelivery };
}

const STORES = ['fs', 's3', 'memory'] as const;
const SOURCES = ['log', 'kafka'] as const;
const SINKS = ['files', 'append', 's3', 'kafka'] as const;

function pick(values: ServiceFlagValues, name: keyof typeof SERVICE_FLAGS, env: string | undefined): string | undefined {
  const v = values[name];
  if (typeof v === 'string' && v.trim()) return v.trim();
  return env && env.trim() ? env.trim() : undefined;
}

/** Validate the service flags; every mistake is a UserError (exit 2) naming the flag and the fix. */
export function parseServiceFlags(values: ServiceFlagValues, sinkFlag: string | undefined, env: NodeJS.ProcessEnv = process.env): ServiceSelection {
  const store = (pick(values, 'store', undefined) ?? 'fs') as (typeof STORES)[number];
  if (!STORES.includes(store)) throw new UserError(`--store "${store}" is not one of: fs, s3`);
  if (store === 'memory') {
    throw new UserError('--store memory keeps nothing across a crash, so an engine process cannot use it; it exists for `chaos run --mode sim`. Use --store fs or --store s3');
  }
  const source = (pick(values, 'source', undefined) ?? 'log') as (typeof SOURCES)[number];
  if (!SOURCES.includes(source)) throw new UserError(`--source "${source}" is not one of: ${SOURCES.join(', ')}`);
  const sink = sinkFlag ?? 'files';
  if (!(SINKS as readonly string[]).includes(sink)) throw new UserError(`--sink "${sink}" is not one of: ${SINKS.join(', ')}`);

  const sel: ServiceSelection = { store, source, sink };
  if (store === 's3' || sink === 's3') {
    const endpoint = pick(values, 's3-endpoint', env.CHAOS_S3_ENDPOINT);
    const bucket = pick(values, 's3-bucket', env.CHAOS_S3_BUCKET);
    const prefix = pick(values, 's3-prefix', env.CHAOS_S3_PREFIX);
    const why = store === 's3' ? '--store s3' : '--sink s3';
    if (!endpoint) throw new UserError(`${why} needs an endpoint: --s3-endpoint http://host:port or env CHAOS_S3_ENDPOINT`);
    if (!bucket) throw new UserError(`${why} needs a bucket: --s3-bucket NAME or env CHAOS_S3_BUCKET`);
    if (!prefix) throw new UserError(`${why} needs a prefix for this run: --s3-prefix PATH or env CHAOS_S3_PREFIX (the checkpoint goes under <prefix>/checkpoint)`);
    sel.s3 = {
      endpoint,
      bucket,
      prefix: normalizePrefix(prefix),
      accessKey: env.CHAOS_S3_ACCESS_KEY ?? '',
      secretKey: env.CHAOS_S3_SECRET_KEY ?? '',
      ...(env.CHAOS_S3_REGION ? { region: env.CHAOS_S3_REGION } : {}),
      retry: s3RetryFromEnv(env),
    };
  }
  if (source === 'kafka' || sink === 'kafka') {
    const brokers = parseBrokers(pick(values, 'kafka-brokers', env.CHAOS_KAFKA_BROKERS));
    const delivery = (pick(values, 'kafka-delivery', undefined) ?? 'exactly-once') as KafkaDelivery;
    if (delivery !== 'exactly-once' && delivery !== 'at-least-once') {
      throw new UserError(`--kafka-delivery "${delivery}" is not one of: exactly-once, at-least-once`);
    }
    sel.kafka = { brokers, delivery };
    const topic = pick(values, 'topic', env.CHAOS_KAFKA_TOPIC);
    const sinkTopic = pick(values, 'sink-topic', env.CHAOS_KAFKA_SINK_TOPIC);
    if (source === 'kafka' && topic) sel.kafka.topic = validateTopic(topic, '--topic');
    if (sink === 'kafka' && sinkTopic) sel.kafka.sinkTopic = validateTopic(sinkTopic, '--sink-topic');
  }
  return sel;
}

export interface EngineServices {
  checkpoint: CheckpointStore;
  output: CheckpointStore;
  /** Set when the source is not the default local log. */
  source?: StreamSource;
  /** Set when the sink is built here (s3, kafka); otherwise wiring.ts builds it by name. */
  sink?: StreamSink;
  close(): Promise<void>;
}

export interface OpenServicesContext {
  checkpointDir: string;
  outputDir: string;
  partitions: number;
  failpoints: Failpoints;
  events: EventSink;
  /** Filesystem calls for fs stores (lazy-fs or a mutant). */
  ioFor?: (root: string) => FsIo;
  /** The run's generated input (job, seed, size, knobs, partitions): what a derived Kafka source topic is seeded with. */
  input?: GeneratedInputSpec;
}

/**
 * Topics of a query when --topic / --sink-topic are not given: derived from the checkpoint
 * location, so every trial of a chaos run gets its own and a restart finds the same ones.
 * The harness uses this to read a Kafka sink's output back.
 */
export function derivedKafkaTopics(checkpointLocation: string): { source: string; sink: string } {
  const h = createHash('sha256').update(checkpointLocation).digest('hex').slice(0, 16);
  return { source: `chaos-in-${h}`, sink: `chaos-out-${h}` };
}

/**
 * Input injection by whoever runs the engine (the chaos harness, before its first incarnation):
 * seed the query's derived source topic with dense offsets (kafka-topics.ts seedTopicDense), so the
 * engine finds it seeded and its batch plans equal those over the local log. `input` must be the
 * very input the engine will generate (runtime/run-command.ts builds both from one EngineRun), or
 * the engine refuses the topic as seeded with other input. Returns the topic.
 */
export async function seedDerivedKafkaSource(brokers: string[], checkpointDir: string, input: GeneratedInputSpec): Promise<string> {
  const topic = derivedKafkaTopics(checkpointDir).source;
  const { seedTopicDense } = await import('../kafka/kafka-topics.js');
  await seedTopicDense({ brokers }, topic, describeGeneratedInput(input), () => generatedLog(input).partitions, input.partitions);
  return topic;
}

/** Open stores, source and sink for the selection; reports where they live in a `services.opened` event. */
export async function openEngineServices(sel: ServiceSelection, ctx: OpenServicesContext): Promise<EngineServices> {
  const opened: { close(): Promise<void> }[] = [];
  const onRetry = (info: { what: string; attempt: number; delayMs: number; error: unknown }) =>
    ctx.events.emit({ type: 'service.retry', service: 's3', what: info.what, attempt: info.attempt, delayMs: info.delayMs, error: describeError(info.error) });
  const s3At = async (sub: string) => {
    const prefix = [sel.s3!.prefix, sub].filter(Boolean).join('/');
    // S3/Kafka clients load only when selected: importing them costs ~1 s in every engine process.
    const { S3CheckpointStore } = await import('../checkpoint/s3-store.js');
    const store = await S3CheckpointStore.open({ ...sel.s3!, prefix }, { failpoints: ctx.failpoints, onRetry });
    opened.push(store);
    return store;
  };
  // An unreachable broker: exit 2 on its own; retried for CHAOS_KAFKA_OPEN_TIMEOUT_MS inside a chaos run, then exit 1.
  const kafkaBudget = kafkaOpenBudgetFromEnv(process.env);
  const kafkaOpen = <T>(what: string, open: () => Promise<T>) =>
    openKafkaWithRetry(what, kafkaBudget, open, (info) =>
      ctx.events.emit({ type: 'service.retry', service: 'kafka', what, attempt: info.attempt, delayMs: info.delayMs, error: describeError(info.error) }),
    );
  const fsAt = (dir: string) => new FsCheckpointStore(dir, { failpoints: ctx.failpoints, ...(ctx.ioFor ? { io: ctx.ioFor(dir) } : {}) });
  try {
    const checkpoint = sel.store === 's3' ? await s3At(keyOfPath(ctx.checkpointDir) || 'checkpoint') : fsAt(ctx.checkpointDir);
    // Uploads of killed attempts that never got published (older than the grace period) go now.
    const orphans = checkpoint.backend === 's3' ? (await (checkpoint as S3CheckpointStore).cleanOrphans()).removed.length : 0;
    const output = sel.sink === 's3' ? await s3At(keyOfPath(ctx.outputDir) || 'output') : fsAt(ctx.outputDir);
    let source: StreamSource | undefined;
    let sink: StreamSink | undefined;
    const derived = derivedKafkaTopics(ctx.checkpointDir || checkpoint.location);
    if (sel.source === 'kafka') {
      let topic = sel.kafka!.topic;
      if (!topic) {
        // Our own topic: generated input, delivered through Kafka (like the local log, generated once per checkpoint).
        topic = derived.source;
        if (!ctx.input) throw new Error('a derived Kafka source topic needs the run\'s input spec to generate its input');
        const spec = ctx.input;
        const { ensureSeededTopic } = await import('../kafka/kafka-topics.js');
        const seedConfig = validateKafkaConfig({ brokers: sel.kafka!.brokers });
        await kafkaOpen(`seed source topic ${topic}`, () =>
          ensureSeededTopic(seedConfig, topic!, describeGeneratedInput(spec), () => generatedLog(spec).partitions, ctx.partitions).catch((err: unknown) => {
            throw explainKafkaOpenError(seedConfig, err);
          }),
        );
      }
      const { KafkaSource } = await import('../sources/kafka-source.js');
      const sourceTopic = topic;
      source = await kafkaOpen(`open source topic ${topic}`, () => KafkaSource.open({ brokers: sel.kafka!.brokers, topic: sourceTopic, partitions: ctx.partitions }));
      opened.push(source);
    }
    if (sel.sink === 's3') sink = new FilesSink(output);
    if (sel.sink === 'kafka') {
      const { KafkaSink } = await import('../sinks/kafka-sink.js');
      sink = await kafkaOpen('open the sink', () => KafkaSink.open({
        brokers: sel.kafka!.brokers,
        topic: sel.kafka!.sinkTopic ?? derived.sink,
        guarantee: sel.kafka!.delivery,
        failpoints: ctx.failpoints,
        // The metadata (and its query id) is written before the first batch reaches the sink.
        queryId: async () => {
          const meta = await getJson<{ queryId: string }>(checkpoint, 'metadata');
          if (!meta?.queryId) throw new Error(`checkpoint ${checkpoint.location} has no metadata with a query id`);
          return meta.queryId;
        },
      }));
    }
    ctx.events.emit({
      type: 'services.opened',
      store: sel.store,
      location: checkpoint.location,
      ...(checkpoint.backend === 's3' ? { conditionalWrites: (checkpoint as S3CheckpointStore).conditionalWrites, orphansRemoved: orphans } : {}),
      source: source ? source.describe() : 'log',
      sink: sel.sink,
      sinkGuarantee: sink?.guarantee ?? (sel.sink === 'append' ? 'at-least-once' : 'exactly-once'),
    });
    return {
      checkpoint,
      output,
      ...(source ? { source } : {}),
      ...(sink ? { sink } : {}),
      async close() {
        for (const c of opened.reverse()) await c.close().catch(() => {});
      },
    };
  } catch (err) {
    for (const c of opened.reverse()) await c.close().catch(() => {});
    throw err;
  }
}

/** A filesystem path as an S3 key prefix: `/tmp/chaos-trial-x/checkpoint` → `tmp/chaos-trial-x/checkpoint`. */
export function keyOfPath(p: string): string {
  return normalizePrefix(p.replace(/\\/g, '/').replace(/[^A-Za-z0-9._=\/-]/g, '_').replace(/(^|\/)\.\.?(?=\/|$)/g, '$1_'));
}

/**
 * How long an engine keeps retrying S3 before it fails the attempt: CHAOS_S3_ATTEMPT_TIMEOUT_MS
 * (one request, default 5000), CHAOS_S3_TOTAL_TIMEOUT_MS (all tries of one call, default 30000),
 * CHAOS_S3_ATTEMPTS (default 6).
 */
export function s3RetryFromEnv(env: NodeJS.ProcessEnv): Partial<RetryPolicy> {
  const out: Partial<RetryPolicy> = {};
  const num = (name: string, min: number) => {
    const text = env[name];
    if (text === undefined || text === '') return undefined;
    if (!/^\d+$/.test(text) || Number(text) < min) throw new UserError(`${name}="${text}" must be a whole number >= ${min}`);
    return Number(text);
  };
  const attempt = num('CHAOS_S3_ATTEMPT_TIMEOUT_MS', 50);
  const total = num('CHAOS_S3_TOTAL_TIMEOUT_MS', 50);
  const attempts = num('CHAOS_S3_ATTEMPTS', 1);
  if (attempt !== undefined) out.attemptTimeoutMs = attempt;
  if (total !== undefined) out.totalTimeoutMs = total;
  if (attempts !== undefined) out.attempts = attempts;
  return out;
}
