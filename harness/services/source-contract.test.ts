/**
 * The source contract against the local log (always) and Kafka (with Docker via Testcontainers, or
 * CHAOS_KAFKA_BROKERS; otherwise reported skipped with the reason).
 */
import { randomUUID } from 'node:crypto';
import { describeSourceContract, type SourceFactory } from '../../engine/streaming/source.contract.js';
import { LogSource } from '../../engine/sources/log-source.js';
import { KafkaSource } from '../../engine/sources/kafka-source.js';
import { MemoryCheckpointStore } from '../../engine/checkpoint/memory-store.js';
import { MemorySource } from '../../engine/sources/memory-source.js';
import { buildPartitionedLog, type InputEvent } from '../../engine/sources/partitioned-log.js';
import { Failpoints } from '../../engine/failpoints.js';
import { seedSourceTopic } from '../../engine/kafka/kafka-topics.js';
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { kafkaUnderTest } from './test-support/kafka-under-test.js';

describeSourceContract('local log', async () => {
  const store = new MemoryCheckpointStore('memory://source-contract', { failpoints: Failpoints.disarmed() });
  return {
    open: (log) =>
      LogSource.open({
        store,
        prefix: '.source-log/',
        description: 'contract',
        partitions: log.partitions.length,
        // partitions concatenated keep each partition's order; small segments put ranges across segment files
        generate: () => ({ records: log.partitions.flat(), size: log.partitions.reduce((n, p) => n + p.length, 0), growthBatches: 1 }),
        segmentRecords: 7,
        onMismatch: 'refuse',
      }),
    cleanup: () => store.destroy(),
  };
});

function kafkaFactory(brokers: () => string[]): SourceFactory {
  return async () => ({
    open: async (log) => {
      const topic = `contract-${randomUUID()}`;
      await seedSourceTopic({ brokers: brokers() }, topic, log.partitions);
      return KafkaSource.open({ brokers: brokers(), topic, partitions: log.partitions.length });
    },
    cleanup: async () => {},
  });
}

const kafka = await kafkaUnderTest();
if ('skip' in kafka) describeSourceContract('kafka', { skip: kafka.skip });
else describeSourceContract(`kafka (${kafka.label})`, kafkaFactory(kafka.brokers));

test.prop([fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 40 }), fc.boolean()], { numRuns: 25 })(
  'the segmented log written from a generator equals the in-memory log: availability per batch and every range (also with pinned partitions and arrival batches, as recorded input has)',
  async (n, partitions, growth, segmentRecords, pinned) => {
    // Pinned (recorded input): every third record names its partition, and arrival batches grow with
    // the position (non-decreasing within a partition), reaching past growthBatches.
    const events: InputEvent[] = Array.from({ length: n }, (_, i) => ({
      key: `k${(i * 13) % 17}`,
      value: i,
      eventTimeMs: i * 10,
      ...(pinned && i % 3 === 0 ? { partition: i % partitions } : {}),
      ...(pinned ? { arrivalBatch: Math.floor(i / 37) } : {}),
    }));
    function* lazily() {
      yield* events;
    }
    const store = new MemoryCheckpointStore('memory://segmented', { failpoints: Failpoints.disarmed() });
    const log = await LogSource.open({ store, prefix: 'x/', description: 'd', partitions, generate: () => ({ records: lazily(), size: n, growthBatches: growth }), segmentRecords, onMismatch: 'refuse' });
    const memory = new MemorySource(buildPartitionedLog(events, partitions, growth), 'd');
    for (let b = 0; b <= growth + 1 + Math.ceil(n / 37); b++) expect(await log.availableOffsets(b)).toEqual(await memory.availableOffsets(b));
    const final = await memory.finalOffsets();
    expect(await log.finalOffsets()).toEqual(final);
    for (let p = 0; p < partitions; p++) {
      for (let from = 0; from <= final[p]!; from += 5) {
        const to = Math.min(final[p]!, from + 11);
        const strip = (rs: { partition: number; offset: number; key: string; value: unknown; eventTimeMs: number }[]) => rs.map((r) => [r.partition, r.offset, r.key, r.value, r.eventTimeMs]);
        expect(strip(await log.read(p, from, to))).toEqual(strip(await memory.read(p, from, to)));
      }
    }
    // A reopened log reads the manifest only; a different description is refused.
    const again = await LogSource.open({ store, prefix: 'x/', description: 'd', partitions, generate: () => { throw new Error('must not regenerate'); }, onMismatch: 'refuse' });
    expect(await again.finalOffsets()).toEqual(final);
    await expect(LogSource.open({ store, prefix: 'x/', description: 'other', partitions, generate: () => { throw new Error('no'); }, onMismatch: 'refuse' })).rejects.toThrow(/holds d with .* but this run needs other/);
  },
);
