/**
 * Kafka source, like Spark's direct Kafka stream: the partitions of one topic are assigned
 * explicitly (no consumer group, no rebalancing, no committed offsets); the engine plans batch
 * ranges as offsets per partition and keeps them in its own write-ahead log, so a replayed batch
 * reads exactly the records it read before. Available offsets are the partitions' end offsets
 * (read_committed). Records are `key` = record key, value = JSON `{"v": value, "t": eventTimeMs}`
 * (see `encodeSourceValue`, used by the harness when it seeds a topic).
 */
import type { Consumer } from '@platformatic/kafka';
import { UserError } from '../errors.js';
import type { JsonValue, SourceRecord, StreamSource } from '../streaming/source.js';
import { closeClient, explainKafkaOpenError, validateKafkaConfig, validateTopic, type KafkaConfig } from '../kafka/kafka-config.js';
import { directConsumer, endOffsets, fetchRange, topicLayout, type TopicLayout } from '../kafka/kafka-read.js';

export interface KafkaSourceOptions extends KafkaConfig {
  topic: string;
  /** Expected partition count (the run's --partitions); a topic with another count is refused. */
  partitions?: number;
}

export function encodeSourceValue(value: JsonValue, eventTimeMs: number): string {
  return JSON.stringify({ v: value, t: eventTimeMs });
}

export class KafkaSource implements StreamSource {
  readonly kind = 'kafka';
  readonly partitions: number;

  private constructor(
    private readonly client: Consumer,
    private readonly config: ReturnType<typeof validateKafkaConfig>,
    private readonly layout: TopicLayout,
  ) {
    this.partitions = layout.leaders.length;
  }

  /** Connect and read the topic's layout; an unreachable broker or a missing topic is a UserError (exit 2). */
  static async open(opts: KafkaSourceOptions): Promise<KafkaSource> {
    const config = validateKafkaConfig(opts);
    const topic = validateTopic(opts.topic);
    const client = directConsumer(config, 'source');
    try {
      const layout = await topicLayout(client, config, topic);
      if (opts.partitions !== undefined && layout.leaders.length !== opts.partitions) {
        throw new UserError(
          `Kafka topic "${topic}" has ${layout.leaders.length} partitions but the run expects ${opts.partitions}: ` +
            'use --partitions to match the topic, or another topic',
        );
      }
      return new KafkaSource(client, config, layout);
    } catch (err) {
      await closeClient(config, client);
      throw explainKafkaOpenError(config, err);
    }
  }

  /** The fingerprint names the topic and its partitions, not the brokers: a restarted broker may move. */
  describe(): string {
    return `kafka:${this.layout.topic}:${this.partitions}`;
  }

  async availableOffsets(_batchId: number): Promise<number[]> {
    return endOffsets(this.client, this.config, this.layout);
  }

  /** A bounded run ends when it has caught up with what the topic holds now. */
  async finalOffsets(): Promise<number[]> {
    return endOffsets(this.client, this.config, this.layout);
  }

  async read(partition: number, from: number, to: number): Promise<SourceRecord[]> {
    if (partition < 0 || partition >= this.partitions) throw new Error(`Kafka topic ${this.layout.topic} has no partition ${partition}`);
    if (to <= from) return [];
    const fetched = await fetchRange(this.client, this.config, this.layout, partition, from, to);
    return fetched.map((r) => {
      const decoded = JSON.parse(r.value?.toString('utf8') ?? 'null') as { v: JsonValue; t: number } | null;
      return {
        partition,
        offset: r.offset,
        key: r.key?.toString('utf8') ?? '',
        value: decoded?.v ?? null,
        eventTimeMs: decoded?.t ?? 0,
      };
    });
  }

  async close(): Promise<void> {
    await closeClient(this.config, this.client);
  }
}
