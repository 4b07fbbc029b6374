/**
 * A checkpoint store as plain data, so an executor process can open the same store as its driver:
 * a directory, or an S3 location (endpoint, bucket, prefix, region, retry policy). S3 credentials
 * never travel in the message: executors inherit CHAOS_S3_ACCESS_KEY / CHAOS_S3_SECRET_KEY from
 * the driver's environment (engine/executors/child-executor.ts keeps them).
 */
import type { CheckpointStore, PutOptions } from '../checkpoint/store.js';
import type { S3CheckpointStore } from '../checkpoint/s3-store.js';
import type { Failpoints } from '../failpoints.js';
import type { EventSink } from '../events.js';
import type { RetryPolicy } from '../io/retry.js';
import { FsCheckpointStore } from '../checkpoint/fs-store.js';
import { UserError } from '../errors.js';

export type StoreRef =
  | { backend: 'fs'; location: string }
  | { backend: 's3'; endpoint: string; bucket: string; prefix: string; region?: string; retry?: Partial<RetryPolicy> };

/** The ref of a store an executor process can open itself; a UserError for stores it cannot (memory). */
export function storeRefOf(store: CheckpointStore): StoreRef {
  if (store.backend === 'fs') return { backend: 'fs', location: store.location };
  if (store.backend === 's3') {
    const s3 = store as S3CheckpointStore;
    return {
      backend: 's3',
      endpoint: s3.endpoint,
      bucket: s3.bucket,
      prefix: s3.prefix,
      ...(s3.region !== undefined ? { region: s3.region } : {}),
      ...(s3.retry !== undefined ? { retry: s3.retry } : {}),
    };
  }
  throw new UserError(`executor processes need a checkpoint store they can open themselves (a directory or S3); the ${store.backend} store works only with executors: 0`);
}

/**
 * The store a ref names, in an executor process. An S3 store is opened on first use (the S3 client
 * loads only then): the driver already checked the configuration, so an executor starting during an
 * S3 outage fails its task with StorageUnavailableError (retried; exit 1 when it persists) instead
 * of failing its start as a usage error.
 */
export function openStoreRef(ref: StoreRef, failpoints: Failpoints, events: EventSink, env: NodeJS.ProcessEnv = process.env): CheckpointStore {
  if (ref.backend === 'fs') return new FsCheckpointStore(ref.location, { failpoints });
  return new LazyS3Store(ref, () => openS3(ref, failpoints, events, env));
}

class LazyS3Store implements CheckpointStore {
  readonly backend = 's3' as const;
  readonly location: string;
  private opening: Promise<CheckpointStore> | undefined;

  constructor(private readonly ref: Extract<StoreRef, { backend: 's3' }>, private readonly open: () => Promise<CheckpointStore>) {
    this.location = `s3://${ref.bucket}/${ref.prefix}`;
  }

  private store(): Promise<CheckpointStore> {
    this.opening ??= this.open().catch(async (err: unknown) => {
      this.opening = undefined; // the next task tries again
      const { StorageUnavailableError } = await import('../checkpoint/s3-objects.js');
      throw err instanceof StorageUnavailableError ? err : new StorageUnavailableError(this.ref.endpoint, err);
    });
    return this.opening;
  }

  async put(key: string, data: Uint8Array, opts: PutOptions): Promise<void> {
    return (await this.store()).put(key, data, opts);
  }
  async get(key: string): Promise<Uint8Array | undefined> {
    return (await this.store()).get(key);
  }
  async list(prefix: string): Promise<string[]> {
    return (await this.store()).list(prefix);
  }
  async delete(keys: readonly string[]): Promise<void> {
    return (await this.store()).delete(keys);
  }
  async destroy(): Promise<void> {
    return (await this.store()).destroy();
  }
  async close(): Promise<void> {
    const opened = await this.opening?.catch(() => undefined);
    await opened?.close();
  }
}

async function openS3(ref: Extract<StoreRef, { backend: 's3' }>, failpoints: Failpoints, events: EventSink, env: NodeJS.ProcessEnv): Promise<CheckpointStore> {
  const { S3CheckpointStore } = await import('../checkpoint/s3-store.js');
  const { describeError } = await import('../io/retry.js');
  return S3CheckpointStore.open(
    {
      endpoint: ref.endpoint,
      bucket: ref.bucket,
      prefix: ref.prefix,
      accessKey: env.CHAOS_S3_ACCESS_KEY ?? '',
      secretKey: env.CHAOS_S3_SECRET_KEY ?? '',
      ...(ref.region !== undefined ? { region: ref.region } : {}),
      ...(ref.retry !== undefined ? { retry: ref.retry } : {}),
      // The driver opened the store (and created the bucket) before any executor started.
      createBucket: false,
    },
    {
      failpoints,
      // Executors write dataset parts only, never create-only kinds: no probe needed.
      probeConditionalWrites: false,
      onRetry: (info) => events.emit({ type: 'service.retry', service: 's3', what: info.what, attempt: info.attempt, delayMs: info.delayMs, error: describeError(info.error) }),
    },
  );
}
