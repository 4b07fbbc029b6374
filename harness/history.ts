/**
 * The History: everything one chaos trial did and what it was judged to be. It is the one value
 * that flows generator -> nemesis -> runner -> checkers -> reports and replay files, so it is plain
 * JSON (no classes, no Maps) and its field names are stable: add fields, never rename them.
 */
import { randomBytes } from 'node:crypto';
import type { EngineEvent } from '../engine/index.js';
import type { ExplorationSummary } from './exploration/exploration.js';
import { jobLabel } from '../runtime/job-ref.js';

export const HISTORY_VERSION = 1;

/** process: real OS processes killed with SIGKILL. sim: the engine in-process over memory stores. */
export type Mode = 'process' | 'sim';

/** What the nemesis can do; also the keys of the per-fault-kind counts in a run summary. */
export type FaultKind =
  | 'kill-random' // SIGKILL the driver at a random time (process: after the n-th event plus a delay; sim: at the n-th failpoint reached)
  | 'kill-failpoint' // SIGKILL the driver at an armed failpoint (name + occurrence)
  | 'torn-write' // part of a checkpoint file written under its final name, then SIGKILL
  | 'kill-executor' // SIGKILL one executor process (engines that run executors)
  | 'crash-in-recovery' // SIGKILL at a failpoint of a restarted incarnation, while it recovers
  | 'lost-writes' // lazy filesystem: writes not fsynced are dropped after every kill
  | 'io-error' // a write fails (an injected I/O error at a failpoint); the engine must fail, not carry on
  | 'changed-partitions' // restart with a different partition count: must be refused (exit 2), not silently accepted
  | 'storage-restart' // SIGKILL the S3 server mid-run and restart it on the same data (process mode, --store s3)
  | 'storage-outage' // make S3 unreachable mid-batch through the TCP fault proxy: blackhole, reset or latency for a while
  | 'broker-restart' // SIGKILL the Kafka broker mid-run (or mid-transaction) and restart it on the same data (process mode, Kafka source or sink)
  | 'zombie' // an old incarnation keeps running (or is paused, then resumed) after its successor started: it must be fenced
  | 'corrupt-checkpoint' // bit rot at rest: damage committed state files while the engine is down; it must fall back or refuse clearly
  | 'dead-attempt-files'; // a dead attempt of the next batch, run under another batch plan, left complete files the re-run must replace

export const FAULT_KINDS: readonly FaultKind[] = [
  'kill-random',
  'kill-failpoint',
  'torn-write',
  'kill-executor',
  'crash-in-recovery',
  'lost-writes',
  'io-error',
  'changed-partitions',
  'storage-restart',
  'storage-outage',
  'corrupt-checkpoint',
  'dead-attempt-files',
  'broker-restart',
  'zombie',
];

/** One fault, armed on one incarnation (the i-th entry of FaultSchedule.faults on incarnation i). */
export type Fault =
  | { kind: 'kill-random'; afterEvents: number; delayMs: number }
  | { kind: 'kill-failpoint'; failpoint: string; occurrence: number }
  | { kind: 'torn-write'; failpoint: string; occurrence: number }
  /**
   * SIGKILL one executor (the `executor`-th started, modulo their count) after the driver's
   * `afterEvents`-th event, or — with `executorFailpoint` — let the first executor process kill itself
   * there (`--executor-failpoints name:occurrence:crash`). The driver must replace it and re-run its task.
   */
  | { kind: 'kill-executor'; afterEvents: number; executor: number; executorFailpoint?: string; executorOccurrence?: number }
  | { kind: 'crash-in-recovery'; failpoint: string; occurrence: number }
  /** The write at `failpoint` (a `<kind>.before-rename`) fails with an I/O error. */
  | { kind: 'io-error'; failpoint: string; occurrence: number }
  /** This incarnation restarts the existing checkpoint with `partitions` instead of the trial's; it must be refused. */
  | { kind: 'changed-partitions'; partitions: number }
  /** After the `afterEvents`-th event (once S3 is open), SIGKILL the S3 server; restart it on the same directory `downMs` later. */
  | { kind: 'storage-restart'; afterEvents: number; downMs: number }
  /** After the `afterEvents`-th event (once S3 is open), put the proxy in front of S3 into `mode` for `forMs` (latency: `latencyMs` per chunk). */
  | { kind: 'storage-outage'; afterEvents: number; mode: 'blackhole' | 'reset' | 'latency'; forMs: number; latencyMs?: number }
  /**
   * SIGKILL the Kafka broker and restart it on the same data `downMs` later: after the
   * `afterEvents`-th event, or — `midTransaction` — while the sink holds an open transaction (its
   * rows sent, not committed: the engine is held at `sink.before-rename` by a delay failpoint on
   * the `occurrence`-th batch while the broker dies).
   */
  | { kind: 'broker-restart'; afterEvents: number; downMs: number; midTransaction?: boolean; occurrence?: number }
  /**
   * The old incarnation is not killed: after its `afterEvents`-th event the successor starts on the
   * same checkpoint while it keeps running, or — `pause` — it is SIGSTOPped first and SIGCONTed once
   * the successor has reached `resumeAfterEvents` events. The zombie must be fenced (exit non-zero,
   * "fenced: …") or finish without a conflicting write; the output must still equal the reference.
   */
  | { kind: 'zombie'; afterEvents: number; pause: boolean; resumeAfterEvents: number }
  /**
   * Before this incarnation starts, damage state files of the checkpoint at rest (bit rot; a disk
   * that returned garbage): one file of the newest state version, or every state file. Recovery
   * must detect it by checksum and fall back to an older version, or stop with a clear error.
   */
  /**
   * newest-state / every-state: bytes flipped (bit rot). stale-state: the newest state file replaced by a
   * complete, validly framed state file of an older version (a stale file of an earlier attempt).
   */
  | { kind: 'corrupt-checkpoint'; scope: 'newest-state' | 'every-state' | 'stale-state' }
  /**
   * Before this incarnation starts, a dead attempt of the next batch (the one after the last commit)
   * leaves its files behind, complete and validly framed: a real engine run of that batch under
   * `--max-batch-records maxBatchRecords` (another batch plan; with `snapshotEvery`, also another
   * `--snapshot-every`, so it may write a snapshot where the re-run writes a delta), killed after it wrote its state
   * version and its output part (part-and-state) or its state version only (state-only), whose
   * offsets were never written (lost, or written after the state). The restart plans the batch
   * itself and must replace those files (or refuse naming one); keeping them in place of its own
   * is a finding. `thenKill`: the restarted incarnation is killed there (kill-failpoint), so a
   * later restart loads whatever state files the re-run left.
   */
  | { kind: 'dead-attempt-files'; scope: 'part-and-state' | 'state-only'; maxBatchRecords: number; snapshotEvery?: number; thenKill?: { failpoint: string; occurrence: number } };

export interface FaultSchedule {
  /**
   * Faults in order: `faults[i]` is armed on incarnation i. After the last one the engine runs
   * without faults until its bounded input is processed.
   */
  faults: Fault[];
  /** Run the engine over a lazy filesystem and drop its unsynced writes after every kill. */
  lostWrites: boolean;
  /**
   * Whose disk loses them (default both): the checkpoint's, the output's (the sink as a separate
   * system), or both. One side keeping what the other loses is what exposes a missing fsync.
   */
  lostWritesIn?: 'checkpoint' | 'output' | 'both';
}

/** Input generator parameters, passed to the scenario's generator with the seed. */
export interface InputParams {
  /** Generated input: records to generate. Recorded input: how many records the files hold. */
  size: number;
  keys?: number;
  disorderMs?: number;
  lateFraction?: number;
  growthBatches?: number;
  /** Recorded input (`--input FILE|DIR`, absolute path): these records instead of the job's generator. */
  records?: string;
}

export interface TrialConfig {
  partitions: number;
  checkpointInterval: number;
  executors: number;
  maxBatchRecords: number;
  /** M: a full state snapshot every M versions (`--snapshot-every`); absent = the engine default (replay files from before it was drawn). */
  snapshotEvery?: number;
  /** Batches of checkpoint kept behind the newest complete state (`--retain-batches`); absent = the engine default. */
  retainBatches?: number;
  /** A known-bad engine variant (mutants/); absent for the correct engine. */
  mutant?: string;
  store: 'fs' | 's3' | 'memory';
  source: 'log' | 'kafka';
  sink: 'files' | 'append' | 's3' | 'kafka';
  /** With `sink: 'kafka'`: transactional exactly-once (absent = the engine default) or plain at-least-once produce. */
  kafkaDelivery?: 'exactly-once' | 'at-least-once';
  /**
   * Where the run's S3/Kafka services came from (`chaos run --services`), when the trial used any:
   * `chaos replay` resolves the same kind of services again. Absent for local-only trials.
   */
  services?: 'auto' | 'local' | 'containers' | 'external';
}

/**
 * The external target a trial ran (harness/targets): its spec file, the spec's sha256 when it
 * ran, and the master. Absent for the built-in engine.
 */
export interface TargetRef {
  spec: string;
  sha256: string;
  master: string;
  /** What ran it, e.g. "spark 4.1.1 (Java 17.0.15)". */
  engine?: string;
  /** The trial ran with pre-started drivers (incarnation i+1 waited for "go" while i ran). */
  prestart?: boolean;
}

/** Everything that determines a trial: fast-check generates it, a replay file stores it. */
export interface TrialSpec {
  scenario: string;
  kind: 'streaming' | 'batch';
  /** Seed of the scenario's input generator. */
  seed: number;
  input: InputParams;
  /** Scenario parameters of a batch scenario (iterations, checkpointEvery, ...); defaults when absent. */
  params?: Record<string, number>;
  config: TrialConfig;
  schedule: FaultSchedule;
  /** Run the failure-free reference twice (uncached) and compare: a determinism check. */
  checkDeterminism: boolean;
  /** An external target instead of the built-in engine (`chaos run --target SPEC`). */
  target?: TargetRef;
}

export interface ExitStatus {
  code: number | null;
  /** 'SIGKILL' also in sim mode, where a SimulatedCrash stands for it. */
  signal: string | null;
}

export interface FaultHit {
  kind: FaultKind;
  /** Failpoint name, `event #n +d ms`, or `executor <pid>`: where it struck. */
  where: string;
  at: number;
  /** The failpoint and its occurrence in that incarnation, when it struck at one (lets process mode repeat a sim kill exactly). */
  failpoint?: { name: string; occurrence: number };
}

export interface Incarnation {
  index: number;
  pid?: number;
  startedAt: number;
  endedAt: number;
  exit: ExitStatus;
  /** The fault armed on this incarnation, if any. */
  fault?: Fault;
  faultsHit: FaultHit[];
  /** Files or renames the lazy filesystem dropped after this incarnation died. */
  lostWrites?: number;
  /** The same, by whose disk lost them: the checkpoint directory's or the output directory's. */
  lostWritesBy?: LostWritesCount;
  events: EngineEvent[];
  /** Last lines of stderr (process mode) or the error message (sim), when it did not exit cleanly. */
  stderrTail?: string;
  /** External targets: named points the incarnation reached (failpoint adapter), e.g. ["offsets.written#1 n=0", ...]. */
  points?: string[];
}

export interface LostWritesCount {
  checkpoint: number;
  output: number;
}

export type CheckerName =
  | 'exactly-once'
  | 'at-least-once'
  | 'per-key-order'
  | 'final-state'
  | 'complete-table'
  | 'model'
  | 'determinism'
  | 'liveness'
  | 'clean-exit'
  | 'config-change-refused'
  | 'corruption-refused'
  | 'torn-write-refused'
  | 'dead-attempt-refused'
  | 'zombie-fenced';

export interface Verdict {
  checker: CheckerName;
  ok: boolean;
  /** The checker threw: it could not judge (not ok, and not a finding about the engine either). */
  unknown?: true;
  /** One sentence a person can act on. */
  message: string;
  /** Rows expected but missing (sample). */
  lost?: string[];
  /** Rows present more often than expected (sample). */
  duplicated?: string[];
  /** Rows present but never expected: wrong values (sample). */
  unexpected?: string[];
  counts?: { lost: number; duplicated: number; unexpected: number; expected: number; actual: number };
}

/** A trial's spec (its determinism flag only adds a verdict) and everything that happened in it. */
export interface History extends Omit<TrialSpec, 'checkDeterminism'> {
  version: typeof HISTORY_VERSION;
  trialId: string;
  mode: Mode;
  /** What the sink promises; at-least-once outputs are judged by the at-least-once checker. */
  guarantee: 'exactly-once' | 'at-least-once';
  /**
   * The query's output mode, which decides what its sink is judged on (oracle/check.ts delivery):
   * append (also when absent) = a log of final rows; update = the final state per key; complete = the newest table.
   */
  outputMode?: 'append' | 'update' | 'complete';
  startedAt: number;
  elapsedMs: number;
  incarnations: Incarnation[];
  /** Committed output rows after the last incarnation, as sorted JSON lines. */
  outputs: string[];
  /** Output of the failure-free reference run of the same scenario, input and config (sorted). */
  reference: string[];
  /** Output of the independent reference model, when the scenario has one (sorted). */
  model?: string[];
  /** Output of a second failure-free run, when the trial checked determinism (sorted). */
  determinismOutput?: string[];
  /** Whether the engine processed all input (its outputs were read); absent in Histories written before it. */
  finished?: boolean;
  /** Verdicts observed while running (clean exits, refusals, liveness): kept as recorded when a History is re-judged. */
  observed?: Verdict[];
  /** Every verdict: the observed ones and those check(history) computed from the data. */
  verdicts: Verdict[];
  ok: boolean;
  /** Kills that actually happened (SIGKILL of a driver or executor, real or simulated). */
  kills: number;
}

/**
 * A trial's History before anything ran: its spec, no incarnation, no output, not ok. The runners
 * (built-in engine and external targets) fill it in; the verdicts array is the caller's.
 */
export function newHistory(spec: TrialSpec, mode: Mode, guarantee: History['guarantee'], startedAt: number, verdicts: Verdict[]): History {
  return {
    version: HISTORY_VERSION,
    trialId: `${jobLabel(spec.scenario)}-${randomBytes(4).toString('hex')}`,
    mode,
    scenario: spec.scenario,
    kind: spec.kind,
    seed: spec.seed,
    input: spec.input,
    ...(spec.params ? { params: spec.params } : {}),
    config: spec.config,
    schedule: spec.schedule,
    ...(spec.target ? { target: spec.target } : {}),
    guarantee,
    startedAt,
    elapsedMs: 0,
    incarnations: [],
    outputs: [],
    reference: [],
    verdicts,
    ok: false,
    kills: 0,
  };
}

export function trialSpecOf(h: History): TrialSpec {
  return {
    scenario: h.scenario,
    kind: h.kind,
    seed: h.seed,
    input: h.input,
    ...(h.params ? { params: h.params } : {}),
    config: h.config,
    schedule: h.schedule,
    checkDeterminism: h.verdicts.some((v) => v.checker === 'determinism'),
    ...(h.target ? { target: h.target } : {}),
  };
}

/** What `chaos replay` reads. */
export interface ReplayFile {
  replayVersion: 1;
  mode: Mode;
  trial: TrialSpec;
  /** The job module (`--job PATH`) the trial ran and its sha256: replay refuses a module that changed. */
  jobModule?: { path: string; sha256: string };
  /** What identifies the recorded input (`--input`): replay refuses records that changed. */
  recordsId?: string;
  history: History;
  /**
   * `seed` is the run's `--seed` (what `chaos run --seed` takes to regenerate it with `path`);
   * `propertySeed` the fast-check seed it derived for the failing scenario (run-chaos.ts propertySeed).
   */
  fastCheck?: { seed: number; propertySeed?: number; path: string | null; counterexample: unknown };
  /** The command that re-runs it. */
  command: string;
}

/** A failing trial as the run summary lists it. */
export interface FailureSummary {
  trialId: string;
  scenario: string;
  mode: Mode;
  mutant?: string;
  checkers: CheckerName[];
  message: string;
  /** The run's `--seed`: with `path` and this scenario, `chaos run` regenerates the trial. */
  seed: number;
  path: string | null;
  replayFile?: string;
  replayCommand?: string;
  /** The trial's History on its own (`chaos check FILE` re-judges it without re-running). */
  historyFile?: string;
  checkCommand?: string;
  /** `chaos run` with the fast-check seed and path that regenerates this trial. */
  rerunCommand?: string;
  history: History;
}

export interface ScenarioSummary {
  name: string;
  kind: 'streaming' | 'batch';
  trials: number;
  kills: number;
  failures: number;
}

/** The JSON document `chaos run --json` prints and report builders consume. */
export interface RunSummary {
  ok: boolean;
  mode: Mode;
  seed: number;
  trials: number;
  kills: number;
  failures: FailureSummary[];
  scenarios: ScenarioSummary[];
  /**
   * Per fault kind (harness/properties/fault-tally.ts): `armed` trials armed it, `struck` of those
   * it struck at least once (<= armed), `strikes` how often it struck in all. `trials` and `hits`
   * are the older names of `armed` and `strikes` (same values).
   */
  faultKinds: Array<{ kind: FaultKind; armed: number; struck: number; strikes: number; trials: number; hits: number }>;
  /** Armed fault kinds that never struck: with `requireFaults` they make the run fail (ok false). */
  unstruck?: FaultKind[];
  /** The run was asked to fail when an armed fault kind never struck (`--require-faults`). */
  requireFaults?: boolean;
  /** The run was stopped (Ctrl-C, SIGTERM) before it finished: the counts are of the trials so far. */
  interrupted?: { signal: string };
  elapsedMs: number;
  /** Trials that shrinking ran in addition to `trials`. */
  shrinkTrials: number;
  /** Scenarios whose failure-free reference was not deterministic (cannot be judged). */
  nonDeterministic: string[];
  outDir?: string;
  startedAt: string;
  /** When the first failing trial finished (ms after the start) and how many trials it took. */
  firstFailureMs?: number;
  trialsToFirstFailure?: number;
  /** What `--services` picked and why (from harness/services), when known. */
  services?: RunServicesSummary;
  /**
   * Process mode: per trial, which store, source and sink each incarnation actually opened (its
   * `services.opened` event) and every difference from what the trial asked for. Any difference
   * fails the run with exit 2: the harness must never report a test of a service it did not use.
   */
  servicesOpened?: Array<{
    trialId: string;
    asked: { store: string; source: string; sink: string };
    incarnations: Array<{ store: string; source: string; sink: string; sinkGuarantee?: string } | null>;
    mismatches: string[];
  }>;
  /** External target runs: each named failpoint, the trials that armed it and how often it fired. */
  failpoints?: Array<{ name: string; armed: number; hits: number }>;
  /** External target runs: what ran the target (e.g. "spark 4.1.1 (Java 17.0.15, Scala 2.13.17)"). */
  engine?: string;
  /** What the run explored: coverage points reached, knob values and run lengths drawn, faults per protocol step. */
  exploration?: ExplorationSummary;
}

/**
 * Which services a run used (harness/services ServicesSummary, structurally): what `--services`
 * picked and why, and whether the S3 server fences zombie writers (conditional writes).
 */
export interface RunServicesSummary {
  requested?: string;
  picked: string;
  reason: string;
  store?: string;
  source?: string;
  sink?: string;
  s3?: { server: string; endpoint?: string; bucket?: string; prefix?: string; conditionalWrites: boolean };
  kafka?: { server: string; brokers?: string[] };
  notes: string[];
}
