/**
 * What `resolveServices` hands the harness: which backends a run uses, where they are, what a
 * spawned engine needs to reach them, and handles the nemesis uses to take them down.
 * Shape-compatible with ResolvedServices in harness/services-hook.ts.
 */
import type { TcpFaultProxy } from '../faults/proxy/tcp-fault-proxy.js';

export type ServicesMode = 'auto' | 'local' | 'containers' | 'external';
export type StoreKind = 'fs' | 's3' | 'memory';
export type SourceKind = 'log' | 'kafka';
export type SinkKind = 'files' | 's3' | 'kafka' | 'append';
export type LocalS3Server = 's3rver' | 'seaweedfs';

export interface ServiceRequest {
  services: ServicesMode;
  store: StoreKind;
  source: SourceKind;
  sink: SinkKind;
  /**
   * Put a TCP fault proxy in front of S3 (and of Kafka's bootstrap address) so the nemesis can add
   * latency, reset or blackhole it; engines are then pointed at the proxy. Default false
   * (containers mode always proxies S3, to keep a stable address across container restarts).
   */
  proxy?: boolean;
  /**
   * Which local S3 server `--services local` starts: SeaweedFS (the default when installed: it
   * enforces conditional writes) or s3rver (embedded, always available, fences nothing). Env
   * CHAOS_LOCAL_S3 sets the same.
   */
  s3Server?: LocalS3Server;
  /** Where progress and the "picked" line go (default process.stderr). */
  log?: (line: string) => void;
}

/** A service the nemesis can take down and bring back. */
export interface ServiceHandle {
  readonly name: string;
  /** The address engines use (the proxy's when there is one). */
  readonly endpoint: string;
  /** Stop it hard (SIGKILL for a process; container kill). */
  kill(): Promise<void>;
  /** Bring it back on the same data and the same address engines use. */
  restart(): Promise<void>;
  /** The fault proxy in front of it, when there is one. */
  readonly proxy?: TcpFaultProxy;
}

export interface S3ServiceInfo {
  server: LocalS3Server | 'minio' | 'external';
  /** Version of the server, when the harness started it from an installed component. */
  version?: string;
  endpoint: string;
  bucket: string;
  /** This run's key prefix; every engine's checkpoint lives below it. */
  prefix: string;
  /** Does the server enforce If-None-Match (zombie writers fenced)? s3rver: no. */
  conditionalWrites: boolean;
}

export interface KafkaServiceInfo {
  server: 'local' | 'testcontainers' | 'external';
  /** Broker version, when the harness runs the installed broker. */
  version?: string;
  brokers: string[];
}

/** Machine-readable: goes into the run summary and the report. */
export interface ServicesSummary {
  requested: ServicesMode;
  picked: Exclude<ServicesMode, 'auto'>;
  reason: string;
  store: StoreKind;
  source: SourceKind;
  sink: SinkKind;
  s3?: S3ServiceInfo;
  kafka?: KafkaServiceInfo;
  notes: string[];
}

export interface Services {
  store: StoreKind;
  source: SourceKind;
  sink: SinkKind;
  /** Extra `engine run` arguments every incarnation gets (endpoints, bucket, run prefix, brokers). */
  engineArgs: string[];
  /** Extra environment every engine process gets (S3 credentials: never on the command line). */
  env: Record<string, string>;
  /** One line for people: what was picked and why. */
  description: string;
  summary: ServicesSummary;
  /** S3 server (s3rver process or MinIO container), when the run uses S3. */
  storage?: ServiceHandle;
  /** Kafka broker (local process or container), when the run uses Kafka: the nemesis kills and restarts it. */
  broker?: ServiceHandle;
  /** Stop everything this call started (also runs on SIGINT/SIGTERM and process exit). Idempotent. */
  close(): Promise<void>;
}

/** What every provider starts from: the request echoed back, nothing started yet. */
export function baseServices(req: ServiceRequest, picked: ServicesSummary['picked'], reason: string, description = ''): Services {
  return {
    store: req.store,
    source: req.source,
    sink: req.sink,
    engineArgs: [],
    env: {},
    description,
    summary: { requested: req.services, picked, reason, store: req.store, source: req.source, sink: req.sink, notes: [] },
    async close() {},
  };
}
