/** Windows, watermark and late data; running aggregation; batch range allocation. */
import { describe, expect, it } from 'vitest';
import { runningAggregate, windowCount, windowsOf } from './operators.js';
import { OperatorState } from './state-store.js';
import { allocate } from './protocol.js';
import type { Element, StageContext } from './query.js';

function ctx(state: OperatorState, batchId: number, watermarkMs: number, endOfInput = false) {
  const late: number[] = [];
  const c: StageContext = { batchId, watermarkMs, endOfInput, state, lateDropped: (n) => late.push(n) };
  return { c, late };
}
const el = (key: string, t: number): Element => ({ key, value: null, eventTimeMs: t });

describe('windows', () => {
  it('windowsOf: tumbling windows hold each time once, sliding ones size/slide times', () => {
    expect(windowsOf(12_345, { sizeMs: 10_000, slideMs: 10_000 })).toEqual([10_000]);
    expect(windowsOf(12_345, { sizeMs: 10_000, slideMs: 5_000 })).toEqual([5_000, 10_000]);
    expect(windowsOf(10_000, { sizeMs: 10_000, slideMs: 5_000 })).toEqual([5_000, 10_000]);
    expect(windowsOf(0, { sizeMs: 3, slideMs: 1 })).toEqual([-2, -1, 0]);
  });

  it('emits a window once, when the watermark passes its end, and drops records behind the watermark', () => {
    const stage = windowCount('w', { sizeMs: 10, slideMs: 10 }, { flushAtEnd: true });
    const state = new OperatorState('w', 2, true);
    let r = ctx(state, 0, 0);
    expect(stage.process([el('a', 1), el('a', 5), el('b', 12)], r.c)).toEqual([]);
    r = ctx(state, 1, 10); // window [0,10) closes
    const out1 = stage.process([el('a', 3), el('a', 15)], r.c);
    expect(r.late).toEqual([1]); // a@3 is behind the watermark 10
    expect(out1).toEqual([{ key: 'a', value: { windowStart: 0, windowEnd: 10, count: 2 }, eventTimeMs: 0 }]);
    r = ctx(state, 2, 12); // nothing closes: [10,20) ends at 20
    expect(stage.process([], r.c)).toEqual([]);
    r = ctx(state, 3, 12, true); // end of input flushes the rest (flushAtEnd), ordered by window then key
    expect(stage.process([], r.c).map((e) => [e.key, e.value])).toEqual([
      ['a', { windowStart: 10, windowEnd: 20, count: 1 }],
      ['b', { windowStart: 10, windowEnd: 20, count: 1 }],
    ]);
    expect(state.size).toBe(0);
  });

  it('a record exactly at the watermark is on time', () => {
    const stage = windowCount('w', { sizeMs: 10, slideMs: 10 });
    const state = new OperatorState('w', 1, true);
    const r = ctx(state, 0, 10);
    stage.process([el('a', 10)], r.c);
    expect(r.late).toEqual([]);
    expect(state.size).toBe(1);
  });
});

describe('running aggregation', () => {
  it('emits each updated key once per batch in key order, with the running value', () => {
    const stage = runningAggregate<number>('c', { init: () => 0, update: (s) => s + 1, emit: (_k, s) => s });
    const state = new OperatorState('c', 3, true);
    expect(stage.process([el('b', 0), el('a', 0), el('b', 0)], ctx(state, 0, 0).c).map((e) => [e.key, e.value])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(stage.process([el('b', 0)], ctx(state, 1, 0).c).map((e) => [e.key, e.value])).toEqual([['b', 3]]);
    expect(state.changedKeys()).toBe(2);
  });
});

describe('batch range allocation', () => {
  it('splits the budget in proportion to what each partition has pending, deterministically', () => {
    expect(allocate([0, 0, 0], [100, 100, 100], 30)).toEqual([10, 10, 10]);
    expect(allocate([0, 0, 0], [300, 100, 0], 40)).toEqual([30, 10, 0]);
    expect(allocate([10, 0], [20, 100], 11)).toEqual([11, 10]);
    expect(allocate([5, 5], [5, 6], 100)).toEqual([5, 6]);
    expect(allocate([0, 0, 0], [100, 100, 100], 2)).toEqual([1, 1, 0]);
    // never more than pending, never more than the budget
    const got = allocate([0, 0, 0, 0], [1, 1000, 7, 3], 50);
    expect(got.reduce((a, b) => a + b, 0)).toBe(50);
    expect(got[0]).toBeLessThanOrEqual(1);
  });
});
