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
    ...(c.snapshotEvery !== undefined ? { snapshotEvery: c.snapshotEvery } : {}),
    ...(c.retainBatches !== undefined ? { retainBatches: c.retainBatches } : {}),
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
  if (spec.config.sink === 's3') args.push('--sink', 's3');
  if (failpoints) args.push('--failpoints', failpoints);
  return args;
}

/**
 * The services' engine arguments a batch job uses: its checkpoint store and S3 endpoint when the
 * trial puts the checkpoint or the output on S3; Kafka flags are for streaming only.
 */
export function batchServiceArgs(spec: TrialSpec, engineArgs: readonly string[]): string[] {
  if (spec.config.store !== 's3' && spec.config.sink !== 's3') return [];
  const out: string[] = [];
  for (let i = 0; i < engineArgs.length; i++) {
    const flag = engineArgs[i]!;
    const takesValue = i + 1 < engineArgs.length && !engineArgs[i + 1]!.startsWith('--');
    if (flag === '--store' || flag.startsWith('--s3-')) out.push(flag, ...(takesValue ? [engineArgs[i + 1]!] : []));
    if (takesValue) i++;
  }
  if (spec.config.store !== 's3') {
    const at = out.indexOf('--store');
    if (at >= 0) out.splice(at, 2);
  }
  return out;
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
