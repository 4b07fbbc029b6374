/**
 * Every transformation and action against a plain in-memory computation of the same thing, over
 * generated inputs and partition counts (tasks run in the driver: executors 0).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { BatchContext } from './context.js';
import { MemoryEventSink } from '../events.js';
import { UserError } from '../errors.js';
import { JobAbortedError } from './scheduler.js';

const contexts: BatchContext[] = [];
function context(events = new MemoryEventSink()): BatchContext {
  const ctx = new BatchContext({ executors: 0, events });
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.stop();
});

const sorted = <T>(xs: T[]): T[] => [...xs].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
const ints = fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 60 });
const slices = fc.integer({ min: 1, max: 6 });
const pairs = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), fc.integer({ min: -9, max: 9 })), { maxLength: 60 });
const props = { numRuns: 40 };

describe('narrow transformations equal the plain computation', () => {
  test.prop([ints, slices], props)('map, filter, flatMap keep order within the whole dataset', async (xs, n) => {
    const ctx = context();
    const ds = ctx.parallelize(xs, n);
    expect(await ds.map((x) => x * 2).collect()).toEqual(xs.map((x) => x * 2));
    expect(await ds.filter((x) => x % 3 === 0).collect()).toEqual(xs.filter((x) => x % 3 === 0));
    expect(await ds.flatMap((x) => (x > 0 ? [x, -x] : [])).collect()).toEqual(xs.flatMap((x) => (x > 0 ? [x, -x] : [])));
  });

  test.prop([ints, slices], props)('mapPartitions sees each partition once, keyBy pairs each row with its key', async (xs, n) => {
    const ctx = context();
    const ds = ctx.parallelize(xs, n);
    const sums = await ds.mapPartitions((rows) => [rows.reduce((a, b) => a + b, 0)]).collect();
    expect(sums).toHaveLength(n);
    expect(sums.reduce((a, b) => a + b, 0)).toBe(xs.reduce((a, b) => a + b, 0));
    expect(await ds.keyBy((x) => x % 5).collect()).toEqual(xs.map((x) => [x % 5, x]));
  });

  test.prop([ints, ints, slices], props)('union concatenates partitions', async (xs, ys, n) => {
    const ctx = context();
    const u = ctx.parallelize(xs, n).union(ctx.parallelize(ys, 2));
    expect(u.numPartitions).toBe(n + 2);
    expect(await u.collect()).toEqual([...xs, ...ys]);
    expect(await u.count()).toBe(xs.length + ys.length);
  });
});

describe('shuffle transformations equal the plain computation', () => {
  test.prop([pairs, slices, slices], props)('reduceByKey sums per key', async (ps, n, r) => {
    const ctx = context();
    const expected = new Map<string, number>();
    for (const [k, v] of ps) expected.set(k, (expected.get(k) ?? 0) + v);
    const got = await ctx.parallelize(ps, n).reduceByKey((a, b) => a + b, r).collect();
    expect(sorted(got)).toEqual(sorted([...expected]));
  });

  test.prop([pairs, slices, slices], props)('groupByKey collects every value of a key', async (ps, n, r) => {
    const ctx = context();
    const expected = new Map<string, number[]>();
    for (const [k, v] of ps) expected.set(k, [...(expected.get(k) ?? []), v]);
    const got = await ctx.parallelize(ps, n).groupByKey(r).collect();
    const norm = (rows: [string, number[]][]) => sorted(rows.map(([k, vs]) => [k, [...vs].sort((a, b) => a - b)] as [string, number[]]));
    expect(norm(got)).toEqual(norm([...expected]));
  });

  test.prop([pairs, pairs, slices], props)('join pairs every matching left and right row', async (left, right, n) => {
    const ctx = context();
    const expected: [string, [number, number]][] = [];
    for (const [k, v] of left) for (const [k2, w] of right) if (k === k2) expected.push([k, [v, w]]);
    const got = await ctx.parallelize(left, n).join(ctx.parallelize(right, 3)).collect();
    expect(sorted(got)).toEqual(sorted(expected));
  });

  test.prop([fc.array(fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom('x', 'y')), { maxLength: 60 }), slices], props)(
    'distinct keeps each value once',
    async (xs, n) => {
      const ctx = context();
      expect(sorted(await ctx.parallelize(xs, n).distinct().collect())).toEqual(sorted([...new Set(xs)]));
    },
  );

  it('distinct compares objects by value', async () => {
    const ctx = context();
    const got = await ctx.parallelize([{ a: 1 }, { a: 1 }, { a: 2 }], 2).distinct().collect();
    expect(sorted(got)).toEqual([{ a: 1 }, { a: 2 }]);
  });
});

describe('actions', () => {
  test.prop([fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 60 }), slices], props)('reduce and count', async (xs, n) => {
    const ctx = context();
    const ds = ctx.parallelize(xs, n);
    expect(await ds.reduce((a, b) => a + b)).toBe(xs.reduce((a, b) => a + b, 0));
    expect(await ds.count()).toBe(xs.length);
  });

  it('reduce of an empty dataset is an error', async () => {
    await expect(context().parallelize([] as number[], 2).reduce((a, b) => a + b)).rejects.toThrow(/empty/);
  });
});

describe('partitioning and stages', () => {
  it('a join of co-partitioned inputs needs no shuffle; otherwise each side is shuffled', async () => {
    const events = new MemoryEventSink();
    const ctx = context(events);
    const a = ctx.parallelize([['k', 1], ['j', 2]] as [string, number][], 2).partitionBy(3);
    const b = a.mapValues((v) => v * 10);
    await a.join(b).collect();
    const stagesOf = () => events.events.filter((e) => e.type === 'job.started').map((e) => (e as { stages: number }).stages);
    expect(stagesOf()).toEqual([2]); // the partitionBy shuffle + the result stage
    await ctx.parallelize([['k', 1]] as [string, number][], 2).join(ctx.parallelize([['k', 2]] as [string, number][], 2)).collect();
    expect(stagesOf()[1]).toBe(3); // both sides shuffled + the result stage
  });

  it('reduceByKey on data already partitioned by key combines in place and keeps the partitioner', async () => {
    const ctx = context();
    const a = ctx.parallelize([['a', 1], ['b', 2], ['a', 3]] as [string, number][], 2).partitionBy(2);
    const r = a.reduceByKey((x, y) => x + y);
    expect(r.partitioner?.numPartitions).toBe(2);
    expect(r.toDebugString()).not.toMatch(/\+-.*\n.*\+-/); // only the partitionBy shuffle
    expect(sorted(await r.collect())).toEqual([['a', 4], ['b', 2]]);
  });

  it('a cached dataset is computed once over several jobs', async () => {
    const ctx = context();
    let calls = 0;
    const ds = ctx
      .parallelize([1, 2, 3, 4], 2)
      .map((x) => {
        calls++;
        return x + 1;
      })
      .cache();
    expect(await ds.count()).toBe(4);
    expect(await ds.collect()).toEqual([2, 3, 4, 5]);
    expect(calls).toBe(4);
  });

  it('ids are assigned in construction order, so the same build gives the same ids', () => {
    const build = (ctx: BatchContext) => ctx.parallelize([1], 1).map((x) => [x, x] as [number, number]).reduceByKey((a) => a).map((x) => x);
    expect(build(context()).id).toBe(build(context()).id);
    expect(context().graphSignature()).toBe('');
  });

  it('a key that is not a string, number or boolean is refused with a clear message', async () => {
    const ctx = context();
    const job = ctx.parallelize([[{ a: 1 }, 1]] as unknown as [string, number][], 1).reduceByKey((a, b) => a + b, 2).collect();
    await expect(job).rejects.toThrow(/key of a pair dataset must be a string, number or boolean/);
  });

  it('a task that keeps failing fails the job after 4 attempts, naming the partition and the error', async () => {
    const events = new MemoryEventSink();
    const ctx = context(events);
    const job = ctx.parallelize([1, 2, 3], 3).map((x) => {
      if (x === 2) throw new Error('bad row 2');
      return x;
    }).collect();
    const err = await job.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobAbortedError);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/partition 1 of stage \d+ \(ds-1\) failed 4 times; last error: Error: bad row 2/);
    expect(events.events.filter((e) => e.type === 'task.failed')).toHaveLength(4);
  });
});
