/**
 * End to end, in process: the streaming engine keeps its checkpoint on S3 (s3rver) through the TCP
 * fault proxy. A short blackhole is ridden out by retries; a blackhole longer than the retry budget
 * fails the attempt cleanly (StorageUnavailableError, no hang), and a restart recovers from the
 * checkpoint to exactly the failure-free output.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpFaultProxy } from './tcp-fault-proxy.js';
import { startS3rverServer, type RunningS3rver } from '../../services/s3rver-server.js';
import { S3CheckpointStore } from '../../../engine/clients.js';
import { StorageUnavailableError } from '../../../engine/clients.js';
import { MemoryCheckpointStore } from '../../../engine/index.js';
import { Failpoints } from '../../../engine/index.js';
import { MemoryEventSink, type EngineEvent, type EventInput } from '../../../engine/index.js';
import { runStreamingJob as runStreamingQuery, type JobStreamingRunOptions as StreamingRunOptions } from '../../../runtime/run-job.js';
import { referenceRows } from '../../../runtime/test-support/sim.js';
import { readStreamingRows as readOutputRows } from '../../oracle/output-readers.js';
import type { RetryPolicy } from '../../../engine/index.js';

let s3rver: RunningS3rver;
let proxy: TcpFaultProxy;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outage-s3rver-'));
beforeAll(async () => {
  s3rver = await startS3rverServer({ directory: dir, buckets: ['outage'] });
  proxy = await TcpFaultProxy.start({ target: { host: '127.0.0.1', port: s3rver.port } });
});
afterAll(async () => {
  await proxy.close();
  await s3rver.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const opts: StreamingRunOptions = { scenario: 'running-totals', seed: 5, size: 400, maxBatchRecords: 40, partitions: 3, checkpointInterval: 2, snapshotEvery: 2 };

/** Calls `onEvent` for every event, then keeps it. */
class WatchingEvents extends MemoryEventSink {
  constructor(private readonly onEvent: (e: EventInput, all: EngineEvent[]) => void) {
    super();
  }
  override emit(event: EventInput): void {
    super.emit(event);
    this.onEvent(event, this.events);
  }
}

async function incarnation(prefix: string, output: MemoryCheckpointStore, retry: Partial<RetryPolicy>, onEvent: (e: EventInput, all: EngineEvent[]) => void) {
  const retries: string[] = [];
  const checkpoint = await S3CheckpointStore.open(
    { endpoint: `http://${proxy.address}`, accessKey: 'S3RVER', secretKey: 'S3RVER', bucket: 'outage', prefix, retry },
    { failpoints: Failpoints.disarmed(), onRetry: (i) => retries.push(i.what) },
  );
  const events = new WatchingEvents(onEvent);
  try {
    await runStreamingQuery(opts, { checkpoint, output, failpoints: Failpoints.disarmed(), events });
    return { error: undefined, events: events.events, retries };
  } catch (error) {
    return { error, events: events.events, retries };
  } finally {
    await checkpoint.close();
  }
}

describe('storage outage through the fault proxy (engine in process, checkpoint on s3rver)', () => {
  it('a blackhole longer than the retry budget fails the attempt cleanly; the restart recovers to the failure-free output', async () => {
    const expected = await referenceRows(opts);
    const prefix = `run-${randomUUID()}`;
    const output = new MemoryCheckpointStore('memory://output', { failpoints: Failpoints.disarmed() });
    const budget = { attempts: 3, attemptTimeoutMs: 300, totalTimeoutMs: 1_200, baseDelayMs: 20 };

    const first = await incarnation(prefix, output, budget, (e, all) => {
      if (e.type === 'batch.committed' && all.filter((x) => x.type === 'batch.committed').length === 3) proxy.blackhole();
    });
    proxy.pass();
    expect(first.error).toBeInstanceOf(StorageUnavailableError);
    expect((first.error as Error).message).toContain(`S3 endpoint http://${proxy.address} unavailable`);
    expect(first.events.some((e) => e.type === 'engine.finished')).toBe(false);

    const second = await incarnation(prefix, output, budget, () => {});
    expect(second.error).toBeUndefined();
    expect(second.events.some((e) => e.type === 'recovery.started')).toBe(true);
    expect(await readOutputRows(output)).toEqual(expected);
  });

  it('a blackhole shorter than the retry budget is ridden out by retries in the same attempt', async () => {
    const expected = await referenceRows(opts);
    const output = new MemoryCheckpointStore('memory://output', { failpoints: Failpoints.disarmed() });
    const patient = { attempts: 30, attemptTimeoutMs: 250, totalTimeoutMs: 10_000, baseDelayMs: 20, maxDelayMs: 200 };
    const run = await incarnation(`run-${randomUUID()}`, output, patient, (e, all) => {
      if (e.type === 'batch.committed' && all.filter((x) => x.type === 'batch.committed').length === 2) proxy.blackhole(600);
    });
    expect(run.error).toBeUndefined();
    expect(run.retries.length).toBeGreaterThan(0);
    expect(await readOutputRows(output)).toEqual(expected);
  });
});
