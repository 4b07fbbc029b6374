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
    expect([...seen].sort()).toEqual(['changed-partitions', 'corrupt-checkpoint', 'crash-in-recovery', 'io-error', 'kill-failpoint', 'kill-random', 'lost-writes', 'torn-write']);
    const sim = new Set(fc.sample(trialArb({ mode: 'sim', scenario: 'wordcount', kind: 'streaming' }), { numRuns: 300, seed: 2 }).flatMap(faultKindsOf));
    expect(sim.has('lost-writes')).toBe(false);
  });

  it('batch trials use batch failpoints and executors in process mode', () => {
    const specs = fc.sample(trialArb({ mode: 'process', scenario: 'pagerank', kind: 'batch', executors: true }), { numRuns: 200, seed: 3 });
    expect(specs.some((s) => s.config.executors > 0)).toBe(true);
    expect(specs.some((s) => s.schedule.faults.some((f) => f.kind === 'kill-executor'))).toBe(true);
  });

  it('give executor kills an executor to kill, at a random event or an executor failpoint', () => {
    for (const [scenario, kind, points] of [['wordcount', 'streaming', ['task.begin', 'task.done']], ['pagerank', 'batch', ['task.begin', 'shuffle.written']]] as const) {
      const specs = fc.sample(trialArb({ mode: 'process', scenario, kind, executors: true }), { numRuns: 300, seed: 4 });
      const kills = specs.filter((s) => s.schedule.faults.some((f) => f.kind === 'kill-executor'));
      expect(kills.length).toBeGreaterThan(0);
      for (const s of kills) expect(s.config.executors).toBeGreaterThan(0);
      expect(new Set(specs.map((s) => s.config.executors))).toEqual(new Set([0, 1, 2]));
      const armed = kills.flatMap((s) => s.schedule.faults).flatMap((f) => (f.kind === 'kill-executor' && f.executorFailpoint ? [f.executorFailpoint] : []));
      expect(new Set(armed)).toEqual(new Set(points));
    }
  });

  it('offer storage faults only when the services support them', () => {
    const without = new Set(fc.sample(trialArb({ mode: 'process', scenario: 'wordcount', kind: 'streaming', store: 's3' }), { numRuns: 300, seed: 5 }).flatMap(faultKindsOf));
    expect(without.has('storage-restart') || without.has('storage-outage')).toBe(false);
    const restartOnly = new Set(fc.sample(trialArb({ mode: 'process', scenario: 'wordcount', kind: 'streaming', store: 's3', storageFaults: ['storage-restart'] }), { numRuns: 300, seed: 5 }).flatMap(faultKindsOf));
    expect(restartOnly.has('storage-restart')).toBe(true);
    expect(restartOnly.has('storage-outage')).toBe(false);
    const specs = fc.sample(trialArb({ mode: 'process', scenario: 'wordcount', kind: 'streaming', store: 's3', storageFaults: ['storage-restart', 'storage-outage'] }), { numRuns: 300, seed: 6 });
    const modes = new Set(specs.flatMap((s) => s.schedule.faults).flatMap((f) => (f.kind === 'storage-outage' ? [f.mode] : [])));
    expect(modes).toEqual(new Set(['blackhole', 'reset', 'latency']));
  });

  it('offer lost writes only where a local directory can lose them, and only on that side', () => {
    const lostIn = (store: 'fs' | 's3', sink: 'files' | 's3') =>
      new Set(fc.sample(trialArb({ mode: 'process', scenario: 'wordcount', kind: 'streaming', store, sink }), { numRuns: 400, seed: 7 }).filter((s) => s.schedule.lostWrites).map((s) => s.schedule.lostWritesIn));
    expect(lostIn('fs', 'files')).toEqual(new Set(['both', 'checkpoint', 'output']));
    expect(lostIn('s3', 'files')).toEqual(new Set(['output']));
    expect(lostIn('fs', 's3')).toEqual(new Set(['checkpoint']));
    expect(lostIn('s3', 's3')).toEqual(new Set());
  });

  it('batch trials with --store s3 keep the S3 store, get storage faults, run with 0-2 executors and record the services', () => {
    const specs = fc.sample(
      trialArb({ mode: 'process', scenario: 'pagerank', kind: 'batch', executors: true, store: 's3', sink: 'append', source: 'kafka', services: 'local', storageFaults: ['storage-restart', 'storage-outage'] }),
      { numRuns: 300, seed: 8 },
    );
    for (const s of specs) expect(s.config).toMatchObject({ store: 's3', sink: 'files', source: 'log', services: 'local' });
    expect(new Set(specs.map((s) => s.config.executors))).toEqual(new Set([0, 1, 2]));
    const kinds = new Set(specs.flatMap(faultKindsOf));
    expect(kinds.has('storage-restart') && kinds.has('storage-outage') && kinds.has('kill-executor')).toBe(true);
    expect(kinds.has('lost-writes')).toBe(false);
    // Executor processes write output parts only to a directory: --sink s3 batch trials run without them.
    const onS3Sink = fc.sample(trialArb({ mode: 'process', scenario: 'pagerank', kind: 'batch', executors: true, store: 's3', sink: 's3', services: 'local' }), { numRuns: 100, seed: 8 });
    for (const s of onS3Sink) expect(s.config.executors).toBe(0);
    expect(onS3Sink.some((s) => faultKindsOf(s).includes('kill-executor'))).toBe(false);
  });
});
