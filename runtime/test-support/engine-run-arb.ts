/** fast-check arbitrary over every field of EngineRun (each optional one sometimes absent), for the codec's tests. */
import { fc } from '@fast-check/vitest';
import type { EngineRun } from '../engine-run.js';

const text = fc.stringMatching(/^[A-Za-z0-9_./:,=-]{1,24}$/).filter((s) => !s.startsWith('-'));
const int = (min: number) => fc.integer({ min, max: 1_000_000 });

/** Every field of EngineRun, each optional one sometimes absent. */
export const engineRunArb: fc.Arbitrary<EngineRun> = fc.record(
  {
    job: fc.oneof(fc.constantFrom('wordcount', 'pagerank'), fc.constantFrom('./jobs/my-job.js', '/abs/path/job.mjs')),
    seed: int(0),
    size: int(0),
    checkpoint: text,
    output: text,
    checkpointInterval: int(0),
    executors: int(0),
    executorFailpoints: text,
    coverage: fc.boolean(),
    failpoints: text,
    maxBatchRecords: int(1),
    partitions: int(1),
    snapshotEvery: int(1),
    retainBatches: int(0),
    cleanCheckpoint: fc.boolean(),
    mutant: text,
    lazyFs: fc.boolean(),
    events: text,
    sink: text,
    input: text,
    records: text,
    keys: int(1),
    disorderMs: int(0),
    lateFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    growthBatches: int(1),
    store: text,
    source: text,
    s3Endpoint: text,
    s3Bucket: text,
    s3Prefix: text,
    kafkaBrokers: text,
    topic: text,
    sinkTopic: text,
    kafkaDelivery: text,
  },
  { requiredKeys: ['job', 'seed', 'size', 'checkpoint', 'output'] },
).map((r) => {
  // A boolean flag is present or absent: false is written as absent.
  const out = { ...r } as EngineRun;
  if (out.cleanCheckpoint === false) delete out.cleanCheckpoint;
  if (out.lazyFs === false) delete out.lazyFs;
  if (out.coverage === false) delete out.coverage;
  return out;
});

