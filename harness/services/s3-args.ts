/** Engine flags and environment for an S3 endpoint, and the probe that tells the report what the server enforces. */
import { S3Objects } from '../../engine/clients.js';
import { randomUUID } from 'node:crypto';

export interface S3Endpoint {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region?: string;
}

export function s3EngineArgs(s3: S3Endpoint, prefix: string, useStore: boolean): string[] {
  return [...(useStore ? ['--store', 's3'] : []), '--s3-endpoint', s3.endpoint, '--s3-bucket', s3.bucket, '--s3-prefix', prefix];
}

/** Credentials go through the environment, never argv (visible in `ps`). */
export function s3EngineEnv(s3: S3Endpoint): Record<string, string> {
  return {
    CHAOS_S3_ACCESS_KEY: s3.accessKey,
    CHAOS_S3_SECRET_KEY: s3.secretKey,
    ...(s3.region ? { CHAOS_S3_REGION: s3.region } : {}),
  };
}

/** Reach the endpoint (UserError naming it when unreachable), ensure the bucket, probe If-None-Match. */
export async function probeS3(s3: S3Endpoint, prefix: string): Promise<{ conditionalWrites: boolean }> {
  const objects = new S3Objects({ ...s3, prefix });
  try {
    await objects.open(true);
    const conditionalWrites = await objects.probeConditionalWrites(`${prefix}/.probe/${randomUUID()}`);
    return { conditionalWrites };
  } finally {
    await objects.close();
  }
}

export const NO_CONDITIONAL_WRITES_NOTE =
  'the S3 server ignores If-None-Match (s3rver does): write-once checkpoint files are not fenced against a zombie writer; ' +
  'fencing not verifiable here: correctness rests on one engine per checkpoint at a time — install SeaweedFS (npm run services:install) or use MinIO (--services containers) to test fencing';
