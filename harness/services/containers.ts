/**
 * `--services containers`: MinIO and Kafka from Testcontainers, only the ones the run needs.
 * S3 is always reached through a TCP fault proxy on a stable local port: a restarted container may
 * come back on another host port, the proxy is re-pointed, engines keep their endpoint. Containers
 * are stopped by close(), on SIGINT/SIGTERM, and — if the harness dies hard — by Testcontainers'
 * reaper (Ryuk).
 */
import { UserError } from '../../engine/index.js';
import { withDeadline } from '../../engine/index.js';
import { TcpFaultProxy } from '../faults/proxy/tcp-fault-proxy.js';
import { NO_CONDITIONAL_WRITES_NOTE, probeS3, s3EngineArgs, s3EngineEnv } from './s3-args.js';
import { runPrefix } from './run-prefix.js';
import { onShutdown } from './cleanup.js';
import type { ServiceHandle, ServiceRequest, Services } from './types.js';
import { baseServices } from './types.js';

/** Pinned images: a chaos result must be reproducible. */
export const MINIO_IMAGE = 'minio/minio:RELEASE.2025-04-22T22-12-26Z';
export const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.0';
const KAFKA_PORT = 9093;
const START_TIMEOUT_MS = 240_000;
export const CONTAINER_BUCKET = 'chaos';

type Stoppable = { stop(): Promise<unknown> };

export async function containerServices(req: ServiceRequest, reason: string): Promise<Services> {
  const log = req.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const needsS3 = req.store === 's3' || req.sink === 's3';
  const needsKafka = req.source === 'kafka' || req.sink === 'kafka';
  const started: Stoppable[] = [];
  const proxies: TcpFaultProxy[] = [];
  const close = onShutdown(async () => {
    for (const p of proxies) await p.close().catch(() => {});
    await Promise.allSettled(started.map((c) => c.stop()));
  });
  const services: Services = { ...baseServices(req, 'containers', reason, ''), close };
  const parts: string[] = [];
  try {
    if (needsS3) {
      const { MinioContainer } = await import('@testcontainers/minio');
      log(`chaos: starting MinIO (${MINIO_IMAGE}) with Testcontainers...`);
      const minio = await withDeadline('starting the MinIO container', START_TIMEOUT_MS, () => new MinioContainer(MINIO_IMAGE).start());
      started.push(minio);
      const proxy = await TcpFaultProxy.start({ target: { host: minio.getHost(), port: minio.getPort() } });
      proxies.push(proxy);
      const endpoint = `http://${proxy.address}`;
      const s3 = { endpoint, accessKey: minio.getUsername(), secretKey: minio.getPassword(), bucket: CONTAINER_BUCKET };
      const prefix = runPrefix();
      const { conditionalWrites } = await probeS3(s3, prefix);
      const storage: ServiceHandle = {
        name: 'minio',
        endpoint,
        proxy,
        async kill() {
          // A killed container cannot be restarted with its data by Testcontainers; a blackhole is the
          // same outage from the engine's side and keeps the data.
          proxy.blackhole();
        },
        async restart() {
          proxy.blackhole();
          await minio.restart();
          proxy.retarget({ host: minio.getHost(), port: minio.getPort() });
          proxy.pass();
        },
      };
      services.storage = storage;
      services.engineArgs.push(...s3EngineArgs(s3, prefix, req.store === 's3'));
      Object.assign(services.env, s3EngineEnv(s3));
      services.summary.s3 = { server: 'minio', endpoint, bucket: CONTAINER_BUCKET, prefix, conditionalWrites };
      if (!conditionalWrites) services.summary.notes.push(NO_CONDITIONAL_WRITES_NOTE);
      parts.push(`MinIO at ${endpoint} (proxied, conditional writes ${conditionalWrites ? 'enforced' : 'NOT enforced'})`);
    }
    if (needsKafka) {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      log(`chaos: starting Kafka (${KAFKA_IMAGE}, KRaft) with Testcontainers...`);
      const kafka = await withDeadline('starting the Kafka container', START_TIMEOUT_MS, () => new KafkaContainer(KAFKA_IMAGE).withKraft().start());
      started.push(kafka);
      const brokers = [`${kafka.getHost()}:${kafka.getMappedPort(KAFKA_PORT)}`];
      const broker: ServiceHandle = {
        name: 'kafka',
        endpoint: brokers[0]!,
        async kill() {
          await kafka.restart({ timeout: 0 });
        },
        async restart() {
          await kafka.restart();
          const now = `${kafka.getHost()}:${kafka.getMappedPort(KAFKA_PORT)}`;
          // The broker advertises the address it got at first start; another host port breaks clients.
          if (now !== brokers[0]) throw new Error(`Kafka came back on ${now} instead of ${brokers[0]}; its advertised listener is stale`);
        },
      };
      services.broker = broker;
      services.engineArgs.push('--kafka-brokers', brokers.join(','));
      services.summary.kafka = { server: 'testcontainers', brokers };
      parts.push(`Kafka at ${brokers.join(',')}`);
    }
    services.description = `containers (${parts.join('; ') || `${req.store} store, no container needed`})`;
    return services;
  } catch (err) {
    await close();
    if (err instanceof UserError) throw err;
    throw new UserError(`--services containers could not start its containers: ${(err as Error).message}. Check that Docker works (\`docker info\`), or use --services local`);
  }
}
