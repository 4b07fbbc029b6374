/**
 * The Kafka sink against a real broker (Testcontainers or CHAOS_KAFKA_BROKERS; skipped with the
 * reason otherwise): exactly-once survives a replay and fences a zombie; at-least-once duplicates a
 * replay and loses nothing.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KafkaSink, readKafkaOutputRows } from '../../engine/sinks/kafka-sink.js';
import { kafkaUnderTest } from './test-support/kafka-under-test.js';

const kafka = await kafkaUnderTest();
if ('skip' in kafka) {
  console.warn(`SKIPPED Kafka sink against a broker — ${kafka.skip}`);
  describe.skip(`Kafka sink against a broker — skipped: ${kafka.skip}`, () => {
    it('exactly-once replay, zombie fencing, at-least-once duplicates', () => {});
  });
} else {
  describe(`Kafka sink (${kafka.label})`, () => {
    const rows = (b: number) => [{ batch: b, word: 'a' }, { batch: b, word: 'b' }];

    it('exactly-once: a batch replayed by a restarted query is not written twice', async () => {
      const topic = `out-${randomUUID()}`;
      const queryId = randomUUID();
      const first = await KafkaSink.open({ brokers: kafka.brokers(), topic, guarantee: 'exactly-once', queryId });
      await first.addBatch(0, rows(0));
      await first.addBatch(1, rows(1));
      await first.close();
      const restarted = await KafkaSink.open({ brokers: kafka.brokers(), topic, guarantee: 'exactly-once', queryId });
      expect(restarted.lastCommittedBatch).toBe(1);
      await restarted.addBatch(1, rows(1)); // replay of the last batch: skipped
      await restarted.addBatch(2, rows(2));
      await restarted.close();
      const out = await readKafkaOutputRows({ brokers: kafka.brokers() }, topic);
      expect(out).toEqual([...rows(0), ...rows(1), ...rows(2)].map((r) => JSON.stringify(r)).sort());
    });

    it('exactly-once: a zombie incarnation is fenced and its batch never becomes visible', async () => {
      const topic = `out-${randomUUID()}`;
      const queryId = randomUUID();
      const zombie = await KafkaSink.open({ brokers: kafka.brokers(), topic, guarantee: 'exactly-once', queryId });
      const current = await KafkaSink.open({ brokers: kafka.brokers(), topic, guarantee: 'exactly-once', queryId });
      await expect(zombie.addBatch(0, [{ by: 'zombie' }])).rejects.toThrow(/^fenced: a newer incarnation of query .* took over transactional id/);
      await current.addBatch(0, [{ by: 'current' }]);
      await zombie.close();
      await current.close();
      expect(await readKafkaOutputRows({ brokers: kafka.brokers() }, topic)).toEqual([JSON.stringify({ by: 'current' })]);
    });

    it('at-least-once: a replayed batch appears twice, nothing is lost', async () => {
      const topic = `out-${randomUUID()}`;
      const sink = await KafkaSink.open({ brokers: kafka.brokers(), topic, guarantee: 'at-least-once', queryId: randomUUID() });
      await sink.addBatch(0, rows(0));
      await sink.addBatch(0, rows(0));
      await sink.close();
      const out = await readKafkaOutputRows({ brokers: kafka.brokers() }, topic);
      expect(out).toEqual([...rows(0), ...rows(0)].map((r) => JSON.stringify(r)).sort());
    });
  });
}
