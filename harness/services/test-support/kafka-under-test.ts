/**
 * A Kafka broker for tests: CHAOS_KAFKA_BROKERS when set, else a Testcontainers Kafka when a
 * container runtime exists (started in beforeAll, stopped in afterAll), else `skip` with the reason.
 * Call at module top level.
 */
import { afterAll, beforeAll } from 'vitest';
import { detectContainerRuntime } from '../container-runtime.js';

export type KafkaUnderTest = { label: string; brokers: () => string[] } | { skip: string };

export async function kafkaUnderTest(): Promise<KafkaUnderTest> {
  const external = process.env.CHAOS_KAFKA_BROKERS;
  if (external) return { label: `external ${external}`, brokers: () => external.split(',') };
  const runtime = await detectContainerRuntime();
  if (!runtime.available) return { skip: `${runtime.reason}; set CHAOS_KAFKA_BROKERS to use an external broker` };
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { KAFKA_IMAGE } = await import('../containers.js');
  let kafka: Awaited<ReturnType<InstanceType<typeof KafkaContainer>['start']>> | undefined;
  beforeAll(async () => {
    kafka = await new KafkaContainer(KAFKA_IMAGE).withKraft().start();
  }, 240_000);
  afterAll(async () => {
    await kafka?.stop();
  });
  return { label: 'Testcontainers', brokers: () => [`${kafka!.getHost()}:${kafka!.getMappedPort(9093)}`] };
}
