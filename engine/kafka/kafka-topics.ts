/**
 * Topic administration for the Kafka source and sink and for the harness: create topics (idempotent),
 * seed a source topic with the generated input (partition by partition, in offset order, so record
 * offsets equal the local log's), and read committed output back.
 */
import { Admin, Producer, ProduceAcks, stringSerializers } from '@platformatic/kafka';
import type { SourceRecord } from '../streaming/source.js';
import { UserError } from '../errors.js';
import { encodeSourceValue } from '../sources/kafka-source.js';
import { clientOptions, closeClient, kafkaCall, transactionalProducerOptions, validateKafkaConfig, validateTopic, type KafkaConfig } from './kafka-config.js';
import { directConsumer, endOffsets, fetchRange, topicLayout } from './kafka-read.js';

export async function ensureTopics(cfg: KafkaConfig, topics: { name: string; partitions: number }[]): Promise<void> {
  const config = validateKafkaConfig(cfg);
  const admin = new Admin(clientOptions(config, 'admin'));
  try {
    for (const t of topics) {
      validateTopic(t.name);
      await kafkaCall(config, `create topic ${t.name}`, () =>
        admin.createTopics({ topics: [t.name], partitions: t.partitions, replicas: 1 }),
      ).catch((err: unknown) => {
        // Already there is fine; anything else is not.
        if (!/already exists|TOPIC_ALREADY_EXISTS/i.test(JSON.stringify(err, Object.getOwnPropertyNames(err as object)))) throw err;
      });
    }
  } finally {
    await closeClient(config, admin);
  }
}

/** Write the generated input into `topic` so that partition p holds exactly `partitions[p]`, offsets 0..n-1. */
export async function seedSourceTopic(cfg: KafkaConfig, topic: string, partitions: readonly (readonly SourceRecord[])[]): Promise<void> {
  const config = validateKafkaConfig(cfg);
  await ensureTopics(config, [{ name: topic, partitions: partitions.length }]);
  const producer = new Producer({ ...clientOptions(config, 'seed'), serializers: stringSerializers, acks: ProduceAcks.ALL, idempotent: true });
  try {
    for (let p = 0; p < partitions.length; p++) {
      const records = partitions[p]!;
      for (let i = 0; i < records.length; i += 500) {
        const chunk = records.slice(i, i + 500);
        await kafkaCall(config, `seed ${topic}/${p}`, () =>
          producer.send({
            messages: chunk.map((r) => ({ topic, partition: p, key: r.key, value: encodeSourceValue(r.value, r.eventTimeMs) })),
          }),
        );
      }
    }
  } finally {
    await closeClient(config, producer);
  }
}

/** Committed values of every partition of `topic` (read_committed), as strings, in partition and offset order. */
export async function readTopicValues(cfg: KafkaConfig, topic: string): Promise<{ value: string; headers: Map<string, string> }[]> {
  const config = validateKafkaConfig(cfg);
  const consumer = directConsumer(config, 'reader');
  try {
    const layout = await topicLayout(consumer, config, topic);
    const ends = await endOffsets(consumer, config, layout);
    const out: { value: string; headers: Map<string, string> }[] = [];
    for (let p = 0; p < ends.length; p++) {
      for (const r of await fetchRange(consumer, config, layout, p, 0, ends[p]!)) {
        out.push({ value: r.value?.toString('utf8') ?? '', headers: r.headers });
      }
    }
    return out;
  } finally {
    await closeClient(config, consumer);
  }
}

/**
 * Seed `topic` once with DENSE offsets (partition p holds offsets 0..n-1 and nothing after them):
 * the records with an idempotent, non-transactional producer, then the marker. Unlike
 * ensureSeededTopic there is no transaction, so no commit marker occupies an offset after the
 * records — end offsets equal record counts, exactly like the local log, so a batch plan over this
 * topic equals one over the log. Not crash-safe half way (a killed seeding leaves records without a
 * marker): for whoever injects input and is not killed meanwhile — the chaos harness, before it
 * starts the first engine. Returns 'existing' when a marker is already there.
 */
export async function seedTopicDense(
  cfg: KafkaConfig,
  topic: string,
  description: string,
  generate: () => readonly (readonly SourceRecord[])[],
  partitions: number,
): Promise<'existing' | 'seeded'> {
  const config = validateKafkaConfig(cfg);
  const markerTopic = seededMarkerTopicOf(topic);
  if (await alreadySeeded(config, topic, markerTopic, description, partitions)) return 'existing';
  await seedSourceTopic(config, topic, generate());
  const producer = new Producer({ ...clientOptions(config, 'seed-marker'), serializers: stringSerializers, acks: ProduceAcks.ALL, idempotent: true });
  try {
    await kafkaCall(config, `mark ${topic} seeded`, () => producer.send({ messages: [{ topic: markerTopic, partition: 0, value: description }] }));
  } finally {
    await closeClient(config, producer);
  }
  return 'seeded';
}

/** Create the topic and its marker topic; true when a seeding of exactly this input is already marked complete. */
async function alreadySeeded(config: Required<KafkaConfig>, topic: string, markerTopic: string, description: string, partitions: number): Promise<boolean> {
  await ensureTopics(config, [
    { name: topic, partitions },
    { name: markerTopic, partitions: 1 },
  ]);
  const markers = await readTopicValues(config, markerTopic);
  if (markers.length === 0) return false;
  if (!markers.some((m) => m.value === description)) {
    throw new UserError(`Kafka topic "${topic}" was seeded with other input (${markers[0]!.value}); use another topic or checkpoint`);
  }
  return true;
}

export function seededMarkerTopicOf(topic: string): string {
  return `${topic}.chaos-seeded`;
}

/**
 * Make `topic` hold the generated input exactly once, crash-safely: the records and a marker
 * (in `<topic>.chaos-seeded`) are committed in ONE transaction whose transactional id is derived
 * from the topic. A seeding killed half way left an open or aborted transaction and no marker:
 * the next attempt fences it (the broker aborts it) and seeds again; readers are read_committed,
 * so aborted records are never seen. Returns 'existing' when a marker was already committed.
 */
export async function ensureSeededTopic(
  cfg: KafkaConfig,
  topic: string,
  description: string,
  generate: () => readonly (readonly SourceRecord[])[],
  partitions: number,
): Promise<'existing' | 'seeded'> {
  const config = validateKafkaConfig(cfg);
  const markerTopic = seededMarkerTopicOf(topic);
  if (await alreadySeeded(config, topic, markerTopic, description, partitions)) return 'existing';
  const records = generate();
  const producer = new Producer({
    ...clientOptions(config, 'seed'),
    serializers: stringSerializers,
    acks: ProduceAcks.ALL,
    ...transactionalProducerOptions(`chaos-seed-${topic}`),
  });
  try {
    const tx = await kafkaCall(config, `begin seeding transaction for ${topic}`, () => producer.beginTransaction());
    try {
      for (let p = 0; p < records.length; p++) {
        const part = records[p]!;
        for (let i = 0; i < part.length; i += 500) {
          const chunk = part.slice(i, i + 500);
          await kafkaCall(config, `seed ${topic}/${p}`, () =>
            tx.send({ messages: chunk.map((r) => ({ topic, partition: p, key: r.key, value: encodeSourceValue(r.value, r.eventTimeMs) })) }),
          );
        }
      }
      await kafkaCall(config, `mark ${topic} seeded`, () => tx.send({ messages: [{ topic: markerTopic, partition: 0, value: description }] }));
      await kafkaCall(config, `commit seeding of ${topic}`, () => tx.commit());
    } catch (err) {
      await kafkaCall(config, `abort seeding of ${topic}`, () => tx.abort()).catch(() => {});
      throw err;
    }
    return 'seeded';
  } finally {
    await closeClient(config, producer);
  }
}
