/**
 * Reading Kafka the way Spark's direct stream does: explicit partitions and explicit offsets, no
 * consumer group, no committed offsets (the engine's own checkpoint holds the ranges). Reads are
 * read_committed: control batches are skipped and records of aborted transactions filtered out
 * (the client leaves that to its caller), so output written by a transactional sink is read exactly
 * as committed.
 */
import { Consumer, IS_CONTROL, IS_TRANSACTIONAL, type RecordsBatch } from '@platformatic/kafka';
import { UserError } from '../errors.js';
import { clientOptions, kafkaCall, type KafkaConfig } from './kafka-config.js';

const READ_COMMITTED = 1;
/** Control record type in the key of a control batch: 0 = abort, 1 = commit. */
const ABORT_MARKER = 0;

export interface TopicLayout {
  topic: string;
  id: string;
  /** Leader broker id per partition. */
  leaders: number[];
}

export interface FetchedRecord {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Map<string, string>;
}

/** A consumer used only for metadata, listOffsets and fetch: it never joins its group. */
export function directConsumer(config: Required<KafkaConfig>, suffix: string): Consumer {
  return new Consumer({ ...clientOptions(config, suffix), groupId: `${config.clientId}-direct-never-joined` });
}

export async function topicLayout(client: Consumer, config: Required<KafkaConfig>, topic: string): Promise<TopicLayout> {
  const metadata = await kafkaCall(config, `metadata of topic ${topic}`, () =>
    client.metadata({ topics: [topic], autocreateTopics: false, forceUpdate: true }),
  ).catch((err: unknown) => {
    if (/unknown.?topic|UNKNOWN_TOPIC/i.test(String((err as Error).message) + JSON.stringify((err as { cause?: unknown }).cause ?? ''))) {
      throw new UserError(`Kafka topic "${topic}" does not exist on ${config.brokers.join(',')}: create it (or let the harness seed it)`);
    }
    throw err;
  });
  const t = metadata.topics.get(topic);
  if (!t) throw new UserError(`Kafka topic "${topic}" does not exist on ${config.brokers.join(',')}: create it (or let the harness seed it)`);
  return { topic, id: t.id, leaders: t.partitions.map((p) => p.leader) };
}

/** Last stable offset per partition (read_committed end offsets; equal to the high watermark without open transactions). */
export async function endOffsets(client: Consumer, config: Required<KafkaConfig>, layout: TopicLayout): Promise<number[]> {
  const offsets = await kafkaCall(config, `end offsets of ${layout.topic}`, () =>
    client.listOffsets({ topics: [layout.topic], timestamp: -1n, isolationLevel: READ_COMMITTED }),
  );
  const list = offsets.get(layout.topic) ?? [];
  return layout.leaders.map((_, p) => Number(list[p] ?? 0n));
}

/** Committed records with offsets in [from, to) of one partition, in offset order. */
export async function fetchRange(
  client: Consumer,
  config: Required<KafkaConfig>,
  layout: TopicLayout,
  partition: number,
  from: number,
  to: number,
  maxBytes = 4 * 1024 * 1024,
): Promise<FetchedRecord[]> {
  const out: FetchedRecord[] = [];
  let next = from;
  let emptyFetches = 0;
  while (next < to) {
    const response = await kafkaCall(config, `fetch ${layout.topic}/${partition} from offset ${next}`, () =>
      client.fetch({
        node: layout.leaders[partition]!,
        maxWaitTime: 200,
        minBytes: 1,
        maxBytes,
        isolationLevel: READ_COMMITTED,
        topics: [
          {
            topicId: layout.id,
            partitions: [{ partition, fetchOffset: BigInt(next), partitionMaxBytes: maxBytes, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }],
          },
        ],
      }),
    );
    const p = response.responses[0]?.partitions.find((x) => x.partitionIndex === partition);
    if (!p) throw new Error(`Kafka fetch of ${layout.topic}/${partition} returned no data for the partition`);
    if (p.errorCode !== 0) throw new Error(`Kafka fetch of ${layout.topic}/${partition} failed with error code ${p.errorCode}`);
    const batches = p.records ?? [];
    const { records, nextOffset } = committedRecords(batches, p.abortedTransactions ?? [], partition, next);
    for (const r of records) if (r.offset >= from && r.offset < to) out.push(r);
    if (nextOffset > next) {
      next = nextOffset;
      emptyFetches = 0;
    } else if (++emptyFetches >= 3) {
      throw new Error(
        `Kafka ${layout.topic}/${partition} has no records at offset ${next} (log end ${p.highWatermark}, log start ${p.logStartOffset}); ` +
          `the range [${from}, ${to}) recorded in the checkpoint is no longer readable (retention, or a different topic)`,
      );
    }
  }
  return out;
}

/**
 * Records of committed (or non-transactional) batches. Aborted transactions are listed by the
 * broker as (producerId, firstOffset): that producer's batches from firstOffset on are dropped
 * until its abort marker.
 */
export function committedRecords(
  batches: readonly RecordsBatch[],
  aborted: readonly { producerId: bigint; firstOffset: bigint }[],
  partition: number,
  fetchOffset: number,
): { records: FetchedRecord[]; nextOffset: number } {
  const pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const abortedProducers = new Set<bigint>();
  const records: FetchedRecord[] = [];
  let nextOffset = fetchOffset;
  for (const batch of batches) {
    const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    nextOffset = Math.max(nextOffset, Number(lastOffset) + 1);
    while (pending.length > 0 && pending[0]!.firstOffset <= lastOffset) abortedProducers.add(pending.shift()!.producerId);
    const transactional = (batch.attributes & IS_TRANSACTIONAL) !== 0;
    if (batch.attributes & IS_CONTROL) {
      const key = batch.records[0]?.key;
      if (key && key.length >= 4 && key.readInt16BE(2) === ABORT_MARKER) abortedProducers.delete(batch.producerId);
      continue;
    }
    if (transactional && abortedProducers.has(batch.producerId)) continue;
    for (const r of batch.records) {
      const headers = new Map<string, string>();
      for (const [k, v] of r.headers) if (k) headers.set(k.toString(), v?.toString() ?? '');
      records.push({ partition, offset: Number(batch.firstOffset + BigInt(r.offsetDelta)), key: r.key, value: r.value, headers });
    }
  }
  return { records, nextOffset };
}
