/**
 * spark.checkpoint.checkpointAllMarkedAncestors: by default a job checkpoints only the last marked
 * dataset of its lineage (Spark's RDD.doCheckpoint stops at the first marked RDD walking from the
 * action's RDD); with the flag every marked ancestor is checkpointed too.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchContext } from './context.js';
import { FsCheckpointStore } from '../checkpoint/fs-store.js';
import { MemoryEventSink } from '../events.js';
import { Failpoints } from '../failpoints.js';

let dir: string;
const contexts: BatchContext[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-ancestors-'));
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function context(checkpointAllMarkedAncestors?: boolean) {
  const events = new MemoryEventSink();
  const ctx = new BatchContext({ executors: 0, checkpoint: new FsCheckpointStore(dir, { failpoints: Failpoints.disarmed() }), events, runId: 'run-a', ...(checkpointAllMarkedAncestors === undefined ? {} : { checkpointAllMarkedAncestors }) });
  contexts.push(ctx);
  return { ctx, events };
}

/** source -> a (marked) -> shuffle -> b (marked) -> c */
function lineage(ctx: BatchContext) {
  const a = ctx.range(30, 3).map((x) => [x % 4, x] as [number, number]).checkpoint();
  const b = a.reduceByKey((x, y) => x + y, 2).checkpoint();
  const c = b.mapValues((v) => v * 2);
  return { a, b, c };
}
const storedDatasets = () =>
  fs.existsSync(path.join(dir, 'run-a'))
    ? fs.readdirSync(path.join(dir, 'run-a')).filter((d) => d.startsWith('ds-')).sort()
    : [];

describe('checkpointAllMarkedAncestors', () => {
  it('default (false): only the last marked dataset of the lineage is written and cut; the marked ancestor is not', async () => {
    const { ctx, events } = context();
    const { a, b, c } = lineage(ctx);
    const rows = await c.collect();
    expect(rows.length).toBe(4);
    expect(b.isCheckpointed).toBe(true);
    expect(a.isCheckpointed).toBe(false);
    expect(storedDatasets()).toEqual([`ds-${b.id}`]);
    expect(events.events.filter((e) => e.type === 'dataset.checkpointed').map((e) => (e as { dataset: string }).dataset)).toEqual([b.label]);
    // A later job on the ancestor itself checkpoints it: it is now the last marked dataset of that lineage.
    expect(await a.count()).toBe(30);
    expect(a.isCheckpointed).toBe(true);
  });

  it('true: every marked dataset in the lineage is written and cut, ancestors first', async () => {
    const { ctx, events } = context(true);
    const { a, b, c } = lineage(ctx);
    await c.collect();
    expect(a.isCheckpointed).toBe(true);
    expect(b.isCheckpointed).toBe(true);
    expect(storedDatasets()).toEqual([`ds-${a.id}`, `ds-${b.id}`].sort());
    expect(events.events.filter((e) => e.type === 'dataset.checkpointed').map((e) => (e as { dataset: string }).dataset)).toEqual([a.label, b.label]);
  });
});
