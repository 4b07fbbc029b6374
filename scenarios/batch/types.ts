/**
 * What a batch scenario module exports. The same module runs in the driver and in every executor
 * process: `build` must create the same graph (same datasets in the same order) from the same
 * input, and must not run actions — the driver runs the job on the returned dataset.
 */
import type { ScenarioInfo } from '../types.js';
import type { BatchContext } from '../../engine/batch/context.js';
import type { Dataset } from '../../engine/batch/dataset.js';

/** Scenario-specific knobs, all numbers (e.g. partitions, iterations, checkpointEvery). */
export type BatchParams = Record<string, number>;

export interface BatchInput {
  seed: number;
  /** Scale of the generated input (pages, lines, ...). */
  size: number;
  /** Complete params: the scenario's defaults overlaid with the caller's. */
  params: BatchParams;
}

export interface BatchJob<Row> {
  /** The final dataset; its rows are the job's output. */
  dataset: Dataset<Row>;
  /** The action the driver runs on it: write the rows as JSON lines to the output directory. */
  action: 'saveAsJsonLines';
}

export interface BatchScenario<Row = unknown> extends ScenarioInfo {
  kind: 'batch';
  /** Default size and params; callers override any of them. */
  defaults: { size: number; params: BatchParams };
  build(ctx: BatchContext, input: BatchInput): BatchJob<Row>;
  /**
   * Spark's spark.checkpoint.checkpointAllMarkedAncestors for this job's context (default false:
   * one action checkpoints only the last marked dataset of its lineage).
   */
  checkpointAllMarkedAncestors?: boolean;
  /** The same result computed with plain loops and no engine: the oracle for chaos trials. */
  referenceResult(seed: number, size: number, params?: Partial<BatchParams>): Row[];
}
