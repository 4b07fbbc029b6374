/**
 * Damaged checkpoint files (bit rot, a torn write on a disk that ignored the barrier): detected by
 * the checksum, then recovered from an older complete state version, or refused with a clear
 * error naming the file — never read as valid.
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../engine/errors.js';
import { referenceRows, runWithFaults, memoryStores } from './test-support/sim.js';
import type { JobStreamingRunOptions as StreamingRunOptions } from './run-job.js';

const opts: StreamingRunOptions = { scenario: 'running-totals', seed: 5, size: 400, maxBatchRecords: 40, checkpointInterval: 1, snapshotEvery: 3, partitions: 2 };

function tear(bytes: Uint8Array): Uint8Array {
  return bytes.slice(0, Math.floor(bytes.length / 2));
}

async function crashedAt(spec: string, o = opts) {
  const stores = memoryStores();
  // the first incarnation crashes; we stop there (maxIncarnations = 1 throws "no incarnation finished")
  await expect(runWithFaults(o, [spec], stores, 1)).rejects.toThrow(/no incarnation finished/);
  return stores;
}

describe('corrupt state versions', () => {
  it('falls back to an older complete version and replays more batches from the WAL', async () => {
    const expected = await referenceRows(opts);
    const stores = await crashedAt('offsets.written:8:crash'); // batches 0..6 committed, state versions 1..7
    const newest = [...stores.checkpoint.objects.keys()].filter((k) => k.startsWith('state/totals/1/7.'));
    expect(newest.length).toBe(1);
    stores.checkpoint.objects.set(newest[0]!, tear(stores.checkpoint.objects.get(newest[0]!)!));
    const got = await runWithFaults(opts, [], stores);
    expect(got.rows).toEqual(expected);
    const events = got.events[0]!;
    expect(events.find((e) => e.type === 'recovery.fallback')).toMatchObject({ file: newest[0] });
    const started = events.find((e) => e.type === 'recovery.started') as { stateVersion: number };
    expect(started.stateVersion).toBeLessThan(7);
  });

  it('stops with a clear error naming the file when no older version can be replayed', async () => {
    const short = { ...opts, retainBatches: 2 };
    const stores = await crashedAt('offsets.written:9:crash', short);
    expect(stores.checkpoint.objects.has('offsets/0')).toBe(false); // retention removed the start of the WAL
    // damage every state file: no version loads, and no version's replay range is complete
    for (const k of stores.checkpoint.objects.keys()) if (k.startsWith('state/')) stores.checkpoint.objects.set(k, new Uint8Array([0x63]));
    const err = await runWithFaults(short, [], stores).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/cannot recover state.*state\/totals\/\d\/\d+\.(delta|snapshot)/);
  });
});

describe('corrupt offsets, commits, metadata', () => {
  it('a torn newest offsets file is treated as not planned', async () => {
    const expected = await referenceRows(opts);
    const stores = await crashedAt('offsets.written:4:crash');
    stores.checkpoint.objects.set('offsets/3', tear(stores.checkpoint.objects.get('offsets/3')!));
    const got = await runWithFaults(opts, [], stores);
    expect(got.rows).toEqual(expected);
    expect(got.events[0]!.find((e) => e.type === 'recovery.fallback')).toMatchObject({ file: 'offsets/3' });
  });

  it('a corrupt newest commit is treated as not committed: the batch runs again, output unchanged', async () => {
    const expected = await referenceRows(opts);
    const stores = await crashedAt('commits.written:5:crash');
    stores.checkpoint.objects.set('commits/4', tear(stores.checkpoint.objects.get('commits/4')!));
    const got = await runWithFaults(opts, [], stores);
    expect(got.rows).toEqual(expected);
    const started = got.events[0]!.find((e) => e.type === 'recovery.started');
    expect(started).toMatchObject({ lastPlanned: 4, lastCommitted: 3 });
  });

  it("a corrupt WAL entry of a committed batch that recovery needs is refused, naming the file", async () => {
    const stores = await crashedAt('offsets.written:6:crash');
    stores.checkpoint.objects.set('offsets/4', tear(stores.checkpoint.objects.get('offsets/4')!));
    await expect(runWithFaults(opts, [], stores)).rejects.toThrow(/offsets\/4 is corrupt/);
  });

  it('corrupt metadata after batches were planned is refused, naming the file', async () => {
    const stores = await crashedAt('offsets.written:3:crash');
    stores.checkpoint.objects.set('metadata', tear(stores.checkpoint.objects.get('metadata')!));
    await expect(runWithFaults(opts, [], stores)).rejects.toThrow(/corrupt checkpoint file metadata/);
  });

  it('a restart with a different partition count is refused, naming the change', async () => {
    const stores = await crashedAt('offsets.written:3:crash');
    await expect(runWithFaults({ ...opts, partitions: 8 }, [], stores)).rejects.toThrow(/partitions changed from 2 to 8/);
    await expect(runWithFaults({ ...opts, seed: 6 }, [], stores)).rejects.toThrow(/source changed from .*seed=5.* to .*seed=6/);
    // the original settings still resume
    expect((await runWithFaults(opts, [], stores)).rows).toEqual(await referenceRows(opts));
  });

  it('a new checkpoint over an output directory that already holds rows is refused', async () => {
    const done = await runWithFaults(opts, []);
    await done.checkpoint.destroy();
    await expect(runWithFaults(opts, [], { checkpoint: done.checkpoint, output: done.output })).rejects.toThrow(/already holds committed output/);
  });
});
