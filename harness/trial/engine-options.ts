/**
 * A TrialSpec as one engine run (runtime/engine-run.ts EngineRun): every value the trial drew —
 * config, input knobs, services, faults — becomes a field of the one codec, and `toArgv` makes the
 * command line. engine-options.test.ts proves no drawn value is left out.
 */
import { partialFromArgv, type EngineRun } from '../../runtime/engine-run.js';
import type { JobStreamingRunOptions } from '../../runtime/run-job.js';
import type { TrialSpec } from '../history.js';

export function streamingRunOptions(spec: TrialSpec): JobStreamingRunOptions {
  const c = spec.config;
  return {
    scenario: spec.scenario,
    seed: spec.seed,
    size: spec.input.size,
    partitions: c.partitions,
    checkpointInterval: c.checkpointInterval,
    maxBatchRecords: c.maxBatchRecords,
    ...(c.snapshotEvery !== undefined ? { snapshotEvery: c.snapshotEvery } : {}),
    ...(c.retainBatches !== undefined ? { retainBatches: c.retainBatches } : {}),
    input: {
      ...(spec.input.keys !== undefined ? { keys: spec.input.keys } : {}),
      ...(spec.input.disorderMs !== undefined ? { disorderMs: spec.input.disorderMs } : {}),
      ...(spec.input.lateFraction !== undefined ? { lateFraction: spec.input.lateFraction } : {}),
      ...(spec.input.growthBatches !== undefined ? { growthBatches: spec.input.growthBatches } : {}),
    },
    ...(c.mutant ? { mutant: c.mutant } : {}),
    ...(spec.input.records !== undefined ? { records: spec.input.records } : {}),
    sink: c.sink,
  };
}

export interface IncarnationExtras {
  /** This incarnation's partition count (a changed-partitions fault restarts with another). */
  partitions: number;
  failpoints?: string;
  executorFailpoints?: string;
  lazyFs: boolean;
  /** The services' engine arguments (`--store s3 --s3-endpoint ...`, `--kafka-brokers ...`). */
  serviceArgs?: readonly string[];
}

/** The service fields a batch job takes: its checkpoint store and S3 endpoint (Kafka is for streaming). */
const BATCH_SERVICE_FIELDS = ['s3Endpoint', 's3Bucket', 's3Prefix'] as const;

/** One incarnation of a trial as an engine run. */
export function trialEngineRun(spec: TrialSpec, dirs: { checkpoint: string; output: string }, extra: IncarnationExtras): EngineRun {
  const c = spec.config;
  const services = partialFromArgv(extra.serviceArgs ?? []);
  const run: EngineRun = {
    job: spec.scenario,
    seed: spec.seed,
    size: spec.input.size,
    checkpoint: dirs.checkpoint,
    output: dirs.output,
    checkpointInterval: c.checkpointInterval,
    partitions: extra.partitions,
    sink: c.sink,
    store: c.store,
    ...(c.executors > 0 ? { executors: c.executors } : {}),
    ...(extra.failpoints ? { failpoints: extra.failpoints } : {}),
    ...(extra.executorFailpoints ? { executorFailpoints: extra.executorFailpoints } : {}),
  };
  if (spec.kind === 'batch') {
    // A batch job's --partitions and --checkpoint-interval are its partitions / checkpointEvery parameters.
    for (const f of BATCH_SERVICE_FIELDS) if (services[f] !== undefined) run[f] = services[f];
    return run;
  }
  Object.assign(run, services, {
    maxBatchRecords: c.maxBatchRecords,
    ...(c.snapshotEvery !== undefined ? { snapshotEvery: c.snapshotEvery } : {}),
    ...(c.retainBatches !== undefined ? { retainBatches: c.retainBatches } : {}),
    source: c.source,
    sink: c.sink,
    ...(c.kafkaDelivery ? { kafkaDelivery: c.kafkaDelivery } : {}),
    store: c.store,
    ...(c.mutant ? { mutant: c.mutant } : {}),
    ...(extra.lazyFs ? { lazyFs: true } : {}),
  });
  if (spec.input.keys !== undefined) run.keys = spec.input.keys;
  if (spec.input.disorderMs !== undefined) run.disorderMs = spec.input.disorderMs;
  if (spec.input.lateFraction !== undefined) run.lateFraction = spec.input.lateFraction;
  if (spec.input.growthBatches !== undefined) run.growthBatches = spec.input.growthBatches;
  if (spec.input.records !== undefined) run.records = spec.input.records;
  return run;
}
