/**
 * The chaos property, run per scenario with fast-check: for every generated trial, the checkers
 * hold. On a failure fast-check shrinks the trial; we keep the minimal failing History, its seed
 * and path, and write a replay file. The summary counts trials and kills per scenario and per
 * fault kind so a user sees what was exercised.
 */
import { chaosCommand } from '../cli-invocation.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { UserError } from '../../engine/index.js';
import {
  type FailureSummary,
  type History,
  type Mode,
  type ReplayFile,
  type RunSummary,
  type ScenarioSummary,
  type TrialSpec,
} from '../history.js';
import { failureMessage } from '../oracle/checkers.js';
import { runTrial } from '../trial/run-trial.js';
import { closeEnginePool, openEnginePool } from '../process/engine-process.js';
import { isModulePath } from '../../runtime/job-ref.js';
import { jobModuleHash } from '../../runtime/jobs.js';
import { readRecords } from '../../runtime/records.js';
import { checkServicesOpened } from '../oracle/services-opened.js';
import { trialArb, type StorageFaultKind, type TrialArbOptions } from './arbitraries.js';
import { emptyFaultTally, tallyTrial, unstruckKinds } from './fault-tally.js';
import { hashString } from '../../engine/index.js';
import type { ServiceHandle } from '../services/types.js';
import { Exploration } from '../exploration/exploration.js';

/** Trials per fast-check round while `untilCovered` waits for every coverage point. */
const COVERAGE_ROUND = 25;

export interface ChaosScenario {
  name: string;
  kind: 'streaming' | 'batch';
}

export interface ChaosRunOptions {
  mode: Mode;
  scenarios: ChaosScenario[];
  /** Total trials over all scenarios (split evenly); or a time budget. */
  runs?: number;
  budgetMs?: number;
  seed: number;
  outDir?: string;
  /** Write every trial's History to <outDir>/histories/ (failing trials' are always written). */
  keepHistories?: boolean;
  mutant?: string;
  maxSize?: number;
  /** Recorded input (`--input`): fed to every trial of a streaming job instead of generated input. */
  records?: { path: string; count: number; minPartitions: number };
  sink?: TrialArbOptions['sink'];
  store?: TrialArbOptions['store'];
  source?: TrialArbOptions['source'];
  /** `--services` of the run: recorded in each trial's config (when it uses S3 or Kafka) for `chaos replay`. */
  services?: TrialArbOptions['services'];
  faultKinds?: TrialArbOptions['faultKinds'];
  determinismFraction?: number;
  /** Stop every scenario at its first failure without shrinking (mutant hunting measures time to catch). */
  noShrink?: boolean;
  /** Stop the whole run at the first failing scenario. */
  stopAtFirstFailure?: boolean;
  /** One property over all scenarios (each trial picks one) instead of one property per scenario. */
  interleave?: boolean;
  /** Trials shrinking may spend per failure (default 40 in process mode, 400 in sim). */
  maxShrinkTrials?: number;
  /** fast-check path of a reported counterexample: with its seed, re-runs exactly that trial first (one scenario). */
  path?: string;
  /**
   * Keep running (one property over all scenarios, in rounds of COVERAGE_ROUND trials) until every
   * coverage point was reached by at least this many incarnations, a property fails, or the
   * budget / runs are spent. The summary says whether the goal was reached.
   */
  untilCovered?: number;
  /** Per-trial time bound (liveness). */
  trialTimeoutMs?: number;
  engineArgs?: string[];
  env?: Record<string, string>;
  /** The run's S3 server (process mode, --store s3): enables storage-restart, and storage-outage when it has a proxy. */
  storage?: ServiceHandle;
  /** Fail the run (ok false) when a fault kind it armed never struck in any trial (`--require-faults`). */
  requireFaults?: boolean;
  /** Called once with the summary the run fills in as trials finish (what Ctrl-C writes as a partial report). */
  onStart?: (live: RunSummary) => void;
  /** The run's Kafka broker (process mode, Kafka source or sink): enables broker-restart. */
  broker?: ServiceHandle;
  /** With --sink kafka: exactly-once (transactional, default) or at-least-once. */
  kafkaDelivery?: 'exactly-once' | 'at-least-once';
  /** Does the run's S3 server enforce If-None-Match? (zombie faults need a store that can fence) */
  s3ConditionalWrites?: boolean;
  onTrial?: (h: History, info: { scenario: string; shrinking: boolean }) => void;
  onFailure?: (f: FailureSummary) => void;
}

function sameSpec(a: TrialSpec, b: TrialSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function replayCommand(file: string): string {
  return `${chaosCommand()} replay ${JSON.stringify(file).slice(1, -1)}`;
}

/** A trial's History as its own file, `chaos check FILE` re-judges it: <outDir>/histories/<trialId>.json. */
export function writeHistoryFile(outDir: string, history: History): string {
  const dir = path.join(outDir, 'histories');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${history.trialId}.json`);
  fs.writeFileSync(file, JSON.stringify(history) + '\n');
  return file;
}

export function writeReplayFile(outDir: string, history: History, spec: TrialSpec, fastCheck: ReplayFile['fastCheck']): string {
  const dir = path.join(outDir, 'replays');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${history.trialId}.json`);
  const replay: ReplayFile = {
    replayVersion: 1,
    mode: history.mode,
    trial: spec,
    ...(isModulePath(spec.scenario) ? { jobModule: { path: spec.scenario, sha256: jobModuleHash(spec.scenario) } } : {}),
    ...(spec.input.records !== undefined ? { recordsId: readRecords(spec.input.records).id } : {}),
    history,
    ...(fastCheck ? { fastCheck } : {}),
    command: replayCommand(file),
  };
  fs.writeFileSync(file, JSON.stringify(replay, null, 2) + '\n');
  return file;
}

/**
 * The fast-check seed of one property of a run: a function of the run seed and of the scenarios
 * the property draws from — not of their position in the run — so `--seed S --scenario X`
 * regenerates exactly the trials scenario X had in `--seed S --scenario all`, and a failure is
 * reported with the run seed S it came from.
 */
export function propertySeed(runSeed: number, scenarios: readonly string[], round = 0): number {
  return hashString(`${runSeed}:${scenarios.join(',')}${round ? `:${round}` : ''}`) | 0;
}

/** A path as one shell word: quoted only when it needs it. */
function quoteArg(arg: string): string {
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `chaos run` arguments that regenerate a counterexample from the run seed and its fast-check path. */
function rerunCommand(opts: ChaosRunOptions, scenario: string, seed: number, path: string | null): string {
  const selected = opts.interleave || opts.untilCovered !== undefined ? opts.scenarios.map((s) => s.name).join(',') : scenario;
  const parts = [`${chaosCommand()} run`, `--mode ${opts.mode}`, isModulePath(selected) ? `--job ${quoteArg(selected)}` : `--scenario ${selected}`, `--seed ${seed}`, '--runs 1'];
  if (opts.records) parts.push(`--input ${quoteArg(opts.records.path)}`);
  if (path) parts.push(`--path ${path}`);
  if (opts.mutant) parts.push(`--mutant ${opts.mutant}`);
  if (opts.maxSize) parts.push(`--max-size ${opts.maxSize}`);
  if (opts.sink && opts.sink !== 'files') parts.push(`--sink ${opts.sink}`);
  if (opts.sink === 'kafka' && opts.kafkaDelivery) parts.push(`--kafka-delivery ${opts.kafkaDelivery}`);
  if (opts.store && opts.store !== (opts.mode === 'sim' ? 'memory' : 'fs')) parts.push(`--store ${opts.store}`);
  if (opts.source && opts.source !== 'log') parts.push(`--source ${opts.source}`);
  if (opts.services && (opts.store === 's3' || opts.sink === 's3' || opts.sink === 'kafka' || opts.source === 'kafka')) parts.push(`--services ${opts.services}`);
  return parts.join(' ');
}

/**
 * Executor processes can run in process mode for batch jobs, and for streaming over the local log
 * into the files/append sink on the filesystem (engine/streaming/executors).
 */
function executorsPossible(opts: ChaosRunOptions, kind: ChaosScenario['kind']): boolean {
  if (opts.mode !== 'process') return false;
  if (kind === 'batch') return true;
  return (opts.source ?? 'log') === 'log' && (opts.store ?? 'fs') === 'fs' && ['files', 'append'].includes(opts.sink ?? 'files');
}

/** Whether a trial of this kind talks to S3 or Kafka in this run (batch: S3 only). */
function usesServices(opts: ChaosRunOptions, kind: ChaosScenario['kind']): boolean {
  if (opts.store === 's3' || opts.sink === 's3') return true;
  return kind === 'streaming' && (opts.source === 'kafka' || opts.sink === 'kafka');
}

/**
 * Faults that depend on the run's services: a restartable S3 server the checkpoint lives on (and a
 * proxy in front of it), a Kafka broker the run owns, and zombies — offered only where the store
 * can fence a stale writer (fs; S3 that enforces If-None-Match): on s3rver fencing is not
 * verifiable here (zombieFencingNote says so in the summary).
 */
export function storageFaultKinds(opts: Pick<ChaosRunOptions, 'mode' | 'store' | 'storage' | 'broker' | 'source' | 'sink' | 's3ConditionalWrites'>): StorageFaultKind[] {
  if (opts.mode !== 'process') return [];
  const kinds: StorageFaultKind[] = [];
  if (opts.store === 's3' && opts.storage) kinds.push(...(opts.storage.proxy ? (['storage-restart', 'storage-outage'] as const) : (['storage-restart'] as const)));
  if (opts.broker && (opts.source === 'kafka' || opts.sink === 'kafka')) kinds.push('broker-restart');
  if (zombieFencingNote(opts) === undefined) kinds.push('zombie');
  return kinds;
}

/** Why zombie faults are not drawn in this run, or undefined when they are. */
export function zombieFencingNote(opts: Pick<ChaosRunOptions, 'mode' | 'store' | 'sink' | 's3ConditionalWrites'>): string | undefined {
  if (opts.mode !== 'process') return 'zombie: process mode only';
  if ((opts.store === 's3' || opts.sink === 's3') && opts.s3ConditionalWrites !== true) {
    return 'zombie: fencing not verifiable here — the S3 server ignores If-None-Match (s3rver), so a stale writer cannot be fenced; zombie faults were not drawn';
  }
  return undefined;
}

export async function runChaos(opts: ChaosRunOptions): Promise<RunSummary> {
  if (opts.scenarios.length === 0) throw new UserError('no scenarios to run: pass --scenario NAME or --scenario all');
  // Process mode: a pre-started engine waits for each next incarnation (its start is off the trial's clock).
  if (opts.mode !== 'process') return runChaosTrials(opts);
  openEnginePool();
  try {
    return await runChaosTrials(opts);
  } finally {
    closeEnginePool();
  }
}

async function runChaosTrials(opts: ChaosRunOptions): Promise<RunSummary> {
  const started = Date.now();
  const summary: RunSummary = {
    ok: true,
    mode: opts.mode,
    seed: opts.seed,
    trials: 0,
    kills: 0,
    failures: [],
    scenarios: opts.scenarios.map((s): ScenarioSummary => ({ name: s.name, kind: s.kind, trials: 0, kills: 0, failures: 0 })),
    faultKinds: emptyFaultTally(),
    ...(opts.requireFaults ? { requireFaults: true } : {}),
    elapsedMs: 0,
    shrinkTrials: 0,
    nonDeterministic: [],
    startedAt: new Date(started).toISOString(),
    ...(opts.outDir ? { outDir: opts.outDir } : {}),
  };
  opts.onStart?.(summary);
  const trialOpts = {
    ...(opts.trialTimeoutMs ? { timeoutMs: opts.trialTimeoutMs } : {}),
    ...(opts.engineArgs ? { engineArgs: opts.engineArgs } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.storage ? { storage: opts.storage } : {}),
    ...(opts.broker ? { broker: opts.broker } : {}),
  };
  const storageFaults = storageFaultKinds(opts);
  const untilCovered = opts.untilCovered;
  const exploration = new Exploration();
  const groups = opts.interleave || untilCovered !== undefined ? [opts.scenarios] : opts.scenarios.map((s) => [s]);
  const entryOf = (name: string) => summary.scenarios.find((e) => e.name === name)!;
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    const n = groups.length;
    const runsHere =
      untilCovered !== undefined
        ? Math.min(COVERAGE_ROUND, (opts.runs ?? Number.POSITIVE_INFINITY) - summary.trials)
        : opts.runs !== undefined
          ? Math.floor(opts.runs / n) + (i < opts.runs % n ? 1 : 0)
          : undefined;
    if (runsHere === 0) continue;
    // Each remaining scenario gets an equal share of the remaining budget.
    const budgetHere = opts.budgetMs !== undefined ? Math.max(1, (started + opts.budgetMs - Date.now()) / (n - i)) : undefined;
    if (budgetHere !== undefined && budgetHere <= 1 && i > 0) break;
    // --until-covered runs the same group again: each later round draws new trials.
    const round = groups.slice(0, i).filter((g) => g === group).length;
    const seed = propertySeed(opts.seed, group.map((g) => g.name), round);
    let failing: { h: History; spec: TrialSpec } | undefined;
    // fast-check's time limit returns from fc.check without waiting for the trial in flight: we do,
    // or that trial runs on beside the next scenario's — and its storage or broker fault (the
    // services are shared) strikes a trial that armed none ("S3 endpoint … unavailable", exit 2).
    let inFlight: Promise<unknown> = Promise.resolve();
    const arbFor = (scenario: ChaosScenario) => trialArb({
      mode: opts.mode,
      scenario: scenario.name,
      kind: scenario.kind,
      executors: executorsPossible(opts, scenario.kind),
      ...(storageFaults.length ? { storageFaults } : {}),
      ...(opts.maxSize ? { maxSize: opts.maxSize } : {}),
      ...(opts.mutant ? { mutant: opts.mutant } : {}),
      ...(opts.records && scenario.kind === 'streaming' ? { records: opts.records } : {}),
      ...(opts.sink ? { sink: opts.sink } : {}),
      ...(opts.kafkaDelivery ? { kafkaDelivery: opts.kafkaDelivery } : {}),
      ...(opts.store ? { store: opts.store } : {}),
      ...(opts.source ? { source: opts.source } : {}),
      ...(opts.services && usesServices(opts, scenario.kind) ? { services: opts.services } : {}),
      ...(opts.faultKinds ? { faultKinds: opts.faultKinds } : {}),
      ...(opts.determinismFraction !== undefined ? { determinismFraction: opts.determinismFraction } : {}),
    });
    const arb = group.length === 1 ? arbFor(group[0]!) : fc.oneof(...group.map(arbFor));
    let shrinksHere = 0;
    const maxShrinks = opts.maxShrinkTrials ?? (opts.mode === 'process' ? 40 : 400);
    const property = fc.asyncProperty(arb, async (spec) => {
      const shrinking = failing !== undefined;
      // Past the shrink budget every further candidate "passes": fast-check stops and keeps the smallest failure so far.
      if (shrinking && ++shrinksHere > maxShrinks) return true;
      const running = runTrial(spec, opts.mode, trialOpts);
      inFlight = running.catch(() => undefined);
      const h = await running;
      const entry = entryOf(spec.scenario);
      if (shrinking) summary.shrinkTrials++;
      else {
        summary.trials++;
        summary.kills += h.kills;
        entry.trials++;
        entry.kills += h.kills;
        tallyTrial(summary.faultKinds, spec, h);
        exploration.add(h);
        if (opts.mode === 'process') (summary.servicesOpened ??= []).push(checkServicesOpened(h));
      }
      // Every failing trial (not the shrink candidates) leaves its History; with keepHistories every trial does.
      if (opts.outDir && !shrinking && (!h.ok || opts.keepHistories)) writeHistoryFile(opts.outDir, h);
      opts.onTrial?.(h, { scenario: spec.scenario, shrinking });
      if (!h.ok) {
        if (!shrinking) {
          summary.firstFailureMs ??= Date.now() - started;
          summary.trialsToFirstFailure ??= summary.trials;
        }
        failing = { h, spec };
      }
      return h.ok;
    });
    const details = await fc.check(property, {
      seed,
      numRuns: runsHere ?? 1_000_000_000,
      ...(opts.path ? { path: opts.path } : {}),
      ...(budgetHere !== undefined ? { plugins: [fc.interruptAfterTimeLimit(budgetHere)] } : {}),
      ...(opts.noShrink ? { endOnFailure: true } : {}),
    });
    await inFlight;
    // A usage or setup problem raised inside a trial (e.g. the engine cannot start) is not a finding.
    if (details.failed && details.errorInstance instanceof UserError) throw details.errorInstance;
    // A trial that failed after the time limit interrupted fast-check is still a finding (no fast-check path).
    const lateFailure = !details.failed && failing !== undefined ? failing : undefined;
    if ((details.failed && details.counterexample) || lateFailure) {
      const spec = lateFailure ? lateFailure.spec : (details.counterexample as unknown as [TrialSpec])[0];
      let h = failing && sameSpec(failing.spec, spec) ? failing.h : undefined;
      if (!h) {
        // The counterexample's own History (the last failure seen may be another shrink candidate).
        h = await runTrial(spec, opts.mode, trialOpts);
        if (h.ok) h = failing?.h ?? h;
      }
      // A late failure has no fast-check path to regenerate it: its replay file replays the trial itself.
      const fastCheck = lateFailure ? undefined : { seed: opts.seed, propertySeed: details.seed, path: details.counterexamplePath, counterexample: spec };
      const replayFile = opts.outDir ? writeReplayFile(opts.outDir, h, spec, fastCheck) : undefined;
      const historyFile = opts.outDir ? writeHistoryFile(opts.outDir, h) : undefined;
      const entry = entryOf(spec.scenario);
      const failure: FailureSummary = {
        trialId: h.trialId,
        scenario: spec.scenario,
        mode: opts.mode,
        ...(opts.mutant ? { mutant: opts.mutant } : {}),
        checkers: h.verdicts.filter((v) => !v.ok).map((v) => v.checker),
        message: failureMessage(h),
        seed: opts.seed,
        path: details.counterexamplePath,
        ...(replayFile ? { replayFile, replayCommand: replayCommand(replayFile) } : {}),
        ...(historyFile ? { historyFile, checkCommand: `${chaosCommand()} check ${quoteArg(historyFile)}` } : {}),
        ...(lateFailure ? {} : { rerunCommand: rerunCommand(opts, spec.scenario, opts.seed, details.counterexamplePath) }),
        history: h,
      };
      summary.failures.push(failure);
      entry.failures++;
      if (h.verdicts.some((v) => v.checker === 'determinism' && !v.ok)) summary.nonDeterministic.push(spec.scenario);
      opts.onFailure?.(failure);
      if (opts.stopAtFirstFailure || untilCovered !== undefined) break;
    } else if (details.failed && details.errorInstance) {
      // The harness itself threw (not a verdict): surface it rather than calling it a finding.
      throw details.errorInstance instanceof Error ? details.errorInstance : new Error(String(details.errorInstance));
    }
    // --until-covered: another round with the next seed while a point is short and budget or runs are left.
    if (untilCovered !== undefined && exploration.below(untilCovered).length > 0) {
      const budgetLeft = opts.budgetMs === undefined || Date.now() < started + opts.budgetMs - 50;
      const runsLeft = opts.runs === undefined || summary.trials < opts.runs;
      if (budgetLeft && runsLeft && !details.interrupted) groups.push(group);
    }
  }
  summary.exploration = exploration.summary(untilCovered);
  const unstruck = unstruckKinds(summary.faultKinds);
  if (unstruck.length) summary.unstruck = unstruck;
  summary.ok = summary.failures.length === 0 && !(opts.requireFaults && unstruck.length > 0);
  summary.elapsedMs = Date.now() - started;
  return summary;
}
