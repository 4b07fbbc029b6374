import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultKindsOf, trialArb } from './arbitraries.js';
import { killFailpoints, tearFailpoints } from '../faults/failpoint-names.js';

describe('trial arbitraries', () => {
  it('generate valid trials whose faults name real failpoints', () => {
    const names = new Set(killFailpoints());
    for (const spec of fc.sample(trialArb({ mode: 'process', scenario: 'wordcount', kind: 'streaming' }), { numRuns: 300, seed: 1 })) {
      expect(spec.schedule.faults.length).toBeGreaterThan(0);
      expect(spec.input.size).toBeGreaterThanOrEqual(10);
      for (const f of spec.schedule.faults) {
        if (f.kind === 'kill-failpoint' || f.kind === 'crash-in-recovery' || f.kind === 'io-error') expect(names.has(f.failpoint), f.failpoint).toBe(true);
        if (f.kind === 'torn-write') expect(tearFailpoints()).toContain(f.failpoint);
        if (f.kind === 'changed-partitions') expect(f.partitions).not.toBe(spec.config.partitions);
      }
    }
  });

  it('spread over every fault kind the mode supports', () => {
    const seen = new Set(fc.sample(trialArb({ mode: 'process', scenario: 'wordcount', kind: 'streaming' }), { numRuns: 300, seed: 2 }).flatMap(faultKindsOf));
    expect([...seen].sort()).toEqual(['changed-partitions', 'crash-in-recovery', 'io-error', 'kill-failpoint', 'kill-random', 'lost-writes', 'torn-write']);
    const sim = new Set(fc.sample(trialArb({ mode: 'sim', scenario: 'wordcount', kind: 'streaming' }), { numRuns: 300, seed: 2 }).flatMap(faultKindsOf));
    expect(sim.has('lost-writes')).toBe(false);
  });

  it('batch trials use batch failpoints and executors in process mode', () => {
    const specs = fc.sample(trialArb({ mode: 'process', scenario: 'pagerank', kind: 'batch', executors: true }), { numRuns: 200, seed: 3 });
    expect(specs.some((s) => s.config.executors > 0)).toBe(true);
    expect(specs.some((s) => s.schedule.faults.some((f) => f.kind === 'kill-executor'))).toBe(true);
  });
});
