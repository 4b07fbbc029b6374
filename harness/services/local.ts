/**
 * `--services local`: what runs without Docker. Checkpoints on the filesystem or on S3 served by
 * s3rver in its own process (so the nemesis can SIGKILL and restart it on the same directory);
 * input from the local log. Kafka cannot run here: asking for it is a usage error with the fix.
 */
import { UserError } from '../../engine/index.js';
import { makeTempDir, removeTempDir, trackChild, untrackChild } from '../process/registry.js';
import { TcpFaultProxy } from '../faults/proxy/tcp-fault-proxy.js';
import { S3rverProcess } from './s3rver-process.js';
import { NO_CONDITIONAL_WRITES_NOTE, probeS3, s3EngineArgs, s3EngineEnv } from './s3-args.js';
import { runPrefix } from './run-prefix.js';
import { onShutdown } from './cleanup.js';
import type { ServiceHandle, ServiceRequest, Services } from './types.js';
import { baseServices } from './types.js';

export const LOCAL_BUCKET = 'chaos';

export async function localServices(req: ServiceRequest, reason: string): Promise<Services> {
  if (req.source === 'kafka' || req.sink === 'kafka') {
    throw new UserError(
      'Kafka cannot run with --services local (no Kafka server runs without Docker): use --services containers where Docker ' +
        'exists, or --services external with CHAOS_KAFKA_BROKERS, or --source log / --sink files',
    );
  }
  const needsS3 = req.store === 's3' || req.sink === 's3';
  const base: Services = baseServices(req, 'local', reason, `local (${req.store} store, local log source, ${req.sink} sink)`);
  if (!needsS3) return base;

  const dir = makeTempDir('chaos-s3rver-');
  let server: S3rverProcess | undefined;
  let proxy: TcpFaultProxy | undefined;
  const close = onShutdown(async () => {
    await proxy?.close();
    if (server?.pid) untrackChild(server.pid);
    await server?.stop();
    removeTempDir(dir);
  });
  try {
    server = await S3rverProcess.start({ directory: dir, buckets: [LOCAL_BUCKET] });
    if (server.pid) trackChild(server.pid, false);
    if (req.proxy) proxy = await TcpFaultProxy.start({ target: { host: '127.0.0.1', port: Number(new URL(server.endpoint).port) } });
    const endpoint = proxy ? `http://${proxy.address}` : server.endpoint;
    const s3 = { endpoint, accessKey: server.accessKey, secretKey: server.secretKey, bucket: LOCAL_BUCKET };
    const prefix = runPrefix();
    const { conditionalWrites } = await probeS3(s3, prefix);
    const srv = server;
    const storage: ServiceHandle = {
      name: 's3rver',
      endpoint,
      ...(proxy ? { proxy } : {}),
      async kill() {
        if (srv.pid) untrackChild(srv.pid);
        await srv.kill('SIGKILL');
      },
      async restart() {
        if (srv.pid) untrackChild(srv.pid);
        await srv.restart();
        if (srv.pid) trackChild(srv.pid, false);
      },
    };
    return {
      ...base,
      engineArgs: s3EngineArgs(s3, prefix, req.store === 's3'),
      env: s3EngineEnv(s3),
      description: `local (${req.store} store on s3rver at ${endpoint}${proxy ? ' through the fault proxy' : ''}, pid ${server.pid}, bucket ${LOCAL_BUCKET}, conditional writes ${conditionalWrites ? 'enforced' : 'NOT enforced (zombie writers not fenced)'}; local log source; ${req.sink} sink)`,
      summary: {
        ...base.summary,
        s3: { server: 's3rver', endpoint, bucket: LOCAL_BUCKET, prefix, conditionalWrites },
        notes: conditionalWrites ? [] : [NO_CONDITIONAL_WRITES_NOTE],
      },
      storage,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
