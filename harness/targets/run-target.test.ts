/**
 * Fault schedules of an external target (no Spark needed): kills at random times and at named
 * points, and torn writes — only at `.written` points (a tear cuts the file that just became
 * visible) — drawn within what the failure-free reference reached; the sweep always holds a tear.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTargetSpec } from './target-spec.js';
import { sweepSchedules, targetScheduleArb } from './run-target.js';
import type { ResolvedTarget } from './target-driver.js';

const spec = parseTargetSpec(
  {
    name: 'x',
    engine: 'spark',
    kind: 'streaming',
    start: { command: ['{spark-submit}', '{failpoint-args}', 'job.py'] },
    input: { kind: 'files', format: 'words', files: 2, linesPerFile: 3 },
    output: { kind: 'spark-file-sink' },
    failpoints: { adapter: 'spark', points: ['metadata.written', 'offsets.written', 'commits.before', 'commits.written', 'state.delta.written'] },
    semantics: 'exactly-once',
  },
  '/tmp/x.json',
  'h',
);
const target: ResolvedTarget = { spec, master: 'local[2]', prestart: false };
// state.delta.written was never reached by the reference: never drawn.
const ref = { rows: ['a'], pointCounts: { 'metadata.written': 1, 'offsets.written': 3, 'commits.before': 3, 'commits.written': 3 }, points: 10, ms: 1000 };

describe('target fault schedules', () => {
  it('draw torn writes at reached .written points only, within the reference counts', () => {
    const faults = fc.sample(targetScheduleArb(target, ref), { numRuns: 400, seed: 1 }).flat();
    const torn = faults.filter((f) => f.kind === 'torn-write');
    expect(torn.length).toBeGreaterThan(20);
    for (const f of torn) {
      if (f.kind !== 'torn-write') continue;
      expect(f.failpoint).toMatch(/\.written$/);
      expect(f.failpoint).not.toBe('state.delta.written');
      expect(f.occurrence).toBeLessThanOrEqual(ref.pointCounts[f.failpoint as keyof typeof ref.pointCounts]);
    }
    expect(new Set(faults.map((f) => f.kind))).toEqual(new Set(['kill-random', 'kill-failpoint', 'torn-write']));
  });

  it('the sweep kills at every reached point, then tears mid-run at the first .written point after metadata', () => {
    const [sweep, tear, random] = sweepSchedules(target, ref);
    expect(sweep!.filter((f) => f.kind === 'kill-failpoint').map((f) => (f as { failpoint: string }).failpoint)).toEqual(['metadata.written', 'offsets.written', 'commits.before', 'commits.written']);
    expect(tear).toEqual([{ kind: 'torn-write', failpoint: 'offsets.written', occurrence: 2 }]);
    expect(random).toMatchObject([{ kind: 'kill-random' }]);
  });
});
