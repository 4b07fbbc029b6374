/**
 * What of the Kafka code can run without a broker (none can run here): configuration validation,
 * read_committed filtering, and deadlines — a closed port and a listener that accepts but never
 * answers must both end in a clear error naming the brokers, never a hang.
 */
import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { IS_CONTROL, IS_TRANSACTIONAL, type RecordsBatch } from '@platformatic/kafka';
import { parseBrokers, validateTopic } from '../../engine/kafka/kafka-config.js';
import { committedRecords } from '../../engine/kafka/kafka-read.js';
import { KafkaSource } from '../../engine/sources/kafka-source.js';
import { KafkaSink } from '../../engine/sinks/kafka-sink.js';
import { UserError } from '../../engine/errors.js';
import { TcpFaultProxy } from '../faults/proxy/tcp-fault-proxy.js';
import { freePort } from '../../engine/test-support/os-probes.js';

describe('Kafka configuration', () => {
  it('parses broker lists and rejects what is not host:port, naming the fix', () => {
    expect(parseBrokers('127.0.0.1:9092, kafka:19092')).toEqual(['127.0.0.1:9092', 'kafka:19092']);
    expect(parseBrokers('PLAINTEXT://localhost:9093')).toEqual(['localhost:9093']);
    expect(() => parseBrokers('')).toThrow(/--kafka-brokers .*CHAOS_KAFKA_BROKERS/);
    expect(() => parseBrokers(undefined)).toThrow(UserError);
    expect(() => parseBrokers('localhost')).toThrow(/bad Kafka broker "localhost": expected host:port/);
    expect(() => parseBrokers('h:99999')).toThrow(/bad Kafka broker/);
  });

  it('validates topic names', () => {
    expect(validateTopic('chaos.out-1_x')).toBe('chaos.out-1_x');
    expect(() => validateTopic('has space')).toThrow(/bad Kafka topic "has space"/);
    expect(() => validateTopic('')).toThrow(UserError);
    expect(() => validateTopic('..')).toThrow(UserError);
  });

  it('refuses a sink without a query id or with an unknown delivery guarantee', async () => {
    await expect(KafkaSink.open({ brokers: ['127.0.0.1:1'], topic: 'out', guarantee: 'exactly-once', queryId: '' })).rejects.toThrow(/query id/);
    await expect(
      KafkaSink.open({ brokers: ['127.0.0.1:1'], topic: 'out', guarantee: 'twice' as never, queryId: 'q' }),
    ).rejects.toThrow(/bad Kafka delivery "twice"/);
  });
});

describe('read_committed filtering of fetched batches', () => {
  const record = (offsetDelta: number, value: string) => ({
    length: 0,
    attributes: 0,
    timestampDelta: 0n,
    offsetDelta,
    key: null,
    value: Buffer.from(value),
    headers: [] as [Buffer | null, Buffer | null][],
  });
  const batch = (firstOffset: number, producerId: bigint, attributes: number, values: string[]): RecordsBatch => ({
    firstOffset: BigInt(firstOffset),
    length: 0,
    partitionLeaderEpoch: 0,
    magic: 2,
    crc: 0,
    attributes,
    lastOffsetDelta: values.length - 1,
    firstTimestamp: 0n,
    maxTimestamp: 0n,
    producerId,
    producerEpoch: 0,
    firstSequence: 0,
    records: values.map((v, i) => record(i, v)),
  });
  const marker = (offset: number, producerId: bigint, type: 0 | 1): RecordsBatch => {
    const b = batch(offset, producerId, IS_CONTROL | IS_TRANSACTIONAL, ['']);
    const key = Buffer.alloc(4);
    key.writeInt16BE(0, 0);
    key.writeInt16BE(type, 2);
    b.records[0]!.key = key;
    return b;
  };

  it('keeps plain and committed records, drops aborted ones and control markers, and advances past all', () => {
    const batches = [
      batch(0, -1n, 0, ['plain-0', 'plain-1']),
      batch(2, 7n, IS_TRANSACTIONAL, ['aborted-2', 'aborted-3']),
      batch(4, 8n, IS_TRANSACTIONAL, ['committed-4']),
      marker(5, 7n, 0),
      marker(6, 8n, 1),
      batch(7, 7n, IS_TRANSACTIONAL, ['p7-later-committed-7']),
      marker(8, 7n, 1),
    ];
    const { records, nextOffset } = committedRecords(batches, [{ producerId: 7n, firstOffset: 2n }], 0, 0);
    expect(records.map((r) => `${r.offset}:${r.value!.toString()}`)).toEqual(['0:plain-0', '1:plain-1', '4:committed-4', '7:p7-later-committed-7']);
    expect(nextOffset).toBe(9);
  });
});

describe('Kafka deadlines without a broker (clear error, no hang)', () => {
  const fast = { callTimeoutMs: 1_500, connectTimeoutMs: 500 };

  it('a closed port: source and sink fail to open with a UserError naming the brokers and the fix', async () => {
    const port = await freePort();
    const brokers = [`127.0.0.1:${port}`];
    const sourceErr = await KafkaSource.open({ brokers, topic: 'input', ...fast }).catch((e: unknown) => e);
    expect(sourceErr).toBeInstanceOf(UserError);
    expect((sourceErr as Error).message).toContain(`cannot reach Kafka at 127.0.0.1:${port}`);
    expect((sourceErr as Error).message).toMatch(/--kafka-brokers|CHAOS_KAFKA_BROKERS/);

    const sinkErr = await KafkaSink.open({ brokers, topic: 'out', guarantee: 'exactly-once', queryId: 'q1', ...fast }).catch((e: unknown) => e);
    expect(sinkErr).toBeInstanceOf(UserError);
    expect((sinkErr as Error).message).toContain(`cannot reach Kafka at 127.0.0.1:${port}`);
  });

  it('a blackholed listener (accepts, never answers): the deadline fires and the error says so', async () => {
    const upstream = net.createServer((s) => s.on('error', () => {}));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const proxy = await TcpFaultProxy.start({ target: { host: '127.0.0.1', port: (upstream.address() as net.AddressInfo).port } });
    proxy.blackhole();
    try {
      const brokers = [proxy.address];
      const err = await KafkaSource.open({ brokers, topic: 'input', ...fast }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toContain(`cannot reach Kafka at ${proxy.address}`);
      expect((err as Error).message).toMatch(/no answer|did not finish within|timed out/i);

      const sinkErr = await KafkaSink.open({ brokers, topic: 'out', guarantee: 'at-least-once', queryId: 'q1', ...fast }).catch((e: unknown) => e);
      expect(sinkErr).toBeInstanceOf(UserError);
    } finally {
      await proxy.close();
      upstream.close();
    }
  });
});
