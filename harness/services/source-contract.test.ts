/**
 * The source contract against the local log (always) and Kafka (with Docker via Testcontainers, or
 * CHAOS_KAFKA_BROKERS; otherwise reported skipped with the reason).
 */
import { randomUUID } from 'node:crypto';
import { describeSourceContract, type SourceFactory } from '../../engine/streaming/source.contract.js';
import { LogSource } from '../../engine/sources/log-source.js';
import { KafkaSource } from '../../engine/sources/kafka-source.js';
import { MemoryCheckpointStore } from '../../engine/checkpoint/memory-store.js';
import { Failpoints } from '../../engine/failpoints.js';
import { seedSourceTopic } from '../../engine/kafka/kafka-topics.js';
import { kafkaUnderTest } from './test-support/kafka-under-test.js';

describeSourceContract('local log', async () => {
  const store = new MemoryCheckpointStore('memory://source-contract', { failpoints: Failpoints.disarmed() });
  return {
    open: (log) =>
      LogSource.open({ store, prefix: '.source-log/', description: 'contract', partitions: log.partitions.length, generate: () => log, onMismatch: 'refuse' }),
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
