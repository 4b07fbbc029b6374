/**
 * The chaos property over an external target: for every generated trial (input seed, a schedule
 * of kills at random times and at named failpoints), the target's output after recovery equals
 * its failure-free reference. The first trials are fixed examples that sweep the spec's named
 * points (a trial kills at several of them in turn, one per incarnation), so that even a short
 * budget strikes at each named point; fast-check then generates and, on a failure, shrinks.
 * Summary, replay files and reports are those of the built-in engine's runs.
 */
import fc from 'fast-check';
import { UserError } from '../../engine/index.js';
import { type FailureSummary, type Fault, type History, type RunSummary, type TrialSpec } from '../history.js';
import { failureMessage } from '../oracle/checkers.js';
import { replayCommand, writeReplayFile } from '../properties/run-chaos.js';
import { emptyFaultTally, tallyTrial } from '../properties/fault-tally.js';
import { chaosCommand } from '../cli-invocation.js';
import { loadTargetSpec } from './target-spec.js';
import { requireSpark } from './spark/spark-install.js';
import type { ResolvedTarget } from './target-driver.js';
import { runTargetTrial, targetReference, targetTrialSpec, type TargetReference } from './target-trial.js';

/** Load a spec and what it needs here (Spark from ready.json for engine spark). Throws UserError (exit 2). */
export function resolveTarget(specPath: string, opts: { master?: string; prestart?: boolean } = {}): ResolvedTarget {
  const spec = loadTargetSpec(specPath);
  const spark = spec.engine === 'spark' ? requireSpark() : undefined;
  return { spec, ...(spark ? { spark } : {}), master: opts.master ?? spec.master, prestart: opts.prestart ?? true };
}

/** Fault schedules for a target: kills at random times and at the named points its reference reached. */
export function targetScheduleArb(target: ResolvedTarget, ref: TargetReference): fc.Arbitrary<Fault[]> {
  const points = target.spec.failpoints.adapter === 'spark' ? target.spec.failpoints.points.filter((p) => (ref.pointCounts[p] ?? 0) > 0) : [];
  const randomKill = fc.record({
    kind: fc.constant('kill-random' as const),
    afterEvents: fc.integer({ min: 0, max: Math.max(0, ref.points) }),
    // Without an adapter, time alone places the kill: anywhere in a failure-free run's duration.
    delayMs: points.length ? fc.integer({ min: 0, max: 1500 }) : fc.integer({ min: 0, max: Math.max(1000, ref.ms) }),
  });
  const failpointKill = points.length
    ? fc.constantFrom(...points).chain((failpoint) =>
        fc.record({ kind: fc.constant('kill-failpoint' as const), failpoint: fc.constant(failpoint), occurrence: fc.integer({ min: 1, max: ref.pointCounts[failpoint]! }) }),
      )
    : undefined;
  // A tear cuts the file that just became visible to half its bytes, then halts: only at a `.written` point.
  const tearPoints = points.filter((p) => p.endsWith('.written'));
  const tornWrite = tearPoints.length
    ? fc.constantFrom(...tearPoints).chain((failpoint) =>
        fc.record({ kind: fc.constant('torn-write' as const), failpoint: fc.constant(failpoint), occurrence: fc.integer({ min: 1, max: ref.pointCounts[failpoint]! }) }),
      )
    : undefined;
  const kinds = [randomKill, ...(failpointKill ? [failpointKill] : []), ...(tornWrite ? [tornWrite] : [])];
  const fault: fc.Arbitrary<Fault> = kinds.length > 1 ? fc.oneof(...kinds) : randomKill;
  return fc.array(fault, { minLength: 1, maxLength: 3 });
}

/**
 * The sweep: the first trial kills once at every named point the reference reached, one point per
 * incarnation in the spec's order, and ends with a random-time kill; so even a short budget strikes
 * everywhere. (A restarted incarnation re-runs the batch in flight, so each next point is reached.)
 * The second tears a checkpoint file mid-run (a tear usually ends a trial: recovered or refused).
 */
export function sweepSchedules(target: ResolvedTarget, ref: TargetReference): Fault[][] {
  const points = target.spec.failpoints.adapter === 'spark' ? target.spec.failpoints.points.filter((p) => (ref.pointCounts[p] ?? 0) > 0) : [];
  // The random-time kill comes last, on an incarnation with little left to do: strike early in it.
  const random: Fault = { kind: 'kill-random', afterEvents: Math.min(2, ref.points), delayMs: 300 };
  const sweep = points.map((failpoint, j): Fault => ({
    kind: 'kill-failpoint',
    failpoint,
    // The first kill strikes mid-run; each restart then dies the first time it reaches its point.
    occurrence: j === 0 ? Math.ceil(ref.pointCounts[failpoint]! / 2) : 1,
  }));
  // One torn write, mid-run, at the spec's first `.written` point other than the query's one-off metadata.
  const tearAt = points.find((p) => p.endsWith('.written') && p !== 'metadata.written') ?? points.find((p) => p.endsWith('.written'));
  const tear: Fault[][] = tearAt ? [[{ kind: 'torn-write', failpoint: tearAt, occurrence: Math.ceil(ref.pointCounts[tearAt]! / 2) }]] : [];
  return [[...sweep, random], ...tear, [random]];
}

export interface TargetRunOptions {
  runs?: number;
  budgetMs?: number;
  seed: number;
  outDir?: string;
  /** Skip the sweep of named points (tests that run one exact trial). */
  noSweep?: boolean;
  path?: string;
  maxShrinkTrials?: number;
  onTrial?: (h: History, info: { scenario: string; shrinking: boolean }) => void;
  onFailure?: (f: FailureSummary) => void;
}

export async function runTargetChaos(target: ResolvedTarget, opts: TargetRunOptions): Promise<RunSummary> {
  const started = Date.now();
  const name = target.spec.name;
  const summary: RunSummary = {
    ok: true,
    mode: 'process',
    seed: opts.seed,
    trials: 0,
    kills: 0,
    failures: [],
    scenarios: [{ name, kind: target.spec.kind, trials: 0, kills: 0, failures: 0 }],
    faultKinds: emptyFaultTally(),
    elapsedMs: 0,
    shrinkTrials: 0,
    nonDeterministic: [],
    startedAt: new Date(started).toISOString(),
    ...(opts.outDir ? { outDir: opts.outDir } : {}),
    failpoints: target.spec.failpoints.adapter === 'spark' ? target.spec.failpoints.points.map((p) => ({ name: p, armed: 0, hits: 0 })) : [],
    ...(target.spark ? { engine: `spark ${target.spark.version} (Java ${target.spark.java}, Scala ${target.spark.scala}, Hadoop ${target.spark.hadoop}), master ${target.master}` } : {}),
  };
  // One input per run (its reference costs a full Spark run); --seed picks it.
  const inputSeed = Math.abs(opts.seed) % 1000;
  const ref = await targetReference(target, inputSeed);
  const entry = summary.scenarios[0]!;
  let failing: { h: History; spec: TrialSpec } | undefined;
  let shrinks = 0;
  const maxShrinks = opts.maxShrinkTrials ?? 6;
  const arb = targetScheduleArb(target, ref).map((faults) => targetTrialSpec(target, inputSeed, faults));
  // fast-check's time limit returns from fc.check without waiting for the trial in flight: we do.
  let inFlight: Promise<unknown> = Promise.resolve();
  const property = fc.asyncProperty(arb, async (spec) => {
    const shrinking = failing !== undefined;
    if (shrinking && ++shrinks > maxShrinks) return true;
    const run = runTargetTrial(target, spec);
    inFlight = run.catch(() => undefined);
    const h = await run;
    if (shrinking) summary.shrinkTrials++;
    else {
      summary.trials++;
      summary.kills += h.kills;
      entry.trials++;
      entry.kills += h.kills;
      // Per fault kind: armed / struck trials and strikes, the same tally as chaos run (fault-tally.ts).
      tallyTrial(summary.faultKinds, spec, h);
      for (const f of spec.schedule.faults) if (f.kind === 'kill-failpoint' || f.kind === 'torn-write') {
        const fp = summary.failpoints!.find((x) => x.name === f.failpoint);
        if (fp) fp.armed++;
      }
      for (const inc of h.incarnations) for (const hit of inc.faultsHit) {
        const fp = hit.failpoint && summary.failpoints!.find((x) => x.name === hit.failpoint!.name);
        if (fp) fp.hits++;
      }
    }
    opts.onTrial?.(h, { scenario: name, shrinking });
    if (!h.ok) {
      if (!shrinking) {
        summary.firstFailureMs ??= Date.now() - started;
        summary.trialsToFirstFailure ??= summary.trials;
      }
      failing = { h, spec };
    }
    return h.ok;
  });
  const examples = opts.noSweep || opts.path ? [] : sweepSchedules(target, ref).map((faults) => [targetTrialSpec(target, inputSeed, faults)] as [TrialSpec]);
  const remaining = opts.budgetMs !== undefined ? Math.max(1, opts.budgetMs - (Date.now() - started)) : undefined;
  const details = await fc.check(property, {
    seed: opts.seed,
    numRuns: opts.runs ?? 1_000_000_000,
    examples,
    ...(opts.path ? { path: opts.path } : {}),
    ...(remaining !== undefined ? { plugins: [fc.interruptAfterTimeLimit(remaining)] } : {}),
  });
  await inFlight;
  if (details.failed && details.errorInstance instanceof UserError) throw details.errorInstance;
  // Any failing trial is a finding — also one that ended after the time limit interrupted fast-check
  // (then fast-check reports no counterexample, and the path may be missing).
  if (failing) {
    // The last failing trial run (shrinking ends on the smallest failure it found).
    const { h, spec: hSpec } = failing!;
    const fastCheck = { seed: details.seed, path: details.counterexamplePath, counterexample: hSpec };
    const replayFile = opts.outDir ? writeReplayFile(opts.outDir, h, hSpec, fastCheck) : undefined;
    const failure: FailureSummary = {
      trialId: h.trialId,
      scenario: name,
      mode: 'process',
      checkers: h.verdicts.filter((v) => !v.ok).map((v) => v.checker),
      message: failureMessage(h),
      seed: details.seed,
      path: details.counterexamplePath,
      ...(replayFile ? { replayFile, replayCommand: replayCommand(replayFile) } : {}),
      rerunCommand: `${chaosCommand()} run --target ${target.spec.file} --seed ${details.seed} --runs 1${details.counterexamplePath ? ` --path ${details.counterexamplePath}` : ''}`,
      history: h,
    };
    summary.failures.push(failure);
    entry.failures++;
    opts.onFailure?.(failure);
  } else if (details.failed && details.errorInstance) {
    throw details.errorInstance instanceof Error ? details.errorInstance : new Error(String(details.errorInstance));
  }
  summary.ok = summary.failures.length === 0;
  summary.elapsedMs = Date.now() - started;
  return summary;
}
