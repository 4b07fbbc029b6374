/**
 * A zombie paused between "the checkpoint is new" and writing the metadata, resumed after its
 * successor created the checkpoint and committed output: it is fenced ("fenced: …", exit 1 in a
 * process), like every other stale write — not refused as a user's mix-up of --output (exit 2),
 * which is what a trial of `chaos run --store s3` caught (zombie paused after engine.started).
 */
import { describe, expect, it } from 'vitest';
import { correctProtocol, Failpoints, MemoryCheckpointStore, nullEventSink, runStreamingQuery, simulatedCrash, type StreamingProtocol, type StreamingRunOptions } from '../engine/index.js';
import { FencedWriteError } from '../engine/checkpoint/fenced-write.js';
import { loadStreamingJob } from './jobs.js';

describe('a zombie that found the checkpoint new and resumed after its successor committed output', () => {
  it('is fenced, and the output is the successor\'s alone', async () => {
    const failpoints = new Failpoints([], simulatedCrash);
    const checkpoint = new MemoryCheckpointStore('memory://checkpoint', { failpoints });
    const output = new MemoryCheckpointStore('memory://output', { failpoints });
    const opts: StreamingRunOptions = { job: await loadStreamingJob('wordcount'), seed: 3, size: 60, partitions: 2, maxBatchRecords: 10, checkpointInterval: 1, sink: 'files', input: {} };
    const rt = { checkpoint, output, failpoints, events: nullEventSink };
    await runStreamingQuery(opts, rt);
    const successorOutput = (await output.list('')).sort();
    expect(successorOutput.length).toBeGreaterThan(0);

    // A fresh pair of stores; the zombie reads "no metadata", then (paused) its successor runs to the end.
    const checkpoint2 = new MemoryCheckpointStore('memory://checkpoint2', { failpoints });
    const output2 = new MemoryCheckpointStore('memory://output2', { failpoints });
    const rt2 = { checkpoint: checkpoint2, output: output2, failpoints, events: nullEventSink };
    let successorRan = false;
    const pausedAfterReading: StreamingProtocol = {
      ...correctProtocol,
      async readMetadata(ctx) {
        const meta = await correctProtocol.readMetadata(ctx);
        if (!successorRan) {
          successorRan = true;
          await runStreamingQuery(opts, rt2);
        }
        return meta;
      },
    };
    const err = await runStreamingQuery(opts, { ...rt2, protocol: pausedAfterReading }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FencedWriteError);
    expect((err as Error).message).toMatch(/^fenced: checkpoint memory:\/\/checkpoint2 was created, and output committed, by another writer after this one found it new; this writer is stale/);
    expect((await output2.list('')).sort()).toEqual(successorOutput);
  });
});
