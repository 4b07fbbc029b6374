import { describe, expect, it } from 'vitest';
import { canonicalLine, microBatches, share } from './micro-batches.js';

describe('model micro-batches', () => {
  const events = Array.from({ length: 25 }, (_, i) => ({ key: `k${i % 5}`, value: i, eventTimeMs: i * 100 }));

  it('cuts the input into batches of at most maxBatchRecords, every record exactly once, the last marked', () => {
    const batches = microBatches(events, { partitions: 3, maxBatchRecords: 7, growthBatches: 1 });
    expect(batches.every((b) => b.records.length <= 7)).toBe(true);
    expect(batches.flatMap((b) => b.records.map((r) => r.value)).sort((a, b) => Number(a) - Number(b))).toEqual(events.map((e) => e.value));
    expect(batches.map((b) => b.endOfInput)).toEqual([...batches.slice(1).map(() => false), true]);
  });

  it('a growing source leaves early batches short and the watermark follows event time', () => {
    const batches = microBatches(events, { partitions: 1, maxBatchRecords: 100, growthBatches: 5, watermarkDelayMs: 250 });
    expect(batches.map((b) => b.records.length)).toEqual([5, 5, 5, 5, 5]);
    expect(batches[1]!.watermarkMs).toBe(400 - 250);
  });

  it('shares a full batch proportionally, the remainder round-robin', () => {
    expect(share([300, 100, 0], 40)).toEqual([30, 10, 0]);
    expect(share([100, 100, 100], 2)).toEqual([1, 1, 0]);
    expect(share([5, 6], 100)).toEqual([5, 6]);
  });

  it('canonical lines sort keys', () => {
    expect(canonicalLine({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });
});
