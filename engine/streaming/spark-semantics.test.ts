/**
 * Event-time and output-mode rules as Spark documents them (Structured Streaming Programming
 * Guide: "Handling Late Data and Watermarking", "Output Modes", `window()` / `session_window()`
 * docs, GroupState docs), one test per rule, on the operators directly.
 */
import { describe, expect, it } from 'vitest';
import { dropDuplicates, mapGroupsWithState, runningAggregate, sessionWindowCount, staticJoin, windowCount, type GroupState } from './operators.js';
import { OperatorState } from './state-store.js';
import type { Element, Stage, StageContext } from './query.js';

const el = (key: string, t: number, value: Element['value'] = null): Element => ({ key, value, eventTimeMs: t });

/** Runs batches through one stage with one state, like the engine does; collects late counts. */
function harness(stage: Stage, partitions = 2) {
  const state = new OperatorState(stage.name, partitions, true);
  let batchId = 0;
  const late: number[] = [];
  return {
    state,
    late,
    batch(input: Element[], watermarkMs: number, endOfInput = false): Element[] {
      const c: StageContext = { batchId: batchId++, watermarkMs, endOfInput, state, lateDropped: (n) => late.push(n) };
      return stage.process(input, c);
    },
  };
}
const windows = (out: Element[]) => out.map((e) => [e.key, (e.value as { windowStart: number }).windowStart, (e.value as { count: number }).count]);

describe('late data is judged per window (window end <= watermark), not per record', () => {
  it('a sliding-window row behind the watermark still counts in its open window; each dropped window counts once', () => {
    const h = harness(windowCount('w', { sizeMs: 10, slideMs: 5 }));
    // t=8 falls in [0,10) and [5,15). Watermark 10: [0,10) is closed (end 10 <= 10), [5,15) is open.
    expect(h.batch([el('a', 8)], 10)).toEqual([]);
    expect(h.late).toEqual([1]); // one (row, window) pair dropped
    expect(h.batch([], 15).map((e) => e.value)).toEqual([{ windowStart: 5, windowEnd: 15, count: 1 }]);
  });

  it('a tumbling-window row behind the watermark is kept while its window has not ended', () => {
    const h = harness(windowCount('w', { sizeMs: 10, slideMs: 10 }));
    expect(h.batch([el('a', 3)], 9)).toEqual([]); // 3 < watermark 9, but [0,10) ends at 10 > 9
    expect(h.late).toEqual([]);
    expect(windows(h.batch([el('a', 4)], 10))).toEqual([['a', 0, 1]]); // now [0,10) ended: t=4 is late, the window emits
    expect(h.late).toEqual([1]);
  });

  it('a window is emitted in the batch whose watermark equals its end', () => {
    const h = harness(windowCount('w', { sizeMs: 10, slideMs: 10 }));
    h.batch([el('a', 1), el('a', 9)], 0);
    expect(h.batch([], 9)).toEqual([]);
    expect(windows(h.batch([], 10))).toEqual([['a', 0, 2]]);
  });
});

describe('window ends are exclusive: [start, end)', () => {
  it('a record at exactly a window end belongs to the next window only', () => {
    const h = harness(windowCount('w', { sizeMs: 10, slideMs: 10 }));
    h.batch([el('a', 9), el('a', 10), el('a', 19), el('a', 20)], 0);
    expect(windows(h.batch([], 30))).toEqual([
      ['a', 0, 1],
      ['a', 10, 2],
      ['a', 20, 1],
    ]);
  });
});

describe('end of a bounded input does not flush open windows', () => {
  it('open windows stay in state when the last batch runs (Spark emits a window only when the watermark passes its end)', () => {
    const h = harness(windowCount('w', { sizeMs: 10, slideMs: 10 }));
    expect(h.batch([el('a', 1), el('b', 12)], 0)).toEqual([]);
    expect(windows(h.batch([], 10, true))).toEqual([['a', 0, 1]]); // only the window the watermark passed
    expect(h.state.size).toBe(1); // [10,20) of b is still held
  });

  it('a job that wants a final flush says so (flushAtEnd)', () => {
    const h = harness(windowCount('w', { sizeMs: 10, slideMs: 10 }, { flushAtEnd: true }));
    h.batch([el('a', 1), el('b', 12)], 0);
    expect(windows(h.batch([], 0, true))).toEqual([
      ['a', 0, 1],
      ['b', 10, 1],
    ]);
    expect(h.state.size).toBe(0);
  });
});

describe('output modes of a window aggregation', () => {
  const input = [[el('a', 1), el('b', 2)], [el('a', 3), el('a', 12)], []];
  const wms = [0, 5, 20];

  it('append: each window once, when final', () => {
    const h = harness(windowCount('w', { sizeMs: 10, slideMs: 10 }, { outputMode: 'append' }));
    const out = input.map((b, i) => windows(h.batch(b, wms[i]!)));
    expect(out).toEqual([[], [], [['a', 0, 2], ['b', 0, 1], ['a', 10, 1]]]);
  });

  it('update: the windows whose count changed in the batch, every batch; windows the watermark passed leave state unemitted', () => {
    const h = harness(windowCount('w', { sizeMs: 10, slideMs: 10 }, { outputMode: 'update' }));
    const out = input.map((b, i) => windows(h.batch(b, wms[i]!)));
    expect(out).toEqual([[['a', 0, 1], ['b', 0, 1]], [['a', 0, 2], ['a', 10, 1]], []]);
    expect(h.state.size).toBe(0);
  });

  it('complete: the whole result table every batch, nothing evicted, nothing late', () => {
    const h = harness(windowCount('w', { sizeMs: 10, slideMs: 10 }, { outputMode: 'complete' }));
    const out = input.map((b, i) => windows(h.batch(b, wms[i]!)));
    expect(out).toEqual([
      [['a', 0, 1], ['b', 0, 1]],
      [['a', 0, 2], ['b', 0, 1], ['a', 10, 1]],
      [['a', 0, 2], ['b', 0, 1], ['a', 10, 1]],
    ]);
    expect(windows(h.batch([el('a', 1)], 50))).toEqual([['a', 0, 3], ['b', 0, 1], ['a', 10, 1]]);
    expect(h.late).toEqual([]);
  });
});

describe('output modes of a running aggregation', () => {
  const count = { init: () => 0, update: (s: number) => s + 1, emit: (_k: string, s: number) => s };
  const kv = (out: Element[]) => out.map((e) => [e.key, e.value]);

  it('update emits the keys a batch changed; complete emits every key every batch; append is refused', () => {
    const u = harness(runningAggregate<number>('c', count, 'count', { outputMode: 'update' }));
    const c = harness(runningAggregate<number>('c', count, 'count', { outputMode: 'complete' }));
    expect(kv(u.batch([el('a', 1), el('b', 1)], 0))).toEqual([['a', 1], ['b', 1]]);
    expect(kv(c.batch([el('a', 1), el('b', 1)], 0))).toEqual([['a', 1], ['b', 1]]);
    expect(kv(u.batch([el('b', 2)], 0))).toEqual([['b', 2]]);
    expect(kv(c.batch([el('b', 2)], 0))).toEqual([['a', 1], ['b', 2]]);
    expect(() => runningAggregate<number>('c', count, 'count', { outputMode: 'append' })).toThrow(/append output mode is not supported/);
  });

  it('with evictBehindWatermark, a key idle behind the watermark leaves state and late rows are dropped', () => {
    const h = harness(runningAggregate<number>('c', count, 'count', { evictBehindWatermark: true }));
    expect(kv(h.batch([el('a', 5), el('b', 50)], 0))).toEqual([['a', 1], ['b', 1]]);
    expect(kv(h.batch([el('b', 60)], 10))).toEqual([['b', 2]]); // a's newest time 5 <= 10: evicted
    expect(h.state.size).toBe(1);
    expect(kv(h.batch([el('a', 10), el('a', 70)], 10))).toEqual([['a', 1]]); // t=10 <= watermark: late; a starts fresh
    expect(h.late).toEqual([1]);
  });
});

describe('dropDuplicates with a watermark', () => {
  it('passes the first copy of each (id, event time), drops later copies, evicts behind the watermark and drops late rows', () => {
    const h = harness(dropDuplicates('d'));
    expect(h.batch([el('x', 5), el('x', 5), el('y', 5), el('x', 6)], 0).map((e) => [e.key, e.eventTimeMs])).toEqual([['x', 5], ['y', 5], ['x', 6]]);
    expect(h.batch([el('x', 5), el('x', 6)], 5).map((e) => [e.key, e.eventTimeMs])).toEqual([]); // x@5 late, x@6 duplicate
    expect(h.late).toEqual([1]);
    expect(h.state.size).toBe(1); // x@5, y@5 evicted (5 <= 5); x@6 kept
    expect(h.batch([el('x', 6)], 6)).toEqual([]); // late now
    expect(h.state.size).toBe(0);
  });

  it('without a watermark state is never evicted and nothing is late', () => {
    const h = harness(dropDuplicates('d', { watermark: false }));
    h.batch([el('x', 5)], 0);
    expect(h.batch([el('x', 5), el('x', 1)], 100).map((e) => e.eventTimeMs)).toEqual([1]);
    expect(h.state.size).toBe(2);
  });
});

describe('session windows', () => {
  const sessions = (out: Element[]) => out.map((e) => [e.key, (e.value as { sessionStart: number }).sessionStart, (e.value as { sessionEnd: number }).sessionEnd, (e.value as { count: number }).count]);

  it('records within the gap extend a session; touching sessions merge (start <= end); a session is emitted when the watermark reaches its end', () => {
    const h = harness(sessionWindowCount('s', 10));
    expect(h.batch([el('a', 0), el('a', 5), el('a', 30), el('b', 1)], 0)).toEqual([]);
    // a: [0,15) and [30,40); a record at 15 touches [0,15) and extends it to [0,25)
    expect(h.batch([el('a', 15)], 10)).toEqual([]);
    expect(sessions(h.batch([], 25))).toEqual([['a', 0, 25, 3], ['b', 1, 11, 1]]);
    expect(sessions(h.batch([], 40, true))).toEqual([['a', 30, 40, 1]]);
    expect(h.state.size).toBe(0);
  });

  it('two sessions bridged by a record merge into one', () => {
    const h = harness(sessionWindowCount('s', 10));
    h.batch([el('a', 0), el('a', 20)], 0); // [0,10) and [20,30)
    h.batch([el('a', 10)], 0); // [10,20) touches both
    expect(sessions(h.batch([], 30))).toEqual([['a', 0, 30, 3]]);
  });

  it("a record whose own session [t, t+gap) ends at or before the watermark is late; the end of input flushes only with flushAtEnd", () => {
    const h = harness(sessionWindowCount('s', 10));
    expect(h.batch([el('a', 5), el('a', 6)], 15)).toEqual([]);
    expect(h.late).toEqual([1]); // 5+10 <= 15; 6+10 > 15 is kept
    expect(h.batch([], 15, true)).toEqual([]);
    const f = harness(sessionWindowCount('s', 10, { flushAtEnd: true }));
    expect(sessions(f.batch([el('a', 6)], 0, true))).toEqual([['a', 6, 16, 1]]);
  });
});

describe('mapGroupsWithState with event-time timeouts', () => {
  /** Counts events per key; emits the count when the key has been idle 10 ms past its newest event. */
  const idleCounter = mapGroupsWithState<{ n: number; last: number }>(
    'idle',
    (key, records, state: GroupState<{ n: number; last: number }>) => {
      if (state.hasTimedOut) {
        const s = state.get();
        state.remove();
        return [{ key, value: s.n, eventTimeMs: s.last }];
      }
      const prev = state.getOption() ?? { n: 0, last: 0 };
      const s = { n: prev.n + records.length, last: Math.max(prev.last, ...records.map((r) => r.eventTimeMs)) };
      state.update(s);
      state.setTimeoutTimestamp(s.last + 10);
      return [];
    },
    'count per key, emit after 10 ms idle',
  );

  it('calls fn per key with its records, then once per key whose timeout is < the watermark; state survives between batches', () => {
    const h = harness(idleCounter);
    expect(h.batch([el('a', 1), el('b', 2), el('a', 3)], 0)).toEqual([]);
    expect(h.batch([el('b', 20)], 12)).toEqual([]); // a's timeout 13 is not < 12
    expect(h.batch([], 14).map((e) => [e.key, e.value])).toEqual([['a', 2]]);
    expect(h.state.size).toBe(1);
    expect(h.batch([el('b', 13)], 14)).toEqual([]); // 13 <= watermark 14: late
    expect(h.late).toEqual([1]);
    expect(h.batch([], 31).map((e) => [e.key, e.value])).toEqual([['b', 2]]);
    expect(h.state.size).toBe(0);
  });

  it('a timeout not later than the watermark is refused', () => {
    const bad = mapGroupsWithState<number>('bad', (_k, _r, s) => {
      s.setTimeoutTimestamp(5);
      return [];
    }, 'bad');
    expect(() => harness(bad).batch([el('a', 9)], 5)).toThrow(/must be later than the current watermark 5/);
  });
});

describe('stream-static joins', () => {
  it('a left outer join keeps stream rows without a match (match undefined); inner drops them', async () => {
    const table = new Map([['a', 1]]);
    const join = (type: 'inner' | 'left') => staticJoin('j', () => table, (e, m) => ({ ...e, value: m ?? null }), { type, describe: 't' });
    const left = join('left');
    const inner = join('inner');
    await left.prepare!();
    await inner.prepare!();
    const h = { state: new OperatorState('j', 1, false) };
    const c: StageContext = { batchId: 0, watermarkMs: 0, endOfInput: false, state: h.state, lateDropped: () => {} };
    expect(left.process([el('a', 0), el('b', 0)], c).map((e) => [e.key, e.value])).toEqual([['a', 1], ['b', null]]);
    expect(inner.process([el('a', 0), el('b', 0)], c).map((e) => [e.key, e.value])).toEqual([['a', 1]]);
  });
});
