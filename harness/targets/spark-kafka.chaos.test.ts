/**
 * A Spark target with a harness-owned Kafka broker (spec "services": ["kafka"]): the broker is the
 * installed Apache Kafka, started by withTargetServices for this run; each trial's events are
 * produced into a fresh topic ({kafka-topic}) and the job reads them with Spark's Kafka source
 * (connector jars from {spark-kafka-jars}). Both trials halt the JVM at commits.before:2 (batch 1
 * has offsets/1 — the Kafka offsets it covers — but no commit), then restart it.
 *
 * Green: with the pinned connector (4.1.3) the restart re-reads batch 1 from the logged offsets
 * and the output equals the failure-free run. Red: with the affected 4.1.1 connector the restart
 * fails (NullPointerException in KafkaMicroBatchStream.metrics, SPARK-57438), and the harness says
 * so. Skipped only when Spark or Kafka is not installed.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveChildren } from '../process/registry.js';
import { findInstalled } from '../services/installed.js';
import { NOT_INSTALLED, findSpark } from './spark/spark-install.js';
import { resolveTarget } from './run-target.js';
import { withTargetServices } from './target-services.js';
import { runTargetTrial, targetTrialSpec } from './target-trial.js';

const spark = findSpark();
const kafka = findInstalled('kafka');
const ready = spark && kafka && spark.kafkaJars.length > 0 && spark.kafkaJarsAffected.length > 0;
const SPARK_TEST_TIMEOUT_MS = 900_000;
const spec = path.resolve(import.meta.dirname, '..', '..', 'examples', 'spark', 'kafka-windowed.json');
const kill = [{ kind: 'kill-failpoint' as const, failpoint: 'commits.before', occurrence: 2 }];

describe.skipIf(!ready)(`Spark target with a Kafka source (${ready ? `spark ${spark!.version}, Kafka ${kafka!.version}` : `Spark or Kafka ${NOT_INSTALLED}`})`, () => {
  it('halted between offsets/1 and commits/1: holds with the pinned connector; the affected 4.1.1 connector cannot restart, and is caught', async () => {
    const saved = process.env['CHAOS_KAFKA_BROKERS'];
    delete process.env['CHAOS_KAFKA_BROKERS']; // the harness-owned broker, not an external one
    try {
      const target = resolveTarget(spec);
      await withTargetServices(target, async (t) => {
        expect(t.services!.kafka!.label).toMatch(/broker at 127\.0\.0\.1:\d+ \(local, owned by this run\)/);

        const green = await runTargetTrial(t, targetTrialSpec(t, 7, kill));
        expect(green.incarnations[0]!.faultsHit.map((f) => f.where)).toEqual(['commits.before:2 (JVM halted)']);
        expect(green.kills).toBe(1);
        // The restart re-ran batch 1 from offsets/1 and committed it.
        expect(green.incarnations[1]!.points).toContain('commits.written#1 n=1');
        expect(green.reference.length).toBeGreaterThan(0);
        expect(green.verdicts.find((v) => v.checker === 'exactly-once')).toMatchObject({ ok: true });
        expect(green.ok).toBe(true);

        const affected = { ...t, spark: { ...t.spark!, kafkaJars: t.spark!.kafkaJarsAffected } };
        const red = await runTargetTrial(affected, targetTrialSpec(affected, 7, kill));
        expect(red.kills).toBe(1);
        const clean = red.verdicts.find((v) => v.checker === 'clean-exit');
        expect(clean).toMatchObject({ ok: false });
        expect(clean!.message).toMatch(/first error: java\.lang\.NullPointerException/);
        expect(red.ok).toBe(false);
      });
    } finally {
      if (saved !== undefined) process.env['CHAOS_KAFKA_BROKERS'] = saved;
    }
    expect(liveChildren()).toEqual([]);
  }, SPARK_TEST_TIMEOUT_MS);
});
