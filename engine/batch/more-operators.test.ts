/**
 * The operators beyond the core set (outer joins, cogroup, combine/aggregate/fold by key, sort,
 * coalesce, repartition, set operations, flatMapValues, fold/aggregate/min/max, sample, reading a
 * checkpoint back), each against a plain in-memory computation of the same thing over generated
 * inputs and partition counts (tasks in the driver: executors 0).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { BatchContext } from './context.js';
import { FsCheckpointStore } from '../checkpoint/fs-store.js';
import { Failpoints } from '../failpoints.js';

const contexts: BatchContext[] = [];
const dirs: string[] = [];
function context(checkpoint?: string): BatchContext {
  const ctx = new BatchContext({ executors: 0, ...(checkpoint ? { checkpoint: new FsCheckpointStore(checkpoint, { failpoints: Failpoints.disarmed() }) } : {}) });
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const text = (x: unknown) => JSON.stringify(x);
const sorted = <T>(xs: T[]): T[] => [...xs].sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
const ints = fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 60 });
const slices = fc.integer({ min: 1, max: 6 });
const pairs = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), fc.integer({ min: -9, max: 9 })), { maxLength: 50 });
const props = { numRuns: 30 };

function groups<V>(ps: [string, V][]): Map<string, V[]> {
  const m = new Map<string, V[]>();
  for (const [k, v] of ps) m.set(k, [...(m.get(k) ?? []), v]);
  return m;
}

describe('joins and cogroup equal the plain computation', () => {
  test.prop([pairs, pairs, slices, slices], props)('left, right and full outer joins; null for the missing side', async (left, right, n, r) => {
    const ctx = context();
    const l = ctx.parallelize(left, n);
    const rt = ctx.parallelize(right, 3);
    const L = groups(left);
    const R = groups(right);
    const leftOuter: unknown[] = [];
    const rightOuter: unknown[] = [];
    const full: unknown[] = [];
    for (const [k, vs] of L) for (const v of vs) for (const w of R.get(k) ?? [null]) leftOuter.push([k, [v, w]]);
    for (const [k, ws] of R) for (const w of ws) for (const v of L.get(k) ?? [null]) rightOuter.push([k, [v, w]]);
    full.push(...leftOuter);
    for (const [k, ws] of R) if (!L.has(k)) for (const w of ws) full.push([k, [null, w]]);
    expect(sorted(await l.leftOuterJoin(rt, r).collect())).toEqual(sorted(leftOuter));
    expect(sorted(await l.rightOuterJoin(rt, r).collect())).toEqual(sorted(rightOuter));
    expect(sorted(await l.fullOuterJoin(rt, r).collect())).toEqual(sorted(full));
  });

  test.prop([pairs, pairs, slices], props)('cogroup gives every key of either side with both value lists', async (left, right, n) => {
    const ctx = context();
    const L = groups(left);
    const R = groups(right);
    const keys = new Set([...L.keys(), ...R.keys()]);
    const expected = [...keys].map((k) => [k, [sorted(L.get(k) ?? []), sorted(R.get(k) ?? [])]]);
    const got = await ctx.parallelize(left, n).cogroup(ctx.parallelize(right, 2)).collect();
    expect(sorted(got.map(([k, [vs, ws]]) => [k, [sorted(vs), sorted(ws)]]))).toEqual(sorted(expected));
  });
});

describe('keyed aggregations equal the plain computation', () => {
  test.prop([pairs, slices, slices], props)('combineByKey, aggregateByKey (mutable zero), foldByKey', async (ps, n, r) => {
    const ctx = context();
    const ds = ctx.parallelize(ps, n);
    const G = groups(ps);
    const stats = [...G].map(([k, vs]) => [k, { n: vs.length, sum: vs.reduce((a, b) => a + b, 0) }]);
    const combined = await ds.combineByKey((v) => ({ n: 1, sum: v }), (c, v) => ({ n: c.n + 1, sum: c.sum + v }), (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }), r).collect();
    expect(sorted(combined)).toEqual(sorted(stats));
    // A mutable zero: each key and partition must get its own copy.
    const lists = await ds.aggregateByKey([] as number[], (acc, v) => (acc.push(v), acc), (a, b) => a.concat(b), r).collect();
    expect(sorted(lists.map(([k, vs]) => [k, [...vs].sort((a, b) => a - b)]))).toEqual(sorted([...G].map(([k, vs]) => [k, [...vs].sort((a, b) => a - b)])));
    const maxes = await ds.foldByKey(-100, (a, b) => Math.max(a, b), r).collect();
    expect(sorted(maxes)).toEqual(sorted([...G].map(([k, vs]) => [k, Math.max(...vs)])));
  });

  test.prop([pairs, slices], props)('flatMapValues keeps keys and the partitioner', async (ps, n) => {
    const ctx = context();
    const ds = ctx.parallelize(ps, n).partitionBy(3);
    const out = ds.flatMapValues((v) => (v > 0 ? [v, v * 10] : []));
    expect(out.partitioner?.numPartitions).toBe(3);
    expect(sorted(await out.collect())).toEqual(sorted(ps.flatMap(([k, v]) => (v > 0 ? [[k, v], [k, v * 10]] : []))));
  });
});

describe('ordering and partitioning equal the plain computation', () => {
  test.prop([pairs, slices, slices, fc.boolean()], props)('sortByKey: collect is sorted (stable), partitions hold contiguous key ranges', async (ps, n, r, ascending) => {
    const ctx = context();
    const s = ctx.parallelize(ps, n).sortByKey(ascending, r);
    expect(s.numPartitions).toBe(r);
    const keys = (await s.collect()).map(([k]) => k);
    const want = [...ps].sort((a, b) => (ascending ? 1 : -1) * (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k]) => k);
    expect(keys).toEqual(want);
  });

  test.prop([ints, slices, slices], props)('coalesce is narrow and keeps the order; repartition keeps every row and balances', async (xs, n, r) => {
    const ctx = context();
    const ds = ctx.parallelize(xs, n);
    const c = ds.coalesce(r);
    expect(c.numPartitions).toBe(Math.min(r, n));
    expect(await c.collect()).toEqual(xs);
    const p = ds.repartition(r);
    expect(p.numPartitions).toBe(r);
    expect(sorted(await p.collect())).toEqual(sorted(xs));
    const sizes = await p.mapPartitions((rows) => [rows.length]).collect();
    // round robin from each map partition: no partition gets more than its share plus one per map partition
    for (const size of sizes) expect(size).toBeLessThanOrEqual(Math.ceil(xs.length / r) + n);
  });
});

describe('set operations equal the plain computation', () => {
  const rows = fc.array(fc.oneof(fc.integer({ min: 0, max: 8 }), fc.record({ id: fc.integer({ min: 0, max: 4 }) })), { maxLength: 40 });
  test.prop([rows, rows, slices], props)('subtract keeps this side\'s duplicates; intersection is distinct', async (xs, ys, n) => {
    const ctx = context();
    const a = ctx.parallelize(xs, n);
    const b = ctx.parallelize(ys, 2);
    const inY = new Set(ys.map(text));
    expect(sorted(await a.subtract(b).collect())).toEqual(sorted(xs.filter((x) => !inY.has(text(x)))));
    const both = [...new Set(xs.map(text))].filter((t) => inY.has(t)).map((t) => JSON.parse(t) as unknown);
    expect(sorted(await a.intersection(b).collect())).toEqual(sorted(both));
  });
});

describe('actions equal the plain computation', () => {
  test.prop([ints, slices], props)('fold and aggregate start each partition from a fresh zero; min and max', async (xs, n) => {
    const ctx = context();
    const ds = ctx.parallelize(xs, n);
    expect(await ds.fold(0, (a, b) => a + b)).toBe(xs.reduce((a, b) => a + b, 0));
    // zero 1 in a sum counts once per partition plus once for the merge, as in Spark
    expect(await ds.fold(1, (a, b) => a + b)).toBe(xs.reduce((a, b) => a + b, 0) + n + 1);
    const agg = await ds.aggregate({ n: 0, sum: 0 }, (acc, x) => ((acc.n += 1), (acc.sum += x), acc), (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }));
    expect(agg).toEqual({ n: xs.length, sum: xs.reduce((a, b) => a + b, 0) });
    if (xs.length > 0) {
      expect(await ds.min()).toBe(Math.min(...xs));
      expect(await ds.max()).toBe(Math.max(...xs));
      expect(await ds.max((a, b) => Math.abs(a) - Math.abs(b))).toBe(xs.reduce((a, b) => (Math.abs(a) - Math.abs(b) >= 0 ? a : b)));
    } else {
      await expect(ds.min()).rejects.toThrow(/empty/);
    }
  });

  test.prop([ints, slices, fc.integer(), fc.double({ min: 0, max: 1, noNaN: true })], props)('sample is deterministic per seed, a sub-multiset without replacement', async (xs, n, seed, fraction) => {
    const ctx = context();
    const ds = ctx.parallelize(xs.map((x, i) => [i, x]), n);
    const a = await ds.sample(false, fraction, seed).collect();
    expect(await ds.sample(false, fraction, seed).collect()).toEqual(a);
    const idx = a.map(([i]) => i);
    expect(new Set(idx).size).toBe(idx.length);
    expect(idx).toEqual([...idx].sort((p, q) => p - q)); // order kept
    const w = await ds.sample(true, 2, seed).collect();
    expect(await ds.sample(true, 2, seed).collect()).toEqual(w);
    if (fraction === 0) expect(a).toEqual([]);
    if (fraction === 1) expect(a.length).toBe(xs.length);
  });

  it('sample keeps about the fraction asked for, and with replacement repeats rows', async () => {
    const ctx = context();
    const ds = ctx.range(10_000, 4);
    const kept = await ds.sample(false, 0.3, 7).count();
    expect(kept).toBeGreaterThan(2700);
    expect(kept).toBeLessThan(3300);
    const rows = await ds.sample(true, 1, 7).collect();
    expect(new Set(rows).size).toBeLessThan(rows.length);
    expect(() => ds.sample(false, 1.5, 1)).toThrow(/fraction must be in \[0, 1\]/);
  });
});

describe('reading a checkpoint back', () => {
  it('a later context reads a finished checkpoint by its location, partition for partition, without the lineage', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-ckpt-'));
    dirs.push(dir);
    const first = context(dir);
    let computed = 0;
    const ds = first.range(50, 3).map((x) => (computed++, [x % 5, x] as [number, number])).reduceByKey((a, b) => a + b, 2).checkpoint();
    const want = await ds.collect();
    expect(ds.checkpointLocation).toMatch(/^run-.*\/ds-\d+$/);
    const second = context(dir);
    const back = await second.readCheckpoint<[number, number]>(ds.checkpointLocation!);
    computed = 0;
    expect(back.numPartitions).toBe(2);
    expect(await back.collect()).toEqual(want);
    expect(await back.mapValues((v) => v + 1).collect()).toEqual(want.map(([k, v]) => [k, v + 1]));
    expect(computed).toBe(0);
    await expect(second.readCheckpoint('run-x/ds-9')).rejects.toThrow(/no complete checkpoint at .*run-x\/ds-9: its manifest is missing/);
  });
});
