/** A streaming scenario is a streaming job (engine/job/streaming-job.ts), bundled with the package. */
export type { InputKnobs, StreamingJob as StreamingScenario } from '../../engine/job/index.js';
