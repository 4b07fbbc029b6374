/**
 * A Kafka broker for tests: CHAOS_KAFKA_BROKERS when set, else the real local broker that the
 * vitest globalSetup started for the whole run (harness/test-support/real-services.global-setup.ts)
 * when Kafka is installed, else `skip` saying exactly how to install it. Call at module top level;
 * the returned beforeAll waits until the broker answers a Metadata request.
 */
import { beforeAll, inject } from 'vitest';
import { Admin } from '@platformatic/kafka';
import { NOT_INSTALLED } from '../installed.js';

export type KafkaUnderTest = { label: string; brokers: () => string[] } | { skip: string };


export async function kafkaUnderTest(): Promise<KafkaUnderTest> {
  const external = process.env.CHAOS_KAFKA_BROKERS;
  if (external) return { label: `external ${external}`, brokers: () => external.split(',') };
  const local = inject('kafkaBrokers');
  if (!local) return { skip: `Kafka ${NOT_INSTALLED} (or set CHAOS_KAFKA_BROKERS)` };
  const brokers = local.split(',');
  beforeAll(() => waitForBroker(brokers, 150_000), 160_000);
  return { label: `local broker ${local}`, brokers: () => brokers };
}

async function waitForBroker(brokers: string[], timeoutMs: number): Promise<void> {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < timeoutMs) {
    const admin = new Admin({ clientId: 'test-ready', bootstrapBrokers: brokers, connectTimeout: 2000, timeout: 3000, retries: 0 });
    try {
      const md = await Promise.race([
        admin.metadata({ topics: [] }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer in 3 s')), 3000)),
      ]);
      if (md.brokers.size > 0) return;
    } catch (err) {
      last = (err as Error).message;
    } finally {
      admin.close(() => {});
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the local Kafka broker ${brokers.join(',')} did not answer within ${timeoutMs} ms (last: ${last})`);
}
