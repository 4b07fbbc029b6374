/**
 * A write-once checkpoint file (metadata, offsets/N, commits/N) was already published by another
 * writer with different content: this writer is stale — a zombie of an earlier attempt, or a second
 * engine started on the same checkpoint — and must stop before it writes anything else. This is
 * how Spark's commit and offset logs refuse a second concurrent writer (HDFS rename without
 * overwrite), and how an S3 checkpoint does it with `If-None-Match: *`. Thrown by the fs store
 * (fs-store.ts) and the S3 store (s3-store.ts); an engine that gets it exits 1.
 */
export class FencedWriteError extends Error {
  readonly key: string;
  /** `message` replaces the checkpoint-file wording for other fenced writes (a Kafka producer epoch). */
  constructor(key: string, location: string, message?: string) {
    super(
      message ??
        `fenced: another writer already published checkpoint file ${key} at ${location} with different content; ` +
          'this writer is stale (a zombie of an earlier attempt, or a second engine on the same checkpoint) and stops. Run one query per checkpoint location at a time.',
    );
    this.name = 'FencedWriteError';
    this.key = key;
  }
}

/** The kinds of checkpoint file that are written once per key and fenced on every store. */
export const WRITE_ONCE_KINDS = ['metadata', 'offsets', 'commits'] as const;
