/**
 * Batch scenarios with `--store s3` (and `--sink s3`): the engine process puts its dataset
 * checkpoints on S3 (s3rver in its own process, from harness/services), the result equals the
 * scenario's plain-loop reference, the checkpoint objects are in the bucket under the run prefix,
 * and a re-run of the same job over the same checkpoint location reuses its named checkpoint.
 * Executors cannot open an S3 store, so executors + S3 is refused with a clear usage error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServices, type Services } from '../../harness/services/index.js';
import { openTrialS3Store, servicesViewFromEngineArgs } from '../../harness/services/trial-io.js';
import { findBatchScenario } from '../../scenarios/batch/index.js';
import { parseEvents } from '../events.js';
import { canonicalLines, readJsonLinesOutput } from './run.js';

let services: Services;
let dir: string;
beforeAll(async () => {
  services = await resolveServices({ services: 'local', store: 's3', source: 'log', sink: 's3', log: () => {} });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-s3-'));
});
afterAll(async () => {
  await services?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const job = ['--scenario', 'pagerank', '--seed', '5', '--size', '250', '--checkpoint-interval', '3'];
const reference = canonicalLines(findBatchScenario('pagerank').referenceResult(5, 250, { checkpointEvery: 3 }));

function engine(args: string[]) {
  return execa('node', ['dist/engine/main.js', 'run', ...job, '--checkpoint', path.join(dir, 'ckpt'), ...args, ...services.engineArgs], { env: services.env, reject: false });
}

const view = () => servicesViewFromEngineArgs(services.engineArgs, services.env, 's3');

async function read(sub: string, fn: (store: Awaited<ReturnType<typeof openTrialS3Store>>) => Promise<string[]>): Promise<string[]> {
  const store = await openTrialS3Store(view(), path.join(dir, sub));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe('batch scenarios on S3 (s3rver)', () => {
  it('pagerank with --store s3 completes with the reference result; its checkpoint is in the bucket; a re-run reuses it', async () => {
    const first = await engine(['--output', path.join(dir, 'out1')]);
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    const events = parseEvents(first.stdout);
    expect(events.find((e) => e.type === 'services.opened')).toMatchObject({ store: 's3', location: expect.stringMatching(/^s3:\/\/.*\/ckpt$/) });
    const checkpointed = events.filter((e) => e.type === 'dataset.checkpointed');
    expect(checkpointed.length).toBeGreaterThan(0);
    expect(checkpointed.every((e) => e.type === 'dataset.checkpointed' && !e.reused)).toBe(true);
    // Output on the local disk (--sink files), checkpoint only on S3.
    expect(canonicalLines(await readJsonLinesOutput(path.join(dir, 'out1')))).toEqual(reference);
    expect(fs.existsSync(path.join(dir, 'ckpt'))).toBe(false);
    const keys = await read('ckpt', (s) => s.list(''));
    expect(keys.filter((k) => /\/manifest$/.test(k)).length).toBe(checkpointed.length);
    expect(keys.filter((k) => /\/part-\d{5}$/.test(k)).length).toBeGreaterThan(0);
    expect(keys.some((k) => k.startsWith('names/'))).toBe(true);

    const second = await engine(['--output', path.join(dir, 'out2')]);
    expect(second.exitCode).toBe(0);
    const again = parseEvents(second.stdout);
    expect(again.find((e) => e.type === 'engine.started')).toMatchObject({ resumed: true });
    expect(again.some((e) => e.type === 'dataset.checkpointed' && e.reused)).toBe(true);
    expect(canonicalLines(await readJsonLinesOutput(path.join(dir, 'out2')))).toEqual(reference);
  });

  it('--sink s3 writes the part files to S3 under the output path', async () => {
    const r = await engine(['--output', path.join(dir, 'out3'), '--sink', 's3']);
    expect(r.exitCode).toBe(0);
    expect(fs.existsSync(path.join(dir, 'out3'))).toBe(false);
    const store = await openTrialS3Store(view(), path.join(dir, 'out3'));
    try {
      expect(canonicalLines(await readJsonLinesOutput(store))).toEqual(reference);
    } finally {
      await store.close();
    }
  });

  it('refuses executors with an S3 store or sink, and Kafka, with a clear usage error (exit 2)', async () => {
    const withExecutors = await engine(['--output', path.join(dir, 'out4'), '--executors', '1']);
    expect(withExecutors.exitCode).toBe(2);
    expect(withExecutors.stderr).toMatch(/--executors 1 cannot be combined with --store s3 .*use --executors 0 with S3/);
    expect(withExecutors.stderr).not.toMatch(/\n\s+at /);
    const kafka = await engine(['--output', path.join(dir, 'out5'), '--sink', 'kafka']);
    expect(kafka.exitCode).toBe(2);
    expect(kafka.stderr).toMatch(/--sink kafka applies to streaming scenarios/);
  });
});
