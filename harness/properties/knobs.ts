/**
 * The engine knobs a chaos trial draws ("buggified knobs", as FoundationDB's simulation does):
 * every engine setting that changes what the checkpoint holds or what recovery reads. Each knob is
 * drawn around its engine default with its edge values weighted up (retention 0/1, a snapshot
 * every version or almost never, a checkpoint interval longer than the run, one partition or
 * many, one record per batch), and shrinks towards the engine default first, then towards the
 * simplest value: a failure needing retention 0 is reported with retention 0, everything else at
 * its default.
 *
 * This list is also what the run summary's knob spread reports, so "every knob drawn" is checked
 * against the same definition the generator uses.
 */
import fc from 'fast-check';
import { STREAMING_DEFAULTS } from '../../engine/index.js';
import type { TrialConfig } from '../history.js';

/** TrialConfig fields that are numeric engine knobs. */
export type KnobName = 'partitions' | 'checkpointInterval' | 'maxBatchRecords' | 'snapshotEvery' | 'retainBatches' | 'executors';

export interface Knob {
  name: KnobName;
  /** The engine flag it becomes. */
  flag: string;
  /** The engine's default: the first shrink target. */
  engineDefault: number;
  /** Edge values, weighted up. */
  edges: readonly number[];
  /** The ordinary range drawn from. */
  min: number;
  max: number;
  /** What the knob changes in the checkpoint or in recovery, one line. */
  why: string;
}

/** A checkpoint interval longer than any generated run: state is never written, recovery replays the whole log. */
export const INTERVAL_BEYOND_RUN = 100_000;
/** A snapshot interval longer than any generated run: one snapshot (version 0), deltas forever. */
export const SNAPSHOT_NEVER = 100_000;

export const KNOBS: readonly Knob[] = [
  { name: 'partitions', flag: '--partitions', engineDefault: STREAMING_DEFAULTS.partitions, edges: [1, 16], min: 1, max: 8, why: 'state files per version; source ranges per batch' },
  {
    name: 'checkpointInterval',
    flag: '--checkpoint-interval',
    engineDefault: STREAMING_DEFAULTS.checkpointInterval,
    edges: [1, INTERVAL_BEYOND_RUN],
    min: 1,
    max: 20,
    why: 'which versions are durable; how far recovery replays from the WAL',
  },
  { name: 'maxBatchRecords', flag: '--max-batch-records', engineDefault: STREAMING_DEFAULTS.maxBatchRecords, edges: [1], min: 1, max: 150, why: 'batches per run; WAL entries; state versions' },
  { name: 'snapshotEvery', flag: '--snapshot-every', engineDefault: STREAMING_DEFAULTS.snapshotEvery, edges: [1, 2, SNAPSHOT_NEVER], min: 1, max: 50, why: 'delta chain length recovery must follow' },
  { name: 'retainBatches', flag: '--retain-batches', engineDefault: STREAMING_DEFAULTS.retainBatches, edges: [0, 1, 2], min: 0, max: 40, why: 'what retention deletes; which older versions recovery can fall back to' },
  { name: 'executors', flag: '--executors', engineDefault: 0, edges: [0, 2], min: 0, max: 2, why: 'tasks in executor processes that can be killed; drawn in process mode, simulation runs tasks in-process' },
];

export function knob(name: KnobName): Knob {
  return KNOBS.find((k) => k.name === name)!;
}

/**
 * Draws a knob: its default (weight 2), an edge value (3) or any value of its range (3). With cross
 * shrinking a failing value first tries the default, then shrinks inside its own group.
 */
export function knobArb(k: Knob, limit: { max?: number } = {}): fc.Arbitrary<number> {
  const max = Math.min(k.max, limit.max ?? k.max);
  const edges = k.edges.filter((e) => limit.max === undefined || e <= limit.max);
  const options: Array<fc.WeightedArbitrary<number>> = [{ arbitrary: fc.constant(Math.min(k.engineDefault, max)), weight: 2 }];
  if (edges.length) options.push({ arbitrary: fc.constantFrom(...edges), weight: 3 });
  options.push({ arbitrary: fc.integer({ min: k.min, max }), weight: 3 });
  return fc.oneof({ withCrossShrink: true }, ...options);
}

/** The knob's value in a trial's config, with the engine default where a replay file from before this knob has none. */
export function knobValue(config: TrialConfig, k: Knob): number {
  return config[k.name] ?? k.engineDefault;
}
