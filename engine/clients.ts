/**
 * The engine's S3 and Kafka face for runners and the harness (kept apart from engine/index.ts
 * because loading these clients costs ~0.5-1 s): the S3 checkpoint store and object layer, and the
 * Kafka sink's topic reader.
 */
export { S3CheckpointStore } from './checkpoint/s3-store.js';
export { S3Objects, StorageUnavailableError } from './checkpoint/s3-objects.js';
export { readKafkaOutputRows } from './sinks/kafka-sink.js';
