/**
 * The source contract against the local log (always) and Kafka (with Docker via Testcontainers, or
 * CHAOS_KAFKA_BROKERS; otherwise reported skipped with the reason).
 */
import { randomUUID } from 'node:crypto';
import { describeSourceContract, type SourceFactory } from '../streaming/source.contract.js';
import { LogSource } from './log-source.js';
import { KafkaSource } from './kafka-source.js';
import { MemoryCheckpointStore } from '../checkpoint/memory-store.js';
import { Failpoints } from '../failpoints.js';
import { seedSourceTopic } from '../kafka/kafka-topics.js';
import { kafkaUnderTest } from '../kafka/test-support/kafka-under-test.js';

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
