/**
 * Kafka end to end, for real: engine processes read their input from a Kafka topic and write their
 * output to a Kafka topic on the installed local broker, and the broker itself is a fault target —
 * SIGKILLed and restarted on the same data mid-run, and mid-transaction (rows sent, not committed).
 * Exactly-once (transactional sink) must equal the failure-free reference; at-least-once must lose
 * nothing. The harness reads the output itself, read_committed. And the run summary must show that
 * every incarnation opened the Kafka source and sink it was asked for.
 * Skipped, saying how to install, where Kafka is not installed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findInstalled, NOT_INSTALLED } from './installed.js';
import { resolveServices, type Services } from './index.js';
import { runTrial } from '../trial/run-trial.js';
import { trialServiceOptions } from '../trial/trial-services.js';
import { checkServicesOpened } from '../oracle/services-opened.js';
import { distEntry } from './dist-entry.js';
import type { Fault, RunSummary, TrialSpec } from '../history.js';

const kafka = findInstalled('kafka');
if (!kafka) console.warn(`SKIPPED Kafka end to end — kafka ${NOT_INSTALLED}`);

const trial = (delivery: 'exactly-once' | 'at-least-once', fault: Fault): TrialSpec => ({
  scenario: 'running-totals',
  kind: 'streaming',
  seed: 23,
  input: { size: 240, growthBatches: 1 },
  config: { partitions: 2, checkpointInterval: 1, executors: 0, maxBatchRecords: 40, store: 'fs', source: 'kafka', sink: 'kafka', kafkaDelivery: delivery, services: 'local' },
  schedule: { faults: [fault], lostWrites: false },
  checkDeterminism: false,
});

describe.skipIf(!kafka)(kafka ? `Kafka end to end on the local broker (${kafka.version})` : `Kafka end to end — skipped: kafka ${NOT_INSTALLED}`, () => {
  let services: Services;
  beforeAll(async () => {
    services = await resolveServices({ services: 'local', store: 'fs', source: 'kafka', sink: 'kafka', log: () => {} });
  }, 180_000);
  afterAll(async () => {
    await services?.close();
  });

  it('exactly-once: the broker SIGKILLed mid-transaction and restarted; the output is the reference, every incarnation on Kafka', async () => {
    const h = await runTrial(trial('exactly-once', { kind: 'broker-restart', afterEvents: 0, downMs: 200, midTransaction: true, occurrence: 2 }), 'process', { ...trialServiceOptions(services), timeoutMs: 240_000 });
    const hits = h.incarnations.flatMap((i) => i.faultsHit);
    expect(hits).toEqual([expect.objectContaining({ kind: 'broker-restart', where: expect.stringMatching(/^kafka broker killed mid-transaction \(batch rows sent, not committed; sink\.before-rename:2\)/) })]);
    expect(h.incarnations[0]!.exit.code).toBe(1); // its commit failed against the dead broker
    expect(h.verdicts.filter((v) => !v.ok), JSON.stringify(h.verdicts)).toEqual([]);
    expect(h.guarantee).toBe('exactly-once');
    const opened = checkServicesOpened(h);
    expect(opened.mismatches).toEqual([]);
    expect(opened.incarnations.filter(Boolean)).toContainEqual({ store: 'fs', source: 'kafka', sink: 'kafka', sinkGuarantee: 'exactly-once' });
  }, 300_000);

  it('at-least-once: the broker SIGKILLed mid-run and restarted; nothing is lost (duplicates allowed)', async () => {
    const h = await runTrial(trial('at-least-once', { kind: 'broker-restart', afterEvents: 4, downMs: 200 }), 'process', { ...trialServiceOptions(services), timeoutMs: 240_000 });
    expect(h.incarnations.flatMap((i) => i.faultsHit).map((f) => f.kind)).toEqual(['broker-restart']);
    expect(h.guarantee).toBe('at-least-once');
    expect(h.verdicts.filter((v) => !v.ok), JSON.stringify(h.verdicts)).toEqual([]);
    // running-totals is an update-mode query: an at-least-once sink is judged on the final state per key
    // (a duplicate of an older row is harmless), not as an append log.
    expect(h.outputMode).toBe('update');
    expect(h.verdicts.find((v) => v.checker === 'final-state')).toMatchObject({ ok: true });
    expect(h.verdicts.some((v) => v.checker === 'exactly-once')).toBe(false);
    const opened = checkServicesOpened(h);
    expect(opened.mismatches).toEqual([]);
    expect(opened.incarnations.filter(Boolean)).toContainEqual({ store: 'fs', source: 'kafka', sink: 'kafka', sinkGuarantee: 'at-least-once' });
  }, 300_000);

  it('`chaos run --source kafka --sink kafka --services local`: exit 0 and the summary shows Kafka opened by every engine that opened anything', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-kafka-run-'));
    try {
      const r = await execa(process.execPath, [distEntry('harness/cli.js'), 'run', '--mode', 'process', '--source', 'kafka', '--sink', 'kafka', '--services', 'local', '--scenario', 'wordcount', '--runs', '2', '--seed', '4', '--max-size', '150', '--out', out, '--json'], { reject: false, env: { NO_COLOR: '1' } });
      expect(r.exitCode, r.stderr.slice(-2000)).toBe(0);
      const summary = JSON.parse(r.stdout) as RunSummary;
      expect(summary.services).toMatchObject({ picked: 'local', kafka: { server: 'local' } });
      expect(summary.servicesOpened).toHaveLength(summary.trials);
      for (const t of summary.servicesOpened!) {
        expect(t.mismatches).toEqual([]);
        for (const inc of t.incarnations) if (inc) expect(inc).toMatchObject({ source: 'kafka', sink: 'kafka' });
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 400_000);
});
