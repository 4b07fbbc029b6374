/**
 * Services of an external target's run (spec "services"): started once per `chaos run|replay|tune
 * --target`, owned by the harness (local processes in their own process groups, taken down by
 * close(), Ctrl-C or an uncaught error), and handed to the job through placeholders:
 *
 *   kafka  the installed Apache Kafka broker (KRaft, one node, 127.0.0.1), or the brokers in
 *          CHAOS_KAFKA_BROKERS when set (an external cluster: nothing is started). {kafka} is the
 *          bootstrap address; each trial (and each reference run) gets a fresh topic {kafka-topic}.
 *   s3     a local S3 server (SeaweedFS when installed, else the embedded s3rver; CHAOS_LOCAL_S3
 *          picks one) with the bucket "chaos": {s3} endpoint, {s3-bucket}, {s3-access-key},
 *          {s3-secret-key}, and {s3-prefix}, a key prefix of the trial's own.
 *
 * Must NOT: be started per trial (a broker JVM costs seconds), or share a topic or prefix between trials.
 */
import { randomBytes } from 'node:crypto';
import { UserError } from '../../engine/index.js';
import { findInstalled, NOT_INSTALLED } from '../services/installed.js';
import { localServices } from '../services/local.js';
import type { Services } from '../services/types.js';
import type { ResolvedTarget } from './target-driver.js';

export interface TargetServices {
  kafka?: { brokers: string[]; label: string };
  s3?: { endpoint: string; bucket: string; accessKey: string; secretKey: string; label: string };
  /** One line for the run's header and the summary. */
  description: string;
  close(): Promise<void>;
}

/** A name no other trial uses: `<prefix>-<8 hex>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function startTargetServices(target: ResolvedTarget, log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<TargetServices> {
  const wanted = target.spec.services;
  if (wanted.length === 0) return { description: 'none', close: async () => undefined };
  const externalKafka = process.env['CHAOS_KAFKA_BROKERS']?.trim();
  const wantKafka = wanted.includes('kafka');
  const localKafka = wantKafka && !externalKafka;
  if (localKafka && !findInstalled('kafka')) {
    throw new UserError(`target ${target.spec.name} needs Kafka ("services"): the Kafka broker is ${NOT_INSTALLED} (or set CHAOS_KAFKA_BROKERS=host:port to use your own)`);
  }
  let local: Services | undefined;
  if (localKafka || wanted.includes('s3')) {
    local = await localServices(
      { services: 'local', store: wanted.includes('s3') ? 's3' : 'fs', source: localKafka ? 'kafka' : 'log', sink: 'files', log },
      `target ${target.spec.name} declares services ${wanted.join(', ')}`,
    );
  }
  const out: TargetServices = { description: '', close: async () => local?.close() };
  const parts: string[] = [];
  if (wantKafka) {
    const brokers = externalKafka ? externalKafka.split(',').map((b) => b.trim()) : local!.summary.kafka!.brokers;
    const label = externalKafka ? `external Kafka ${brokers.join(',')}` : `Kafka ${local!.summary.kafka!.version} broker at ${brokers[0]} (local, owned by this run)`;
    out.kafka = { brokers, label };
    parts.push(label);
  }
  if (wanted.includes('s3')) {
    const s = local!.summary.s3!;
    const env = local!.env;
    out.s3 = {
      endpoint: s.endpoint,
      bucket: s.bucket,
      accessKey: env['CHAOS_S3_ACCESS_KEY'] ?? '',
      secretKey: env['CHAOS_S3_SECRET_KEY'] ?? '',
      label: `S3 on ${s.server}${s.version ? ` ${s.version}` : ''} at ${s.endpoint}, bucket ${s.bucket}`,
    };
    parts.push(out.s3.label);
  }
  out.description = parts.join('; ');
  return out;
}

/** Run `fn` with the target's services started, and stop them afterwards (also when `fn` throws). */
export async function withTargetServices<T>(target: ResolvedTarget, fn: (target: ResolvedTarget) => Promise<T>, log?: (line: string) => void): Promise<T> {
  if (target.spec.services.length === 0 || target.services) return fn(target);
  const services = await startTargetServices(target, log);
  try {
    return await fn({ ...target, services });
  } finally {
    await services.close();
  }
}
