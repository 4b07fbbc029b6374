/** A TrialSpec as the streaming engine's options and as `chaos engine run` arguments. */
import type { StreamingRunOptions } from '../../engine/streaming/run.js';
import type { TrialSpec } from '../history.js';

export function streamingRunOptions(spec: TrialSpec): StreamingRunOptions {
  const c = spec.config;
  return {
    scenario: spec.scenario,
    seed: spec.seed,
    size: spec.input.size,
    partitions: c.partitions,
    checkpointInterval: c.checkpointInterval,
    maxBatchRecords: c.maxBatchRecords,
    input: {
      ...(spec.input.keys !== undefined ? { keys: spec.input.keys } : {}),
      ...(spec.input.disorderMs !== undefined ? { disorderMs: spec.input.disorderMs } : {}),
      ...(spec.input.lateFraction !== undefined ? { lateFraction: spec.input.lateFraction } : {}),
      ...(spec.input.growthBatches !== undefined ? { growthBatches: spec.input.growthBatches } : {}),
    },
    ...(c.mutant ? { mutant: c.mutant } : {}),
    sink: c.sink,
  };
}

/** Arguments after `engine` for one incarnation of a batch scenario. */
export function batchRunArgs(spec: TrialSpec, dirs: { checkpoint: string; output: string }, failpoints: string | undefined): string[] {
  const args = ['run', '--scenario', spec.scenario, '--seed', String(spec.seed), '--size', String(spec.input.size), '--checkpoint', dirs.checkpoint, '--output', dirs.output];
  if (spec.config.executors > 0) args.push('--executors', String(spec.config.executors));
  if (failpoints) args.push('--failpoints', failpoints);
  return args;
}

/** Arguments after `engine` for one incarnation. */
export function engineRunArgs(
  spec: TrialSpec,
  dirs: { checkpoint: string; output: string },
  extra: { partitions: number; failpoints?: string; lazyFs: boolean },
): string[] {
  const c = spec.config;
  const args = [
    'run',
    '--scenario', spec.scenario,
    '--seed', String(spec.seed),
    '--size', String(spec.input.size),
    '--checkpoint', dirs.checkpoint,
    '--output', dirs.output,
    '--checkpoint-interval', String(c.checkpointInterval),
    '--partitions', String(extra.partitions),
    '--max-batch-records', String(c.maxBatchRecords),
    '--sink', c.sink,
  ];
  if (c.executors > 0) args.push('--executors', String(c.executors));
  if (c.mutant) args.push('--mutant', c.mutant);
  if (extra.failpoints) args.push('--failpoints', extra.failpoints);
  if (extra.lazyFs) args.push('--lazy-fs');
  const inputFlags: Array<[keyof TrialSpec['input'], string]> = [
    ['keys', '--keys'],
    ['disorderMs', '--disorder-ms'],
    ['lateFraction', '--late-fraction'],
    ['growthBatches', '--growth-batches'],
  ];
  for (const [key, flag] of inputFlags) {
    const v = spec.input[key];
    if (v !== undefined && key !== 'size') args.push(flag, String(v));
  }
  return args;
}
