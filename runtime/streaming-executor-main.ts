/** Process entry of a streaming executor: the engine's executor loop, with the runtime's job loader. */
import { serveStreamingExecutor } from '../engine/streaming/executors/serve-executor.js';
import { loadStreamingJob } from './jobs.js';

serveStreamingExecutor(loadStreamingJob);
