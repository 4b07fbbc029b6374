/**
 * The job-author API: everything a job module needs, and nothing about how a run is driven.
 * Exported from the package root, so a user's job is written exactly as the bundled scenarios are:
 *
 *   import { defineStreamingJob, map, runningAggregate } from 'checkpoint-chaos';
 *   export default defineStreamingJob({ name: 'clicks', description: '...', generate, buildQuery });
 */
export { defineStreamingJob, DEFAULT_KNOBS, type StreamingJob, type StreamingJobDefinition, type InputKnobs, type JobInfo, type JobModel, type ModelInput, type ModelBatch, type Row } from './streaming-job.js';
export { defineBatchJob, type BatchJob, type BatchJobDefinition, type BatchParams, type BatchInput, type BatchPlan } from './batch-job.js';
export {
  map,
  filter,
  flatMap,
  runningAggregate,
  windowCount,
  windowsOf,
  staticJoin,
  dropDuplicates,
  sessionWindowCount,
  mapGroupsWithState,
  behindWatermark,
  OUTPUT_MODES,
  type OutputMode,
  type RunningAggregateSpec,
  type RunningAggregateOptions,
  type WindowSpec,
  type WindowCountOptions,
  type DropDuplicatesOptions,
  type GroupState,
  type GroupStateFunction,
} from '../streaming/operators.js';
export type { Element, Stage, StageContext, StreamingQuery, KeyedState } from '../streaming/query.js';
export type { InputEvent } from '../sources/partitioned-log.js';
export type { JsonValue } from '../streaming/source.js';
export { rng, randInt, skewedInt, partitionOf, hashString } from '../streaming/random.js';
export { mulberry32 } from '../random.js';
export { BatchContext } from '../batch/context.js';
export { Dataset } from '../batch/dataset.js';
export { HashPartitioner, hashKey, type Key } from '../batch/keys.js';
export { UserError } from '../errors.js';
