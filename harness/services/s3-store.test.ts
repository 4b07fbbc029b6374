/**
 * What only the S3 store has: pointer/object layout, orphan cleanup, the conditional-write probe,
 * and clear configuration errors for endpoints that are wrong, closed or silent. Runs on s3rver.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3CheckpointStore } from '../../engine/checkpoint/s3-store.js';
import { CorruptCheckpointError } from '../../engine/checkpoint/codec.js';
import { getJson, putJson } from '../../engine/checkpoint/checked.js';
import { UserError, SimulatedCrash } from '../../engine/errors.js';
import { Failpoints, parseFailpoints, simulatedCrash } from '../../engine/failpoints.js';
import { startS3rverServer, type RunningS3rver } from './s3rver-server.js';
import type { S3Config } from '../../engine/checkpoint/s3-config.js';
import { freePort } from '../../engine/test-support/os-probes.js';

let s3rver: RunningS3rver;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's3-store-'));
beforeAll(async () => {
  s3rver = await startS3rverServer({ directory: dir, buckets: ['stores'] });
});
afterAll(async () => {
  await s3rver.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const config = (over: Partial<S3Config> = {}): S3Config => ({
  endpoint: s3rver.endpoint,
  accessKey: 'S3RVER',
  secretKey: 'S3RVER',
  bucket: 'stores',
  prefix: `t/${randomUUID()}`,
  ...over,
});
const disarmed = () => ({ failpoints: Failpoints.disarmed() });

describe('S3CheckpointStore on s3rver', () => {
  it('probes conditional writes at open: s3rver ignores If-None-Match, so conditionalWrites is false', async () => {
    const store = await S3CheckpointStore.open(config(), disarmed());
    try {
      expect(store.conditionalWrites).toBe(false);
      expect(store.location).toMatch(/^s3:\/\/stores\/t\//);
      expect(await store.list('')).toEqual([]); // the probe object is gone and was never a key
    } finally {
      await store.destroy();
      await store.close();
    }
  });

  it('keeps data in unique immutable objects and publishes through pointers', async () => {
    const cfg = config();
    const store = await S3CheckpointStore.open(cfg, disarmed());
    try {
      await putJson(store, 'state/0/0/1.snapshot', { v: 1 }, 'state');
      await putJson(store, 'state/0/0/1.snapshot', { v: 2 }, 'state');
      const names = (await store.objects.list(`${cfg.prefix}/`)).map((o) => o.name.slice(cfg.prefix.length + 1)).sort();
      expect(names.filter((n) => n.startsWith('pointers/'))).toEqual(['pointers/state/0/0/1.snapshot']);
      const objects = names.filter((n) => n.startsWith('objects/'));
      expect(objects).toHaveLength(2);
      expect(new Set(objects).size).toBe(2);
      expect(await getJson(store, 'state/0/0/1.snapshot')).toEqual({ v: 2 });
    } finally {
      await store.destroy();
      await store.close();
    }
  });

  it('orphans of killed attempts are invisible and cleanOrphans removes them, keeping every published object', async () => {
    const cfg = config();
    const crashing = await S3CheckpointStore.open(cfg, {
      failpoints: new Failpoints(parseFailpoints('offsets.before-rename:2:crash'), simulatedCrash),
    });
    await putJson(crashing, 'offsets/0', { b: 0 }, 'offsets');
    await expect(putJson(crashing, 'offsets/1', { b: 1 }, 'offsets')).rejects.toBeInstanceOf(SimulatedCrash);
    await crashing.close();

    const store = await S3CheckpointStore.open(cfg, disarmed());
    try {
      await putJson(store, 'metadata', { id: 'a' }, 'state');
      await putJson(store, 'metadata', { id: 'b' }, 'state'); // the first version becomes unreferenced
      expect(await store.list('')).toEqual(['metadata', 'offsets/0']);
      expect(await store.get('offsets/1')).toBeUndefined();

      const young = await store.cleanOrphans(); // default grace keeps fresh objects: a writer may be mid-put
      expect(young.removed).toEqual([]);
      const { removed } = await store.cleanOrphans({ graceMs: 0 });
      expect(removed).toHaveLength(2);
      expect(removed.some((n) => n.includes('/objects/offsets/1~'))).toBe(true);
      expect(removed.some((n) => n.includes('/objects/metadata~'))).toBe(true);
      expect(await getJson(store, 'offsets/0')).toEqual({ b: 0 });
      expect(await getJson(store, 'metadata')).toEqual({ id: 'b' });
      expect((await store.objects.list(`${cfg.prefix}/objects/`)).length).toBe(2);
    } finally {
      await store.destroy();
      await store.close();
    }
  });

  it('a torn object is reported as corrupt, naming the key and the torn object', async () => {
    const cfg = config();
    const tearing = await S3CheckpointStore.open(cfg, {
      failpoints: new Failpoints(parseFailpoints('commits.write:tear'), simulatedCrash),
    });
    await expect(putJson(tearing, 'commits/3', { batch: 3 }, 'commits')).rejects.toBeInstanceOf(SimulatedCrash);
    await tearing.close();
    const store = await S3CheckpointStore.open(cfg, disarmed());
    try {
      const err = await store.get('commits/3').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CorruptCheckpointError);
      expect((err as Error).message).toMatch(/commits\/3.*torn write/);
    } finally {
      await store.destroy();
      await store.close();
    }
  });

  it('rejects keys it could not keep apart from its own object names', async () => {
    const store = await S3CheckpointStore.open(config(), disarmed());
    try {
      await expect(store.put('a~b', Buffer.from('x'), { kind: 'state' })).rejects.toThrow(/invalid checkpoint key/);
      await expect(store.put('../x', Buffer.from('x'), { kind: 'state' })).rejects.toThrow(/invalid checkpoint key/);
      await expect(store.get('/abs')).rejects.toThrow(/invalid checkpoint key/);
    } finally {
      await store.close();
    }
  });
});

describe('S3CheckpointStore configuration errors (clear, exit 2, never a hang)', () => {
  const quick = { attempts: 2, attemptTimeoutMs: 300, totalTimeoutMs: 1_500, baseDelayMs: 20 };

  it('a closed port: names the endpoint and the fix', async () => {
    const port = await freePort();
    const err = await S3CheckpointStore.open(config({ endpoint: `http://127.0.0.1:${port}`, retry: quick }), disarmed()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    expect((err as Error).message).toContain(`cannot reach S3 endpoint http://127.0.0.1:${port}`);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
    expect((err as Error).message).toMatch(/--s3-endpoint|CHAOS_S3_ENDPOINT/);
  });

  it('a listener that accepts and never answers: a deadline error, not a hang', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((s) => held.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const err = await S3CheckpointStore.open(config({ endpoint: `http://127.0.0.1:${port}`, retry: quick }), disarmed()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toContain(`cannot reach S3 endpoint http://127.0.0.1:${port}`);
      expect((err as Error).message).toMatch(/no answer from|did not finish within/);
    } finally {
      held.forEach((s) => s.destroy());
      silent.close();
    }
  });

  it('wrong credentials are named as such', async () => {
    const err = await S3CheckpointStore.open(config({ accessKey: 'WRONG', secretKey: 'WRONG' }), disarmed()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/rejected the credentials/);
  });

  it('bad endpoint URLs and bucket names are usage errors before any request', async () => {
    await expect(S3CheckpointStore.open(config({ endpoint: 'localhost:9000' }), disarmed())).rejects.toThrow(/bad S3 endpoint "localhost:9000"/);
    await expect(S3CheckpointStore.open(config({ endpoint: 'ftp://h:1' }), disarmed())).rejects.toThrow(/scheme must be http or https/);
    await expect(S3CheckpointStore.open(config({ endpoint: 'http://h:1/bucket' }), disarmed())).rejects.toThrow(/must not contain a path/);
    await expect(S3CheckpointStore.open(config({ bucket: 'ab' }), disarmed())).rejects.toThrow(/bad S3 bucket name "ab"/);
    await expect(S3CheckpointStore.open(config({ bucket: 'Upper_Case' }), disarmed())).rejects.toBeInstanceOf(UserError);
  });
});
