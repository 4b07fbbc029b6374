/**
 * resolveServices on this machine (no Docker): local s3rver as its own process with kill/restart
 * handles, auto falling back to local and saying why, clear errors for what cannot run here, and
 * external endpoints from the environment.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveServices, type Services } from './index.js';
import { S3CheckpointStore } from '../../engine/clients.js';
import { Failpoints } from '../../engine/index.js';
import { getJson, putJson } from '../../engine/index.js';
import { UserError } from '../../engine/index.js';
import { S3rverProcess } from './s3rver-process.js';
import { runtimeHint } from './container-runtime.js';

const opened: Services[] = [];
const lines: string[] = [];
const log = (line: string) => lines.push(line);
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  lines.length = 0;
});

/** Run `f` as on a machine where `npm run services:install` never ran (an empty install root). */
async function withNothingInstalled<T>(f: () => Promise<T>): Promise<T> {
  const saved = process.env.CHAOS_SERVICES_DIR;
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-no-services-'));
  process.env.CHAOS_SERVICES_DIR = empty;
  try {
    return await f();
  } finally {
    if (saved === undefined) delete process.env.CHAOS_SERVICES_DIR;
    else process.env.CHAOS_SERVICES_DIR = saved;
    fs.rmSync(empty, { recursive: true, force: true });
  }
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function storeFor(s: Services, sub: string): Promise<S3CheckpointStore> {
  const info = s.summary.s3!;
  return S3CheckpointStore.open(
    {
      endpoint: info.endpoint,
      accessKey: s.env.CHAOS_S3_ACCESS_KEY!,
      secretKey: s.env.CHAOS_S3_SECRET_KEY!,
      bucket: info.bucket,
      prefix: `${info.prefix}/${sub}`,
      retry: { attempts: 30, attemptTimeoutMs: 1000, totalTimeoutMs: 15_000, baseDelayMs: 50, maxDelayMs: 300 },
    },
    { failpoints: Failpoints.disarmed() },
  );
}

describe('resolveServices --services local', () => {
  it('runs s3rver as its own process, tells engines how to reach it, and can kill and restart it on the same data', async () => {
    const s = await resolveServices({ services: 'local', store: 's3', source: 'log', sink: 'files', s3Server: 's3rver', log });
    opened.push(s);
    expect(s.summary).toMatchObject({ requested: 'local', picked: 'local', store: 's3' });
    expect(s.summary.s3).toMatchObject({ server: 's3rver', bucket: 'chaos', conditionalWrites: false });
    expect(s.summary.notes.join(' ')).toMatch(/ignores If-None-Match.*fencing not verifiable here/);
    expect(s.engineArgs).toEqual(['--store', 's3', '--s3-endpoint', s.summary.s3!.endpoint, '--s3-bucket', 'chaos', '--s3-prefix', s.summary.s3!.prefix]);
    expect(s.env).toEqual({ CHAOS_S3_ACCESS_KEY: 'S3RVER', CHAOS_S3_SECRET_KEY: 'S3RVER' });
    expect(s.engineArgs.join(' ')).not.toContain('S3RVER'); // secrets never on the command line
    expect(lines.some((l) => l.includes('services local'))).toBe(true);

    const store = await storeFor(s, 'handle-test');
    try {
      await putJson(store, 'offsets/0', { b: 0 }, 'offsets');
      await s.storage!.kill();
      const down = await S3CheckpointStore.open(
        { endpoint: s.summary.s3!.endpoint, accessKey: 'S3RVER', secretKey: 'S3RVER', bucket: 'chaos', prefix: 'x', retry: { attempts: 1 } },
        { failpoints: Failpoints.disarmed() },
      ).catch((e: unknown) => e);
      expect(down).toBeInstanceOf(UserError);
      await s.storage!.restart();
      expect(await getJson(store, 'offsets/0')).toEqual({ b: 0 });
    } finally {
      await store.close();
    }
  });

  it('close() stops the s3rver process (idempotently)', async () => {
    const s = await resolveServices({ services: 'local', store: 's3', source: 'log', sink: 'files', s3Server: 's3rver', log });
    const desc = s.description;
    const pid = Number(/pid (\d+)/.exec(desc)?.[1]);
    expect(alive(pid)).toBe(true);
    await s.close();
    await s.close(); // idempotent
    expect(alive(pid)).toBe(false);
  });

  it('needs no process at all for fs stores', async () => {
    const s = await resolveServices({ services: 'local', store: 'fs', source: 'log', sink: 'files', log });
    opened.push(s);
    expect(s.engineArgs).toEqual([]);
    expect(s.storage).toBeUndefined();
  });

  it('refuses Kafka when the broker is not installed, naming the install command and what else would work', async () => {
    const err = await withNothingInstalled(() => resolveServices({ services: 'local', store: 'fs', source: 'kafka', sink: 'files', log })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/needs the Kafka broker, not installed: run npm run services:install .*CHAOS_KAFKA_BROKERS.*--services containers/);
  });

  it('uses s3rver, saying why, when SeaweedFS is not installed', async () => {
    const s = await withNothingInstalled(() => resolveServices({ services: 'local', store: 's3', source: 'log', sink: 'files', log }));
    opened.push(s);
    expect(s.summary.s3).toMatchObject({ server: 's3rver', conditionalWrites: false });
    expect(s.summary.notes.join(' ')).toContain('SeaweedFS not installed: run npm run services:install; s3rver is the embedded default');
  });
});

const hint = runtimeHint();
const noRuntimeTitle =
  hint === undefined
    ? 'resolveServices without a container runtime (this machine)'
    : `resolveServices without a container runtime (SKIPPED: a container runtime may exist here — ${hint})`;
// The default reporter does not print skipped tests' names off a TTY: say why in the log too.
if (hint !== undefined) console.warn(`harness/services/services.test.ts: ${noRuntimeTitle}`);
describe.skipIf(hint !== undefined)(noRuntimeTitle, () => {
  it('auto picks local and says why, on stderr and in the summary', async () => {
    const s = await withNothingInstalled(() => resolveServices({ services: 'auto', store: 's3', source: 'log', sink: 'files', log }));
    opened.push(s);
    expect(s.summary.picked).toBe('local');
    expect(s.summary.reason).toMatch(/^auto: SeaweedFS not installed: run npm run services:install; no container runtime/);
    expect(lines.join('\n')).toMatch(/services local — auto: SeaweedFS not installed: run npm run services:install; no container runtime/);
  });

  it('containers is a usage error that names the fix', async () => {
    const err = await resolveServices({ services: 'containers', store: 's3', source: 'log', sink: 'files', log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/needs a container runtime: no container runtime.*Start Docker, or use --services local/);
  });
});

describe('resolveServices --services external', () => {
  const keys = ['CHAOS_S3_ENDPOINT', 'CHAOS_S3_ACCESS_KEY', 'CHAOS_S3_SECRET_KEY', 'CHAOS_S3_BUCKET'] as const;
  afterEach(() => {
    for (const k of keys) delete process.env[k];
  });

  it('names every missing variable', async () => {
    const err = await resolveServices({ services: 'external', store: 's3', source: 'log', sink: 'files', log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain('CHAOS_S3_ENDPOINT, CHAOS_S3_ACCESS_KEY, CHAOS_S3_SECRET_KEY, CHAOS_S3_BUCKET');
  });

  it('uses the endpoint from the environment and removes its run prefix on close', async () => {
    const server = await S3rverProcess.start({ buckets: ['ext-bucket'] });
    try {
      Object.assign(process.env, { CHAOS_S3_ENDPOINT: server.endpoint, CHAOS_S3_ACCESS_KEY: 'S3RVER', CHAOS_S3_SECRET_KEY: 'S3RVER', CHAOS_S3_BUCKET: 'ext-bucket' });
      const s = await resolveServices({ services: 'external', store: 's3', source: 'log', sink: 'files', log });
      expect(s.summary).toMatchObject({ picked: 'external', s3: { server: 'external', endpoint: server.endpoint, bucket: 'ext-bucket' } });
      const store = await storeFor(s, 'run');
      await putJson(store, 'metadata', { q: 1 }, 'metadata');
      await store.close();
      const bucketDir = `${server.directory}/ext-bucket/${s.summary.s3!.prefix}`;
      expect(fs.existsSync(bucketDir)).toBe(true);
      await s.close();
      const after = await storeFor(s, 'run');
      expect(await after.list('')).toEqual([]);
      await after.close();
    } finally {
      await server.stop();
    }
  });

  it('a bad endpoint is a clear error naming it', async () => {
    Object.assign(process.env, { CHAOS_S3_ENDPOINT: 'http://127.0.0.1:1', CHAOS_S3_ACCESS_KEY: 'a', CHAOS_S3_SECRET_KEY: 'b', CHAOS_S3_BUCKET: 'bucket' });
    const err = await resolveServices({ services: 'external', store: 's3', source: 'log', sink: 'files', log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain('cannot reach S3 endpoint http://127.0.0.1:1');
  });
});
