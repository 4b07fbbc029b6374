/**
 * Every value a trial draws reaches the engine process: each field of a drawn TrialSpec's config
 * and input maps to a field of the one engine-run codec (or is declared not to be an engine value,
 * with the reason), and a drawn trial's run survives toArgv -> the engine's parser unchanged.
 * A new TrialConfig / InputParams field without a mapping fails the first test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { execa } from 'execa';
import { fromFlags, parseEngineArgv, toArgv, type EngineRun } from '../../runtime/engine-run.js';
import { engineEntry } from '../../runtime/entries.js';
import { trialArb } from '../properties/arbitraries.js';
import { parseEvents } from '../../engine/index.js';
import type { TrialSpec } from '../history.js';
import { trialEngineRun } from './engine-options.js';

/** TrialSpec field -> the EngineRun field it becomes, for streaming and batch jobs; a string says why it is no engine value. */
const CONFIG_FIELDS: Record<string, { streaming: keyof EngineRun | string; batch: keyof EngineRun | string }> = {
  partitions: { streaming: 'partitions', batch: 'partitions' },
  checkpointInterval: { streaming: 'checkpointInterval', batch: 'checkpointInterval' },
  executors: { streaming: 'executors', batch: 'executors' },
  maxBatchRecords: { streaming: 'maxBatchRecords', batch: 'not an engine value: batch jobs have no micro-batches' },
  snapshotEvery: { streaming: 'snapshotEvery', batch: 'not an engine value: batch jobs keep no state versions' },
  retainBatches: { streaming: 'retainBatches', batch: 'not an engine value: batch jobs keep no batches' },
  mutant: { streaming: 'mutant', batch: 'not drawn: mutants are streaming engine variants' },
  store: { streaming: 'store', batch: 'store' },
  source: { streaming: 'source', batch: 'not an engine value: batch jobs generate their input' },
  sink: { streaming: 'sink', batch: 'sink' },
  kafkaDelivery: { streaming: 'kafkaDelivery', batch: 'not drawn: batch jobs have no Kafka sink' },
  services: { streaming: 'not an engine value: where the services came from (their endpoints arrive as service args)', batch: 'not an engine value: as for streaming' },
};
const INPUT_FIELDS: Record<string, keyof EngineRun> = { size: 'size', keys: 'keys', disorderMs: 'disorderMs', lateFraction: 'lateFraction', growthBatches: 'growthBatches', records: 'records' };

const isField = (x: string): x is keyof EngineRun => !x.includes(' ');

function checkCovered(spec: TrialSpec): void {
  const dirs = { checkpoint: '/tmp/c', output: '/tmp/o' };
  const run = trialEngineRun(spec, dirs, { partitions: spec.config.partitions, lazyFs: false });
  expect(run.job).toBe(spec.scenario);
  expect(run.seed).toBe(spec.seed);
  for (const [key, value] of Object.entries(spec.config)) {
    const target = CONFIG_FIELDS[key]?.[spec.kind];
    expect(target, `TrialConfig.${key} has no mapping to an engine run field: add it to trialEngineRun and CONFIG_FIELDS`).toBeDefined();
    if (!isField(target!)) continue;
    if (key === 'executors' && value === 0) expect(run.executors ?? 0).toBe(0);
    else expect(run[target!], `TrialConfig.${key} (${spec.kind})`).toEqual(value);
  }
  for (const [key, value] of Object.entries(spec.input)) {
    const target = INPUT_FIELDS[key];
    expect(target, `InputParams.${key} has no mapping to an engine run field`).toBeDefined();
    if (spec.kind === 'streaming' || key === 'size') expect(run[target!], `input.${key}`).toEqual(value);
  }
  expect(fromFlags(parseEngineArgv(toArgv(run).slice(1)))).toEqual(run);
}

describe('trial -> engine run', () => {
  it('every drawn config and input value of a streaming trial reaches the engine arguments', () => {
    for (const store of ['fs', 's3'] as const) {
      fc.assert(fc.property(trialArb({ mode: 'process', scenario: 'windowed-counts', kind: 'streaming', executors: store === 'fs', store, sink: store === 's3' ? 's3' : 'files', mutant: 'sink-not-idempotent' }), checkCovered), { numRuns: 100 });
    }
    for (const kafkaDelivery of ['exactly-once', 'at-least-once'] as const) {
      fc.assert(fc.property(trialArb({ mode: 'process', scenario: 'running-totals', kind: 'streaming', store: 'fs', source: 'kafka', sink: 'kafka', kafkaDelivery }), checkCovered), { numRuns: 50 });
    }
  });

  it('every drawn config value of a batch trial reaches the engine arguments (checkpoint interval and partitions included)', () => {
    fc.assert(fc.property(trialArb({ mode: 'process', scenario: 'pagerank', kind: 'batch', executors: true }), checkCovered), { numRuns: 100 });
  });

  it("the services' S3 endpoint reaches a batch engine; Kafka flags stay with streaming", () => {
    const spec = fc.sample(trialArb({ mode: 'process', scenario: 'pagerank', kind: 'batch', store: 's3', sink: 's3' }), 1)[0]!;
    const run = trialEngineRun(spec, { checkpoint: 'c', output: 'o' }, { partitions: 2, lazyFs: false, serviceArgs: ['--store', 's3', '--s3-endpoint', 'http://127.0.0.1:9', '--s3-bucket', 'b', '--s3-prefix', 'p', '--kafka-brokers', 'k:1'] });
    expect(run).toMatchObject({ store: 's3', sink: 's3', s3Endpoint: 'http://127.0.0.1:9', s3Bucket: 'b', s3Prefix: 'p' });
    expect(run.kafkaBrokers).toBeUndefined();
  });

  describe('a batch trial\'s drawn checkpoint interval changes what the engine process does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-engine-options-'));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it.each([0, 2])('checkpointInterval %i', async (interval) => {
      const spec: TrialSpec = {
        scenario: 'pagerank',
        kind: 'batch',
        seed: 3,
        input: { size: 60 },
        config: { partitions: 2, checkpointInterval: interval, executors: 0, maxBatchRecords: 10, store: 'fs', source: 'log', sink: 'files' },
        schedule: { faults: [], lostWrites: false },
        checkDeterminism: false,
      };
      const dirs = { checkpoint: path.join(dir, `c${interval}`), output: path.join(dir, `o${interval}`) };
      const res = await execa(process.execPath, [engineEntry(), ...toArgv(trialEngineRun(spec, dirs, { partitions: 2, lazyFs: false }))], { reject: false });
      expect(res.exitCode, res.stderr).toBe(0);
      const checkpointed = parseEvents(res.stdout).filter((e) => e.type === 'dataset.checkpointed').map((e) => /'(.+)'/.exec((e as { dataset: string }).dataset)?.[1]);
      // pagerank runs 10 iterations and checkpoints every k-th one's ranks; 0 = no checkpoints.
      expect(checkpointed).toEqual(interval === 0 ? [] : ['ranks-2', 'ranks-4', 'ranks-6', 'ranks-8', 'ranks-10']);
    });
  });
});
