import { describe, expect, it } from 'vitest';
import { checkAtLeastOnce, checkDeterminism, checkExactlyOnce, checkFinalState, checkPerKeyOrder } from './checkers.js';
import { judgeOutput } from './checkers.js';

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

describe('output modes decide what a sink is judged on', () => {
  const shape = { key: (r: Record<string, unknown>) => String(r['word']), seq: (r: Record<string, unknown>) => Number(r['batchId']), value: (r: Record<string, unknown>) => r['count'] };
  const row = (batchId: number, word: string, count: number) => JSON.stringify({ batchId, word, count });
  const reference = [row(0, 'a', 1), row(0, 'b', 1), row(1, 'a', 2), row(2, 'a', 3)];

  it('update: an at-least-once sink that lost an intermediate update and repeated one holds the right final state: passes', () => {
    const outputs = [row(0, 'a', 1), row(0, 'b', 1), row(0, 'b', 1), row(2, 'a', 3)]; // a@1 lost, b@0 twice
    const verdicts = judgeOutput('update', 'at-least-once', reference, outputs, shape);
    expect(verdicts.map((v) => [v.checker, v.ok])).toEqual([['final-state', true]]);
    // the same output judged as an append log loses a row
    expect(judgeOutput('append', 'at-least-once', reference, outputs, shape).map((v) => [v.checker, v.ok])).toEqual([['at-least-once', false]]);
  });

  it('update: a wrong or missing final value fails; an exactly-once sink is also held to its log', () => {
    expect(judgeOutput('update', 'at-least-once', reference, [row(0, 'b', 1), row(1, 'a', 2)], shape)[0]).toMatchObject({ checker: 'final-state', ok: false });
    const v = judgeOutput('update', 'exactly-once', reference, [row(0, 'a', 1), row(0, 'b', 1), row(2, 'a', 3)], shape);
    expect(v.map((x) => [x.checker, x.ok])).toEqual([['final-state', true], ['exactly-once', false]]);
  });

  it('complete: the newest table decides; older tables are not judged', () => {
    const table = (b: number, a: number, bb: number) => [row(b, 'a', a), row(b, 'b', bb)];
    const ref = [...table(0, 1, 1), ...table(1, 2, 1)];
    expect(judgeOutput('complete', 'at-least-once', ref, [...table(1, 2, 1)], shape).map((x) => [x.checker, x.ok])).toEqual([['complete-table', true]]);
    const wrong = judgeOutput('complete', 'at-least-once', ref, [...table(0, 1, 1), row(1, 'a', 2)], shape);
    expect(wrong[0]).toMatchObject({ checker: 'complete-table', ok: false });
    expect(wrong[0]!.message).toMatch(/1 lost/);
  });
});
