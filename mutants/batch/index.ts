/**
 * Batch mutants: known-bad variants of the batch engine's reliable checkpoint (one step of
 * engine/batch/checkpoint-steps.ts each), from real bug classes. `batchSteps(name)` gives the
 * steps a context runs with; the streaming registry (../index.ts) lists these too.
 */
import { correctBatchSteps, type BatchCheckpointSteps } from '../../engine/batch/checkpoint-steps.js';
import { manifestBeforeParts } from './manifest-before-parts.js';
import { reusePartialCheckpoint } from './reuse-partial-checkpoint.js';
import { shuffleReusedAfterLoss } from './shuffle-reused-after-loss.js';
import { cutBeforeDurable } from './cut-before-durable.js';
import { checkpointDiffers } from './checkpoint-differs.js';
import type { BatchMutant } from './types.js';

export type { BatchMutant } from './types.js';

export const batchMutants: Record<string, BatchMutant> = {
  'batch-manifest-before-parts': manifestBeforeParts,
  'batch-reuse-partial-checkpoint': reusePartialCheckpoint,
  'batch-shuffle-reused-after-loss': shuffleReusedAfterLoss,
  'batch-cut-before-durable': cutBeforeDurable,
  'batch-checkpoint-differs': checkpointDiffers,
};

/** The checkpoint steps of batch mutant `name` (the correct ones when undefined or not a batch mutant). */
export function batchSteps(name: string | undefined): BatchCheckpointSteps {
  const m = name === undefined ? undefined : batchMutants[name];
  return m ? m.applyBatch(correctBatchSteps) : correctBatchSteps;
}
