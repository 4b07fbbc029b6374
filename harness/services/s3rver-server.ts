/**
 * s3rver (a real S3 protocol server over a local directory) started in this process. Used by
 * `s3rver-main.ts` (its own process, so the nemesis can kill it) and by fast in-process tests.
 * s3rver facts: credentials S3RVER / S3RVER, path-style only here, no multipart, no conditional writes.
 */
import S3rver from '@20minutes/s3rver';

export const S3RVER_ACCESS_KEY = 'S3RVER';
export const S3RVER_SECRET_KEY = 'S3RVER';

export interface S3rverServerOptions {
  directory: string;
  /** 0 picks a free port. */
  port?: number;
  address?: string;
  buckets?: string[];
}

export interface RunningS3rver {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export async function startS3rverServer(opts: S3rverServerOptions): Promise<RunningS3rver> {
  const address = opts.address ?? '127.0.0.1';
  const server = new S3rver({
    address,
    port: opts.port ?? 0,
    silent: true,
    directory: opts.directory,
    vhostBuckets: false,
    configureBuckets: (opts.buckets ?? []).map((name) => ({ name })),
  });
  const info = await server.run();
  const http = server.httpServer;
  return {
    endpoint: `http://${address}:${info.port}`,
    port: info.port,
    async close() {
      // Keep-alive sockets of clients would hold close() open: cut them.
      http?.closeAllConnections();
      await server.close();
    },
  };
}
