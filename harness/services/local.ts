/**
 * `--services local`: real services as local processes the harness owns — no Docker needed.
 *
 *   S3     SeaweedFS when installed (`npm run services:install`; enforces If-None-Match, so zombie
 *          writers are fenced), else s3rver, embedded and always available (fences nothing; the
 *          report says so). `s3Server` / CHAOS_LOCAL_S3=s3rver|seaweedfs picks one explicitly.
 *   Kafka  the installed Apache Kafka broker (KRaft, one node); without it a Kafka run is a usage
 *          error naming the install command.
 *
 * Each server runs in its own process group under a watchdog, so the nemesis can SIGKILL it and
 * restart it on the same data directory and address; close(), Ctrl-C, an uncaught error and even a
 * SIGKILLed harness take it down (see service-process.ts).
 */
import { UserError } from '../../engine/index.js';
import { makeTempDir, removeTempDir, trackChild, untrackChild } from '../process/registry.js';
import { TcpFaultProxy } from '../faults/proxy/tcp-fault-proxy.js';
import { S3rverProcess } from './s3rver-process.js';
import { NO_CONDITIONAL_WRITES_NOTE, probeS3, s3EngineArgs, s3EngineEnv } from './s3-args.js';
import { runPrefix } from './run-prefix.js';
import { onShutdown } from './cleanup.js';
import { findInstalled, NOT_INSTALLED } from './installed.js';
import { KafkaBroker } from './kafka-broker.js';
import { SeaweedFsServer } from './seaweedfs-server.js';
import type { LocalS3Server, ServiceHandle, ServiceRequest, Services } from './types.js';
import { baseServices } from './types.js';

export const LOCAL_BUCKET = 'chaos';

/** Which S3 server `--services local` runs for this request, and why. */
export function pickLocalS3(req: Pick<ServiceRequest, 's3Server'>, env: NodeJS.ProcessEnv = process.env): { server: LocalS3Server; why: string } {
  const asked = req.s3Server ?? (env.CHAOS_LOCAL_S3?.trim() as LocalS3Server | undefined);
  if (asked !== undefined && asked !== 's3rver' && asked !== 'seaweedfs') {
    throw new UserError(`CHAOS_LOCAL_S3 "${String(asked)}" is not one of: seaweedfs, s3rver`);
  }
  const installed = findInstalled('seaweedfs', env);
  if (asked === 'seaweedfs' && !installed) throw new UserError(`SeaweedFS ${NOT_INSTALLED} (or use s3rver: unset CHAOS_LOCAL_S3)`);
  if (asked) return { server: asked, why: `${asked} asked for` };
  return installed
    ? { server: 'seaweedfs', why: `SeaweedFS ${installed.version} installed` }
    : { server: 's3rver', why: `SeaweedFS ${NOT_INSTALLED}; s3rver is the embedded default` };
}

/** Can local processes provide everything this request needs? (What `auto` asks first.) */
export function localCoverage(req: ServiceRequest, env: NodeJS.ProcessEnv = process.env): { complete: boolean; missing: string[]; have: string[] } {
  const missing: string[] = [];
  const have: string[] = [];
  if (req.source === 'kafka' || req.sink === 'kafka') {
    const k = findInstalled('kafka', env);
    if (k) have.push(`Kafka ${k.version}`);
    else missing.push(`Kafka ${NOT_INSTALLED}`);
  }
  if (req.store === 's3' || req.sink === 's3') {
    const w = findInstalled('seaweedfs', env);
    if (w) have.push(`SeaweedFS ${w.version}`);
    else missing.push(`SeaweedFS ${NOT_INSTALLED}`);
  }
  return { complete: missing.length === 0, missing, have };
}

export async function localServices(req: ServiceRequest, reason: string): Promise<Services> {
  const log = req.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const needsKafka = req.source === 'kafka' || req.sink === 'kafka';
  const needsS3 = req.store === 's3' || req.sink === 's3';
  const kafkaInstalled = needsKafka ? findInstalled('kafka') : undefined;
  if (needsKafka && !kafkaInstalled) {
    throw new UserError(
      `--source/--sink kafka with --services local needs the Kafka broker, ${NOT_INSTALLED} ` +
        '(or use --services external with CHAOS_KAFKA_BROKERS, or --services containers where Docker exists)',
    );
  }
  const s3Pick = needsS3 ? pickLocalS3(req) : undefined;
  const base: Services = baseServices(req, 'local', reason, '');
  const stops: (() => Promise<void>)[] = [];
  const close = onShutdown(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  });
  const services: Services = { ...base, close };
  const parts: string[] = [];
  try {
    if (s3Pick) {
      const started = s3Pick.server === 'seaweedfs' ? await startSeaweedFs(log) : await startS3rver();
      stops.push(started.stop);
      let proxy: TcpFaultProxy | undefined;
      if (req.proxy) {
        proxy = await TcpFaultProxy.start({ target: { host: '127.0.0.1', port: Number(new URL(started.endpoint).port) } });
        stops.push(() => proxy!.close());
      }
      const endpoint = proxy ? `http://${proxy.address}` : started.endpoint;
      const s3 = { endpoint, accessKey: started.accessKey, secretKey: started.secretKey, bucket: LOCAL_BUCKET };
      const prefix = runPrefix();
      const { conditionalWrites } = await probeS3(s3, prefix);
      services.storage = { ...started.handle, endpoint, ...(proxy ? { proxy } : {}) };
      services.engineArgs.push(...s3EngineArgs(s3, prefix, req.store === 's3'));
      Object.assign(services.env, s3EngineEnv(s3));
      services.summary.s3 = { server: s3Pick.server, ...(started.version ? { version: started.version } : {}), endpoint, bucket: LOCAL_BUCKET, prefix, conditionalWrites };
      if (!conditionalWrites) services.summary.notes.push(NO_CONDITIONAL_WRITES_NOTE);
      services.summary.notes.push(`S3 server: ${s3Pick.why}`);
      parts.push(
        `${req.store === 's3' ? 's3 store' : 'S3'} on ${s3Pick.server} at ${endpoint}${proxy ? ' through the fault proxy' : ''} (pid ${started.handle.pid()}, ` +
          `bucket ${LOCAL_BUCKET}, conditional writes ${conditionalWrites ? 'enforced' : 'NOT enforced (zombie writers not fenced)'})`,
      );
    } else {
      parts.push(`${req.store} store`);
    }
    if (needsKafka) {
      log(`chaos: starting the Kafka broker ${kafkaInstalled!.version} (a JVM: seconds)...`);
      const broker = await KafkaBroker.start();
      stops.push(() => broker.stop());
      const handle: ServiceHandle = {
        name: 'kafka',
        endpoint: broker.brokers[0]!,
        kill: () => broker.kill(),
        restart: () => broker.restart(),
      };
      services.broker = handle;
      services.engineArgs.push('--kafka-brokers', broker.brokers.join(','));
      services.summary.kafka = { server: 'local', version: broker.version, brokers: broker.brokers };
      parts.push(`Kafka ${broker.version} broker at ${broker.brokers[0]} (pid ${broker.pid}, ready in ${broker.lastReadyMs} ms)`);
    } else {
      parts.push('local log source');
    }
    parts.push(`${req.sink} sink`);
    services.description = `local (${parts.join('; ')})`;
    return services;
  } catch (err) {
    await close();
    throw err;
  }
}

interface StartedS3 {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  version?: string;
  handle: Omit<ServiceHandle, 'endpoint'> & { pid(): number | undefined };
  stop(): Promise<void>;
}

async function startSeaweedFs(log: (line: string) => void): Promise<StartedS3> {
  log('chaos: starting SeaweedFS (weed server -s3)...');
  const server = await SeaweedFsServer.start({ buckets: [LOCAL_BUCKET] });
  return {
    endpoint: server.endpoint,
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    version: server.version,
    handle: { name: 'seaweedfs', kill: () => server.kill(), restart: () => server.restart(), pid: () => server.pid },
    stop: () => server.stop(),
  };
}

async function startS3rver(): Promise<StartedS3> {
  const dir = makeTempDir('chaos-s3rver-');
  let server: S3rverProcess | undefined;
  try {
    server = await S3rverProcess.start({ directory: dir, buckets: [LOCAL_BUCKET] });
  } catch (err) {
    removeTempDir(dir);
    throw err;
  }
  const srv = server;
  if (srv.pid) trackChild(srv.pid, false);
  return {
    endpoint: srv.endpoint,
    accessKey: srv.accessKey,
    secretKey: srv.secretKey,
    handle: {
      name: 's3rver',
      pid: () => srv.pid,
      async kill() {
        if (srv.pid) untrackChild(srv.pid);
        await srv.kill('SIGKILL');
      },
      async restart() {
        if (srv.pid) untrackChild(srv.pid);
        await srv.restart();
        if (srv.pid) trackChild(srv.pid, false);
      },
    },
    async stop() {
      if (srv.pid) untrackChild(srv.pid);
      await srv.stop();
      removeTempDir(dir);
    },
  };
}
