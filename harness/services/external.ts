/**
 * `--services external`: endpoints that already run somewhere, from the environment:
 *   CHAOS_S3_ENDPOINT, CHAOS_S3_ACCESS_KEY, CHAOS_S3_SECRET_KEY, CHAOS_S3_BUCKET, CHAOS_S3_REGION (optional)
 *   CHAOS_KAFKA_BROKERS (host:port[,host:port])
 * Each run works under its own key prefix and removes it on close (set CHAOS_KEEP_S3=1 to keep it).
 */
import { UserError } from '../../engine/index.js';
import { S3CheckpointStore } from '../../engine/clients.js';
import { Failpoints } from '../../engine/index.js';
import { parseBrokers } from '../../engine/index.js';
import { NO_CONDITIONAL_WRITES_NOTE, probeS3, s3EngineArgs, s3EngineEnv } from './s3-args.js';
import { runPrefix } from './run-prefix.js';
import { onShutdown } from './cleanup.js';
import type { ServiceRequest, Services } from './types.js';
import { baseServices } from './types.js';

export const EXTERNAL_ENV = {
  s3Endpoint: 'CHAOS_S3_ENDPOINT',
  s3AccessKey: 'CHAOS_S3_ACCESS_KEY',
  s3SecretKey: 'CHAOS_S3_SECRET_KEY',
  s3Bucket: 'CHAOS_S3_BUCKET',
  s3Region: 'CHAOS_S3_REGION',
  kafkaBrokers: 'CHAOS_KAFKA_BROKERS',
} as const;

export async function externalServices(req: ServiceRequest, reason: string, env: NodeJS.ProcessEnv = process.env): Promise<Services> {
  const needsS3 = req.store === 's3' || req.sink === 's3';
  const needsKafka = req.source === 'kafka' || req.sink === 'kafka';
  const services: Services = baseServices(req, 'external', reason, '');
  const parts: string[] = [];
  if (needsS3) {
    const missing = [EXTERNAL_ENV.s3Endpoint, EXTERNAL_ENV.s3AccessKey, EXTERNAL_ENV.s3SecretKey, EXTERNAL_ENV.s3Bucket].filter((v) => !env[v]);
    if (missing.length > 0) {
      throw new UserError(`--services external with S3 needs ${missing.join(', ')} in the environment (e.g. CHAOS_S3_ENDPOINT=http://127.0.0.1:9000)`);
    }
    const s3 = {
      endpoint: env.CHAOS_S3_ENDPOINT!,
      accessKey: env.CHAOS_S3_ACCESS_KEY!,
      secretKey: env.CHAOS_S3_SECRET_KEY!,
      bucket: env.CHAOS_S3_BUCKET!,
      ...(env.CHAOS_S3_REGION ? { region: env.CHAOS_S3_REGION } : {}),
    };
    const prefix = runPrefix();
    const { conditionalWrites } = await probeS3(s3, prefix);
    services.engineArgs.push(...s3EngineArgs(s3, prefix, req.store === 's3'));
    Object.assign(services.env, s3EngineEnv(s3));
    services.summary.s3 = { server: 'external', endpoint: s3.endpoint, bucket: s3.bucket, prefix, conditionalWrites };
    if (!conditionalWrites) services.summary.notes.push(NO_CONDITIONAL_WRITES_NOTE);
    parts.push(`S3 ${s3.endpoint} bucket ${s3.bucket} prefix ${prefix}, conditional writes ${conditionalWrites ? "enforced" : "NOT enforced (zombie writers not fenced)"}`);
    if (!env.CHAOS_KEEP_S3) {
      services.close = onShutdown(async () => {
        const store = await S3CheckpointStore.open({ ...s3, prefix }, { failpoints: Failpoints.disarmed(), probeConditionalWrites: false });
        try {
          await store.destroy();
        } finally {
          await store.close();
        }
      });
    }
  }
  if (needsKafka) {
    const brokers = parseBrokers(env.CHAOS_KAFKA_BROKERS);
    services.engineArgs.push('--kafka-brokers', brokers.join(','));
    services.summary.kafka = { server: 'external', brokers };
    parts.push(`Kafka ${brokers.join(',')}`);
  }
  services.description = `external (${parts.join('; ') || 'nothing external needed'})`;
  return services;
}
