/**
 * Batch scenarios with `--store s3` (and `--sink s3`): the engine process puts its dataset
 * checkpoints on S3 (s3rver in its own process, from harness/services), the result equals the
 * scenario's plain-loop reference, the checkpoint objects are in the bucket under the run prefix,
 * and a re-run of the same job over the same checkpoint location reuses its named checkpoint.
 * With `--executors N` the executor processes open the same S3 checkpoint store (location from the
 * driver, credentials from the inherited environment) and write the dataset parts themselves; an
 * executor SIGKILLed while uploading a part still leaves the exact result. Executors write output
 * parts only to a directory, so executors + `--sink s3` is refused with a clear usage error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServices, type Services } from './index.js';
import { openTrialS3Store, servicesViewFromEngineArgs } from './trial-io.js';
import { findBatchScenario } from '../../scenarios/batch/index.js';
import { parseEvents } from '../../engine/events.js';
import { canonicalLines, readJsonLinesOutput } from '../../engine/batch/run.js';

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

function engine(args: string[], checkpoint = 'ckpt') {
  return execa('node', ['dist/runtime/main.js', 'run', ...job, '--checkpoint', path.join(dir, checkpoint), ...args, ...services.engineArgs], { env: services.env, reject: false });
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

  it('--store s3 with 2 executors: the executors write the checkpoint parts to the bucket and the result is the reference', async () => {
    const r = await engine(['--output', path.join(dir, 'out6'), '--executors', '2'], 'ckpt-exec');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const events = parseEvents(r.stdout);
    expect(events.filter((e) => e.type === 'executor.started').length).toBe(2);
    expect(events.some((e) => e.type === 'executor.lost')).toBe(false);
    const checkpointed = events.filter((e) => e.type === 'dataset.checkpointed');
    expect(checkpointed.length).toBeGreaterThan(0);
    expect(checkpointed.every((e) => e.type === 'dataset.checkpointed' && !e.reused)).toBe(true);
    expect(canonicalLines(await readJsonLinesOutput(path.join(dir, 'out6')))).toEqual(reference);
    expect(fs.existsSync(path.join(dir, 'ckpt-exec'))).toBe(false);
    const keys = await read('ckpt-exec', (s) => s.list(''));
    expect(keys.filter((k) => /\/manifest$/.test(k)).length).toBe(checkpointed.length);
    expect(keys.filter((k) => /\/part-\d{5}$/.test(k)).length).toBeGreaterThan(0);
  });

  it('an executor SIGKILLed while uploading a checkpoint part to S3 is replaced and the result is still exact', async () => {
    // Executor 0 tears its second dataset-part upload and SIGKILLs itself (a real kill, mid-write).
    const r = await engine(['--output', path.join(dir, 'out7'), '--executors', '2', '--executor-failpoints', 'dataset.write:2:tear'], 'ckpt-kill');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const events = parseEvents(r.stdout);
    expect(events.find((e) => e.type === 'failpoint.fired')).toMatchObject({ name: 'dataset.write', occurrence: 2, action: 'tear' });
    expect(events.find((e) => e.type === 'executor.lost')).toMatchObject({ executorId: 0, reason: expect.stringMatching(/SIGKILL/) });
    // The replacement got a new id and is clean.
    expect(events.filter((e) => e.type === 'executor.started').length).toBeGreaterThanOrEqual(3);
    expect(canonicalLines(await readJsonLinesOutput(path.join(dir, 'out7')))).toEqual(reference);
    const keys = await read('ckpt-kill', (s) => s.list(''));
    expect(keys.filter((k) => /\/part-\d{5}$/.test(k)).length).toBeGreaterThan(0);
  });

  it('S3 down while executors upload parts: the attempt fails cleanly (exit 1, a storage error), and a restart after the outage gives the exact result', async () => {
    const fast = { CHAOS_S3_TOTAL_TIMEOUT_MS: '300', CHAOS_S3_ATTEMPT_TIMEOUT_MS: '100', CHAOS_S3_ATTEMPTS: '2' };
    const args = ['dist/runtime/main.js', 'run', ...job, '--checkpoint', path.join(dir, 'ckpt-outage'), '--output', path.join(dir, 'out8'), '--executors', '2', ...services.engineArgs];
    const proc = execa('node', args, { env: { ...services.env, ...fast }, reject: false });
    let killed: Promise<void> | undefined;
    proc.stdout!.on('data', (chunk: Buffer) => {
      if (killed === undefined && chunk.toString().includes('"executor.started"')) killed = services.storage!.kill();
    });
    try {
      const down = await proc;
      expect(killed).toBeDefined();
      expect(down.exitCode, down.stderr).toBe(1);
      expect(down.stderr).toMatch(/S3 endpoint .* unavailable.*a restart resumes from the checkpoint/);
      expect(down.stderr).not.toMatch(/aborted|internal error/);
      // The executors met the outage themselves (their task failures name it) and were not refused as a usage error.
      expect(parseEvents(down.stdout).some((e) => e.type === 'task.failed' && /StorageUnavailableError/.test(e.reason))).toBe(true);
    } finally {
      await killed;
      await services.storage!.restart();
    }
    const again = await engine(['--output', path.join(dir, 'out8'), '--executors', '2'], 'ckpt-outage');
    expect(again.stderr).toBe('');
    expect(again.exitCode).toBe(0);
    expect(canonicalLines(await readJsonLinesOutput(path.join(dir, 'out8')))).toEqual(reference);
  });

  it('refuses executors with an S3 sink, and Kafka, with a clear usage error (exit 2)', async () => {
    const withExecutors = await engine(['--output', path.join(dir, 'out4'), '--executors', '1', '--sink', 's3']);
    expect(withExecutors.exitCode).toBe(2);
    expect(withExecutors.stderr).toMatch(/--executors 1 cannot be combined with --sink s3 .*use --sink files with executors/);
    expect(withExecutors.stderr).not.toMatch(/\n\s+at /);
    const kafka = await engine(['--output', path.join(dir, 'out5'), '--sink', 'kafka']);
    expect(kafka.exitCode).toBe(2);
    expect(kafka.stderr).toMatch(/--sink kafka applies to streaming jobs/);
  });
});
