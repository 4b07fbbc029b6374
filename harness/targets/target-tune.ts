/**
 * `chaos tune --target SPEC`: every knob the spec's `tune` section declares (target-spec.ts
 * TuneKnob), measured on the real job and fitted with the built-in engine's machinery: a cost model
 * per knob, bootstrap confidence intervals (harness/tune/bootstrap.ts), Young/Daly beside the fit,
 * and the separation test between the best candidate and the runner-up (harness/tune/decision.ts).
 *
 * Per knob value and round, from the failpoint adapter's events (never Spark's logs):
 *   steady run  batches (the spec's tune.batchPoint), steady ms per batch (first to last batch),
 *               checkpoint bytes at the end, publish ms of checkpoint files per batch, and for a
 *               checkpoint-interval knob the write ms of each checkpoint of its checkpointPoint;
 *   recovery    kill at the batch point's `.before` of the middle batch's occurrence, restart cold, time to exit 0.
 * Models (K = the knob's value):
 *   batch-size           batch ms ≈ a + b·K (a: fixed cost of one batch and its checkpoint cycle,
 *                        b: cost per unit of input); expected wall time for 1 h of input
 *                        T(K) = H·(a + bK)/(bK) ÷ (1 − (restart + (a + bK)/2) / MTBF);
 *                        Young K = sqrt(2·a·MTBF) / b.
 *   checkpoint-interval  cost-model.ts with batch ms B (median), checkpoint cost C (median write ms
 *                        of one checkpoint), β = C/B, restart R (mean), replay B per batch:
 *                        T(K) = H·(1 + β/K) ÷ (1 − (R + B·K/2) / MTBF); Young K = sqrt(2·C·MTBF) / B.
 * Rounds repeat every measurement until each knob's pick is separated from (or equivalent to) the
 * runner-up, or --budget is spent (no new measurement starts after it; the first round always runs
 * whole), or --repeat's minimum and the round cap are met.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../engine/index.js';
import { estimate, RESAMPLES, resampleStrata, seededRng, type Estimate, type Rng } from '../tune/bootstrap.js';
import { expectedTotalAt, fittedOptimum, mean, type CostModel } from '../tune/cost-model.js';
import { decide, markOf, type Decision } from '../tune/decision.js';
import { dalyIntervalMs, youngIntervalMs } from '../tune/optimal-interval.js';
import { median } from '../tune/spread.js';
import { TargetDriver, type PointEvent, type ResolvedTarget } from './target-driver.js';
import type { TuneKnob } from './target-spec.js';
import { targetTrialSpec } from './target-trial.js';

/** The reference work expected times are given for: one hour. */
export const TARGET_WORK_MS = 3_600_000;
/** Rounds at most, whatever the budget (each round is several JVM runs per candidate). */
export const MAX_ROUNDS = 6;

export interface TargetTuneRun {
  knob: string;
  value: number;
  round: number;
  wallMs: number;
  batches: number;
  batchMs: number;
  /** checkpoint-interval knobs: writes of the knob's checkpoint point, and the ms of each. */
  checkpoints: number;
  checkpointMsEach: number[];
  checkpointBytes: number;
  publishMsPerBatch: number;
  rows: number;
  /** sha256-free fingerprint of the committed output (sorted rows joined): same input, same output. */
  output: string;
}

export interface TargetRecovery {
  knob: string;
  value: number;
  round: number;
  killAt: string;
  killed: boolean;
  /** Spawn of the restarted driver to its exit 0 (JVM start-up included: no pre-started driver here). */
  recoveryMs: number;
  outputMatches: boolean;
}

export interface KnobCandidate {
  value: number;
  runs: number;
  batchMs: number | null;
  checkpoints: number | null;
  checkpointMs: number | null;
  recoveryMs: number | null;
  /** Expected wall time for one hour of work under the MTBF, from the fit, with its 95 % interval. */
  expectedMs: number | null;
  expectedCi: { lo: number; hi: number } | null;
}

export interface KnobResult {
  knob: Omit<TuneKnob, 'values'> & { reaches: string };
  values: number[];
  model: string;
  fit: Record<string, Estimate> | null;
  young: number | null;
  daly: number | null;
  /** The fitted model's own optimum over all whole values (not only the measured ones). */
  optimum: number | null;
  bracketed: boolean;
  candidates: KnobCandidate[];
  recommended: number | null;
  decision: Decision | null;
  confidence: string;
  reason: string;
}

export interface TargetTuneResult {
  target: string;
  spec: string;
  engine: string;
  mtbfMs: number;
  budgetMs: number;
  rounds: { count: number; stopped: string };
  knobs: KnobResult[];
  runs: TargetTuneRun[];
  recoveries: TargetRecovery[];
  notes: string[];
  command: string;
  startedAt: string;
  elapsedMs: number;
}

export interface TuneTargetOptions {
  /** Knobs to tune (names) with their candidate values. */
  knobs: Array<{ knob: TuneKnob; values: number[] }>;
  mtbfMs: number;
  seed: number;
  recovery: boolean;
  /** Rounds at least (each candidate measured this often before the budget may stop it). */
  repeat: number;
  budgetMs: number;
  command: string;
  progress?: (line: string) => void;
}

/** One measurement: a steady run (and its recovery trial) of one knob value. Injected in tests. */
export type MeasureFn = (knob: TuneKnob, value: number, round: number) => Promise<{ run: TargetTuneRun; recovery: TargetRecovery | null }>;

function dirBytes(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) total += fs.statSync(p).size;
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return total;
}

function splitPoint(point: string): [string, string] {
  const i = point.lastIndexOf('.');
  return [point.slice(0, i), point.slice(i + 1)];
}

/** Sum over files of (written.t - before.t) for one batch's checkpoint files, averaged over batches. */
export function publishMsPerBatch(points: readonly PointEvent[], batches: number): number {
  const open = new Map<string, number>();
  let total = 0;
  for (const p of points) {
    if (!p.point) continue;
    const [kind, moment] = splitPoint(p.point);
    const key = `${kind}#${p.occurrence}`;
    if (moment === 'before') open.set(key, p.t);
    else if (moment === 'written' && open.has(key)) total += p.t - open.get(key)!;
  }
  return batches > 0 ? total / batches : 0;
}

/**
 * Write ms of each checkpoint of `kind` (e.g. rdd-checkpoint): files written within 500 ms of each
 * other belong to one checkpoint (an RDD checkpoint is one file per partition), their times summed.
 */
export function checkpointWrites(points: readonly PointEvent[], kind: string): number[] {
  const open = new Map<number, number>();
  const files: Array<{ start: number; ms: number }> = [];
  for (const p of points) {
    if (!p.point) continue;
    const [k, moment] = splitPoint(p.point);
    if (k !== kind) continue;
    if (moment === 'before') open.set(p.occurrence, p.t);
    else if (moment === 'written' && open.has(p.occurrence)) files.push({ start: open.get(p.occurrence)!, ms: p.t - open.get(p.occurrence)! });
  }
  files.sort((a, b) => a.start - b.start);
  const out: number[] = [];
  let last = -Infinity;
  for (const f of files) {
    if (f.start - last > 500 || !out.length) out.push(f.ms);
    else out[out.length - 1]! += f.ms;
    last = f.start;
  }
  return out;
}

/**
 * One event per batch at `point`: a DStream writes its graph checkpoint checkpoint-<batch time> twice
 * per batch (after generating the jobs and after they complete), so events of the same file count once.
 */
export function batchMarks(points: readonly PointEvent[], point: string): PointEvent[] {
  const seen = new Set<string>();
  return points.filter((p) => {
    if (p.point !== point) return false;
    if (!p.file) return true;
    const key = path.basename(p.file).replace(/\.bk$/, '');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function fitLine(xs: number[], ys: number[]): { a: number; b: number } | null {
  if (xs.length < 2 || new Set(xs).size < 2) return null;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const b = sxy / sxx;
  return { a: my - b * mx, b };
}

function describeVia(k: TuneKnob): string {
  if ('env' in k.via) return `environment variable ${k.via.env}`;
  if ('placeholder' in k.via) return `placeholder ${k.via.placeholder} in the start command`;
  return `--conf ${k.via.conf}=<value>`;
}

/** One fit of a knob's model: expected time per candidate (null where it cannot be computed), plus its parameters. */
interface KnobFit {
  expected: Map<number, number>;
  params: Record<string, number>;
  young: number | null;
  daly: number | null;
  optimum: number | null;
}

function fitKnob(knob: TuneKnob, values: number[], runs: TargetTuneRun[], recs: TargetRecovery[], mtbfMs: number): KnobFit | null {
  const steady = runs.filter((r) => r.batches >= 2);
  const killed = recs.filter((r) => r.killed);
  if (!killed.length) return null;
  const restartMs = mean(killed.map((r) => r.recoveryMs));
  const expected = new Map<number, number>();
  if (knob.role === 'batch-size') {
    const f = fitLine(steady.map((r) => r.value), steady.map((r) => r.batchMs));
    if (!f || !(f.a > 0) || !(f.b > 0)) return null;
    for (const k of values) {
      const batch = f.a + f.b * k;
      const work = TARGET_WORK_MS * (batch / (f.b * k));
      const loss = (restartMs + batch / 2) / mtbfMs;
      if (loss < 1) expected.set(k, work / (1 - loss));
    }
    const y = youngIntervalMs(f.a, mtbfMs) / f.b;
    const d = dalyIntervalMs(f.a, mtbfMs) / f.b;
    let best: number | null = null;
    let bestT = Infinity;
    for (let k = 1; k <= 100_000; k = k < 64 ? k + 1 : Math.ceil(k * 1.02)) {
      const batch = f.a + f.b * k;
      const loss = (restartMs + batch / 2) / mtbfMs;
      const t = loss < 1 ? (batch / (f.b * k)) / (1 - loss) : Infinity;
      if (t < bestT) [best, bestT] = [k, t];
    }
    return { expected, params: { perBatchMs: f.a, perUnitMs: f.b, restartMs }, young: y, daly: d, optimum: best };
  }
  const batchMs = median(steady.map((r) => r.batchMs));
  const writes = runs.flatMap((r) => r.checkpointMsEach);
  const checkpointMs = median(writes);
  if (batchMs === null || !(batchMs > 0) || checkpointMs === null) return null;
  const model: CostModel = { batchMsOff: batchMs, alpha: 1, beta: checkpointMs / batchMs, restartMs, replayMsPerBatch: batchMs, timeScale: 1 };
  for (const k of values) {
    const t = expectedTotalAt(model, k, mtbfMs, TARGET_WORK_MS);
    if (Number.isFinite(t)) expected.set(k, t);
  }
  return {
    expected,
    params: { batchMs, checkpointMs, restartMs },
    young: checkpointMs > 0 ? youngIntervalMs(checkpointMs, mtbfMs) / batchMs : null,
    daly: checkpointMs > 0 ? dalyIntervalMs(checkpointMs, mtbfMs) / batchMs : null,
    optimum: fittedOptimum(model, mtbfMs, TARGET_WORK_MS),
  };
}

/** The fit, its bootstrap intervals and the decision for one knob: a pure function of the measurements. */
export function analyzeKnob(knob: TuneKnob, values: number[], runs: TargetTuneRun[], recs: TargetRecovery[], mtbfMs: number, seed: number, recovery: boolean): KnobResult {
  const mine = runs.filter((r) => r.knob === knob.name);
  const myRecs = recs.filter((r) => r.knob === knob.name);
  const point = fitKnob(knob, values, mine, myRecs, mtbfMs);
  const rng: Rng = seededRng(seed);
  const replicates: KnobFit[] = [];
  if (point) {
    for (let i = 0; i < RESAMPLES; i++) {
      const f = fitKnob(knob, values, resampleStrata(mine, (r) => r.value, rng), resampleStrata(myRecs, (r) => r.value, rng), mtbfMs);
      if (f) replicates.push(f);
    }
  }
  const candidates: KnobCandidate[] = values.map((v) => {
    const rs = mine.filter((r) => r.value === v);
    const steady = rs.filter((r) => r.batches >= 2);
    const kills = myRecs.filter((r) => r.value === v && r.killed);
    const exp = point?.expected.get(v);
    const samples = replicates.map((f) => f.expected.get(v) ?? Infinity);
    const ci = exp !== undefined && replicates.length ? estimate(exp, samples) : null;
    return {
      value: v,
      runs: rs.length,
      batchMs: median(steady.map((r) => r.batchMs)),
      checkpoints: knob.role === 'checkpoint-interval' ? median(rs.map((r) => r.checkpoints)) : null,
      checkpointMs: knob.role === 'checkpoint-interval' ? median(rs.flatMap((r) => r.checkpointMsEach)) : null,
      recoveryMs: median(kills.map((r) => r.recoveryMs)),
      expectedMs: exp ?? null,
      expectedCi: ci ? { lo: ci.lo, hi: ci.hi } : null,
    };
  });
  const fit = point
    ? Object.fromEntries(Object.entries(point.params).map(([k, v]) => [k, estimate(v, replicates.map((f) => f.params[k] ?? NaN))]))
    : null;
  let decision: Decision | null = null;
  let recommended: number | null = null;
  let reason: string;
  const { values: _v, ...knobInfo } = knob;
  void _v;
  if (point && point.expected.size) {
    const observations = new Map(values.map((v) => [v, Math.min(mine.filter((r) => r.value === v).length, Math.max(1, myRecs.filter((r) => r.value === v && r.killed).length))]));
    decision = decide(point.expected, replicates.map((f) => f.expected), observations);
    recommended = decision.best;
    const pred = point.young !== null ? `; Young predicts ${point.young.toFixed(1)}, Daly ${point.daly!.toFixed(1)} ${knob.unit}` : '';
    const sure =
      decision.status === 'separated'
        ? `separated from the runner-up ${decision.runnerUp} (it is slower in ≥ 97.5 % of ${RESAMPLES} resamples)`
        : decision.status === 'equivalent'
          ? `equivalent to the runner-up ${decision.runnerUp} (within 1 %): either will do`
          : decision.status === 'single'
            ? 'only one value measured'
            : `NOT separated from the runner-up ${decision.runnerUp} (${decision.runs} run(s) each; difference ${decision.differencePct!.value.toFixed(1)} %, 95 % interval ${decision.differencePct!.lo.toFixed(1)} to ${decision.differencePct!.hi.toFixed(1)} %): a best guess only`;
    reason = `${knob.name} = ${recommended} ${knob.unit} has the least expected wall time for one hour of work under an MTBF of ${Math.round(mtbfMs / 1000)} s; ${sure}${pred}`;
  } else {
    const steadyValues = new Set(mine.filter((r) => r.batches >= 2).map((r) => r.value));
    const why: string[] = [];
    if (!recovery) why.push('recovery was not measured (--no-recovery), and a restart is what a failure costs a Spark job');
    else if (!myRecs.some((r) => r.killed)) why.push('no recovery trial reached its kill point');
    if (knob.role === 'batch-size' && steadyValues.size < 2) why.push(`batch times at two or more values with ≥ 2 batches each are needed to fit a + b·K (have ${steadyValues.size})`);
    if (knob.role === 'batch-size' && steadyValues.size >= 2) why.push('batch time did not grow with the value as a + b·K with a, b > 0 (noise on a loaded machine?)');
    if (knob.role === 'checkpoint-interval' && !mine.some((r) => r.checkpointMsEach.length)) why.push(`no ${knob.checkpointPoint} checkpoint was written in any run (give more input with --files, or smaller values)`);
    if (knob.role === 'checkpoint-interval' && !steadyValues.size) why.push('no run had two or more batches');
    reason = `it needs ${why.length ? why.join('; ') : 'a fit of the measurements'}`;
  }
  const measured = [Math.min(...values), Math.max(...values)];
  const preds = point ? [point.young, point.daly].filter((x): x is number => x !== null) : [];
  const bracketed = preds.length > 0 && preds.every((p) => p >= measured[0]! && p <= measured[1]!);
  const mark = markOf(false, decision ? decision.status : 'none');
  return {
    knob: { ...knobInfo, reaches: describeVia(knob) },
    values,
    model:
      knob.role === 'batch-size'
        ? 'batch ms ≈ a + b·K; expected time for 1 h of input = H·(a + bK)/(bK) ÷ (1 − (restart + batch/2) / MTBF)'
        : 'expected time = H·(1 + C/(K·B)) ÷ (1 − (restart + B·K/2) / MTBF), B the batch ms, C the write ms of one checkpoint (harness/tune/cost-model.ts)',
    fit,
    young: point?.young ?? null,
    daly: point?.daly ?? null,
    optimum: point?.optimum ?? null,
    bracketed,
    candidates,
    recommended,
    decision,
    confidence: decision ? mark.label : 'no recommendation',
    reason,
  };
}

/** The measurement loop: rounds until decided, the round cap, or the budget. Pure apart from `measure`. */
export async function tuneTarget(target: string, opts: TuneTargetOptions, measure: MeasureFn, now: () => number = Date.now): Promise<Omit<TargetTuneResult, 'spec' | 'engine' | 'command' | 'startedAt' | 'elapsedMs'>> {
  const started = now();
  const show = opts.progress ?? (() => undefined);
  const runs: TargetTuneRun[] = [];
  const recoveries: TargetRecovery[] = [];
  const notes: string[] = [];
  let round = 0;
  let stopped = '';
  const analyze = () => opts.knobs.map(({ knob, values }) => analyzeKnob(knob, values, runs, recoveries, opts.mtbfMs, opts.seed, opts.recovery));
  let results = analyze();
  outer: for (;;) {
    for (const { knob, values } of opts.knobs) {
      for (const v of values) {
        if (round > 0 && now() - started >= opts.budgetMs) {
          stopped = `budget of ${Math.round(opts.budgetMs / 1000)} s spent during round ${round + 1} (no new measurement starts after it)`;
          break outer;
        }
        show(`round ${round + 1}: ${knob.name} = ${v}`);
        const m = await measure(knob, v, round);
        runs.push(m.run);
        if (m.recovery) recoveries.push(m.recovery);
      }
    }
    round++;
    results = analyze();
    // A knob with no fit yet may get one from another round (noise), unless recovery is off (it never will).
    const undecided = results.filter((r) => (r.decision ? r.decision.status === 'undecided' : opts.recovery));
    if (round >= opts.repeat && !opts.recovery && results.every((r) => !r.decision)) {
      stopped = 'no knob can be fitted without recovery measurements (--no-recovery): more rounds would not change that';
      break;
    }
    if (round >= opts.repeat && !undecided.length) {
      stopped = 'every knob decided (its pick separated from, or equivalent to, the runner-up)';
      break;
    }
    if (round >= MAX_ROUNDS) {
      stopped = `round cap ${MAX_ROUNDS} reached`;
      break;
    }
    if (now() - started >= opts.budgetMs) {
      stopped = `budget of ${Math.round(opts.budgetMs / 1000)} s spent after round ${round} (no new round starts after it)`;
      break;
    }
  }
  results = analyze();
  for (const r of recoveries.filter((x) => x.killed && !x.outputMatches)) {
    notes.push(`FINDING: ${r.knob} = ${r.value} (round ${r.round + 1}): the recovered output after the kill at ${r.killAt} differs from the failure-free run`);
  }
  for (const r of recoveries.filter((x) => !x.killed)) notes.push(`${r.knob} = ${r.value} (round ${r.round + 1}): the kill at ${r.killAt} was never reached; not counted as a recovery`);
  for (const k of results) {
    if (k.knob.role === 'checkpoint-interval') {
      const none = k.candidates.filter((c) => c.checkpoints === 0).map((c) => c.value);
      if (none.length) notes.push(`${k.knob.name}: no ${k.knob.checkpointPoint} checkpoint in the runs at ${none.join(', ')} (the run ended before the first one; give more input with --files)`);
    }
    if (k.decision && !k.bracketed && (k.young !== null || k.daly !== null)) {
      notes.push(`${k.knob.name}: not bracketed — Young/Daly predict ${[k.young, k.daly].map((x) => x!.toFixed(1)).join(' / ')} ${k.knob.unit}, outside the measured ${Math.min(...k.values)}–${Math.max(...k.values)}; the pick is the best measured value, the fitted model's optimum is ${k.optimum}`);
    }
  }
  if (!opts.recovery) notes.push('Recovery was not measured (--no-recovery).');
  return { target, mtbfMs: opts.mtbfMs, budgetMs: opts.budgetMs, rounds: { count: round, stopped }, knobs: results, runs, recoveries, notes };
}

/** The real measurement: a steady run of the target at one knob value, then (unless --no-recovery) a kill and a cold restart. */
export function measureSpark(target: ResolvedTarget, opts: { seed: number; recovery: boolean; progress?: (line: string) => void }): MeasureFn {
  const spec = target.spec;
  const tune = spec.tune!;
  const show = opts.progress ?? (() => undefined);
  return async (knob, value, round) => {
    const t: ResolvedTarget = { ...target, prestart: false, knobValues: { [knob.name]: value } };
    const d = new TargetDriver(t, targetTrialSpec(target, opts.seed, []), Date.now() + spec.timeouts.trialMs);
    let run: TargetTuneRun;
    let killOccurrence = 1;
    try {
      const r = await d.run(0, undefined);
      if (r.exit.code !== 0) throw new UserError(`target ${spec.name} failed at ${knob.name} = ${value} (exit ${r.exit.code ?? r.exit.signal}): ${(r.stderrTail ?? '').trim().slice(-400)}`);
      const pts = d.points[0] ?? [];
      // Steady state: from the first batch to the last one (the first carries the warm-up).
      const marks = batchMarks(pts, tune.batchPoint);
      const batches = marks.length;
      killOccurrence = batches ? marks[Math.floor((batches - 1) / 2)]!.occurrence : 1;
      const span = batches >= 2 ? marks.at(-1)!.t - marks[0]!.t : 0;
      const rows = await d.readOutputs();
      const writes = knob.checkpointPoint ? checkpointWrites(pts, knob.checkpointPoint) : [];
      run = {
        knob: knob.name,
        value,
        round,
        wallMs: r.endedAt - r.startedAt,
        batches,
        batchMs: batches >= 2 ? span / (batches - 1) : 0,
        checkpoints: writes.length,
        checkpointMsEach: writes,
        checkpointBytes: dirBytes(d.values.checkpoint),
        publishMsPerBatch: publishMsPerBatch(pts, batches),
        rows: rows.length,
        output: JSON.stringify(rows),
      };
    } finally {
      await d.dispose();
    }
    if (!opts.recovery) return { run, recovery: null };
    const [kind] = splitPoint(tune.batchPoint);
    const occurrence = killOccurrence;
    const fault = { kind: 'kill-failpoint' as const, failpoint: `${kind}.before`, occurrence };
    show(`  ${knob.name} = ${value}: kill at ${fault.failpoint}:${occurrence}, restart`);
    const rd = new TargetDriver(t, targetTrialSpec(target, opts.seed, [fault]), Date.now() + spec.timeouts.trialMs);
    try {
      const first = await rd.run(0, fault);
      const second = await rd.run(1, undefined);
      const out = second.exit.code === 0 ? JSON.stringify(await rd.readOutputs()) : '';
      return {
        run,
        recovery: { knob: knob.name, value, round, killAt: `${fault.failpoint}:${occurrence}:crash`, killed: first.killed, recoveryMs: second.endedAt - second.startedAt, outputMatches: out === run.output },
      };
    } finally {
      await rd.dispose();
    }
  };
}

export async function runTargetTune(target: ResolvedTarget, opts: TuneTargetOptions): Promise<TargetTuneResult> {
  const started = Date.now();
  const spec = target.spec;
  if (!spec.tune) throw new UserError(`${spec.file}: target ${spec.name} has no "tune" field: it must declare the knobs chaos tune may vary (tune.knobs)`);
  if (spec.failpoints.adapter !== 'spark') throw new UserError(`${spec.file}: chaos tune --target needs the spark failpoint adapter (it measures from the named points)`);
  const r = await tuneTarget(spec.name, opts, measureSpark(target, opts));
  // The output fingerprint is for comparing runs only; the report keeps the row count.
  return {
    ...r,
    runs: r.runs.map(({ output: _o, ...rest }) => ({ ...rest, output: '' })),
    spec: spec.file,
    engine: target.spark ? `spark ${target.spark.version} (Java ${target.spark.java}), master ${target.master}` : spec.engine,
    command: opts.command,
    startedAt: new Date(started).toISOString(),
    elapsedMs: Date.now() - started,
  };
}
