/**
 * Reliable checkpoints on a real directory: the cut, reading stored parts instead of lineage,
 * damage detection, and reuse of named checkpoints across runs (tasks in the driver).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchContext } from './context.js';
import type { Dataset } from './dataset.js';
import { MemoryEventSink, type EngineEvent } from '../events.js';
import { Failpoints, parseFailpoints, simulatedCrash } from '../failpoints.js';
import { SimulatedCrash, UserError } from '../errors.js';
import { FsCheckpointStore } from '../checkpoint/fs-store.js';

let dir: string;
const contexts: BatchContext[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-ckpt-'));
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function context(opts: { events?: MemoryEventSink; failpoints?: Failpoints; runId?: string; lineageWarnDepth?: number } = {}): BatchContext {
  const failpoints = opts.failpoints ?? Failpoints.disarmed();
  const ctx = new BatchContext({
    executors: 0,
    checkpoint: new FsCheckpointStore(dir, { failpoints }),
    events: opts.events ?? new MemoryEventSink(),
    failpoints,
    runId: opts.runId ?? 'run-a',
    jobKey: 'test-job',
    lineageWarnDepth: opts.lineageWarnDepth,
  });
  contexts.push(ctx);
  return ctx;
}

/** An iterative job whose every step is counted: counts.source counts source-row computations. */
function iterative(ctx: BatchContext, steps: number, checkpointAt: number, counts = { source: 0 }): Dataset<[number, number]> {
  let ds = ctx
    .range(40, 4)
    .map((x) => {
      counts.source++;
      return [x % 7, x] as [number, number];
    })
    .reduceByKey((a, b) => a + b, 4);
  for (let i = 1; i <= steps; i++) {
    ds = ds.mapValues((v) => v + i).setName(`step-${i}`);
    if (i === checkpointAt) ds.checkpoint();
  }
  return ds;
}

const expected = (steps: number) => {
  const m = new Map<number, number>();
  for (let x = 0; x < 40; x++) m.set(x % 7, (m.get(x % 7) ?? 0) + x);
  return [...m].map(([k, v]) => [k, v + (steps * (steps + 1)) / 2]).sort((a, b) => a[0]! - b[0]!);
};
const byKey = (rows: [number, number][]) => [...rows].sort((a, b) => a[0] - b[0]);

function checkpointed(events: MemoryEventSink): Extract<EngineEvent, { type: 'dataset.checkpointed' }>[] {
  return events.events.filter((e): e is Extract<EngineEvent, { type: 'dataset.checkpointed' }> => e.type === 'dataset.checkpointed');
}

describe('checkpoint() cuts the lineage', () => {
  it('depth shrinks after the first job, the debug string shows the cut, and later jobs read the stored parts', async () => {
    const events = new MemoryEventSink();
    const ctx = context({ events });
    const counts = { source: 0 };
    const ds = iterative(ctx, 6, 4, counts).map((x) => x);
    const before = ds.lineageDepth();
    expect(before).toBe(9); // edges: range <- map <- reduceByKey <- 6 x mapValues <- map
    expect(ds.toDebugString()).toMatch(/'step-4' mapValues \[.*marked for checkpoint\]/);

    expect(byKey(await ds.collect())).toEqual(expected(6));
    expect(counts.source).toBe(40);
    expect(checkpointed(events).map((e) => [e.dataset, e.parts, e.reused])).toEqual([["ds-6 'step-4'", 4, false]]);

    const after = ds.lineageDepth();
    expect(after).toBe(4); // map <- step-6 <- step-5 <- step-4 <- the checkpoint reader
    expect(ds.toDebugString()).toMatch(/'step-4' mapValues \[.*lineage cut here\]\n.*reads run-a\/ds-6/);
    expect(ds.toDebugString()).not.toMatch(/range|generate/);

    // The next job reads the 4 stored parts: not one source row is computed again.
    expect(byKey(await ds.collect())).toEqual(expected(6));
    expect(counts.source).toBe(40);

    const files = fs.readdirSync(path.join(dir, 'run-a', 'ds-6')).sort();
    expect(files).toEqual(['manifest', 'part-00000', 'part-00001', 'part-00002', 'part-00003']);
    expect(fs.readFileSync(path.join(dir, 'run-a', 'ds-6', 'part-00000'), 'latin1')).toMatch(/^ccv2 [0-9a-f]{8} \d+ run-a\/ds-6\/part-00000\n/); // framed and bound to its key (engine/checkpoint/codec.ts)
  });

  it('a corrupt part is reported naming the file, never read as data', async () => {
    const ctx = context();
    const ds = iterative(ctx, 3, 2);
    await ds.collect();
    const file = path.join(dir, 'run-a', 'ds-4', 'part-00002');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 2] ^= 0x20;
    fs.writeFileSync(file, bytes);
    const err = await ds.collect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(/checksum mismatch/);
  });

  it('a missing part is reported naming the file', async () => {
    const ctx = context();
    const ds = iterative(ctx, 3, 2);
    await ds.collect();
    const file = path.join(dir, 'run-a', 'ds-4', 'part-00001');
    fs.rmSync(file);
    await expect(ds.count()).rejects.toThrow(new RegExp(`checkpoint part ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is missing`));
  });

  it('warns once when the lineage grows past the limit with no checkpoint, and not when a checkpoint is marked', async () => {
    const events = new MemoryEventSink();
    const ctx = context({ events, lineageWarnDepth: 5 });
    const deep = iterative(ctx, 8, 0);
    await deep.count();
    await deep.count();
    const warnings = events.events.filter((e) => e.type === 'warning' && e.code === 'lineage.deep');
    expect(warnings).toHaveLength(1);
    expect((warnings[0] as { message: string }).message).toMatch(/ds-10 'step-8'.* 10 dependencies deep/);

    const events2 = new MemoryEventSink();
    const ctx2 = context({ events: events2, lineageWarnDepth: 5, runId: 'run-b' });
    await iterative(ctx2, 8, 4).count();
    expect(events2.events.filter((e) => e.type === 'warning')).toEqual([]);
  });

  it('a marked dataset no task computed is checkpointed by an extra job, with a warning when not cached', async () => {
    const events = new MemoryEventSink();
    const ctx = context({ events });
    const counts = { source: 0 };
    const base = ctx.range(20, 2).map((x) => {
      counts.source++;
      return [x % 3, 1] as [number, number];
    });
    const summed = base.reduceByKey((a, b) => a + b, 2);
    await summed.count(); // the shuffle output of `base` now exists
    base.checkpoint(); // marked after it was computed: the next job does not compute it again...
    await summed.count();
    // ...so, as in Spark, an extra job computes it to write the checkpoint.
    expect(counts.source).toBe(40);
    expect(base.isCheckpointed).toBe(true);
    expect(events.events.filter((e) => e.type === 'warning' && e.code === 'checkpoint.recompute')).toHaveLength(1);
  });

  it('localCheckpoint cuts the lineage and keeps data in executor memory only', async () => {
    const events = new MemoryEventSink();
    const ctx = context({ events });
    const counts = { source: 0 };
    const ds = iterative(ctx, 2, 0, counts).localCheckpoint();
    expect(byKey(await ds.collect())).toEqual(expected(2));
    expect(ds.isCheckpointed).toBe(true);
    expect(ds.lineageDepth()).toBe(1);
    expect(ds.toDebugString()).toMatch(/not fault tolerant/);
    expect(byKey(await ds.collect())).toEqual(expected(2));
    expect(counts.source).toBe(40);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('named checkpoints across runs', () => {
  it('a partial checkpoint of a killed run is ignored; a complete one is reused instead of the lineage', async () => {
    // Run 1 "dies" while publishing step-2's manifest: all parts are on disk, the manifest is not.
    const crashAtManifest = new Failpoints(parseFailpoints('manifest.write:1:crash'), simulatedCrash);
    const run1 = context({ failpoints: crashAtManifest, runId: 'run-1' });
    await expect(iterative(run1, 4, 2).collect()).rejects.toBeInstanceOf(SimulatedCrash);
    expect(fs.readdirSync(path.join(dir, 'run-1', 'ds-4')).filter((f) => !f.startsWith('.')).sort()).toEqual(['part-00000', 'part-00001', 'part-00002', 'part-00003']);

    // Run 2 must not trust it: it recomputes from the source and completes its own checkpoint.
    const events2 = new MemoryEventSink();
    const counts2 = { source: 0 };
    const run2 = context({ events: events2, runId: 'run-2' });
    expect(byKey(await iterative(run2, 4, 2, counts2).collect())).toEqual(expected(4));
    expect(counts2.source).toBe(40);
    expect(checkpointed(events2).map((e) => e.reused)).toEqual([false]);

    // Run 3 finds run 2's complete checkpoint of 'step-2' and computes nothing below it.
    const events3 = new MemoryEventSink();
    const counts3 = { source: 0 };
    const run3 = context({ events: events3, runId: 'run-3' });
    const ds3 = iterative(run3, 4, 2, counts3);
    expect(byKey(await ds3.collect())).toEqual(expected(4));
    expect(counts3.source).toBe(0);
    expect(checkpointed(events3).map((e) => [e.dataset, e.reused])).toEqual([["ds-4 'step-2'", true]]);
    expect(ds3.toDebugString()).toMatch(/reads run-2\/ds-4/);
    expect(fs.existsSync(path.join(dir, 'run-3'))).toBe(false);
  });

  it('a named checkpoint with a damaged part is not reused: a warning names the file and the data is recomputed', async () => {
    await iterative(context({ runId: 'run-1' }), 3, 2).collect();
    const file = path.join(dir, 'run-1', 'ds-4', 'part-00003');
    fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 10));
    const events = new MemoryEventSink();
    const counts = { source: 0 };
    expect(byKey(await iterative(context({ events, runId: 'run-2' }), 3, 2, counts).collect())).toEqual(expected(3));
    expect(counts.source).toBe(40);
    const warning = events.events.find((e) => e.type === 'warning' && e.code === 'checkpoint.unusable') as { message: string } | undefined;
    expect(warning?.message).toContain(file);
  });

  it('a checkpoint of another job (different job key) is not reused', async () => {
    await iterative(context({ runId: 'run-1' }), 3, 2).collect();
    const counts = { source: 0 };
    const other = new BatchContext({ checkpoint: dir, jobKey: 'another-job', runId: 'run-2' });
    contexts.push(other);
    await iterative(other, 3, 2, counts).collect();
    expect(counts.source).toBe(40);
  });
});
