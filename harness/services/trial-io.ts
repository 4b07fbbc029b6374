/**
 * Where a trial's durable results live when services are in play, so the harness judges the
 * store and the sink — never the engine's stdout. For one trial's directories (the --checkpoint and
 * --output the engine got): read the committed output rows (files sink on disk, files sink on S3,
 * or the Kafka sink topic, read_committed) and tell whether a checkpoint exists (fs or S3).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsCheckpointStore } from '../../engine/index.js';
import { S3CheckpointStore } from '../../engine/clients.js';
import { Failpoints } from '../../engine/index.js';
import { readStreamingRows as readOutputRows } from '../oracle/output-readers.js';
import { readKafkaOutputRows } from '../../engine/clients.js';
import { derivedKafkaTopics, keyOfPath } from '../../engine/index.js';
import type { Services } from './types.js';

export interface TrialDirs {
  checkpoint: string;
  output: string;
}

type ServicesView = Pick<Services, 'store' | 'sink' | 'summary' | 'env'>;

/** The S3 store under a trial directory's key (where `--store s3` / `--sink s3` put it). */
export async function openTrialS3Store(services: ServicesView, dir: string): Promise<S3CheckpointStore> {
  const s3 = services.summary.s3!;
  return S3CheckpointStore.open(
    {
      endpoint: s3.endpoint,
      accessKey: services.env.CHAOS_S3_ACCESS_KEY ?? '',
      secretKey: services.env.CHAOS_S3_SECRET_KEY ?? '',
      bucket: s3.bucket,
      prefix: `${s3.prefix}/${keyOfPath(path.resolve(dir))}`,
    },
    { failpoints: Failpoints.disarmed(), probeConditionalWrites: false },
  );
}

/** Committed output rows of the trial, sorted, wherever its sink wrote them. */
export async function readTrialOutputs(services: ServicesView, dirs: TrialDirs): Promise<string[]> {
  if (services.sink === 's3') {
    const store = await openTrialS3Store(services, dirs.output);
    try {
      return await readOutputRows(store);
    } finally {
      await store.close();
    }
  }
  if (services.sink === 'kafka') {
    const brokers = services.summary.kafka?.brokers;
    if (!brokers) throw new Error('a Kafka sink trial needs Kafka brokers in the services summary');
    return readKafkaOutputRows({ brokers }, derivedKafkaTopics(path.resolve(dirs.checkpoint)).sink);
  }
  return readOutputRows(new FsCheckpointStore(dirs.output, { failpoints: Failpoints.disarmed() }));
}

/** Does the trial have a checkpoint yet (its metadata was published)? */
export async function trialHasCheckpoint(services: ServicesView, dirs: TrialDirs): Promise<boolean> {
  if (services.store !== 's3') return fs.existsSync(path.join(dirs.checkpoint, 'metadata'));
  const store = await openTrialS3Store(services, dirs.checkpoint);
  try {
    return (await store.list('metadata')).includes('metadata');
  } finally {
    await store.close();
  }
}

/**
 * The view above, rebuilt from what a process driver already hands every engine: the services'
 * engine arguments and environment, and the trial's sink kind.
 */
export function servicesViewFromEngineArgs(engineArgs: readonly string[], env: Record<string, string>, sink: string): ServicesView {
  const flag = (name: string) => {
    const i = engineArgs.lastIndexOf(`--${name}`);
    return i >= 0 ? engineArgs[i + 1] : undefined;
  };
  const endpoint = flag('s3-endpoint');
  const brokers = flag('kafka-brokers');
  const store = (flag('store') ?? 'fs') as Services['store'];
  return {
    store,
    sink: sink as Services['sink'],
    env,
    summary: {
      requested: 'local',
      picked: 'local',
      reason: 'rebuilt from engine arguments',
      store,
      source: (flag('source') ?? 'log') as Services['source'],
      sink: sink as Services['sink'],
      notes: [],
      ...(endpoint
        ? { s3: { server: 'external' as const, endpoint, bucket: flag('s3-bucket') ?? '', prefix: flag('s3-prefix') ?? '', conditionalWrites: false } }
        : {}),
      ...(brokers ? { kafka: { server: 'external' as const, brokers: brokers.split(',') } } : {}),
    },
  };
}
