/** A known-bad variant of the batch engine's reliable checkpoint: one step of BatchCheckpointSteps broken. */
import type { BatchCheckpointSteps } from '../../engine/batch/checkpoint-steps.js';
import type { FaultKind } from './fault-kinds.js';

export interface BatchMutant {
  kind: 'batch';
  /** What is broken, one line. */
  description: string;
  /** The real bug class it reproduces, one line. */
  realWorld: string;
  /** 'process': only observable with real executor processes (an executor killed for real). */
  needs?: 'process';
  /** The fault kinds that expose it (the hunt spends its budget on these). */
  faultKinds?: FaultKind[];
  applyBatch(base: BatchCheckpointSteps): BatchCheckpointSteps;
}
