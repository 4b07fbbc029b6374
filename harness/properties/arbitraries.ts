/**
 * fast-check arbitraries for everything a trial varies: scenario, input, config and the fault
 * schedule. They shrink towards small inputs, the engine's default knobs, few faults and early kill
 * points, so a failure is reported as the smallest trial that still fails.
 *
 * The space (issue: explore the whole recovery space): every engine knob is drawn with its edge
 * values weighted up (knobs.ts); in simulation a third of the streaming trials are long runs of
 * tens to hundreds of batches; fault positions are drawn early (where every run passes) or
 * anywhere over the run's expected length; clustered crash sequences (a crash, crashes during the
 * next recoveries, a crash after) put recoveries on top of interrupted recoveries.
 */
import fc from 'fast-check';
import type { Fault, FaultKind, FaultSchedule, InputParams, Mode, TrialConfig, TrialSpec } from '../history.js';
import { ioErrorFailpoints, isOncePerRun, killFailpoints, recoveryFailpoints, tearFailpoints } from '../faults/failpoint-names.js';
import { BATCH_FAILPOINTS } from '../trial/batch-failpoints.js';
import { lostWritesChoices } from '../trial/lost-writes.js';
import { knob, knobArb } from './knobs.js';

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
  /** With the Kafka sink: its delivery guarantee. */
  kafkaDelivery?: TrialConfig['kafkaDelivery'];
  store?: TrialConfig['store'];
  source?: TrialConfig['source'];
  /** Where the run's services came from (recorded in the config so `chaos replay` can resolve them again). */
  services?: TrialConfig['services'];
  /** Recorded input (`--input`): every trial feeds these records (a streaming job); only their arrival pace is drawn. */
  records?: { path: string; count: number; minPartitions: number };
}

/** Faults that depend on what the run's services can do: the S3 server (storage-*), the Kafka broker (broker-restart), a store that fences stale writers (zombie). */
export type StorageFaultKind = 'storage-restart' | 'storage-outage' | 'broker-restart' | 'zombie';

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
  // Batch jobs have no Kafka and no write-once streaming logs to fence a zombie with: S3 faults only.
  if (mode === 'process') kinds.push(...storageFaults.filter((k) => k === 'storage-restart' || k === 'storage-outage'));
  return kinds;
}

/**
 * Fault kinds of a streaming trial. Lost writes only where a directory on the local filesystem
 * can lose them (fs checkpoint and/or files/append output): with `--store s3 --sink s3` there is none.
 */
export function faultKindsFor(mode: Mode, executors: boolean, storageFaults: readonly StorageFaultKind[] = [], where: Pick<TrialConfig, 'store' | 'sink'> = { store: 'fs', sink: 'files' }): FaultKind[] {
  const kinds: FaultKind[] = ['kill-random', 'kill-failpoint', 'torn-write', 'crash-in-recovery', 'io-error', 'changed-partitions'];
  // State files at rest: in memory (sim) or in a checkpoint directory on this machine.
  if (where.store !== 's3') kinds.push('corrupt-checkpoint');
  // A dead attempt's files at rest: the checkpoint and the output part files both on this machine (or in memory).
  if (where.store !== 's3' && where.sink === 'files') kinds.push('dead-attempt-files');
  if (mode === 'process' && lostWritesChoices(where).length > 0) kinds.push('lost-writes');
  if (mode === 'process' && executors) kinds.push('kill-executor');
  if (mode === 'process') kinds.push(...storageFaults);
  return kinds;
}

/** Recorded input: the records are given; how they arrive (growthBatches, for records without an arrivalBatch) is drawn. */
/** Records that pin a partition need at least that many partitions: a drawn count below it is raised. */
function withMinPartitions(config: TrialConfig, min: number): TrialConfig {
  return config.partitions >= min ? config : { ...config, partitions: min };
}

export function recordedInputArb(r: { path: string; count: number }): fc.Arbitrary<InputParams> {
  return fc.record({ size: fc.constant(r.count), records: fc.constant(r.path), growthBatches: fc.integer({ min: 1, max: 6 }) });
}

export function inputArb(minSize: number, maxSize: number): fc.Arbitrary<InputParams> {
  return fc.record({
    size: fc.integer({ min: minSize, max: maxSize }),
    // Sometimes more keys than a batch touches: versions then change only some keys, so delta chains grow (a version where every key changed is a snapshot).
    keys: fc.oneof({ withCrossShrink: true }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: 41, max: 400 }) }),
    disorderMs: fc.integer({ min: 0, max: 3000 }),
    lateFraction: fc.constantFrom(0, 0.05, 0.2),
    growthBatches: fc.integer({ min: 1, max: 6 }),
  });
}

/**
 * The engine knobs of a trial (knobs.ts). `--snapshot-every` and `--retain-batches` are drawn where
 * the trial's engine receives them (simulation; `drawStateKnobs` for process mode once its engine
 * arguments carry them).
 */
export function configArb(o: {
  executors: boolean;
  mutant?: string;
  sink: TrialConfig['sink'];
  store: TrialConfig['store'];
  source: TrialConfig['source'];
  services?: TrialConfig['services'];
  kafkaDelivery?: TrialConfig['kafkaDelivery'];
  drawStateKnobs?: boolean;
}): fc.Arbitrary<TrialConfig> {
  const stateKnobs = o.drawStateKnobs ?? true;
  return fc
    .record({
      partitions: knobArb(knob('partitions')),
      checkpointInterval: knobArb(knob('checkpointInterval')),
      executors: o.executors ? knobArb(knob('executors')) : fc.constant(0),
      maxBatchRecords: knobArb(knob('maxBatchRecords')),
      snapshotEvery: stateKnobs ? knobArb(knob('snapshotEvery')) : fc.constant(undefined),
      retainBatches: stateKnobs ? knobArb(knob('retainBatches')) : fc.constant(undefined),
    })
    .map(({ snapshotEvery, retainBatches, ...c }) => ({
      ...c,
      ...(snapshotEvery !== undefined ? { snapshotEvery } : {}),
      ...(retainBatches !== undefined ? { retainBatches } : {}),
      ...(o.mutant ? { mutant: o.mutant } : {}),
      store: o.store,
      source: o.source,
      sink: o.sink,
      ...(o.sink === 'kafka' && o.kafkaDelivery ? { kafkaDelivery: o.kafkaDelivery } : {}),
      ...(o.services ? { services: o.services } : {}),
    }));
}

/** What the fault positions are spread over: the trial's expected run. */
export interface RunShape {
  /** Batches the bounded input takes (input size / records per batch). */
  batches: number;
  checkpointInterval: number;
  partitions: number;
}

/**
 * Process mode samples the same knob space within its time budget: every batch costs real fsyncs
 * (one state file per partition), so a run is held to PROCESS_MAX_BATCHES batches (half that with
 * more than 4 partitions) by raising the records per batch where the drawn value would exceed it.
 */
export const PROCESS_MAX_BATCHES = 40;

function withinProcessBudget(input: InputParams, config: TrialConfig): TrialConfig {
  const maxBatches = config.partitions > 4 ? PROCESS_MAX_BATCHES / 2 : PROCESS_MAX_BATCHES;
  const least = Math.ceil(input.size / maxBatches);
  return config.maxBatchRecords >= least ? config : { ...config, maxBatchRecords: least };
}

/** A long simulated run: an input of thousands of records in small batches (tens to hundreds of batches). */
export interface LongRun {
  size: number;
  maxBatchRecords: number;
}

export const longRunArb: fc.Arbitrary<LongRun> = fc.record({ size: fc.integer({ min: 1000, max: 3000 }), maxBatchRecords: fc.integer({ min: 8, max: 25 }) });

export function runShapeOf(input: InputParams, config: TrialConfig): RunShape {
  return { batches: Math.max(1, Math.ceil(input.size / Math.max(1, config.maxBatchRecords))), checkpointInterval: config.checkpointInterval, partitions: config.partitions };
}

/** How often failpoint `name` is reached over a run of this shape (an upper estimate). */
function reachesPerRun(name: string, run: RunShape): number {
  if (isOncePerRun(name) || name.startsWith('source.')) return 1;
  const versions = Math.max(1, Math.ceil(run.batches / Math.max(1, run.checkpointInterval)));
  if (name === 'state.begin' || name === 'state.committed') return versions;
  // One file per partition (and stateful operator) per state version.
  if (name.startsWith('state.') || name.startsWith('snapshot.')) return versions * run.partitions;
  return run.batches;
}

/** Failpoint hits of one batch in simulation (its puts, protocol steps and retention), roughly. */
const HITS_PER_BATCH = 16;

/**
 * Mostly early occurrences (they are reached in every run), sometimes later ones, and — knowing the
 * run's shape — anywhere over the whole run, so a fault after hundreds of batches is as likely as
 * one in the first few.
 */
const occurrenceArb = (name: string, run?: RunShape) => {
  if (isOncePerRun(name)) return fc.constant(1);
  const early = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 12 }) });
  const reach = run ? reachesPerRun(name, run) : 0;
  if (reach <= 12) return early;
  return fc.oneof({ withCrossShrink: true }, { weight: 2, arbitrary: early }, { weight: 2, arbitrary: fc.integer({ min: 1, max: reach }) });
};

const failpointAt = (names: string[], run?: RunShape) =>
  fc.constantFrom(...names).chain((failpoint) => occurrenceArb(failpoint, run).map((occurrence) => ({ failpoint, occurrence })));

/** One "segment" of a schedule: the faults one fault kind contributes, in incarnation order. */
type Segment = { faults: Fault[]; lostWrites: boolean; lostWritesIn?: FaultSchedule['lostWritesIn'] };

function segmentArb(kind: FaultKind, mode: Mode, points: FailpointSets, lostWritesIn: NonNullable<FaultSchedule['lostWritesIn']>[], run?: RunShape): fc.Arbitrary<Segment> {
  // sim: the n-th failpoint reached (~HITS_PER_BATCH a batch); process: the n-th event (~3 a batch), then a short delay
  const wholeRun = run ? run.batches * (mode === 'sim' ? HITS_PER_BATCH : 3) : 0;
  const earlyEvents = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: mode === 'sim' ? 40 : 15 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: mode === 'sim' ? 150 : 60 }) });
  const killRandom: fc.Arbitrary<Fault> = fc.record({
    kind: fc.constant('kill-random' as const),
    afterEvents: wholeRun > 150 ? fc.oneof({ withCrossShrink: true }, { weight: 2, arbitrary: earlyEvents }, { weight: 2, arbitrary: fc.integer({ min: 1, max: wholeRun }) }) : earlyEvents,
    delayMs: mode === 'sim' ? fc.constant(0) : fc.integer({ min: 0, max: 15 }),
  });
  const at = (names: string[]) => failpointAt(names, run);
  const none = { lostWrites: false };
  // Mostly early (a short run may be over before a late event), sometimes late in the run.
  const storageAfterEvents = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 25 }) });
  switch (kind) {
    case 'kill-random':
      return killRandom.map((f) => ({ faults: [f], ...none }));
    case 'kill-failpoint':
      return at(points.kill).map((p) => ({ faults: [{ kind: 'kill-failpoint', ...p }], ...none }));
    case 'torn-write':
      return at(points.tear).map((p) => ({ faults: [{ kind: 'torn-write', ...p }], ...none }));
    case 'io-error':
      return at(points.ioError).map((p) => ({ faults: [{ kind: 'io-error', ...p }], ...none }));
    case 'crash-in-recovery':
      return fc
        .tuple(at(points.kill), fc.constantFrom(...points.recovery))
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
    case 'corrupt-checkpoint':
      // A crash somewhere in the run (so committed state exists), then the restart finds damaged state files.
      return fc
        .tuple(at(points.kill), fc.constantFrom('newest-state' as const, 'newest-state' as const, 'every-state' as const, 'stale-state' as const))
        .map(([p, scope]) => ({ faults: [{ kind: 'kill-failpoint', ...p }, { kind: 'corrupt-checkpoint', scope }], ...none }));
    case 'dead-attempt-files':
      // A crash somewhere in the run, then a dead attempt of the next batch under another batch plan
      // (a ratio of the trial's, resolved in trialArb) leaves its files; sometimes the re-run over them
      // is killed too, so a later restart loads the state files the re-run left.
      // The re-run's own kill lands a batch or more later (occurrence >= 2 of a per-batch step), after it
      // committed the batch the dead attempt ran: the next recovery then reads what the re-run left.
      return fc
        .tuple(
          at(points.kill),
          fc.constantFrom('part-and-state' as const, 'part-and-state' as const, 'state-only' as const),
          fc.constantFrom(...DEAD_ATTEMPT_RATIOS.map((_, i) => -(i + 1))),
          fc.option(fc.record({ failpoint: fc.constantFrom(...points.kill.filter((n) => !isOncePerRun(n))), occurrence: fc.integer({ min: 2, max: 6 }) }), { nil: undefined }),
          // Sometimes the dead attempt also ran with a snapshot every version: its state version is a
          // snapshot where the re-run's (same version) is a delta.
          fc.option(fc.constant(1), { nil: undefined, freq: 2 }),
        )
        .map(([p, scope, maxBatchRecords, thenKill, snapshotEvery]) => ({
          faults: [{ kind: 'kill-failpoint', ...p }, { kind: 'dead-attempt-files', scope, maxBatchRecords, ...(snapshotEvery !== undefined ? { snapshotEvery } : {}), ...(thenKill ? { thenKill } : {}) }],
          ...none,
        }));
    case 'lost-writes':
      return fc
        .tuple(
          fc.oneof(killRandom, at(points.kill).map((p): Fault => ({ kind: 'kill-failpoint', ...p }))),
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
    case 'broker-restart':
      return fc
        .record({
          afterEvents: storageAfterEvents,
          // A broker restart is a JVM start: seconds. Short downtimes are enough to lose connections.
          downMs: fc.integer({ min: 0, max: 800 }),
          midTransaction: fc.boolean(),
          occurrence: fc.integer({ min: 1, max: 3 }),
        })
        .map(({ midTransaction, occurrence, ...e }) => ({ faults: [{ kind: 'broker-restart' as const, ...e, ...(midTransaction ? { midTransaction, occurrence } : {}) }], ...none }));
    case 'zombie':
      return fc
        .record({
          afterEvents: fc.integer({ min: 2, max: 14 }),
          pause: fc.boolean(),
          resumeAfterEvents: fc.integer({ min: 3, max: 20 }),
        })
        .map((e) => ({ faults: [{ kind: 'zombie' as const, ...e }], ...none }));
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

/**
 * A clustered crash sequence: a crash somewhere in the run, then crashes during the next one or two
 * recoveries, then maybe one more crash soon after a recovery caught up — recovery on top of
 * interrupted recoveries, the path single faults almost never reach.
 */
function crashClusterArb(points: FailpointSets, run?: RunShape): fc.Arbitrary<Segment> {
  const inRecovery = fc.constantFrom(...points.recovery).map((failpoint): Fault => ({ kind: 'crash-in-recovery', failpoint, occurrence: 1 }));
  return fc
    .tuple(
      failpointAt(points.kill, run),
      fc.array(inRecovery, { minLength: 1, maxLength: 2 }),
      fc.option(failpointAt(points.kill), { nil: undefined }),
    )
    .map(([first, recoveries, after]) => ({
      faults: [{ kind: 'kill-failpoint', ...first }, ...recoveries, ...(after ? [{ kind: 'kill-failpoint' as const, ...after }] : [])],
      lostWrites: false,
    }));
}

export function scheduleArb(
  kinds: FaultKind[],
  mode: Mode,
  points: FailpointSets = failpointSets('streaming'),
  lostWritesIn: NonNullable<FaultSchedule['lostWritesIn']>[] = ['both', 'checkpoint', 'output'],
  run?: RunShape,
): fc.Arbitrary<FaultSchedule> {
  const segments: Array<fc.Arbitrary<Segment>> = kinds.map((k) => segmentArb(k, mode, points, lostWritesIn, run));
  if (kinds.includes('crash-in-recovery') && kinds.includes('kill-failpoint')) segments.push(crashClusterArb(points, run));
  // A long run has room for more faults.
  const maxLength = run && run.batches >= 60 ? 6 : 3;
  return fc
    .array(fc.oneof(...segments), { minLength: 1, maxLength })
    .map((segments) => {
      const lost = segments.find((s) => s.lostWrites);
      return { faults: segments.flatMap((s) => s.faults), lostWrites: lost !== undefined, ...(lost?.lostWritesIn ? { lostWritesIn: lost.lostWritesIn } : {}) };
    });
}

/** A dead attempt's --max-batch-records as a ratio of the trial's (drawn as placeholder -(i+1)). */
const DEAD_ATTEMPT_RATIOS = [2, 1 / 2, 3, 1 / 3] as const;

/** The dead attempt's batch plan: the ratio of the trial's, never equal to it. */
export function deadAttemptMaxBatchRecords(placeholder: number, trialMax: number): number {
  const ratio = DEAD_ATTEMPT_RATIOS[(-placeholder - 1) % DEAD_ATTEMPT_RATIOS.length]!;
  const m = Math.max(1, Math.round(trialMax * ratio));
  return m === trialMax ? trialMax + 1 : m;
}

/** Resolve placeholders (negative values) against the trial's config: a changed-partitions delta, a dead attempt's batch-plan ratio. */
function resolvePartitions(schedule: FaultSchedule, config: Pick<TrialConfig, 'partitions' | 'maxBatchRecords'>): FaultSchedule {
  return {
    ...schedule,
    faults: schedule.faults.map((f): Fault => {
      if (f.kind === 'changed-partitions' && f.partitions <= 0) return { kind: 'changed-partitions', partitions: config.partitions + -f.partitions };
      if (f.kind === 'dead-attempt-files' && f.maxBatchRecords <= 0) return { ...f, maxBatchRecords: deadAttemptMaxBatchRecords(f.maxBatchRecords, config.maxBatchRecords) };
      return f;
    }),
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
  // Long runs are cheap in-process: a third of simulated streaming trials (unless --max-size caps the input below them).
  const longRuns = o.mode === 'sim' && !batch && !o.records && (o.maxSize === undefined || o.maxSize >= 1000);
  const noLongRun = fc.constant(null);
  return fc
    .record({
      seed: fc.integer({ min: 1, max: 1_000_000 }),
      input: batch ? fc.record({ size: fc.integer({ min: o.minSize ?? 20, max: Math.min(o.maxSize ?? 400, 400) }) }) : o.records ? recordedInputArb(o.records) : inputArb(o.minSize ?? 10, Math.min(o.maxSize ?? 400, 400)),
      long: longRuns ? fc.oneof({ withCrossShrink: true }, { weight: 2, arbitrary: noLongRun }, { weight: 1, arbitrary: longRunArb }) : noLongRun,
      config: configArb({
        executors,
        sink,
        store,
        source,
        ...(o.mutant ? { mutant: o.mutant } : {}),
        ...(o.services ? { services: o.services } : {}),
        ...(o.kafkaDelivery ? { kafkaDelivery: o.kafkaDelivery } : {}),
        // Both modes: process mode's engine arguments carry them too (the engine-run codec, engine-options.test.ts).
        drawStateKnobs: !batch,
      }),
      determinism: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ long, input: drawn, config, ...rest }) => ({ ...rest, long, config, input: kafkaInput(drawn, o.source) }))
    .map(({ long, input, config, ...rest }) => ({
      ...rest,
      input: long ? { ...input, size: Math.min(long.size, o.maxSize ?? long.size) } : input,
      config: withMinPartitions(long ? { ...config, maxBatchRecords: long.maxBatchRecords } : o.mode === 'process' && !batch ? withinProcessBudget(input, config) : config, o.records?.minPartitions ?? 1),
    }))
    .chain((base) =>
      scheduleArb(kinds, o.mode, failpointSets(o.kind), lostWritesChoices(where), batch ? undefined : runShapeOf(base.input, base.config)).map((schedule) => ({ ...base, schedule })),
    )
    .map(({ seed, input, config, schedule, determinism }) => ({
      scenario: o.scenario,
      kind: o.kind,
      seed,
      input,
      // An executor kill needs an executor to kill.
      config: executors && config.executors === 0 && schedule.faults.some((f) => f.kind === 'kill-executor') ? { ...config, executors: 1 } : config,
      schedule: resolvePartitions(schedule, config),
      checkDeterminism: determinism < fraction,
    }));
}

/**
 * A Kafka source topic holds the whole generated input from the start (the engine seeds it before
 * the query plans its first batch), so its batches see everything at once: the local log's modelled
 * growth (records arriving over N batches) does not exist there, and the reference — computed over
 * the local log — must not model it either, or the two plan different batches.
 */
export function kafkaInput(input: InputParams, source: TrialConfig["source"] | undefined): InputParams {
  return source === 'kafka' && input.growthBatches !== undefined ? { ...input, growthBatches: 1 } : input;
}

/** The fault kinds a trial armed (for the per-kind counts). */
export function faultKindsOf(spec: TrialSpec): FaultKind[] {
  const kinds = new Set<FaultKind>(spec.schedule.faults.map((f) => f.kind));
  // The dead-attempt fault's own kill of the re-run is a kill-failpoint (counted, and struck, as one).
  if (spec.schedule.faults.some((f) => f.kind === 'dead-attempt-files' && f.thenKill)) kinds.add('kill-failpoint');
  if (spec.schedule.lostWrites) kinds.add('lost-writes');
  return [...kinds];
}
