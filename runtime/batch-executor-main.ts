/**
 * Process entry of a batch executor: the engine's executor loop, with the runtime's job loader and
 * the driver's checkpoint steps (a batch mutant of the driver reaches its executors through the
 * inherited env CHAOS_MUTANT, so they break the same step).
 */
import { serveBatchExecutor } from '../engine/batch/serve-executor.js';
import { loadBatchJob } from './jobs.js';
import { batchStepsFor } from './compose.js';

serveBatchExecutor(loadBatchJob, batchStepsFor(process.env.CHAOS_MUTANT || undefined));
