/**
 * The few S3 calls the store and the S3 sink need, each with a per-request socket timeout, a
 * deadline, and bounded retries with backoff (through `withRetry`). The minio client's own retry is
 * off so there is exactly one retry policy, and every request goes through our own http agent so
 * `close()` leaves no socket behind.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { Client } from 'minio';
import { UserError } from '../errors.js';
import { DeadlineError } from '../io/deadline.js';
import { RetriesExhaustedError, describeError, withRetry, type RetryHooks, type RetryPolicy } from '../io/retry.js';
import { parseS3Endpoint, retryPolicyOf, validateS3Config, type S3Config } from './s3-config.js';

export interface S3ObjectInfo {
  name: string;
  size: number;
  lastModified: Date;
  etag: string;
}

/** S3 error codes that retrying cannot fix. Everything else (network errors, 5xx, timeouts) is retried. */
const PERMANENT_CODES = new Set([
  'AccessDenied',
  'AuthorizationHeaderMalformed',
  'InvalidAccessKeyId',
  'InvalidArgument',
  'InvalidBucketName',
  'InvalidRequest',
  'MethodNotAllowed',
  'NoSuchBucket',
  'NoSuchKey',
  'NotFound',
  'NotImplemented',
  'PreconditionFailed',
  'SignatureDoesNotMatch',
]);

export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isTransientS3Error(err: unknown): boolean {
  if (err instanceof DeadlineError) return true;
  if (err instanceof TypeError || err instanceof RangeError) return false;
  const code = errorCode(err);
  if (code && PERMANENT_CODES.has(code)) return false;
  // minio's client-side validation errors (InvalidArgumentError, InvalidBucketNameError, ...)
  if (err instanceof Error && /^Invalid\w*Error$/.test(err.name)) return false;
  return true;
}

export function isPreconditionFailed(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'PreconditionFailed' || (err as { statusCode?: number })?.statusCode === 412;
}

/** Storage did not answer in time (outage, blackhole, partition): the attempt fails and is retried by whoever runs it. */
export class StorageUnavailableError extends Error {
  readonly endpoint: string;
  constructor(endpoint: string, cause: unknown) {
    super(`S3 endpoint ${endpoint} unavailable: ${describeError(cause)}`);
    this.name = 'StorageUnavailableError';
    this.endpoint = endpoint;
    this.cause = cause;
  }
}

export class S3Objects {
  readonly endpoint: string;
  readonly bucket: string;
  readonly policy: RetryPolicy;
  private readonly client: Client;
  private readonly agent: http.Agent;
  private readonly hooks: RetryHooks;

  constructor(config: S3Config, hooks: RetryHooks = {}) {
    const valid = validateS3Config(config);
    const { host, port, useSSL } = parseS3Endpoint(valid.endpoint);
    this.endpoint = valid.endpoint;
    this.bucket = valid.bucket;
    this.policy = retryPolicyOf(valid);
    this.hooks = hooks;
    const base = useSSL ? https : http;
    this.agent = new base.Agent({ keepAlive: true, maxSockets: 32 });
    const requestTimeoutMs = this.policy.attemptTimeoutMs;
    const endpoint = this.endpoint;
    // A socket that goes quiet (blackholed connection, frozen server) is destroyed, which makes the
    // pending request — or the body stream of a response — fail instead of hang.
    const transport = {
      request: (options: http.RequestOptions, callback?: (res: http.IncomingMessage) => void) => {
        const req = base.request({ ...options, agent: this.agent }, callback);
        req.setTimeout(requestTimeoutMs, () => {
          const err = Object.assign(new Error(`no answer from ${endpoint} within ${requestTimeoutMs} ms`), {
            code: 'ETIMEDOUT',
          });
          req.destroy(err);
        });
        return req;
      },
    };
    this.client = new Client({
      endPoint: host,
      port,
      useSSL,
      accessKey: valid.accessKey,
      secretKey: valid.secretKey,
      region: valid.region ?? 'us-east-1',
      pathStyle: true,
      transport: transport as unknown as typeof http,
      transportAgent: this.agent,
      retryOptions: { disableRetry: true },
      // One PUT per object up to 1 GiB: a single PUT is atomic, and s3rver has no multipart.
      partSize: 1024 * 1024 * 1024,
    });
  }

  private async call<T>(what: string, run: (signal: AbortSignal) => Promise<T>, policy = this.policy): Promise<T> {
    try {
      return await withRetry(`S3 ${what}`, policy, isTransientS3Error, run, this.hooks);
    } catch (err) {
      if (err instanceof RetriesExhaustedError) throw new StorageUnavailableError(this.endpoint, err);
      throw err;
    }
  }

  async put(name: string, data: Uint8Array, headers: Record<string, string> = {}): Promise<{ etag: string }> {
    const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const info = await this.call(`PUT ${this.bucket}/${name}`, () =>
      this.client.putObject(this.bucket, name, body, body.length, { 'Content-Type': 'application/octet-stream', ...headers }),
    );
    return { etag: info.etag };
  }

  /** The object's bytes, or undefined when it does not exist. */
  async get(name: string): Promise<Buffer | undefined> {
    return this.call(`GET ${this.bucket}/${name}`, async (signal) => {
      let stream;
      try {
        stream = await this.client.getObject(this.bucket, name);
      } catch (err) {
        if (errorCode(err) === 'NoSuchKey' || errorCode(err) === 'NotFound') return undefined;
        throw err;
      }
      const onAbort = () => stream.destroy(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    });
  }

  async stat(name: string): Promise<{ etag: string; size: number } | undefined> {
    return this.call(`HEAD ${this.bucket}/${name}`, async () => {
      try {
        const s = await this.client.statObject(this.bucket, name);
        return { etag: s.etag, size: s.size };
      } catch (err) {
        if (errorCode(err) === 'NoSuchKey' || errorCode(err) === 'NotFound') return undefined;
        throw err;
      }
    });
  }

  /** Every object whose name starts with `prefix`, page by page (each page retried on its own). */
  async list(prefix: string): Promise<S3ObjectInfo[]> {
    const out: S3ObjectInfo[] = [];
    let token = '';
    for (;;) {
      const page = await this.call(`LIST ${this.bucket}/${prefix}*`, () =>
        this.client.listObjectsV2Query(this.bucket, prefix, token, '', 1000, ''),
      );
      for (const o of page.objects) {
        if (o.name !== undefined) out.push({ name: o.name, size: o.size, lastModified: o.lastModified, etag: o.etag });
      }
      if (!page.isTruncated || !page.nextContinuationToken) break;
      token = page.nextContinuationToken;
    }
    return out;
  }

  async remove(names: readonly string[]): Promise<void> {
    for (let i = 0; i < names.length; i += 1000) {
      const chunk = names.slice(i, i + 1000);
      const results = await this.call(`DELETE ${chunk.length} object(s) in ${this.bucket}`, () =>
        this.client.removeObjects(this.bucket, chunk),
      );
      const failed = (results ?? []).filter((r) => r && r.Error && r.Error.Code !== 'NoSuchKey');
      if (failed.length > 0) {
        const first = failed[0]!.Error!;
        throw new Error(`S3 delete of ${failed.length} object(s) failed, first ${first.Key}: ${first.Code} ${first.Message ?? ''}`);
      }
    }
  }

  /**
   * Reach the endpoint, check the credentials and make sure the bucket exists. Failures here are
   * configuration problems: a UserError that names the endpoint and the fix (exit 2).
   */
  async open(createBucket = true): Promise<void> {
    const quick: RetryPolicy = {
      ...this.policy,
      attempts: Math.min(this.policy.attempts, 3),
      totalTimeoutMs: Math.min(this.policy.totalTimeoutMs, 10_000),
    };
    try {
      const exists = await this.call(`HEAD bucket ${this.bucket}`, () => this.client.bucketExists(this.bucket), quick);
      if (!exists) {
        if (!createBucket) {
          throw new UserError(`S3 bucket "${this.bucket}" does not exist at ${this.endpoint}: create it, or pick another with --s3-bucket / CHAOS_S3_BUCKET`);
        }
        try {
          await this.call(`create bucket ${this.bucket}`, () => this.client.makeBucket(this.bucket, 'us-east-1'), quick);
        } catch (err) {
          // Another process created it between our check and our create.
          if (errorCode(err) !== 'BucketAlreadyOwnedByYou' && errorCode(err) !== 'BucketAlreadyExists') throw err;
        }
      }
    } catch (err) {
      throw explainOpenError(this.endpoint, this.bucket, err);
    }
  }

  /**
   * Does the server honour `If-None-Match: *` on PUT (create-only writes)? MinIO and AWS S3 do and
   * answer 412 to the second create; s3rver ignores the header and overwrites.
   */
  async probeConditionalWrites(probeName: string): Promise<boolean> {
    await this.put(probeName, Buffer.from('probe'));
    try {
      await this.put(probeName, Buffer.from('probe'), { 'If-None-Match': '*' });
      return false;
    } catch (err) {
      if (isPreconditionFailed(err)) return true;
      if (errorCode(err) === 'NotImplemented') return false;
      throw err;
    } finally {
      await this.remove([probeName]).catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}

export function explainOpenError(endpoint: string, bucket: string, err: unknown): Error {
  if (err instanceof UserError) return err;
  const inner = err instanceof StorageUnavailableError ? (err.cause as RetriesExhaustedError).lastError : err;
  const code = errorCode(inner);
  if (code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch' || code === 'AccessDenied') {
    return new UserError(
      `S3 endpoint ${endpoint} rejected the credentials for bucket "${bucket}" (${code}): ` +
        'check CHAOS_S3_ACCESS_KEY / CHAOS_S3_SECRET_KEY (s3rver uses S3RVER / S3RVER)',
    );
  }
  if (err instanceof StorageUnavailableError || inner instanceof DeadlineError) {
    return new UserError(
      `cannot reach S3 endpoint ${endpoint}: ${describeError(inner)}. ` +
        'Start the S3 server or fix --s3-endpoint / CHAOS_S3_ENDPOINT (or use --services local to run s3rver here)',
    );
  }
  return new UserError(
    `S3 endpoint ${endpoint} could not open bucket "${bucket}": ${describeError(inner)}. ` +
      'Check that the endpoint is an S3 server (MinIO, s3rver, AWS) and that the bucket name and credentials are right',
  );
}
