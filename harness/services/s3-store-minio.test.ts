/**
 * What only a server that enforces conditional writes can show: MinIO fences a zombie writer of
 * write-once checkpoint files. Runs where a container runtime exists (CI); reports itself skipped
 * with the reason elsewhere.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FencedWriteError, S3CheckpointStore } from '../../engine/checkpoint/s3-store.js';
import { getJson, putJson } from '../../engine/checkpoint/checked.js';
import { SimulatedCrash } from '../../engine/errors.js';
import { Failpoints, parseFailpoints, simulatedCrash } from '../../engine/failpoints.js';
import { detectContainerRuntime } from './container-runtime.js';
import type { S3Config } from '../../engine/checkpoint/s3-config.js';

const runtime = await detectContainerRuntime();
if (!runtime.available) {
  console.warn(`SKIPPED S3 store fencing on MinIO — ${runtime.reason}`);
  describe.skip(`S3 store fencing on MinIO — skipped: ${runtime.reason}`, () => {
    it('fences a zombie writer of write-once files', () => {});
  });
} else {
  const { MinioContainer } = await import('@testcontainers/minio');
  const { MINIO_IMAGE } = await import('./containers.js');
  let minio: Awaited<ReturnType<InstanceType<typeof MinioContainer>['start']>> | undefined;
  beforeAll(async () => {
    minio = await new MinioContainer(MINIO_IMAGE).start();
  }, 180_000);
  afterAll(async () => {
    await minio?.stop();
  });
  const config = (prefix: string): S3Config => ({
    endpoint: minio!.getConnectionUrl(),
    accessKey: minio!.getUsername(),
    secretKey: minio!.getPassword(),
    bucket: 'fencing',
    prefix,
  });

  describe('S3 store fencing on MinIO', () => {
    it('enforces If-None-Match: a zombie cannot overwrite a write-once file with other content', async () => {
      const prefix = `z/${randomUUID()}`;
      const current = await S3CheckpointStore.open(config(prefix), { failpoints: Failpoints.disarmed() });
      const zombie = await S3CheckpointStore.open(config(prefix), { failpoints: Failpoints.disarmed() });
      try {
        expect(current.conditionalWrites).toBe(true);
        await putJson(current, 'commits/5', { batch: 5, by: 'current' }, 'commits');
        await expect(putJson(zombie, 'commits/5', { batch: 5, by: 'zombie' }, 'commits')).rejects.toBeInstanceOf(FencedWriteError);
        expect(await getJson(current, 'commits/5')).toEqual({ batch: 5, by: 'current' });
        // the same content again (a replay) is not a conflict
        await putJson(zombie, 'commits/5', { batch: 5, by: 'current' }, 'commits');
        // overwritable kinds are not fenced
        await putJson(current, 'state/0/0/1.delta', { v: 1 }, 'state');
        await putJson(zombie, 'state/0/0/1.delta', { v: 2 }, 'state');
        expect(await getJson(current, 'state/0/0/1.delta')).toEqual({ v: 2 });
      } finally {
        await current.destroy();
        await current.close();
        await zombie.close();
      }
    });

    it('a torn write-once file is replaced by the next writer, not fenced', async () => {
      const prefix = `t/${randomUUID()}`;
      const tearing = await S3CheckpointStore.open(config(prefix), { failpoints: new Failpoints(parseFailpoints('offsets.write:tear'), simulatedCrash) });
      await expect(putJson(tearing, 'offsets/7', { batch: 7 }, 'offsets')).rejects.toBeInstanceOf(SimulatedCrash);
      await tearing.close();
      const next = await S3CheckpointStore.open(config(prefix), { failpoints: Failpoints.disarmed() });
      try {
        await putJson(next, 'offsets/7', { batch: 7, again: true }, 'offsets');
        expect(await getJson(next, 'offsets/7')).toEqual({ batch: 7, again: true });
      } finally {
        await next.destroy();
        await next.close();
      }
    });
  });
}
