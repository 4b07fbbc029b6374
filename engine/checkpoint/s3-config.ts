/**
 * Where an S3 store lives and how hard to try: validated up front so a typo in an endpoint or a
 * bucket name is a clear usage error (exit 2), not a stack trace from deep inside the client.
 */
import { UserError } from '../errors.js';
import { defaultRetryPolicy, type RetryPolicy } from '../io/retry.js';

export interface S3Config {
  /** e.g. `http://127.0.0.1:9000` (MinIO, s3rver, any S3-compatible endpoint). */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  /** Key prefix inside the bucket; the store's root. '' for the bucket root. */
  prefix: string;
  region?: string;
  /** Create the bucket when it does not exist (default true). */
  createBucket?: boolean;
  retry?: Partial<RetryPolicy>;
}

export interface ParsedEndpoint {
  host: string;
  port: number;
  useSSL: boolean;
}

export function parseS3Endpoint(endpoint: string): ParsedEndpoint {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UserError(
      `bad S3 endpoint "${endpoint}": not a URL. Give scheme, host and port, e.g. --s3-endpoint http://127.0.0.1:9000`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`bad S3 endpoint "${endpoint}": the scheme must be http or https, e.g. http://127.0.0.1:9000`);
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new UserError(
      `bad S3 endpoint "${endpoint}": it must not contain a path; put the bucket in --s3-bucket and the path in --s3-prefix`,
    );
  }
  const useSSL = url.protocol === 'https:';
  const port = url.port ? Number(url.port) : useSSL ? 443 : 80;
  // URL keeps IPv6 brackets; the http module wants the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, useSSL };
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function validateS3Config(config: S3Config): S3Config {
  parseS3Endpoint(config.endpoint);
  if (!BUCKET.test(config.bucket) || config.bucket.includes('..')) {
    throw new UserError(
      `bad S3 bucket name "${config.bucket}": use 3-63 lowercase letters, digits, dots or hyphens, ` +
        'starting and ending with a letter or digit (e.g. chaos-checkpoints)',
    );
  }
  if (!config.accessKey || !config.secretKey) {
    throw new UserError(
      `no S3 credentials for ${config.endpoint}: set CHAOS_S3_ACCESS_KEY and CHAOS_S3_SECRET_KEY in the environment`,
    );
  }
  return { ...config, prefix: normalizePrefix(config.prefix) };
}

/** '' or `a/b` (no leading or trailing slash, no empty segments). */
export function normalizePrefix(prefix: string): string {
  const parts = prefix.split('/').filter((p) => p.length > 0);
  if (parts.some((p) => p === '.' || p === '..')) {
    throw new UserError(`bad S3 prefix "${prefix}": "." and ".." segments are not allowed`);
  }
  return parts.join('/');
}

export function retryPolicyOf(config: S3Config): RetryPolicy {
  return { ...defaultRetryPolicy, ...config.retry };
}

export function s3Location(config: Pick<S3Config, 'bucket' | 'prefix'>): string {
  const prefix = normalizePrefix(config.prefix);
  return `s3://${config.bucket}${prefix ? `/${prefix}` : ''}`;
}
