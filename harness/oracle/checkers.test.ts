import { describe, expect, it } from 'vitest';
import { checkAtLeastOnce, checkDeterminism, checkExactlyOnce, checkFinalState, checkPerKeyOrder } from './checkers.js';

const row = (batchId: number, word: string, count: number) => JSON.stringify({ batchId, word, count });
const shape = { key: (r: Record<string, unknown>) => String(r['word']), seq: (r: Record<string, unknown>) => Number(r['batchId']), value: (r: Record<string, unknown>) => r['count'] };

describe('checkers', () => {
  const reference = [row(0, 'ka', 1), row(0, 'lo', 2), row(1, 'ka', 3)].sort();

  it('exactly-once holds for an equal multiset in any order', () => {
    expect(checkExactlyOnce(reference, [...reference].reverse()).ok).toBe(true);
  });

  it('exactly-once names lost, duplicated and wrong rows', () => {
    const v = checkExactlyOnce(reference, [row(0, 'ka', 1), row(0, 'ka', 1), row(1, 'ka', 4)]);
    expect(v.ok).toBe(false);
    expect(v.counts).toEqual({ lost: 2, duplicated: 1, unexpected: 1, expected: 3, actual: 3 });
    expect(v.lost).toContain(row(0, 'lo', 2));
    expect(v.duplicated).toEqual([row(0, 'ka', 1)]);
    expect(v.unexpected).toEqual([row(1, 'ka', 4)]);
    expect(v.message).toMatch(/2 lost.*1 duplicated.*1 wrong/);
  });

  it('at-least-once allows duplicates but not losses', () => {
    expect(checkAtLeastOnce(reference, [...reference, reference[0]!]).ok).toBe(true);
    const lost = checkAtLeastOnce(reference, reference.slice(1));
    expect(lost.ok).toBe(false);
    expect(lost.message).toMatch(/1 lost/);
  });

  it('per-key order and final state compare each key', () => {
    expect(checkPerKeyOrder(reference, reference, shape).ok).toBe(true);
    const skipped = [row(0, 'lo', 2), row(1, 'ka', 3)];
    expect(checkPerKeyOrder(reference, skipped, shape).ok).toBe(false);
    expect(checkFinalState(reference, skipped, shape).ok).toBe(true);
    const wrongEnd = [row(0, 'ka', 1), row(0, 'lo', 2), row(1, 'ka', 5)];
    const v = checkFinalState(reference, wrongEnd, shape);
    expect(v.ok).toBe(false);
    expect(v.message).toContain('ka: 5 (want 3)');
  });

  it('determinism reports a scenario whose failure-free runs differ', () => {
    const v = checkDeterminism(reference, [row(0, 'ka', 1)]);
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/not deterministic/);
  });
});
