/**
 * From raw measurements to conclusions: spreads per interval, overhead against "off", the
 * measured checkpoint cost C, Young/Daly predictions, expected total time under the MTBF, and the
 * recommendation. A pure function of its input, so it is tested on fixtures.
 */
import { dalyIntervalMs, expectedTotalMs, perFailureMs, youngIntervalMs } from './optimal-interval.js';
import { median, spreadOf, type Spread } from './spread.js';
import type { BaselineResult, IntervalResult, Prediction, RecoveryTrial, SteadyRun, TuneResult } from './result.js';

/** expectedTotalMs refers to this much failure-free work (wall time with checkpointing off). */
export const REFERENCE_WORK_MS = 3_600_000;
/** Intervals whose expected totals lie within this fraction of the best are a tie the measurement cannot break. */
export const TIE_FRACTION = 0.01;

export interface AnalyzeInput {
  scenario: string;
  mtbfMs: number;
  intervals: number[];
  runs: SteadyRun[];
  recoveries: RecoveryTrial[];
  config: TuneResult['config'];
  startedAt: string;
  elapsedMs: number;
}

export function analyzeTune(input: AnalyzeInput): TuneResult {
  const notes: string[] = [];
  const baseline = baselineOf(input.runs);
  const batchMsOff = baseline.batchMs;

  const intervals = input.intervals.map((k) => intervalResult(k, input, baseline, notes));

  // C: every checkpoint written at any interval is one sample of the cost of a checkpoint.
  const allCosts = input.runs.filter((r) => r.interval > 0).flatMap((r) => r.checkpointMsEach);
  const checkpointCostMs = median(allCosts);
  let young: Prediction | null = null;
  let daly: Prediction | null = null;
  if (checkpointCostMs !== null && checkpointCostMs > 0) {
    const y = youngIntervalMs(checkpointCostMs, input.mtbfMs);
    const d = dalyIntervalMs(checkpointCostMs, input.mtbfMs);
    young = { ms: y, batches: y / batchMsOff };
    daly = { ms: d, batches: d / batchMsOff };
  } else {
    notes.push('No checkpoint write time was measured (no state.checkpointed events), so Young/Daly cannot be computed.');
  }

  for (const r of intervals) {
    const atK = input.runs.filter((run) => run.interval === r.interval);
    if (atK.some((run) => run.checkpoints === 0)) {
      notes.push(
        `At interval ${r.interval} a run of ${atK[0]!.batches} batches wrote no state checkpoint: raise --size or lower --max-batch-records so runs have several intervals.`,
      );
    }
  }
  const bad = input.recoveries.filter((t) => !t.outputMatches);
  for (const t of bad) {
    notes.push(`FINDING: after the kill at ${t.killAt} (interval ${t.interval}, repeat ${t.repeat + 1}) the recovered output differs from the failure-free output.`);
  }
  const digests = new Set(input.runs.map((r) => r.outputDigest));
  if (digests.size > 1) notes.push('FINDING: failure-free runs at different intervals produced different outputs; the scenario or the engine is not deterministic.');
  const notKilled = input.recoveries.filter((t) => !t.killed);
  if (notKilled.length) {
    notes.push(`${notKilled.length} recovery trial(s) never reached their kill point (${notKilled.map((t) => t.killAt).join(', ')}); their runs were not counted as recoveries.`);
  }

  const costFit = fitCosts(intervals, batchMsOff);
  if (costFit && costFit.overheadPerBatchMs > 0 && costFit.perCheckpointMs > 0) {
    const largest = Math.max(...input.intervals);
    const share = costFit.overheadPerBatchMs / (costFit.overheadPerBatchMs + costFit.perCheckpointMs / largest);
    if (share > 0.25) {
      notes.push(
        `At interval ${largest}, ${Math.round(share * 100)} % of the overhead is a per-batch cost that no interval removes: ` +
          `${costFit.overheadPerBatchMs.toFixed(2)} ms per batch more than with checkpointing off (the write-ahead log: offsets and commits every batch), ` +
          `against ${costFit.perCheckpointMs.toFixed(2)} ms per state checkpoint as the throughput shows it.`,
      );
    }
  }
  const recommendation = recommend(intervals, daly);
  const maxMeasured = Math.max(...input.intervals);
  const minMeasured = Math.min(...input.intervals);
  for (const [name, p] of [['Young', young], ['Daly', daly]] as const) {
    if (!p) continue;
    if (p.batches > maxMeasured * 1.5) {
      notes.push(`${name}'s optimum (${p.batches.toFixed(1)} batches) lies beyond the largest measured interval (${maxMeasured}); measure larger intervals with --intervals to compare it with a measurement.`);
    } else if (p.batches < minMeasured / 1.5) {
      notes.push(`${name}'s optimum (${p.batches.toFixed(2)} batches) is below the smallest measured interval (${minMeasured}): checkpoint every batch.`);
    }
  }

  const result: TuneResult = {
    scenario: input.scenario,
    mtbfMs: input.mtbfMs,
    intervals,
    young: young ? round(young.batches, 2) : null,
    daly: daly ? round(daly.batches, 2) : null,
    recommended: recommendation.interval,
    verdict: '',
    recommendation,
    prediction: { checkpointCostMs, batchMsOff, young, daly },
    costFit,
    model: {
      workMs: REFERENCE_WORK_MS,
      description:
        'expectedTotalMs: expected wall time to finish 1 h of failure-free work (checkpointing off) at this interval: ' +
        '(work in batches × measured ms per batch) / (1 − perFailureMs / MTBF), where perFailureMs = measured restart time ' +
        '(recovery time minus its replay) + half an interval of batches × measured replay ms per batch.',
    },
    baseline,
    notes,
    config: input.config,
    runs: input.runs,
    recoveries: input.recoveries,
    startedAt: input.startedAt,
    elapsedMs: input.elapsedMs,
  };
  result.verdict = verdictOf(result);
  return result;
}

function baselineOf(runs: readonly SteadyRun[]): BaselineResult {
  const off = runs.filter((r) => r.interval === 0);
  const throughput = spreadOf(off.map((r) => r.throughput));
  const batchMs = spreadOf(off.map((r) => r.batchMs));
  if (!throughput || !batchMs) throw new Error('tune: no measurement with checkpointing off');
  return {
    interval: 0,
    throughput: throughput.median,
    batchMs: batchMs.median,
    batches: median(off.map((r) => r.batches)) ?? 0,
    spread: { throughput, batchMs },
  };
}

function intervalResult(k: number, input: AnalyzeInput, baseline: BaselineResult, notes: string[]): IntervalResult {
  const runs = input.runs.filter((r) => r.interval === k);
  const offByRepeat = new Map(input.runs.filter((r) => r.interval === 0).map((r) => [r.repeat, r]));
  const throughput = spreadOf(runs.map((r) => r.throughput));
  const batchMs = spreadOf(runs.map((r) => r.batchMs));
  if (!throughput || !batchMs) throw new Error(`tune: no measurement at interval ${k}`);
  // Overhead per repeat against the "off" run of the same repeat: pairs taken close together in time
  // cancel slow drifts of the machine.
  const overheads = runs.flatMap((r) => {
    const off = offByRepeat.get(r.repeat);
    return off ? [100 * (1 - r.throughput / off.throughput)] : [];
  });
  const overheadPct = spreadOf(overheads);
  const checkpointBytes = spreadOf(runs.map((r) => r.checkpointBytes));
  const bytesPerCheckpoint = spreadOf(runs.filter((r) => r.checkpoints > 0).map((r) => r.checkpointBytes / r.checkpoints));
  const checkpointMs = spreadOf(runs.flatMap((r) => r.checkpointMsEach));

  const trials = input.recoveries.filter((t) => t.interval === k && t.killed);
  const recoveryMs = spreadOf(trials.map((t) => t.recoveryMs));
  const replayedBatches = spreadOf(trials.map((t) => t.replayedBatches));

  let perFailure: number | null = null;
  if (trials.length) {
    const restart = median(trials.map((t) => Math.max(0, t.recoveryMs - t.replayMs)))!;
    const replayed = trials.reduce((s, t) => s + t.replayedBatches, 0);
    const replayMs = trials.reduce((s, t) => s + t.replayMs, 0);
    const replayPerBatch = replayed > 0 && replayMs > 0 ? replayMs / replayed : batchMs.median;
    perFailure = perFailureMs(restart, k, replayPerBatch);
  } else if (!input.config.recovery) {
    // Without a measured restart only the lost work counts: a lower bound, said so in the notes.
    perFailure = perFailureMs(0, k, batchMs.median);
  }
  if (!input.config.recovery && k === input.intervals[0]) {
    notes.push('Recovery was not measured (--no-recovery): the expected totals count lost work only, not restart time.');
  }
  const expectedTotal =
    perFailure === null
      ? null
      : expectedTotalMs({ workMs: REFERENCE_WORK_MS, batchMsOff: baseline.batchMs, batchMs: batchMs.median, perFailureMs: perFailure, mtbfMs: input.mtbfMs });

  return {
    interval: k,
    throughput: throughput.median,
    overheadPct: overheadPct?.median ?? 100 * (1 - throughput.median / baseline.throughput),
    checkpointBytes: checkpointBytes?.median ?? 0,
    bytesPerCheckpoint: bytesPerCheckpoint?.median ?? null,
    checkpoints: median(runs.map((r) => r.checkpoints)) ?? 0,
    checkpointMs: checkpointMs?.median ?? null,
    recoveryMs: recoveryMs?.median ?? null,
    replayedBatches: replayedBatches?.median ?? null,
    batchMs: batchMs.median,
    perFailureMs: perFailure,
    expectedTotalMs: expectedTotal === null ? null : Number.isFinite(expectedTotal) ? expectedTotal : null,
    spread: { throughput, overheadPct, batchMs, checkpointBytes, bytesPerCheckpoint, checkpointMs, recoveryMs, replayedBatches },
  };
}

/** Least squares of batch time against 1/K: intercept = per-batch cost, slope = per-checkpoint cost. */
function fitCosts(intervals: readonly IntervalResult[], batchMsOff: number): TuneResult['costFit'] {
  if (intervals.length < 2) return null;
  const xs = intervals.map((r) => 1 / r.interval);
  const ys = intervals.map((r) => r.batchMs);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  if (sxx === 0) return null;
  const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / sxx;
  const intercept = my - slope * mx;
  return { perBatchMs: intercept, perCheckpointMs: slope, overheadPerBatchMs: intercept - batchMsOff };
}

/**
 * The measured interval with the lowest expected total time. Where several lie within TIE_FRACTION
 * of the best the measurement cannot tell them apart, and Daly's prediction breaks the tie.
 */
function recommend(intervals: readonly IntervalResult[], daly: Prediction | null): TuneResult['recommendation'] {
  const scored = intervals.filter((r) => r.expectedTotalMs !== null);
  if (!scored.length) {
    return { interval: null, reason: 'no interval has an expected total time (recovery or checkpoint cost not measured)' };
  }
  const best = Math.min(...scored.map((r) => r.expectedTotalMs!));
  const ties = scored.filter((r) => r.expectedTotalMs! <= best * (1 + TIE_FRACTION));
  if (ties.length === 1 || !daly) {
    const pick = ties.reduce((a, b) => (b.expectedTotalMs! < a.expectedTotalMs! ? b : a));
    return { interval: pick.interval, reason: 'lowest expected total time under the given MTBF among the measured intervals' };
  }
  const distance = (r: IntervalResult) => Math.abs(Math.log(r.interval) - Math.log(Math.max(daly.batches, 1e-9)));
  const pick = ties.reduce((a, b) => (distance(b) < distance(a) ? b : a));
  return {
    interval: pick.interval,
    reason: `intervals ${ties.map((t) => t.interval).join(', ')} are within ${TIE_FRACTION * 100} % of the lowest expected total time; of these, ${pick.interval} is closest to Daly's prediction`,
  };
}

function verdictOf(r: TuneResult): string {
  const findings = r.notes.filter((n) => n.startsWith('FINDING'));
  const pred = [
    r.prediction.young ? `Young ${formatBatches(r.prediction.young.batches)}` : null,
    r.prediction.daly ? `Daly ${formatBatches(r.prediction.daly.batches)}` : null,
  ].filter(Boolean);
  const predicted = pred.length ? `; predicted optimum: ${pred.join(', ')} batches` : '';
  const head =
    r.recommended === null
      ? `No recommendation for ${r.scenario}: ${r.recommendation.reason}`
      : `Recommended checkpoint interval for ${r.scenario}: every ${r.recommended} batch${r.recommended === 1 ? '' : 'es'}`;
  const chosen = r.intervals.find((i) => i.interval === r.recommended);
  const detail = chosen ? ` (overhead ${chosen.overheadPct.toFixed(1)} %, recovery ${chosen.recoveryMs === null ? 'not measured' : `${Math.round(chosen.recoveryMs)} ms`})` : '';
  const warn = findings.length ? ` — ${findings.length} correctness finding(s), see notes` : '';
  return `${head}${detail}${predicted}${warn}.`;
}

function formatBatches(b: number): string {
  return b >= 10 ? b.toFixed(0) : b.toFixed(1);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export type { Spread };
