/** The batch engine's public surface. */
export { BatchContext, newRunId, type BatchContextOptions } from './context.js';
export { Dataset, type CheckpointMark } from './dataset.js';
export { HashPartitioner, hashKey, type Key } from './keys.js';
export { JobAbortedError } from './scheduler.js';
export { LocalCheckpointLostError } from './task-context.js';
export { MissingCheckpointPartError } from './checkpoint-files.js';
export { runBatchJob, type BatchRunOptions, type BatchRunResult } from './run.js';
export { readJsonLinesOutput, canonicalLines, type OutputSummary } from './output.js';
