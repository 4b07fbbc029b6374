/**
 * The one interface every checkpoint backend implements (fs, memory, s3).
 *
 * It is shaped for the weakest backend, S3: objects are written whole and are immutable once
 * published; there is no rename and no directory. `put` publishes atomically (a reader sees the
 * whole object or nothing), so a protocol built on it never depends on rename. A multi-object
 * checkpoint (several partitions, several parts) becomes visible through a small manifest written
 * last; readers trust manifests, never listings of data objects (see manifest.ts).
 *
 * Keys are '/'-separated paths relative to the store's root (a checkpoint directory or an
 * S3 bucket prefix), e.g. `offsets/12` or `state/0/3/40.snapshot`.
 */
import type { Failpoints } from '../failpoints.js';

/** What a file is for; names the failpoints around its write: `<kind>.write`, `<kind>.before-rename`, `<kind>.written`. */
export type FileKind =
  | 'metadata'
  | 'offsets'
  | 'commits'
  | 'state'
  | 'snapshot'
  | 'manifest'
  | 'dataset'
  | 'sink'
  | 'source'
  | 'recovery-attempts';

export interface PutOptions {
  kind: FileKind;
}

export interface CheckpointStore {
  readonly backend: 'fs' | 'memory' | 's3';
  /** Where it lives, for messages: a path or `s3://bucket/prefix`. */
  readonly location: string;
  /**
   * Durably and atomically publish `data` under `key` (replacing an older object of that key).
   * When the promise resolves the object survives a crash of this process.
   * Hits failpoints `<kind>.write` (a `tear` action there leaves a partial object under `key`, then
   * crashes), `<kind>.before-rename` and `<kind>.written`.
   */
  put(key: string, data: Uint8Array, opts: PutOptions): Promise<void>;
  /** The object's bytes, or undefined when there is no such object. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** All keys that start with `prefix`, sorted. Temporary objects of unfinished writes are never listed. */
  list(prefix: string): Promise<string[]>;
  /** Delete objects; absent keys are ignored. */
  delete(keys: readonly string[]): Promise<void>;
  /** Remove everything under the store's root. */
  destroy(): Promise<void>;
  close(): Promise<void>;
}

/** Passed to store constructors so writes hit the named failpoints. */
export interface StoreContext {
  failpoints: Failpoints;
}
