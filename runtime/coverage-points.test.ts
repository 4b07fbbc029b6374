/**
 * Each coverage point (engine/coverage.ts) is reached by the path it names — driven here by exact
 * failpoints and knobs — and a disarmed run reports none.
 */
import { describe, expect, it } from 'vitest';
import { Coverage, COVERAGE_POINT_NAMES } from '../engine/coverage.js';
import { MemoryEventSink, type EngineEvent } from '../engine/events.js';
import { Failpoints } from '../engine/failpoints.js';
import { RECOVERY_ATTEMPTS_KEY } from '../engine/streaming/recovery-attempts.js';
import { memoryStores, referenceRows, runWithFaults } from './test-support/sim.js';
import { runStreamingJob as runStreamingQuery, type JobStreamingRunOptions as StreamingRunOptions } from './run-job.js';

const base: StreamingRunOptions = { scenario: 'running-totals', seed: 3, size: 300, maxBatchRecords: 20, partitions: 2 };

const hits = (events: EngineEvent[]) => events.flatMap((e) => (e.type === 'coverage.hit' ? [e.point] : []));

describe('coverage points', () => {
  it('a disarmed run reports none, an armed one reports each point once per incarnation', async () => {
    const stores = memoryStores();
    const events = new MemoryEventSink();
    await runStreamingQuery({ ...base, snapshotEvery: 3 }, { ...stores, failpoints: Failpoints.disarmed(), events });
    expect(hits(events.events)).toEqual([]);
    const armed = await runWithFaults({ ...base, snapshotEvery: 3 }, []);
    const points = hits(armed.events[0]!);
    expect(points).toContain('state.snapshot-written');
    expect(points).toContain('state.delta-written');
    expect(new Set(points).size).toBe(points.length);
    for (const p of points) expect(COVERAGE_POINT_NAMES).toContain(p);
  });

  it('recovery.interrupted-once and -twice: recoveries that die before catching up are counted until one does', async () => {
    const expected = await referenceRows(base);
    const got = await runWithFaults(base, ['commits.written:4:crash', 'recovery.state-loaded:1:crash', 'recovery.state-loaded:1:crash']);
    expect(got.rows).toEqual(expected);
    expect(got.incarnations).toBe(4);
    const attempts = got.events.map((inc) => (inc.find((e) => e.type === 'recovery.started') as { attempt?: number } | undefined)?.attempt);
    expect(attempts).toEqual([undefined, 1, 2, 3]);
    expect(hits(got.events[1]!)).not.toContain('recovery.interrupted-once');
    expect(hits(got.events[2]!)).toContain('recovery.interrupted-once');
    expect(hits(got.events[2]!)).not.toContain('recovery.interrupted-twice');
    expect(hits(got.events[3]!)).toContain('recovery.interrupted-twice');
    // The recovery that caught up removed the counter.
    expect(got.checkpoint.objects.has(RECOVERY_ATTEMPTS_KEY)).toBe(false);
  });

  it('retention.deleted-then-restart, retention.kept-for-chain and retention.window-empty follow --retain-batches', async () => {
    const chain = await runWithFaults({ ...base, retainBatches: 0, snapshotEvery: 5 }, ['commits.written:9:crash']);
    expect(hits(chain.events[0]!)).toContain('retention.kept-for-chain');
    expect(hits(chain.events[1]!)).toContain('retention.deleted-then-restart');
    const empty = await runWithFaults({ ...base, retainBatches: 0, snapshotEvery: 1 }, []);
    expect(hits(empty.events[0]!)).toContain('retention.window-empty');
    expect(hits(empty.events[0]!)).not.toContain('retention.kept-for-chain');
    const defaults = await runWithFaults(base, ['commits.written:9:crash']);
    expect(hits(defaults.events[1]!)).not.toContain('retention.deleted-then-restart');
  });

  it('recovery.state-from-scratch and replay-beyond-retention: a checkpoint interval longer than the run replays the whole log', async () => {
    const got = await runWithFaults({ ...base, checkpointInterval: 100_000, retainBatches: 1 }, ['commits.written:6:crash']);
    const second = hits(got.events[1]!);
    expect(second).toEqual(expect.arrayContaining(['recovery.state-from-scratch', 'recovery.replay-from-wal', 'recovery.replay-beyond-retention']));
    expect(got.events[1]!.find((e) => e.type === 'recovery.replayed')).toMatchObject({ batches: 6, fromBatch: 0 });
  });

  it('recovery.state-from-delta-chain and replay-beyond-snapshot: WAL replay on top of a delta chain', async () => {
    const got = await runWithFaults({ ...base, checkpointInterval: 2, snapshotEvery: 10 }, ['commits.written:7:crash']);
    expect(hits(got.events[1]!)).toEqual(expect.arrayContaining(['recovery.state-from-delta-chain', 'recovery.replay-beyond-snapshot']));
    const snapshots = await runWithFaults({ ...base, checkpointInterval: 2, snapshotEvery: 1 }, ['commits.written:7:crash']);
    expect(hits(snapshots.events[1]!)).not.toContain('recovery.replay-beyond-snapshot');
    // Replaying from version 0 is not "beyond a snapshot", even though the replay itself writes deltas.
    const many = { ...base, input: { keys: 200 } };
    const stores = memoryStores();
    await expect(runWithFaults(many, ['offsets.written:8:crash'], stores, 1)).rejects.toThrow(/no incarnation finished/);
    for (const k of stores.checkpoint.objects.keys()) if (k.startsWith('state/')) stores.checkpoint.objects.set(k, new Uint8Array([7]));
    const scratch = await runWithFaults(many, [], stores);
    expect(hits(scratch.events[0]!)).toEqual(expect.arrayContaining(['recovery.state-from-scratch', 'recovery.replay-from-wal', 'state.delta-written']));
    expect(hits(scratch.events[0]!)).not.toContain('recovery.replay-beyond-snapshot');
  });

  it('torn commit, offsets and metadata files, a re-run batch, a restored watermark, a finished query', async () => {
    const at = async (spec: string) => hits((await runWithFaults(base, [spec])).events[1]!);
    expect(await at('commits.write:3:tear')).toContain('recovery.torn-commit-ignored');
    expect(await at('offsets.write:3:tear')).toContain('recovery.torn-offsets-ignored');
    expect(await at('metadata.write:1:tear')).toContain('recovery.torn-metadata-fresh-start');
    expect(await at('offsets.written:4:crash')).toContain('recovery.rerun-uncommitted');
    const windows = await runWithFaults({ ...base, scenario: 'windowed-counts' }, ['commits.written:8:crash']);
    expect(hits(windows.events[1]!)).toContain('recovery.watermark-restored');
    const done = await runWithFaults(base, []);
    const again = await runWithFaults(base, [], { checkpoint: done.checkpoint, output: done.output });
    expect(hits(again.events[0]!)).toEqual(['recovery.already-finished']);
  });

  it('recovery.fallback-older-state and fallback-wal-removed: damaged state files at rest', async () => {
    const stores = memoryStores();
    await expect(runWithFaults({ ...base, snapshotEvery: 3 }, ['offsets.written:8:crash'], stores, 1)).rejects.toThrow(/no incarnation finished/);
    const newest = [...stores.checkpoint.objects.keys()].filter((k) => /^state\/[^/]+\/1\/7\./.test(k));
    expect(newest.length).toBe(1);
    stores.checkpoint.objects.set(newest[0]!, new Uint8Array([1, 2, 3]));
    const got = await runWithFaults({ ...base, snapshotEvery: 3 }, [], stores);
    expect(hits(got.events[0]!)).toContain('recovery.fallback-older-state');

    const short = memoryStores();
    const retain1 = { ...base, retainBatches: 1, snapshotEvery: 2 };
    await expect(runWithFaults(retain1, ['offsets.written:9:crash'], short, 1)).rejects.toThrow(/no incarnation finished/);
    for (const k of short.checkpoint.objects.keys()) if (k.startsWith('state/')) short.checkpoint.objects.set(k, new Uint8Array([1]));
    const sink = new MemoryEventSink();
    expect(short.checkpoint.objects.has('offsets/0')).toBe(false);
    await expect(runStreamingQuery(retain1, { ...short, failpoints: Failpoints.disarmed(), events: sink, coverage: new Coverage(sink) })).rejects.toThrow(/cannot recover state/);
    expect(hits(sink.events)).toContain('recovery.fallback-wal-removed');
  });
});
