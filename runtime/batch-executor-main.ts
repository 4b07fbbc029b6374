/** Process entry of a batch executor: the engine's executor loop, with the runtime's job loader. */
import { serveBatchExecutor } from '../engine/batch/serve-executor.js';
import { loadBatchJob } from './jobs.js';

serveBatchExecutor(loadBatchJob);
