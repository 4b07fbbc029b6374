/**
 * fast-check arbitraries for everything a trial varies: scenario, input, config and the fault
 * schedule. They shrink towards small inputs, one partition, few faults and early kill points, so
 * a failure is reported as the smallest trial that still fails.
 */
import fc from 'fast-check';
import type { Fault, FaultKind, FaultSchedule, InputParams, Mode, TrialConfig, TrialSpec } from '../history.js';
import { ioErrorFailpoints, isOncePerRun, killFailpoints, recoveryFailpoints, tearFailpoints } from '../faults/failpoint-names.js';
import { BATCH_FAILPOINTS } from '../trial/batch-failpoints.js';
import { lostWritesChoices } from '../trial/lost-writes.js';

export interface TrialArbOptions {
  mode: Mode;
  scenario: string;
  kind: 'streaming' | 'batch';
  /** Largest input (records). */
  maxSize?: number;
  minSize?: number;
  mutant?: string;
  /** Fault kinds to draw from (default: all that the mode supports). */
  faultKinds?: FaultKind[];
  /** Fraction of trials that also check the reference is deterministic. */
  determinismFraction?: number;
  /** Whether the engine can run executors for this trial (batch; streaming over the local log into files/append on fs). */
  executors?: boolean;
  /** Storage fault kinds the run's services support (process mode, --store s3: an S3 server the nemesis can restart / a proxy). */
  storageFaults?: StorageFaultKind[];
  sink?: TrialConfig['sink'];
  store?: TrialConfig['store'];
  source?: TrialConfig['source'];
  /** Where the run's services came from (recorded in the config so `chaos replay` can resolve them again). */
  services?: TrialConfig['services'];
}

export type StorageFaultKind = 'storage-restart' | 'storage-outage';

/** The failpoints a scenario kind offers to each fault kind. */
export interface FailpointSets {
  kill: string[];
  tear: string[];
  recovery: string[];
  ioError: string[];
  /** Failpoints armed in the first executor process (`--executor-failpoints`). */
  executor: string[];
}

export function failpointSets(kind: 'streaming' | 'batch'): FailpointSets {
  if (kind === 'batch') {
    return {
      kill: [...BATCH_FAILPOINTS],
      tear: BATCH_FAILPOINTS.filter((n) => n.endsWith('.write') && !n.startsWith('sink.')),
      recovery: ['task.begin', 'dataset.written', 'manifest.write'],
      ioError: BATCH_FAILPOINTS.filter((n) => n.endsWith('.before-rename')),
      executor: ['task.begin', 'shuffle.written'],
    };
  }
  return { kill: killFailpoints(), tear: tearFailpoints(), recovery: recoveryFailpoints(), ioError: ioErrorFailpoints(), executor: ['task.begin', 'task.done'] };
}

export function batchFaultKinds(mode: Mode, executors: boolean, storageFaults: readonly StorageFaultKind[] = []): FaultKind[] {
  const kinds: FaultKind[] = ['kill-random', 'kill-failpoint', 'torn-write', 'crash-in-recovery'];
  if (mode === 'process' && executors) kinds.push('kill-executor');
  if (mode === 'process') kinds.push(...storageFaults);
  return kinds;
}

/**
 * Fault kinds of a streaming trial. Lost writes only where a directory on the local filesystem
 * can lose them (fs checkpoint and/or files/append output): with `--store s3 --sink s3` there is none.
 */
export function faultKindsFor(mode: Mode, executors: boolean, storageFaults: readonly StorageFaultKind[] = [], where: Pick<TrialConfig, 'store' | 'sink'> = { store: 'fs', sink: 'files' }): FaultKind[] {
  const kinds: FaultKind[] = ['kill-random', 'kill-failpoint', 'torn-write', 'crash-in-recovery', 'io-error', 'changed-partitions'];
  if (mode === 'process' && lostWritesChoices(where).length > 0) kinds.push('lost-writes');
  if (mode === 'process' && executors) kinds.push('kill-executor');
  if (mode === 'process') kinds.push(...storageFaults);
  return kinds;
}

export function inputArb(minSize: number, maxSize: number): fc.Arbitrary<InputParams> {
  return fc.record({
    size: fc.integer({ min: minSize, max: maxSize }),
    keys: fc.integer({ min: 1, max: 40 }),
    disorderMs: fc.integer({ min: 0, max: 3000 }),
    lateFraction: fc.constantFrom(0, 0.05, 0.2),
    growthBatches: fc.integer({ min: 1, max: 6 }),
  });
}

export function configArb(o: { executors: boolean; mutant?: string; sink: TrialConfig['sink']; store: TrialConfig['store']; source: TrialConfig['source']; services?: TrialConfig['services'] }): fc.Arbitrary<TrialConfig> {
  return fc.record({
    partitions: fc.integer({ min: 1, max: 4 }),
    checkpointInterval: fc.constantFrom(1, 2, 3, 5, 10),
    executors: o.executors ? fc.integer({ min: 0, max: 2 }) : fc.constant(0),
    maxBatchRecords: fc.integer({ min: 10, max: 150 }),
  }).map((c) => ({ ...c, ...(o.mutant ? { mutant: o.mutant } : {}), store: o.store, source: o.source, sink: o.sink, ...(o.services ? { services: o.services } : {}) }));
}

/** Mostly early occurrences (they are reached in every run), sometimes late ones. */
const occurrenceArb = (name: string) =>
  isOncePerRun(name) ? fc.constant(1) : fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 12 }) });

const failpointAt = (names: string[]) =>
  fc.constantFrom(...names).chain((failpoint) => occurrenceArb(failpoint).map((occurrence) => ({ failpoint, occurrence })));

/** One "segment" of a schedule: the faults one fault kind contributes, in incarnation order. */
type Segment = { faults: Fault[]; lostWrites: boolean; lostWritesIn?: FaultSchedule['lostWritesIn'] };

function segmentArb(kind: FaultKind, mode: Mode, points: FailpointSets, lostWritesIn: NonNullable<FaultSchedule['lostWritesIn']>[]): fc.Arbitrary<Segment> {
  const killRandom: fc.Arbitrary<Fault> = fc.record({
    kind: fc.constant('kill-random' as const),
    // sim: the n-th failpoint reached; process: the n-th event, then a short delay
    afterEvents: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: mode === 'sim' ? 40 : 15 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: mode === 'sim' ? 150 : 60 }) }),
    delayMs: mode === 'sim' ? fc.constant(0) : fc.integer({ min: 0, max: 15 }),
  });
  const none = { lostWrites: false };
  // Mostly early (a short run may be over before a late event), sometimes late in the run.
  const storageAfterEvents = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 25 }) });
  switch (kind) {
    case 'kill-random':
      return killRandom.map((f) => ({ faults: [f], ...none }));
    case 'kill-failpoint':
      return failpointAt(points.kill).map((p) => ({ faults: [{ kind: 'kill-failpoint', ...p }], ...none }));
    case 'torn-write':
      return failpointAt(points.tear).map((p) => ({ faults: [{ kind: 'torn-write', ...p }], ...none }));
    case 'io-error':
      return failpointAt(points.ioError).map((p) => ({ faults: [{ kind: 'io-error', ...p }], ...none }));
    case 'crash-in-recovery':
      return fc
        .tuple(failpointAt(points.kill), fc.constantFrom(...points.recovery))
        .map(([first, failpoint]) => ({
          faults: [{ kind: 'kill-failpoint', ...first }, { kind: 'crash-in-recovery', failpoint, occurrence: 1 }],
          ...none,
        }));
    case 'changed-partitions':
      return fc.integer({ min: 1, max: 3 }).map((delta) => ({
        // First a kill after a batch committed (so a checkpoint exists), then the changed restart;
        // the partition count is resolved against the trial's config in trialArb.
        faults: [
          { kind: 'kill-failpoint', failpoint: 'commits.written', occurrence: 1 },
          { kind: 'changed-partitions', partitions: -delta },
        ],
        ...none,
      }));
    case 'lost-writes':
      return fc
        .tuple(
          fc.oneof(killRandom, failpointAt(points.kill).map((p): Fault => ({ kind: 'kill-failpoint', ...p }))),
          fc.constantFrom(...(lostWritesIn.length ? lostWritesIn : (['both'] as const))),
        )
        .map(([f, lostWritesIn]) => ({ faults: [f], lostWrites: true, lostWritesIn }));
    case 'kill-executor': {
      // From outside at a random moment (the n-th driver event), or from inside at an executor failpoint.
      const atEvent = fc.record({
        afterEvents: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }) }),
        executor: fc.integer({ min: 0, max: 3 }),
      });
      const atFailpoint = fc.record({
        afterEvents: fc.constant(0),
        executor: fc.constant(0),
        executorFailpoint: fc.constantFrom(...points.executor),
        executorOccurrence: fc.integer({ min: 1, max: 3 }),
      });
      return fc.oneof(atEvent, atFailpoint).map((e) => ({ faults: [{ kind: 'kill-executor' as const, ...e }], ...none }));
    }
    case 'storage-restart':
      return fc
        .record({ afterEvents: storageAfterEvents, downMs: fc.integer({ min: 0, max: 1200 }) })
        .map((e) => ({ faults: [{ kind: 'storage-restart' as const, ...e }], ...none }));
    case 'storage-outage':
      return fc
        .record({
          afterEvents: storageAfterEvents,
          mode: fc.constantFrom('blackhole' as const, 'reset' as const, 'latency' as const),
          // Short outages are ridden out by the engine's retries; long ones fail the attempt (exit 1) and a restart recovers.
          forMs: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 50, max: 1500 }) }, { weight: 1, arbitrary: fc.integer({ min: 1500, max: 6000 }) }),
          latencyMs: fc.integer({ min: 5, max: 150 }),
        })
        .map(({ latencyMs, ...e }) => ({ faults: [{ kind: 'storage-outage' as const, ...e, ...(e.mode === 'latency' ? { latencyMs } : {}) }], ...none }));
  }
}

export function scheduleArb(
  kinds: FaultKind[],
  mode: Mode,
  points: FailpointSets = failpointSets('streaming'),
  lostWritesIn: NonNullable<FaultSchedule['lostWritesIn']>[] = ['both', 'checkpoint', 'output'],
): fc.Arbitrary<FaultSchedule> {
  return fc
    .array(fc.oneof(...kinds.map((k) => segmentArb(k, mode, points, lostWritesIn))), { minLength: 1, maxLength: 3 })
    .map((segments) => {
      const lost = segments.find((s) => s.lostWrites);
      return { faults: segments.flatMap((s) => s.faults), lostWrites: lost !== undefined, ...(lost?.lostWritesIn ? { lostWritesIn: lost.lostWritesIn } : {}) };
    });
}

/** Resolve a changed-partitions delta (negative placeholder) into a concrete, different count. */
function resolvePartitions(schedule: FaultSchedule, partitions: number): FaultSchedule {
  return {
    ...schedule,
    faults: schedule.faults.map((f) =>
      f.kind === 'changed-partitions' && f.partitions <= 0 ? { kind: 'changed-partitions', partitions: partitions + -f.partitions } : f,
    ),
  };
}

export function trialArb(o: TrialArbOptions): fc.Arbitrary<TrialSpec> {
  const batch = o.kind === 'batch';
  const store = o.store ?? (o.mode === 'sim' ? 'memory' : 'fs');
  // A batch job writes part files (to the output directory, or to S3 with --sink s3) from its own input.
  const sink = batch ? (o.sink === 's3' ? 's3' : 'files') : (o.sink ?? 'files');
  const source = batch ? 'log' : (o.source ?? 'log');
  // Batch executor processes open the driver's checkpoint store (fs or S3) but write output parts
  // only to a directory: the engine refuses executors with --sink s3.
  const executors = (o.executors ?? false) && !(batch && sink === 's3');
  const where = { store, sink };
  const kinds = o.faultKinds ?? (batch ? batchFaultKinds(o.mode, executors, o.storageFaults ?? []) : faultKindsFor(o.mode, executors, o.storageFaults ?? [], where));
  const fraction = o.determinismFraction ?? 0.1;
  return fc
    .record({
      seed: fc.integer({ min: 1, max: 1_000_000 }),
      input: batch ? fc.record({ size: fc.integer({ min: o.minSize ?? 20, max: Math.min(o.maxSize ?? 400, 400) }) }) : inputArb(o.minSize ?? 10, o.maxSize ?? 400),
      config: configArb({ executors, sink, store, source, ...(o.mutant ? { mutant: o.mutant } : {}), ...(o.services ? { services: o.services } : {}) }),
      schedule: scheduleArb(kinds, o.mode, failpointSets(o.kind), lostWritesChoices(where)),
      determinism: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ seed, input, config, schedule, determinism }) => ({
      scenario: o.scenario,
      kind: o.kind,
      seed,
      input,
      // An executor kill needs an executor to kill.
      config: executors && config.executors === 0 && schedule.faults.some((f) => f.kind === 'kill-executor') ? { ...config, executors: 1 } : config,
      schedule: resolvePartitions(schedule, config.partitions),
      checkDeterminism: determinism < fraction,
    }));
}

/** The fault kinds a trial armed (for the per-kind counts). */
export function faultKindsOf(spec: TrialSpec): FaultKind[] {
  const kinds = new Set<FaultKind>(spec.schedule.faults.map((f) => f.kind));
  if (spec.schedule.lostWrites) kinds.add('lost-writes');
  return [...kinds];
}
