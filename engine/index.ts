/**
 * The engine's public face for runners and the harness: what a program that runs, attacks or judges
 * the engine may use — errors, events, failpoints, checkpoint stores, the lazy filesystem, and the
 * two entry points `runStreamingQuery` / `runBatchJob`. Everything else in engine/ is internal.
 *
 * Job authors use the other face, engine/job/index.ts (exported from the package root).
 * The S3 and Kafka clients load ~0.5-1 s of modules, so they have their own face, engine/clients.ts,
 * imported only where a run uses those services.
 */
export { UserError, InjectedFault, SimulatedCrash } from './errors.js';
export { FdEventSink, MemoryEventSink, nullEventSink, parseEvents, type EngineEvent, type EngineEventType, type EventInput, type EventSink } from './events.js';
export { Failpoints, parseFailpoints, formatFailpoint, sigkillSelf, simulatedCrash, type FailpointSpec, type FailpointHit, type FailAction, type CrashHandler } from './failpoints.js';
export { Coverage, coverageArmed, COVERAGE_POINTS, COVERAGE_POINT_NAMES, type CoveragePoint } from './coverage.js';
export { STREAMING_FAILPOINTS, STREAMING_FAILPOINT_NAMES, type FailpointInfo } from './streaming/failpoint-names.js';
export type { CheckpointStore, PutOptions, FileKind } from './checkpoint/store.js';
export { FsCheckpointStore } from './checkpoint/fs-store.js';
export { MemoryCheckpointStore } from './checkpoint/memory-store.js';
export { getJson, putJson } from './checkpoint/checked.js';
export { CorruptCheckpointError } from './checkpoint/codec.js';
export { lazyFsIo, dropUnsyncedWrites } from './io/lazy-fs.js';
export { realFsIo, type FsIo } from './io/fs-io.js';
export { checkOutputDir, checkOutputFile } from './io/output-path.js';
export { withDeadline, DeadlineError, sleep } from './io/deadline.js';
export { describeError, type RetryPolicy } from './io/retry.js';
export { runStreamingQuery, type StreamingRunOptions, type StreamingRuntime, type StreamingInputKnobs } from './streaming/run.js';
export { correctProtocol, type StreamingProtocol } from './streaming/protocol.js';
export { STREAMING_DEFAULTS } from './streaming/options.js';
export { parseStateKey } from './streaming/state-store.js';
export { runBatchJob, type BatchRunOptions, type BatchRunResult } from './batch/run.js';
export { derivedKafkaTopics, keyOfPath, parseServiceFlags, SERVICE_FLAGS, type ServiceSelection } from './streaming/service-wiring.js';
export { mulberry32, hashString } from './random.js';
export { parseBrokers, validateTopic, validateKafkaConfig, kafkaCall, closeClient, KafkaUnavailableError, type KafkaConfig } from './kafka/kafka-config.js';
export type { StreamingJob, BatchJob, JobInfo, InputKnobs } from './job/index.js';
