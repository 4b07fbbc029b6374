/**
 * A real S3 server, SeaweedFS (installed by scripts/services/seaweedfs.sh), as a local process the
 * harness owns: `weed server -s3` (master, volume server, filer and S3 gateway in one process) on
 * 127.0.0.1, every HTTP and gRPC port chosen free at first start and kept for its life so a
 * restart on the same data directory comes back at the same endpoint. Small volumes
 * (-master.volumeSizeLimitMB) so the data directory stays small; no telemetry, no Iceberg/Lance
 * catalog ports, unix sockets inside the data directory (never /tmp litter).
 *
 * Unlike s3rver it enforces conditional writes (`If-None-Match: *` → 412 when the key exists),
 * which is what fences a zombie writer on an S3 checkpoint.
 *
 * Ready means a real S3 call answered: the bucket exists or was created, through the minio client.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { S3Objects } from '../../engine/clients.js';
import { makeTempDir } from '../process/registry.js';
import { freePorts } from './free-port.js';
import { requireInstalled } from './installed.js';
import { ServiceProcess } from './service-process.js';
import { LocalServer } from './local-server.js';

export const SEAWEEDFS_ACCESS_KEY = 'chaos';
export const SEAWEEDFS_SECRET_KEY = 'chaos-secret-key';

export interface SeaweedFsOptions {
  dataDir?: string;
  /** Buckets created once the server answers. */
  buckets?: string[];
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** The S3 identity file (`-s3.config`): one admin identity with the keys above. */
export function s3IdentityConfig(): string {
  return JSON.stringify({
    identities: [
      {
        name: 'chaos',
        credentials: [{ accessKey: SEAWEEDFS_ACCESS_KEY, secretKey: SEAWEEDFS_SECRET_KEY }],
        actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
      },
    ],
  });
}

export class SeaweedFsServer extends LocalServer {
  readonly accessKey = SEAWEEDFS_ACCESS_KEY;
  readonly secretKey = SEAWEEDFS_SECRET_KEY;
  readonly version: string;
  protected readonly process: ServiceProcess;

  private constructor(
    weed: string,
    version: string,
    dataDir: string,
    ownsDir: boolean,
    readonly s3Port: number,
    ports: number[],
    private readonly buckets: string[],
    startTimeoutMs: number,
  ) {
    super(dataDir, ownsDir, startTimeoutMs);
    this.version = version;
    const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3Grpc] = ports as [number, number, number, number, number, number, number];
    const config = path.join(dataDir, 's3.json');
    fs.writeFileSync(config, s3IdentityConfig());
    fs.mkdirSync(path.join(dataDir, 'data'), { recursive: true });
    this.process = new ServiceProcess('SeaweedFS', {
      command: weed,
      args: [
        'server',
        '-ip=127.0.0.1',
        '-ip.bind=127.0.0.1',
        `-dir=${path.join(dataDir, 'data')}`,
        `-master.port=${master}`,
        `-master.port.grpc=${masterGrpc}`,
        '-master.volumeSizeLimitMB=16',
        '-master.telemetry=false',
        '-master.electionTimeout=1s',
        `-volume.port=${volume}`,
        `-volume.port.grpc=${volumeGrpc}`,
        '-volume.max=16',
        '-volume.preStopSeconds=0',
        '-filer',
        `-filer.port=${filer}`,
        `-filer.port.grpc=${filerGrpc}`,
        `-filer.localSocket=${path.join(dataDir, 'filer.sock')}`,
        '-s3',
        `-s3.port=${s3Port}`,
        `-s3.port.grpc=${s3Grpc}`,
        '-s3.port.iceberg=0',
        '-s3.port.lance=0',
        `-s3.localSocket=${path.join(dataDir, 's3.sock')}`,
        `-s3.config=${config}`,
      ],
      logFile: path.join(dataDir, 'weed.log'),
    });
  }

  static async start(opts: SeaweedFsOptions = {}): Promise<SeaweedFsServer> {
    const installed = requireInstalled('seaweedfs', opts.env);
    const ownsDir = opts.dataDir === undefined;
    const dataDir = opts.dataDir ?? makeTempDir('chaos-seaweedfs-');
    fs.mkdirSync(dataDir, { recursive: true });
    const [s3Port, ...ports] = await freePorts(8);
    const server = new SeaweedFsServer(installed.paths.weed!, installed.version, dataDir, ownsDir, s3Port!, ports, opts.buckets ?? [], opts.startTimeoutMs ?? 120_000);
    try {
      await server.spawnAndWait();
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.s3Port}`;
  }

  protected get readinessLabel(): string {
    return `SeaweedFS S3 at ${this.endpoint}`;
  }

  /** A real S3 round trip: every bucket exists (created when missing) and a small object can be written. */
  async answers(): Promise<boolean> {
    for (const bucket of this.buckets.length > 0 ? this.buckets : ['chaos-ready']) {
      const objects = new S3Objects(
        { endpoint: this.endpoint, accessKey: this.accessKey, secretKey: this.secretKey, bucket, prefix: '', retry: { attempts: 1, attemptTimeoutMs: 3000, totalTimeoutMs: 3000 } },
      );
      try {
        await objects.open(true);
        // The gateway can answer bucket calls before a volume accepts data: write for real.
        await objects.put('.chaos-ready', Buffer.from('ready'));
      } finally {
        await objects.close();
      }
    }
    return true;
  }
}
