/**
 * The fault proxy in front of a real S3 server (s3rver): latency is felt, a reset is a client error
 * that a retry gets past, a blackhole is a deadline error (never a hang) and the client recovers
 * when the link comes back.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TcpFaultProxy } from './tcp-fault-proxy.js';
import { startS3rverServer, type RunningS3rver } from '../../services/s3rver-server.js';
import { S3Objects, StorageUnavailableError } from '../../../engine/clients.js';
import { S3CheckpointStore } from '../../../engine/clients.js';
import { Failpoints } from '../../../engine/index.js';
import { getJson, putJson } from '../../../engine/index.js';
import type { RetryPolicy } from '../../../engine/index.js';

let s3rver: RunningS3rver;
let proxy: TcpFaultProxy;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-s3rver-'));
const clients: S3Objects[] = [];

beforeAll(async () => {
  s3rver = await startS3rverServer({ directory: dir, buckets: ['proxied'] });
  proxy = await TcpFaultProxy.start({ target: { host: '127.0.0.1', port: s3rver.port } });
});
afterAll(async () => {
  await proxy.close();
  await s3rver.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  proxy.pass();
  for (const c of clients.splice(0)) await c.close();
});

function client(retry: Partial<RetryPolicy>, onRetry?: (error: unknown) => void): S3Objects {
  const c = new S3Objects(
    { endpoint: `http://${proxy.address}`, accessKey: 'S3RVER', secretKey: 'S3RVER', bucket: 'proxied', prefix: '', retry },
    { onRetry: onRetry ? (info) => onRetry(info.error) : undefined },
  );
  clients.push(c);
  return c;
}

describe('TcpFaultProxy', () => {
  it('passes bytes both ways unchanged', async () => {
    const echo = net.createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const p = await TcpFaultProxy.start({ target: { host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port } });
    try {
      const sock = net.connect(p.port, '127.0.0.1');
      const payload = Buffer.alloc(200_000, 7);
      const received: Buffer[] = [];
      let total = 0;
      await new Promise<void>((resolve) => {
        sock.on('data', (b) => {
          received.push(b);
          total += b.length;
          if (total >= payload.length) resolve();
        });
        sock.write(payload);
      });
      sock.destroy();
      expect(Buffer.concat(received).equals(payload)).toBe(true);
      expect(p.stats().bytesUp).toBe(payload.length);
    } finally {
      await p.close();
      echo.close();
    }
  });

  it('latency: an S3 request through the proxy takes at least the injected delay', async () => {
    const c = client({});
    await c.put('lat/a', Buffer.from('x'));
    proxy.latency(150);
    const t0 = performance.now();
    const back = await c.get('lat/a');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    expect(back?.toString()).toBe('x');
  });

  it('reset: without retries the client gets a connection error; with retries the write succeeds after the reset window', async () => {
    const once = client({ attempts: 1 });
    proxy.reset();
    const err = await once.put('reset/a', Buffer.from('a')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect((err as Error).message).toMatch(/ECONNRESET|socket hang up|ECONNREFUSED|EPIPE/);

    const errors: unknown[] = [];
    const retrying = client({ attempts: 10, baseDelayMs: 40, maxDelayMs: 300, totalTimeoutMs: 10_000 }, (e) => errors.push(e));
    proxy.reset(300);
    await retrying.put('reset/b', Buffer.from('b'));
    expect(errors.length).toBeGreaterThan(0);
    expect((await retrying.get('reset/b'))?.toString()).toBe('b');
    expect(proxy.stats().reset).toBeGreaterThan(0);
  });

  it('blackhole: a request fails with a deadline error instead of hanging, and works again after the link is back', async () => {
    const c = client({ attempts: 2, attemptTimeoutMs: 300, totalTimeoutMs: 1_000, baseDelayMs: 20 });
    await c.put('bh/a', Buffer.from('before'));
    proxy.blackhole();
    const err = await c.get('bh/a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect((err as Error).message).toMatch(/did not finish within|no answer from/);
    expect((err as Error).message).toContain(`http://${proxy.address}`);
    proxy.pass();
    expect((await c.get('bh/a'))?.toString()).toBe('before');
  });

  it('blackhole for a while: the checkpoint store retries through it and the write lands exactly once', async () => {
    const store = await S3CheckpointStore.open(
      {
        endpoint: `http://${proxy.address}`,
        accessKey: 'S3RVER',
        secretKey: 'S3RVER',
        bucket: 'proxied',
        prefix: 'bh-store',
        retry: { attempts: 20, attemptTimeoutMs: 250, totalTimeoutMs: 10_000, baseDelayMs: 20, maxDelayMs: 200 },
      },
      { failpoints: Failpoints.disarmed() },
    );
    try {
      proxy.blackhole(700);
      await putJson(store, 'offsets/0', { batch: 0 }, 'offsets');
      expect(await getJson(store, 'offsets/0')).toEqual({ batch: 0 });
      expect(await store.list('offsets/')).toEqual(['offsets/0']);
      await store.destroy();
    } finally {
      await store.close();
    }
  });
});
