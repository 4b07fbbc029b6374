/**
 * The mutant seam works and the crash matrix has teeth: a protocol with one step broken
 * (registered here for the test only) produces output that differs from the failure-free run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mutants } from './index.js';
import { UserError } from '../engine/errors.js';
import { commitKey } from '../engine/streaming/checkpoint-files.js';
import { putJson } from '../engine/checkpoint/checked.js';
import { referenceRows as engineReferenceRows, runWithFaults as engineRunWithFaults, memoryStores } from '../engine/streaming/test-support/sim.js';
import type { StreamingRunOptions } from '../engine/streaming/run.js';
import { wordcount } from '../scenarios/streaming/wordcount.js';
import { engineParts } from './index.js';

const opts = (mutant?: string): StreamingRunOptions => ({ job: wordcount, seed: 3, size: 300, maxBatchRecords: 30, checkpointInterval: 1, ...(mutant ? { mutant } : {}) });
// Mutants compose the way runtime/compose.ts does it: the parts of the named variant, handed to the engine.
const runWithFaults = async (o: StreamingRunOptions, faults: Array<string | undefined>) => engineRunWithFaults(o, faults, memoryStores(), 30, engineParts(o.mutant).protocol);
const referenceRows = async (o: StreamingRunOptions) => engineReferenceRows(o, engineParts(o.mutant).protocol);

afterEach(() => {
  delete mutants['test-commit-before-sink'];
  delete mutants['test-newest-state'];
});

describe('mutant seam', () => {
  it('unknown mutant names are refused with the known names listed', async () => {
    mutants['test-newest-state'] = { description: 'x', realWorld: 'y', apply: (b) => b };
    await expect(runWithFaults(opts('no-such-mutant'), [])).rejects.toThrow(UserError);
    await expect(runWithFaults(opts('no-such-mutant'), [])).rejects.toThrow(/Known mutants: .*test-newest-state/);
  });

  it('commit written before the sink loses a batch when the crash falls between them', async () => {
    mutants['test-commit-before-sink'] = {
      description: 'writes commits/N before handing the batch to the sink',
      realWorld: 'Spark sinks that commit offsets before output (e.g. foreachBatch without idempotence)',
      apply: (base) => ({
        ...base,
        protocol: {
          ...base.protocol,
          addToSink: async (ctx, batchId, rows) => {
            await putJson(ctx.checkpoint, commitKey(batchId), { batchId, nextBatchWatermarkMs: 0, outputRows: rows.length }, 'commits');
            await base.protocol.addToSink(ctx, batchId, rows);
          },
        },
      }),
    };
    const expected = await referenceRows(opts());
    expect((await runWithFaults(opts('test-commit-before-sink'), [])).rows).toEqual(expected); // no fault: looks fine
    // The restart finds commits/3 but no part 3 in the sink's record: it refuses instead of
    // silently rebuilding without batch 3 (engine/streaming/execution.ts checkSinkHoldsCommits).
    await expect(runWithFaults(opts('test-commit-before-sink'), ['sink.begin:4:crash'])).rejects.toThrow(/has committed batches 0\.\.3, but output .* holds only batches 0\.\.2/);
  });

  it('state loaded from the newest file instead of the committed version double-counts', async () => {
    mutants['test-newest-state'] = {
      description: 'recovery loads the newest state version, even one whose batch never committed',
      realWorld: 'state store reading uncommitted versions (Spark SPARK-xxxx class)',
      // Recovery discards versions after the last commit first (a dead attempt's): this mutant keeps them, to read one.
      apply: (base) => ({ ...base, protocol: { ...base.protocol, discardUncommittedState: async () => {}, loadState: (ctx, max, last) => base.protocol.loadState(ctx, max + 1, last) } }),
    };
    const expected = await referenceRows(opts());
    const got = await runWithFaults(opts('test-newest-state'), ['sink.begin:4:crash']);
    expect(got.rows).not.toEqual(expected);
  });
});
