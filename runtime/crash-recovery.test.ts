/**
 * In-process (simulation) crash matrix: for every failpoint and action, at K = 1 and K = 5, the
 * engine crashes there, restarts on what the memory store made durable, and its final output
 * equals the failure-free run, row for row.
 */
import { describe, expect, it } from 'vitest';
import { STREAMING_FAILPOINTS } from '../engine/streaming/failpoint-names.js';
import { bundledJobs } from './jobs.js';
import { referenceRows, runWithFaults } from './test-support/sim.js';
import type { JobStreamingRunOptions as StreamingRunOptions } from './run-job.js';

const base = (scenario: string, k: number): StreamingRunOptions => ({
  scenario,
  seed: 11,
  size: 400,
  maxBatchRecords: 40,
  checkpointInterval: k,
  snapshotEvery: 2,
  retainBatches: 2,
  partitions: 3,
});

// Reached by an in-memory run: the source log (source.*) is only written by the fs log source,
// recovery.* and recovery-attempts.* only in a restarted incarnation (covered below).
const inRecovery = (name: string) => name.startsWith('recovery.') || name.startsWith('recovery-attempts.');
const firstRunPoints = STREAMING_FAILPOINTS.filter((f) => !f.name.startsWith('source.') && !inRecovery(f.name));
const recoveryPoints = STREAMING_FAILPOINTS.filter((f) => inRecovery(f.name));

describe.each(bundledJobs.filter((s) => s.kind === 'streaming').map((s) => s.name))('%s: crash at every failpoint, restart, same output', (scenario) => {
  for (const k of [1, 5]) {
    it(`K=${k}: crash (1st and 3rd occurrence), throw, tear, delay`, async () => {
      const expected = await referenceRows(base(scenario, k));
      expect(expected.length).toBeGreaterThan(0);
      for (const fp of firstRunPoints) {
        const actions = ['1:crash', '3:crash', '2:throw', '1:delay:1', ...(fp.tearable ? ['1:tear', '2:tear'] : [])];
        for (const action of actions) {
          const spec = `${fp.name}:${action}`;
          const got = await runWithFaults(base(scenario, k), [spec]);
          expect(got.rows, spec).toEqual(expected);
          // Points every run reaches at least 3 times must actually have fired.
          if (!fp.name.startsWith('metadata.') && !fp.name.startsWith('state.') && !fp.name.startsWith('snapshot.') && !fp.name.startsWith('sink.') && !fp.name.startsWith('retention.')) {
            expect(got.fired.map((h) => h.name), spec).toContain(fp.name);
          }
        }
      }
    });

    it(`K=${k}: crash during recovery itself, then again in the next incarnation`, async () => {
      const expected = await referenceRows(base(scenario, k));
      for (const fp of recoveryPoints) {
        for (const first of ['commits.written:4:crash', 'sink.done:6:crash', 'offsets.written:7:crash', 'state.committed:1:crash']) {
          const got = await runWithFaults(base(scenario, k), [first, `${fp.name}:1:crash`, 'batch.planned:2:crash', 'commits.write:1:tear']);
          expect(got.rows, `${first} then ${fp.name}`).toEqual(expected);
        }
      }
    });
  }
});

describe('what the events say about a recovery', () => {
  it('replays committed batches after the loaded state version and re-runs the planned one', async () => {
    const opts = base('wordcount', 5);
    const got = await runWithFaults(opts, ['offsets.written:8:crash']);
    const second = got.events[1]!;
    const started = second.find((e) => e.type === 'recovery.started');
    const replayed = second.find((e) => e.type === 'recovery.replayed');
    // batches 0..6 committed, batch 7 planned; state durable at version 5 (after batch 4)
    expect(started).toMatchObject({ lastPlanned: 7, lastCommitted: 6, stateVersion: 5 });
    expect(replayed).toMatchObject({ batches: 2, fromBatch: 5, toBatch: 6 });
    const replans = second.filter((e) => e.type === 'batch.planned' && e.replay);
    expect(replans.map((e) => (e as { batchId: number }).batchId)).toEqual([5, 6, 7]);
    // committed batches are not handed to the sink again: only 7 onwards commit in incarnation 2
    const committed = second.filter((e) => e.type === 'batch.committed').map((e) => (e as { batchId: number }).batchId);
    expect(committed[0]).toBe(7);
    expect(second.some((e) => e.type === 'recovery.caught-up')).toBe(true);
  });

  it('restarting a finished query does nothing', async () => {
    const opts = base('running-totals', 1);
    const got = await runWithFaults(opts, []);
    const again = await runWithFaults(opts, [], { checkpoint: got.checkpoint, output: got.output });
    expect(again.rows).toEqual(got.rows);
    expect(again.events[0]!.filter((e) => e.type === 'batch.committed')).toEqual([]);
  });

  it('the output does not depend on the checkpoint interval, snapshot interval or retention', async () => {
    const expected = await referenceRows(base('windowed-counts', 1));
    for (const [k, m, r] of [[1, 1, 0], [2, 3, 1], [7, 10, 20], [3, 1, 5]] as const) {
      const got = await runWithFaults({ ...base('windowed-counts', k), snapshotEvery: m, retainBatches: r }, ['commits.written:5:crash', 'sink.done:2:crash']);
      expect(got.rows, `K=${k} M=${m} retain=${r}`).toEqual(expected);
    }
  });

  it('checkpointing off (K=0) writes nothing to the checkpoint store', async () => {
    const got = await runWithFaults(base('wordcount', 0), []);
    expect(got.checkpoint.objects.size).toBe(0);
    expect(got.rows.length).toBeGreaterThan(0);
  });
});
