/**
 * `chaos tune --target SPEC`: what checkpointing costs a Structured Streaming job at each interval
 * and what a failure costs, then an interval recommended with Young/Daly beside the measurement.
 *
 * In Structured Streaming every micro-batch is a checkpoint (offsets/N before it runs; state
 * deltas, the sink's log and commits/N after), so the knob is how much input one batch takes:
 * the interval K is input files per micro-batch, handed to the job as CHAOS_CHECKPOINT_INTERVAL
 * (examples/spark/wordcount.py sets maxFilesPerTrigger from it; the spec's "tune" says so).
 * Per K, from the failpoint adapter's events (never Spark's logs):
 *   steady run    wall time, batches (commits.written), ms per batch, checkpoint bytes at the end,
 *                 publish time of checkpoint files per batch (close + rename, summed over the
 *                 offsets, state, sink-log and commit files of the batch);
 *   recovery      halt at commits.before of the middle batch, restart cold, time to exit 0
 *                 (the batch with offsets and no commit is re-run: K files replayed).
 * batch ms ≈ a + b·K is fitted over K: a is the fixed cost of one batch (planning, WAL, state,
 * commit: the checkpoint cycle), b the cost of one file of input. Young: T = sqrt(2·a·MTBF) of work,
 * i.e. K = T / b files; Daly likewise. The recommendation is the measured K with the least expected
 * wall time for one hour of input under the MTBF.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../engine/index.js';
import { dalyIntervalMs, youngIntervalMs } from '../tune/optimal-interval.js';
import { TargetDriver, type PointEvent, type ResolvedTarget } from './target-driver.js';
import { targetTrialSpec } from './target-trial.js';

export interface TargetTuneRun {
  interval: number;
  wallMs: number;
  batches: number;
  batchMs: number;
  checkpointBytes: number;
  publishMsPerBatch: number;
  rows: number;
}

export interface TargetRecovery {
  interval: number;
  killAt: string;
  killed: boolean;
  /** Spawn of the restarted driver to its exit 0 (JVM start-up included: no pre-started driver here). */
  recoveryMs: number;
  /** Files the restart re-ran (the batch that had offsets but no commit). */
  replayedFiles: number;
  outputMatches: boolean;
}

export interface TargetTuneResult {
  target: string;
  spec: string;
  engine: string;
  unit: string;
  mtbfMs: number;
  intervals: number[];
  runs: TargetTuneRun[];
  recoveries: TargetRecovery[];
  fit: { perBatchMs: number; perFileMs: number } | null;
  young: { ms: number; files: number } | null;
  daly: { ms: number; files: number } | null;
  expected: Array<{ interval: number; expectedMsPerHourOfInput: number | null }>;
  recommended: number | null;
  reason: string;
  notes: string[];
  command: string;
  startedAt: string;
  elapsedMs: number;
}

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

/** Sum over files of (written.t - before.t) for one batch's checkpoint files, averaged over batches. */
function publishMsPerBatch(points: readonly PointEvent[], batches: number): number {
  const open = new Map<string, number>();
  let total = 0;
  for (const p of points) {
    if (!p.point) continue;
    const [kind, moment] = [p.point.slice(0, p.point.lastIndexOf('.')), p.point.slice(p.point.lastIndexOf('.') + 1)];
    const key = `${kind}#${p.occurrence}`;
    if (moment === 'before') open.set(key, p.t);
    else if (moment === 'written' && open.has(key)) total += p.t - open.get(key)!;
  }
  return batches > 0 ? total / batches : 0;
}

function fitLine(xs: number[], ys: number[]): { a: number; b: number } | null {
  if (xs.length < 2 || new Set(xs).size < 2) return null;
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const b = sxy / sxx;
  return { a: my - b * mx, b };
}

export async function runTargetTune(
  target: ResolvedTarget,
  opts: { intervals: number[]; mtbfMs: number; seed: number; recovery: boolean; command: string; progress?: (line: string) => void },
): Promise<TargetTuneResult> {
  const started = Date.now();
  const spec = target.spec;
  if (!spec.tune) throw new UserError(`${spec.file}: target ${spec.name} has no "tune" field: it must say which interval the job takes from CHAOS_CHECKPOINT_INTERVAL`);
  if (spec.failpoints.adapter !== 'spark') throw new UserError(`${spec.file}: chaos tune --target needs the spark failpoint adapter (it measures from the named points)`);
  const show = opts.progress ?? (() => undefined);
  const runs: TargetTuneRun[] = [];
  const recoveries: TargetRecovery[] = [];
  const notes: string[] = [];
  for (const k of opts.intervals) {
    const t = { ...target, prestart: false, env: { CHAOS_CHECKPOINT_INTERVAL: String(k) } };
    show(`interval ${k}: steady run`);
    const d = new TargetDriver(t, targetTrialSpec(target, opts.seed, []), Date.now() + spec.timeouts.trialMs);
    let rows: string[] = [];
    try {
      const r = await d.run(0, undefined);
      if (r.exit.code !== 0) throw new UserError(`target ${spec.name} failed at interval ${k} (exit ${r.exit.code ?? r.exit.signal}): ${(r.stderrTail ?? '').trim().slice(-400)}`);
      const pts = d.points[0] ?? [];
      // Steady state: from the first batch's commit to the last one's (the first batch carries the
      // query's warm-up: state store, Python workers, code generation).
      const commits = pts.filter((p) => p.point === 'commits.written');
      const batches = commits.length;
      if (batches < 2) notes.push(`interval ${k}: only ${batches} batch(es): no steady-state batch time (give more --files)`);
      const span = batches >= 2 ? commits.at(-1)!.t - commits[0]!.t : 0;
      rows = await d.readOutputs();
      runs.push({
        interval: k,
        wallMs: r.endedAt - r.startedAt,
        batches,
        batchMs: batches >= 2 ? span / (batches - 1) : 0,
        checkpointBytes: dirBytes(d.values.checkpoint),
        publishMsPerBatch: publishMsPerBatch(pts, batches),
        rows: rows.length,
      });
    } finally {
      await d.dispose();
    }
    if (!opts.recovery) continue;
    const batches = runs.at(-1)!.batches;
    const occurrence = Math.max(1, Math.ceil(batches / 2));
    show(`interval ${k}: kill at commits.before:${occurrence}, restart`);
    const rd = new TargetDriver(t, targetTrialSpec(target, opts.seed, [{ kind: 'kill-failpoint', failpoint: 'commits.before', occurrence }]), Date.now() + spec.timeouts.trialMs);
    try {
      const first = await rd.run(0, { kind: 'kill-failpoint', failpoint: 'commits.before', occurrence });
      const second = await rd.run(1, undefined);
      const out = second.exit.code === 0 ? await rd.readOutputs() : [];
      recoveries.push({
        interval: k,
        killAt: `commits.before:${occurrence}:crash`,
        killed: first.killed,
        recoveryMs: second.endedAt - second.startedAt,
        replayedFiles: k,
        outputMatches: JSON.stringify(out) === JSON.stringify(rows),
      });
      if (JSON.stringify(out) !== JSON.stringify(rows)) notes.push(`FINDING: at interval ${k} the recovered output differs from the failure-free run`);
    } finally {
      await rd.dispose();
    }
  }
  const steady = runs.filter((r) => r.batches >= 2);
  const fitted = fitLine(steady.map((r) => r.interval), steady.map((r) => r.batchMs));
  const fit = fitted && fitted.a > 0 && fitted.b > 0 ? { perBatchMs: fitted.a, perFileMs: fitted.b } : null;
  if (!fit) notes.push('batch time did not grow with the interval as a + b·K with a, b > 0 (too few intervals, or noise on a loaded machine): no Young/Daly prediction');
  const young = fit ? { ms: youngIntervalMs(fit.perBatchMs, opts.mtbfMs), files: youngIntervalMs(fit.perBatchMs, opts.mtbfMs) / fit.perFileMs } : null;
  const daly = fit ? { ms: dalyIntervalMs(fit.perBatchMs, opts.mtbfMs), files: dalyIntervalMs(fit.perBatchMs, opts.mtbfMs) / fit.perFileMs } : null;
  // One hour of input at b ms per file, in batches of K: work = H·(a + bK)/(bK); each failure costs a
  // restart plus half a batch; T = work / (1 - perFailure/M).
  const expected = runs.map((r) => {
    const rec = recoveries.find((x) => x.interval === r.interval);
    if (!fit || !rec || r.batches < 2) return { interval: r.interval, expectedMsPerHourOfInput: null };
    const work = 3_600_000 * ((fit.perBatchMs + fit.perFileMs * r.interval) / (fit.perFileMs * r.interval));
    const perFailure = rec.recoveryMs + (fit.perBatchMs + fit.perFileMs * r.interval) / 2;
    const loss = perFailure / opts.mtbfMs;
    return { interval: r.interval, expectedMsPerHourOfInput: loss >= 1 ? null : work / (1 - loss) };
  });
  const best = expected.filter((e) => e.expectedMsPerHourOfInput !== null).sort((a, b) => a.expectedMsPerHourOfInput! - b.expectedMsPerHourOfInput!)[0];
  const recommended = best?.interval ?? null;
  const reason = best
    ? `${best.interval} file(s) per micro-batch has the least expected wall time for one hour of input under an MTBF of ${Math.round(opts.mtbfMs / 1000)} s${young ? `; Young predicts ${young.files.toFixed(1)}, Daly ${daly!.files.toFixed(1)} files per batch` : ''}`
    : 'no recommendation: needs a fit over at least two intervals and recovery measurements';
  return {
    target: spec.name,
    spec: spec.file,
    engine: target.spark ? `spark ${target.spark.version} (Java ${target.spark.java}), master ${target.master}` : spec.engine,
    unit: spec.tune.unit,
    mtbfMs: opts.mtbfMs,
    intervals: opts.intervals,
    runs,
    recoveries,
    fit,
    young,
    daly,
    expected,
    recommended,
    reason,
    notes,
    command: opts.command,
    startedAt: new Date(started).toISOString(),
    elapsedMs: Date.now() - started,
  };
}
