/**
 * The store contract against every backend that can run: fs, memory, S3 on s3rver (here, always),
 * S3 on MinIO (when a container runtime exists; otherwise reported skipped with the reason).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { FsCheckpointStore } from '../../engine/checkpoint/fs-store.js';
import { MemoryCheckpointStore } from '../../engine/checkpoint/memory-store.js';
import { S3CheckpointStore } from '../../engine/checkpoint/s3-store.js';
import { describeStoreContract, type StoreFactory } from '../../engine/checkpoint/store.contract.js';
import { startS3rverServer, type RunningS3rver } from './s3rver-server.js';
import { detectContainerRuntime } from './container-runtime.js';
import type { S3Config } from '../../engine/checkpoint/s3-config.js';

describeStoreContract('fs', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contract-fs-'));
  return {
    open: async (failpoints) => new FsCheckpointStore(dir, { failpoints }),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

describeStoreContract('memory', async () => {
  const store = new MemoryCheckpointStore('memory://contract', { failpoints: undefined as never });
  return {
    open: async (failpoints) => {
      store.failpoints = failpoints;
      return store;
    },
    cleanup: async () => store.destroy(),
  };
});

/** One S3 endpoint per file; each test gets its own prefix, so tests stay independent. */
function s3Factory(config: () => Omit<S3Config, 'prefix'>): StoreFactory {
  return async () => {
    const base = { ...config(), prefix: `contract/${randomUUID()}` };
    return {
      open: (failpoints) => S3CheckpointStore.open(base, { failpoints }),
      cleanup: async () => {
        const { Failpoints } = await import('../../engine/failpoints.js');
        const s = await S3CheckpointStore.open(base, { failpoints: Failpoints.disarmed(), probeConditionalWrites: false });
        await s.destroy();
        await s.close();
      },
    };
  };
}

let s3rver: RunningS3rver | undefined;
const s3rverDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contract-s3rver-'));
beforeAll(async () => {
  s3rver = await startS3rverServer({ directory: s3rverDir, buckets: ['contract'] });
});
afterAll(async () => {
  await s3rver?.close();
  fs.rmSync(s3rverDir, { recursive: true, force: true });
});
describeStoreContract(
  's3 on s3rver',
  s3Factory(() => ({ endpoint: s3rver!.endpoint, accessKey: 'S3RVER', secretKey: 'S3RVER', bucket: 'contract' })),
);

// MinIO through Testcontainers, only where a container runtime exists.
const runtime = await detectContainerRuntime();
if (!runtime.available) {
  describeStoreContract('s3 on MinIO (Testcontainers)', { skip: runtime.reason });
} else {
  const { MinioContainer } = await import('@testcontainers/minio');
  let minio: Awaited<ReturnType<InstanceType<typeof MinioContainer>['start']>> | undefined;
  beforeAll(async () => {
    minio = await new MinioContainer('minio/minio:RELEASE.2025-04-22T22-12-26Z').start();
  }, 180_000);
  afterAll(async () => {
    await minio?.stop();
  });
  describeStoreContract(
    's3 on MinIO (Testcontainers)',
    s3Factory(() => ({
      endpoint: minio!.getConnectionUrl(),
      accessKey: minio!.getUsername(),
      secretKey: minio!.getPassword(),
      bucket: 'contract',
    })),
  );
}
