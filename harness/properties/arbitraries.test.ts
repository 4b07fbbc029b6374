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
    expect([...seen].sort()).toEqual(['changed-partitions', 'corrupt-checkpoint', 'crash-in-recovery', 'dead-attempt-files', 'io-error', 'kill-failpoint', 'kill-random', 'lost-writes', 'torn-write']);
    const simSpecs = fc.sample(trialArb({ mode: 'sim', scenario: 'wordcount', kind: 'streaming' }), { numRuns: 300, seed: 2 });
    const sim = new Set(simSpecs.flatMap(faultKindsOf));
    expect(sim.has('lost-writes')).toBe(false);
    expect(sim.has('dead-attempt-files')).toBe(true);
    // The dead attempt runs under another batch plan than the trial's, resolved to a concrete number.
    for (const spec of simSpecs) {
      for (const f of spec.schedule.faults) if (f.kind === 'dead-attempt-files') expect(f.maxBatchRecords > 0 && f.maxBatchRecords !== spec.config.maxBatchRecords).toBe(true);
    }
    // Only where both directories are at rest on this machine: not with an S3 store or a Kafka sink.
    const s3 = new Set(fc.sample(trialArb({ mode: 'process', scenario: 'wordcount', kind: 'streaming', store: 's3', sink: 's3' }), { numRuns: 100, seed: 2 }).flatMap(faultKindsOf));
    expect(s3.has('dead-attempt-files')).toBe(false);
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

describe('the knob space and long runs', () => {
  const sim = () => fc.sample(trialArb({ mode: 'sim', scenario: 'running-totals', kind: 'streaming' }), { numRuns: 400, seed: 11 });

  it('draws every engine knob at its default and at each edge value', async () => {
    const { KNOBS } = await import('./knobs.js');
    const specs = sim();
    for (const k of KNOBS.filter((k) => k.name !== 'executors')) {
      const values = new Set(specs.map((s) => s.config[k.name] ?? k.engineDefault));
      expect(values.has(k.engineDefault), `${k.name} default`).toBe(true);
      for (const e of k.edges) expect(values.has(e), `${k.name} edge ${e}`).toBe(true);
      expect(values.size, k.name).toBeGreaterThan(k.edges.length + 2);
    }
    // Process mode: executors too (batch and streaming over the local log).
    const proc = fc.sample(trialArb({ mode: 'process', scenario: 'running-totals', kind: 'streaming', executors: true }), { numRuns: 200, seed: 12 });
    expect(new Set(proc.map((s) => s.config.executors))).toEqual(new Set([0, 1, 2]));
    // ... within its time budget: every batch costs real fsyncs, so runs stay at most 40 batches (20 with > 4 partitions).
    for (const s of proc) expect(Math.ceil(s.input.size / s.config.maxBatchRecords)).toBeLessThanOrEqual(s.config.partitions > 4 ? 20 : 40);
    expect(proc.some((s) => s.config.partitions === 16) && proc.some((s) => s.config.checkpointInterval === 100_000)).toBe(true);
  });

  it('generates long simulated runs with faults spread over them and clustered crashes in recovery', () => {
    const specs = sim();
    const batches = (s: (typeof specs)[number]) => Math.ceil(s.input.size / s.config.maxBatchRecords);
    const long = specs.filter((s) => batches(s) >= 100);
    expect(long.length).toBeGreaterThan(specs.length / 5);
    // Some faults of long runs strike past their first hundred batches' worth of occurrences.
    const late = long.flatMap((s) => s.schedule.faults).filter((f) => 'occurrence' in f && f.occurrence > 50);
    expect(late.length).toBeGreaterThan(10);
    const clustered = specs.filter((s) => s.schedule.faults.some((f, i) => f.kind === 'crash-in-recovery' && s.schedule.faults[i + 1]?.kind === 'crash-in-recovery'));
    expect(clustered.length).toBeGreaterThan(5);
    expect(Math.max(...specs.map((s) => s.schedule.faults.length))).toBeGreaterThan(4);
  });

  it('shrinks a knob towards the engine default', () => {
    const out = fc.check(
      fc.property(trialArb({ mode: 'sim', scenario: 'running-totals', kind: 'streaming' }), (s) => (s.config.retainBatches ?? 20) > 5 || s.config.snapshotEvery === undefined),
      { seed: 3, numRuns: 500 },
    );
    expect(out.failed).toBe(true);
    const minimal = (out.counterexample as unknown as [import('../history.js').TrialSpec])[0];
    expect(minimal.config.retainBatches).toBe(0);
    expect(minimal.config).toMatchObject({ partitions: 4, checkpointInterval: 1, maxBatchRecords: 100, snapshotEvery: 10 });
    // One segment left (a segment is one fault, or a kill followed by the restart fault it sets up).
    expect(minimal.schedule.faults.length).toBeLessThanOrEqual(2);
  });
});
