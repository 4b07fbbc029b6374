/**
 * A batch job: what a job module defines for the batch (RDD-style) engine. The same module runs in
 * the driver and in every executor process: `build` must create the same graph (same datasets in
 * the same order) from the same input, and must not run actions — the driver runs the job's action
 * on the returned dataset. Executors rebuild the graph from the module path the runner gives them.
 */
import type { BatchContext } from '../batch/context.js';
import type { Dataset } from '../batch/dataset.js';
import { checkJobInfo, type JobInfo } from './streaming-job.js';

/** Job-specific knobs, all numbers (e.g. partitions, iterations, checkpointEvery). */
export type BatchParams = Record<string, number>;

export interface BatchInput {
  seed: number;
  /** Scale of the generated input (pages, lines, ...). */
  size: number;
  /** Complete params: the job's defaults overlaid with the caller's. */
  params: BatchParams;
}

/** What `build` returns: the final dataset and the action the driver runs on it. */
export interface BatchPlan<Row> {
  /** The final dataset; its rows are the job's output. */
  dataset: Dataset<Row>;
  /** The action the driver runs on it: write the rows as JSON lines to the output directory. */
  action: 'saveAsJsonLines';
}

export interface BatchJob<Row = unknown> extends JobInfo {
  kind: 'batch';
  /** Default size and params; callers override any of them. */
  defaults: { size: number; params: BatchParams };
  build(ctx: BatchContext, input: BatchInput): BatchPlan<Row>;
  /**
   * Spark's spark.checkpoint.checkpointAllMarkedAncestors for this job's context (default false:
   * one action checkpoints only the last marked dataset of its lineage).
   */
  checkpointAllMarkedAncestors?: boolean;
  /** The same result computed with plain loops and no engine: the independent model for chaos trials. */
  referenceResult(seed: number, size: number, params?: Partial<BatchParams>): Row[];
}

export interface BatchJobDefinition<Row = unknown> {
  name: string;
  description: string;
  defaults: { size: number; params?: BatchParams };
  build(ctx: BatchContext, input: BatchInput): BatchPlan<Row>;
  /** See BatchJob.checkpointAllMarkedAncestors. */
  checkpointAllMarkedAncestors?: boolean;
  referenceResult(seed: number, size: number, params?: Partial<BatchParams>): Row[];
}

/** Declares a batch job; an invalid definition is a UserError naming the field. */
export function defineBatchJob<Row>(def: BatchJobDefinition<Row>): BatchJob<Row> {
  const bad = checkJobInfo(def, 'batch', 'defineBatchJob', { build: 'build(ctx, input)', referenceResult: 'referenceResult(seed, size, params)' });
  const size = def.defaults?.size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw bad('defaults.size must be a whole number >= 1');
  const params = { ...(def.defaults.params ?? {}) };
  for (const [k, v] of Object.entries(params)) if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`defaults.params.${k} must be a number`);
  return {
    name: def.name,
    kind: 'batch',
    description: def.description,
    defaults: { size, params },
    build: def.build,
    referenceResult: def.referenceResult,
    ...(def.checkpointAllMarkedAncestors ? { checkpointAllMarkedAncestors: true } : {}),
  };
}
