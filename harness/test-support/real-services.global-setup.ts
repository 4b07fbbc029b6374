/**
 * vitest globalSetup: ONE real Kafka broker for the whole `npm test` run, when it is installed
 * (`npm run services:install`) and CHAOS_KAFKA_BROKERS does not point at another one. It is started
 * here without waiting (the JVM warms up while other test files run); tests that need it wait for
 * it to answer (engine/kafka/test-support/kafka-under-test.ts). Its address reaches the test
 * workers through `provide('kafkaBrokers')`; '' means "not installed" and those tests skip saying
 * exactly how to install it. Stopped at the end of the run; a SIGKILLed vitest takes it down
 * through the broker's watchdog (harness/services/service-process.ts).
 */
import type { TestProject } from 'vitest/node';
import { findInstalled } from '../services/installed.js';
import type { KafkaBroker } from '../services/kafka-broker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the run's local Kafka broker; '' when none is installed. */
    kafkaBrokers: string;
  }
}

let broker: KafkaBroker | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (process.env.CHAOS_KAFKA_BROKERS || !findInstalled('kafka')) {
    project.provide('kafkaBrokers', '');
    return;
  }
  const { KafkaBroker } = await import('../services/kafka-broker.js');
  broker = await KafkaBroker.start({ waitReady: false });
  project.provide('kafkaBrokers', broker.brokers.join(','));
}

export async function teardown(): Promise<void> {
  await broker?.stop();
}
