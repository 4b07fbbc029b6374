/** A batch scenario is a batch job (engine/job/batch-job.ts), bundled with the package. */
export type { BatchParams, BatchInput, BatchPlan as BatchJob, BatchJob as BatchScenario } from '../../engine/job/index.js';
