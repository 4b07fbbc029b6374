/**
 * A real Apache Kafka broker (installed by scripts/services/kafka.sh) as a local process the harness
 * owns: single node in KRaft combined mode (`process.roles=broker,controller`) on 127.0.0.1 with
 * ports chosen free at first start and kept for its life, so a restart on the same data directory
 * comes back at the address clients and engines already use (the broker advertises it).
 *
 * Settings are for a one-node test broker that must start fast and make transactions usable at
 * once: internal topics (__consumer_offsets, __transaction_state) with one partition and
 * replication factor 1, transaction state log min ISR 1, no initial rebalance delay, a small heap,
 * no topic auto-creation (a missing topic is a clear error, never a silent empty topic).
 *
 * Ready means a real Kafka request answered: a Metadata call through @platformatic/kafka lists this
 * broker. Storage is formatted once with kafka.tools.StorageTool before the first start.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { Admin } from '@platformatic/kafka';
import { closeClient, kafkaCall, validateKafkaConfig } from '../../engine/index.js';
import { makeTempDir } from '../process/registry.js';
import { freePorts } from './free-port.js';
import { requireInstalled, type InstalledService } from './installed.js';
import { ServiceProcess } from './service-process.js';
import { LocalServer } from './local-server.js';

export interface KafkaBrokerOptions {
  /** Data directory (log.dirs and the config); a fresh temp dir removed by stop() when omitted. */
  dataDir?: string;
  /** Max heap of the broker JVM in MiB (default 256). */
  heapMb?: number;
  /** How long start/restart wait for the broker to answer (default 120 s: a JVM on a busy 2-core machine). */
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Return as soon as the broker process runs, without waiting for it to answer (default true = wait). */
  waitReady?: boolean;
}

/** JVM flags for a small, fast-starting broker: C1 only, serial GC, no perf data file. */
function jvmFlags(heapMb: number): string[] {
  return [`-Xmx${heapMb}m`, '-Xms64m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData', '-Djava.awt.headless=true'];
}

/**
 * A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (what `StorageTool random-uuid`
 * prints). Like Kafka's own `Uuid.randomUuid`, never one that starts with '-': the storage tool's
 * argument parser takes `-t -abc…` for an option, and 1 start in 64 failed to format.
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function brokerProperties(dataDir: string, brokerPort: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${path.join(dataDir, 'logs')}`,
    'num.partitions=1',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // A zombie's open transaction must not hold read_committed readers back for long.
    'transaction.max.timeout.ms=60000',
    '',
  ].join('\n');
}

export class KafkaBroker extends LocalServer {
  readonly version: string;
  protected readonly process: ServiceProcess;

  private constructor(
    private readonly installed: InstalledService,
    dataDir: string,
    ownsDir: boolean,
    readonly port: number,
    readonly controllerPort: number,
    private readonly heapMb: number,
    startTimeoutMs: number,
  ) {
    super(dataDir, ownsDir, startTimeoutMs);
    this.version = installed.version;
    this.process = new ServiceProcess('Kafka broker', {
      command: 'java',
      args: [...jvmFlags(heapMb), `-Dlog4j2.configurationFile=${installed.paths.log4j}`, '-cp', `${installed.paths.libs}/*`, 'kafka.Kafka', this.propertiesFile],
      logFile: path.join(dataDir, 'broker.log'),
    });
  }

  protected get readinessLabel(): string {
    return `Kafka broker at ${this.brokers[0]}`;
  }

  /** Format (first start only), start, and wait until a Metadata request is answered. */
  static async start(opts: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
    const installed = requireInstalled('kafka', opts.env);
    const ownsDir = opts.dataDir === undefined;
    const dataDir = opts.dataDir ?? makeTempDir('chaos-kafka-');
    fs.mkdirSync(dataDir, { recursive: true });
    const [port, controllerPort] = await freePorts(2);
    const broker = new KafkaBroker(installed, dataDir, ownsDir, port!, controllerPort!, opts.heapMb ?? 256, opts.startTimeoutMs ?? 120_000);
    try {
      fs.writeFileSync(broker.propertiesFile, brokerProperties(dataDir, port!, controllerPort!));
      await broker.format();
      if (opts.waitReady === false) await broker.process.start();
      else await broker.spawnAndWait();
    } catch (err) {
      await broker.stop();
      throw err;
    }
    return broker;
  }

  get propertiesFile(): string {
    return path.join(this.dataDir, 'server.properties');
  }

  /** `host:port` clients and engines use. */
  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  private async format(): Promise<void> {
    const r = await execa(
      'java',
      ['-Xmx128m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', `-Dlog4j2.configurationFile=${this.installed.paths.log4j}`, '-cp', `${this.installed.paths.libs}/*`,
        'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', this.propertiesFile],
      { reject: false, all: true, timeout: 120_000 },
    );
    if (r.exitCode !== 0) throw new Error(`formatting Kafka storage in ${this.dataDir} failed (${r.exitCode ?? r.signal}): ${r.all}`);
  }

  /** One Metadata request; true when it lists this broker. */
  async answers(timeoutMs = 3_000): Promise<boolean> {
    const config = validateKafkaConfig({ brokers: this.brokers, callTimeoutMs: timeoutMs, connectTimeoutMs: Math.min(timeoutMs, 2_000), clientId: 'chaos-ready' });
    const admin = new Admin({ clientId: 'chaos-ready', bootstrapBrokers: this.brokers, connectTimeout: config.connectTimeoutMs, timeout: timeoutMs, retries: 0 });
    try {
      const md = await kafkaCall(config, 'metadata (readiness)', () => admin.metadata({ topics: [] }));
      return md.brokers.size > 0;
    } finally {
      await closeClient(config, admin);
    }
  }
}
