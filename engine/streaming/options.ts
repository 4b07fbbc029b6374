/** Defaults and validation of StreamingRunOptions (bad values are UserErrors naming the option). */
import { UserError } from '../errors.js';
import type { InputKnobs, StreamingJob } from '../job/streaming-job.js';
import type { ResolvedStreamingOptions } from './context.js';
import type { StreamingRunOptions } from './run.js';

export const STREAMING_DEFAULTS = {
  partitions: 4,
  checkpointInterval: 1,
  maxBatchRecords: 100,
  snapshotEvery: 10,
  retainBatches: 20,
  sink: 'files',
} as const;

function int(name: string, value: number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new UserError(`${name} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got ${value}`);
  }
  return v;
}

function num(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new UserError(`${name} must be a number from ${min} to ${max}, got ${value}`);
  return v;
}

export function resolveOptions(opts: StreamingRunOptions): ResolvedStreamingOptions {
  return {
    scenario: opts.job.name,
    seed: int('seed', opts.seed, 0, 0, 2 ** 32 - 1),
    size: int('size', opts.size, 0, 0, 100_000_000),
    partitions: int('partitions', opts.partitions, STREAMING_DEFAULTS.partitions, 1, 1024),
    checkpointInterval: int('checkpoint interval', opts.checkpointInterval, STREAMING_DEFAULTS.checkpointInterval, 0),
    maxBatchRecords: int('max batch records', opts.maxBatchRecords, STREAMING_DEFAULTS.maxBatchRecords, 1),
    snapshotEvery: int('snapshot every', opts.snapshotEvery, STREAMING_DEFAULTS.snapshotEvery, 1),
    retainBatches: int('retain batches', opts.retainBatches, STREAMING_DEFAULTS.retainBatches, 0),
    cleanCheckpoint: opts.cleanCheckpoint ?? false,
    mutant: opts.mutant || undefined,
  };
}

export function resolveKnobs(scenario: StreamingJob, input: StreamingRunOptions['input']): InputKnobs {
  const d = scenario.defaults;
  return {
    keys: int('keys', input?.keys, d.keys, 1, 10_000_000),
    disorderMs: int('disorder ms', input?.disorderMs, d.disorderMs, 0, 86_400_000),
    lateFraction: num('late fraction', input?.lateFraction, d.lateFraction, 0, 1),
    growthBatches: int('growth batches', input?.growthBatches, d.growthBatches, 1, 1_000_000),
  };
}
