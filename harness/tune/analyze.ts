/**
 * From raw measurements to conclusions. Per batch size: spreads per interval, the time multiplier
 * against "off", the cost model fitted from all runs (cost-model.ts) with bootstrap confidence
 * intervals (bootstrap.ts), Young/Daly predictions from the measured checkpoint cost, the expected
 * time at every interval, and whether the best interval can be told from the runner-up
 * (decision.ts). Across batch sizes: whether larger batches pay and what they cost in latency.
 * A pure function of its input (the bootstrap is seeded), so it is tested on fixtures.
 */
import { CONFIDENCE, estimate, RESAMPLES, resampleStrata, seededRng, type Estimate, type Rng } from './bootstrap.js';
import {
  expectedTotalAt,
  fitCostModel,
  fittedOptimum,
  mean,
  multiplierAt,
  perBatchShareAt,
  type CostModel,
  type RatioObservation,
  type RecoveryObservation,
} from './cost-model.js';
import { decide, EQUIVALENCE_PCT, MIN_OBSERVATIONS, type Decision } from './decision.js';
import { dalyIntervalMs, expectedTotalMs, perFailureMs, youngIntervalMs } from './optimal-interval.js';
import { median, spreadOf, type Spread } from './spread.js';
import type {
  BaselineResult,
  BatchAdvice,
  BatchSizeResult,
  FitResult,
  IntervalResult,
  Prediction,
  RecoveryTrial,
  SteadyRun,
  TuneResult,
} from './result.js';

/** expectedTotalMs refers to this much failure-free work (wall time with checkpointing off at the base batch size). */
export const REFERENCE_WORK_MS = 3_600_000;

export interface AnalyzeInput {
  scenario: string;
  mtbfMs: number;
  runs: SteadyRun[];
  recoveries: RecoveryTrial[];
  config: TuneResult['config'];
  startedAt: string;
  elapsedMs: number;
  rounds?: TuneResult['rounds'];
  /** Intervals the plan added to bracket the predictions, and targets it could not bracket (why). */
  added?: number[];
  unbracketable?: string[];
}

/** What the fit needs of one batch size, drawn from the runs. */
interface SizeData {
  batchRecords: number;
  batchMsOff: number;
  intervals: number[];
  ratios: RatioObservation[];
  recoveries: RecoveryObservation[];
  checkpointWriteMs: number | null;
  /** Per repeat: (off ms per record at this size) ÷ (off ms per record at the base size). */
  scales: { repeat: number; scale: number }[];
}

export function analyzeTune(input: AnalyzeInput): TuneResult {
  const notes: string[] = [];
  const sizes = batchSizesOf(input);
  const base = sizes[0]!;
  const data = sizes.map((b) => sizeData(b, base, input));

  // ---- the fit on all data, then on every resample (one resample covers all sizes, so ratios between sizes stay paired)
  const fitAll = (rng: Rng | null) =>
    data.map((d) => {
      const pick = <T extends { interval: number }>(xs: T[]) => (rng ? resampleStrata(xs, (x) => x.interval, rng) : xs);
      const scales = rng ? resampleStrata(d.scales, () => 0, rng) : d.scales;
      return fitCostModel({
        batchMsOff: d.batchMsOff,
        ratios: pick(d.ratios),
        recoveries: pick(d.recoveries),
        checkpointWriteMs: d.checkpointWriteMs,
        timeScale: scales.length ? mean(scales.map((s) => s.scale)) : 1,
      });
    });
  const point = fitAll(null);
  const rng = seededRng(input.config.seed);
  const replicates = Array.from({ length: RESAMPLES }, () => fitAll(rng));

  const results: BatchSizeResult[] = data.map((d, i) => sizeResult(d, i, point, replicates, input, notes));
  relativeTimes(results, data, point, replicates, input.mtbfMs);
  const top = results[0]!;
  const recommendation = recommend(top);
  const batchAdvice = adviseBatchSize(results);

  // ---- notes a person needs to read the numbers right
  for (const r of input.runs) {
    if (r.interval > 0 && r.checkpoints === 0) {
      notes.push(`A run at interval ${r.interval} (${r.batchRecords} records per batch) wrote no state checkpoint: the scenario may have no state to checkpoint.`);
      break;
    }
  }
  for (const t of input.recoveries.filter((t) => !t.outputMatches)) {
    notes.push(
      `FINDING: after the kill at ${t.killAt} (interval ${t.interval}, ${t.batchRecords} records per batch, repeat ${t.repeat + 1}) the recovered output differs from the failure-free output.`,
    );
  }
  // Same input and same batch boundaries must give the same output; other batch sizes cut the input
  // into other batches, and per-batch output rows differ with them.
  const byInput = new Map<string, Set<string>>();
  for (const r of input.runs) {
    const key = `${r.size}/${r.batchRecords}`;
    byInput.set(key, (byInput.get(key) ?? new Set()).add(r.outputDigest));
  }
  if ([...byInput.values()].some((s) => s.size > 1)) {
    notes.push('FINDING: failure-free runs of the same input at different intervals produced different outputs; the scenario or the engine is not deterministic.');
  }
  const notKilled = input.recoveries.filter((t) => !t.killed);
  if (notKilled.length) {
    notes.push(`${notKilled.length} recovery trial(s) never reached their kill point (${notKilled.map((t) => t.killAt).join(', ')}); they are not counted as recoveries.`);
  }
  if (!input.config.recovery) notes.push('Recovery was not measured (--no-recovery): the expected times count lost work only, not restart time.');
  const share = top.fit.perBatchShare;
  if (recommendation.interval !== null && share !== null && share > 0.25) {
    notes.push(
      `At interval ${recommendation.interval}, ${Math.round(share * 100)} % of the overhead is a per-batch cost that no checkpoint interval removes: ` +
        `${fmt(top.fit.perBatchMs.value)} ms per batch more than with checkpointing off (the write-ahead log: offsets and commits every batch), ` +
        `against ${fmt(top.fit.perCheckpointMs.value)} ms per state checkpoint. The knob for that cost is the batch size (records per batch, or the trigger interval): see the batch-size table.`,
    );
  }

  const bracketed = results.every((b) => bracketedBy(b));
  const why = [...(input.unbracketable ?? [])];
  if (!bracketed && !why.length) {
    for (const b of results) {
      if (bracketedBy(b)) continue;
      const [lo, hi] = [Math.min(...b.intervals.map((i) => i.interval)), Math.max(...b.intervals.map((i) => i.interval))];
      why.push(`at ${b.batchRecords} records per batch the predictions (${predictionsOf(b).map((p) => p.toFixed(1)).join(', ')} batches) lie outside the measured ${lo}–${hi}: the budget ran out before larger intervals could be measured; raise --budget`);
    }
  }
  for (const w of why) notes.push(`Not bracketed: ${w}.`);

  const predicted = top.prediction;
  const fit = top.fit;
  const result: TuneResult = {
    scenario: input.scenario,
    mtbfMs: input.mtbfMs,
    intervals: top.intervals,
    young: predicted.young ? round(predicted.young.batches, 2) : null,
    daly: predicted.daly ? round(predicted.daly.batches, 2) : null,
    recommended: recommendation.interval,
    verdict: '',
    recommendation,
    batchRecords: top.batchRecords,
    batchSizes: results,
    batchAdvice,
    bracket: {
      measured: top.intervals.map((i) => i.interval),
      added: input.added ?? [],
      bracketed,
      why,
    },
    rounds: input.rounds ?? { count: input.config.repeat, stopped: 'fixed number of repeats', budgetMs: input.config.budgetMs },
    fit,
    prediction: predicted,
    costFit: {
      perBatchMs: top.baseline.batchMs + fit.perBatchMs.value,
      perCheckpointMs: fit.perCheckpointMs.value,
      overheadPerBatchMs: fit.perBatchMs.value,
    },
    model: {
      workMs: REFERENCE_WORK_MS,
      description:
        'Expected time is the wall time to finish 1 h of failure-free work (as fast as with checkpointing off) while failures strike every MTBF on average: ' +
        'work × time multiplier ÷ (1 − cost of one failure ÷ MTBF). One failure costs the restart plus, on average, half an interval of batches replayed. ' +
        `The time multiplier α + β ÷ interval, the restart and the replay cost are fitted from every run; ranges are ${Math.round(CONFIDENCE * 100)} % bootstrap intervals (${RESAMPLES} resamples).`,
    },
    baseline: top.baseline,
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

function batchSizesOf(input: AnalyzeInput): number[] {
  const listed = input.config.batchRecords?.length ? input.config.batchRecords : [input.config.maxBatchRecords];
  const present = new Set(input.runs.map((r) => r.batchRecords));
  const sizes = listed.filter((b) => present.has(b));
  if (!sizes.length) throw new Error('tune: no measurement at any batch size');
  return sizes;
}

/**
 * The "off" run a run is compared with: same repeat and same input size (a longer run carries more
 * state, and state size changes batch time whatever the interval); failing that, the same repeat's
 * shortest off run.
 */
export function pairedOff(run: SteadyRun, offRuns: readonly SteadyRun[]): SteadyRun | undefined {
  const sameRepeat = offRuns.filter((o) => o.repeat === run.repeat);
  return sameRepeat.find((o) => o.size === run.size) ?? sameRepeat.reduce<SteadyRun | undefined>((a, o) => (!a || o.size < a.size ? o : a), undefined);
}

/** Off runs at the base length of a batch size (the shortest): the baseline row and the time scale between sizes. */
function baseOffRuns(runs: readonly SteadyRun[]): SteadyRun[] {
  const off = runs.filter((r) => r.interval === 0);
  const shortest = Math.min(...off.map((r) => r.size));
  return off.filter((r) => r.size === shortest);
}

function sizeData(b: number, base: number, input: AnalyzeInput): SizeData {
  const runs = input.runs.filter((r) => r.batchRecords === b);
  const allOff = runs.filter((r) => r.interval === 0);
  const off = baseOffRuns(runs);
  const batchMsOff = median(off.map((r) => r.batchMs));
  if (batchMsOff === null) throw new Error(`tune: no measurement with checkpointing off at ${b} records per batch`);
  const ratios = runs.flatMap((r) => {
    const o = r.interval > 0 ? pairedOff(r, allOff) : undefined;
    return o && o.batchMs > 0 ? [{ interval: r.interval, repeat: r.repeat, multiplier: r.batchMs / o.batchMs }] : [];
  });
  const baseLength = Math.min(...off.map((r) => r.size));
  const recoveries = input.recoveries
    .filter((t) => t.batchRecords === b && t.killed)
    .map((t) => ({
      interval: t.interval,
      repeat: t.repeat,
      restartMs: Math.max(0, t.recoveryMs - t.replayMs),
      replayedBatches: t.replayedBatches,
      replayMs: t.replayMs,
      baseLength: t.size <= baseLength,
    }));
  const baseOff = new Map(baseOffRuns(input.runs.filter((r) => r.batchRecords === base)).map((r) => [r.repeat, r]));
  const scales = off.flatMap((r) => {
    const o = baseOff.get(r.repeat);
    return o && o.batchMs > 0 ? [{ repeat: r.repeat, scale: (r.batchMs / b) / (o.batchMs / base) }] : [];
  });
  return {
    batchRecords: b,
    batchMsOff,
    intervals: [...new Set(runs.filter((r) => r.interval > 0).map((r) => r.interval))].sort((x, y) => x - y),
    ratios,
    recoveries,
    checkpointWriteMs: median(runs.filter((r) => r.interval > 0).flatMap((r) => r.checkpointMsEach)),
    scales,
  };
}

function sizeResult(d: SizeData, index: number, point: CostModel[], replicates: CostModel[][], input: AnalyzeInput, notes: string[]): BatchSizeResult {
  const model = point[index]!;
  const reps = replicates.map((r) => r[index]!);
  const W = REFERENCE_WORK_MS;
  const M = input.mtbfMs;
  const runs = input.runs.filter((r) => r.batchRecords === d.batchRecords);
  const baseline = baselineOf(baseOffRuns(runs));

  const prediction = predictionOf(d, M);
  if (d.checkpointWriteMs === null || d.checkpointWriteMs <= 0) {
    notes.push(`No checkpoint write time was measured at ${d.batchRecords} records per batch (no state.checkpointed events), so Young/Daly cannot be computed there.`);
  }

  // Expected time at each measured interval: fitted (with its interval) and from the point's own medians.
  const totalsAt = (m: CostModel) => new Map(d.intervals.map((k) => [k, expectedTotalAt(m, k, M, W)]));
  const pointTotals = totalsAt(model);
  const repTotals = reps.map(totalsAt);
  const observations = new Map(d.intervals.map((k) => [k, d.ratios.filter((r) => r.interval === k).length]));
  const decided = decide(pointTotals, repTotals, observations);
  const predicted = [prediction.young?.batches, prediction.daly?.batches, fittedOptimum(model, M, W)].filter((x): x is number => x !== undefined && Number.isFinite(x));
  const largest = Math.max(...d.intervals);
  const smallest = Math.min(...d.intervals);
  const edge =
    decided.best === largest && predicted.some((p) => p > largest) ? ('above' as const)
    : decided.best === smallest && smallest > 1 && predicted.some((p) => p < smallest) ? ('below' as const)
    : undefined;
  // A pick on the edge of the measured range, with the optimum predicted beyond it, is not separated.
  const decision = edge && decided.status === 'separated' ? { ...decided, status: 'undecided' as const, edge } : decided;

  const intervals = d.intervals.map((k) => {
    const samples = repTotals.map((t) => t.get(k)!);
    const ci = estimate(pointTotals.get(k)!, samples);
    return intervalResult(k, runs, input, baseline, d, finite(ci.value), Number.isFinite(ci.lo) && Number.isFinite(ci.hi) ? { lo: ci.lo, hi: ci.hi } : null);
  });

  const best = decision.best;
  const preds = [prediction.young?.batches, prediction.daly?.batches].filter((x): x is number => x !== undefined);
  const optimum = fittedOptimum(model, M, W);
  const lo = Math.min(...d.intervals, ...preds, optimum) / 1.3;
  const hi = Math.max(...d.intervals, ...preds, optimum) * 1.3;
  const grid = Array.from({ length: 48 }, (_, i) => lo * (hi / lo) ** (i / 47));
  const fit: FitResult = {
    alpha: estimate(model.alpha, reps.map((m) => m.alpha)),
    beta: estimate(model.beta, reps.map((m) => m.beta)),
    perBatchMs: estimate((model.alpha - 1) * d.batchMsOff, reps.map((m) => (m.alpha - 1) * d.batchMsOff)),
    perCheckpointMs: estimate(model.beta * d.batchMsOff, reps.map((m) => m.beta * d.batchMsOff)),
    restartMs: estimate(model.restartMs, reps.map((m) => m.restartMs)),
    replayMsPerBatch: estimate(model.replayMsPerBatch, reps.map((m) => m.replayMsPerBatch)),
    optimum: estimate(optimum, reps.map((m) => fittedOptimum(m, M, W))),
    perBatchShare: perBatchShareAt(model, best),
    curve: grid.map((k) => {
      const ci = estimate(expectedTotalAt(model, k, M, W), reps.map((m) => expectedTotalAt(m, k, M, W)));
      return { interval: k, ms: ci.value, lo: ci.lo, hi: ci.hi };
    }),
  };
  return {
    batchRecords: d.batchRecords,
    base: index === 0,
    baseline,
    intervals,
    fit,
    prediction,
    decision,
    relativeTime: { value: 1, lo: 1, hi: 1 }, // set across sizes by relativeTimes()
    batchLatencyMs: d.batchMsOff * multiplierAt(model, best),
  };
}

function predictionOf(d: SizeData, mtbfMs: number): TuneResult['prediction'] {
  const c = d.checkpointWriteMs;
  let young: Prediction | null = null;
  let daly: Prediction | null = null;
  if (c !== null && c > 0) {
    const y = youngIntervalMs(c, mtbfMs);
    const dl = dalyIntervalMs(c, mtbfMs);
    young = { ms: y, batches: y / d.batchMsOff };
    daly = { ms: dl, batches: dl / d.batchMsOff };
  }
  return { checkpointCostMs: c, batchMsOff: d.batchMsOff, young, daly };
}

function predictionsOf(b: BatchSizeResult): number[] {
  return [b.prediction.young?.batches, b.prediction.daly?.batches, b.fit.optimum.value].filter((x): x is number => x !== undefined && Number.isFinite(x));
}

/** The measured intervals enclose Young, Daly and the fitted optimum (a prediction below one batch counts as enclosed by 1). */
export function bracketedBy(b: BatchSizeResult): boolean {
  const ks = b.intervals.map((i) => i.interval);
  const lo = Math.min(...ks);
  const hi = Math.max(...ks);
  return predictionsOf(b).every((p) => p <= hi && (p >= lo || lo === 1));
}

function baselineOf(off: readonly SteadyRun[]): BaselineResult {
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

function intervalResult(
  k: number,
  sizeRuns: readonly SteadyRun[],
  input: AnalyzeInput,
  baseline: BaselineResult,
  d: SizeData,
  fitted: number | null,
  ci: { lo: number; hi: number } | null,
): IntervalResult {
  const runs = sizeRuns.filter((r) => r.interval === k);
  const allOff = sizeRuns.filter((r) => r.interval === 0);
  const throughput = spreadOf(runs.map((r) => r.throughput));
  const batchMs = spreadOf(runs.map((r) => r.batchMs));
  if (!throughput || !batchMs) throw new Error(`tune: no measurement at interval ${k}`);
  // Paired with the "off" run of the same repeat and length: pairs taken close together in time cancel slow drifts of the machine.
  const pairs = runs.flatMap((r) => {
    const off = pairedOff(r, allOff);
    return off ? [{ on: r, off }] : [];
  });
  const overheadPct = spreadOf(pairs.map((p) => 100 * (1 - p.on.throughput / p.off.throughput)));
  const timeMultiplier = spreadOf(pairs.map((p) => p.on.batchMs / p.off.batchMs));
  const checkpointBytes = spreadOf(runs.map((r) => r.checkpointBytes));
  const bytesPerCheckpoint = spreadOf(runs.filter((r) => r.checkpoints > 0).map((r) => r.checkpointBytes / r.checkpoints));
  const checkpointMs = spreadOf(runs.flatMap((r) => r.checkpointMsEach));

  const trials = input.recoveries.filter((t) => t.interval === k && t.batchRecords === d.batchRecords && t.killed);
  const recoveryMs = spreadOf(trials.map((t) => t.recoveryMs));
  const replayedBatches = spreadOf(trials.map((t) => t.replayedBatches));

  let perFailure: number | null = null;
  if (trials.length) {
    const restart = median(trials.map((t) => Math.max(0, t.recoveryMs - t.replayMs)))!;
    const replayed = trials.reduce((s, t) => s + t.replayedBatches, 0);
    const replayMs = trials.reduce((s, t) => s + t.replayMs, 0);
    perFailure = perFailureMs(restart, k, replayed > 0 && replayMs > 0 ? replayMs / replayed : batchMs.median);
  } else if (!input.config.recovery) {
    perFailure = perFailureMs(0, k, batchMs.median);
  }
  const measured =
    perFailure === null
      ? null
      : expectedTotalMs({ workMs: REFERENCE_WORK_MS, batchMsOff: 1, batchMs: timeMultiplier?.median ?? batchMs.median / baseline.batchMs, perFailureMs: perFailure, mtbfMs: input.mtbfMs });

  return {
    interval: k,
    throughput: throughput.median,
    overheadPct: overheadPct?.median ?? 100 * (1 - throughput.median / baseline.throughput),
    timeMultiplier: timeMultiplier?.median ?? batchMs.median / baseline.batchMs,
    recordsPerRun: median(runs.map((r) => r.size)) ?? 0,
    checkpointBytes: checkpointBytes?.median ?? 0,
    bytesPerCheckpoint: bytesPerCheckpoint?.median ?? null,
    checkpoints: median(runs.map((r) => r.checkpoints)) ?? 0,
    checkpointMs: checkpointMs?.median ?? null,
    recoveryMs: recoveryMs?.median ?? null,
    replayedBatches: replayedBatches?.median ?? null,
    batchMs: batchMs.median,
    perFailureMs: perFailure,
    expectedTotalMs: fitted,
    expectedTotalCi: ci,
    measuredTotalMs: measured === null ? null : finite(measured),
    spread: { throughput, timeMultiplier, overheadPct, batchMs, checkpointBytes, bytesPerCheckpoint, checkpointMs, recoveryMs, replayedBatches },
  };
}

/**
 * The interval the fit says is best among the measured ones. When the data show the runner-up is
 * equivalent (within EQUIVALENCE_PCT), Daly's prediction picks between the two, so a second run on
 * the same machine lands on the same interval.
 */
function recommend(b: BatchSizeResult): TuneResult['recommendation'] {
  const d = b.decision;
  const daly = b.prediction.daly;
  if (!b.intervals.some((i) => i.expectedTotalMs !== null)) {
    return { interval: null, reason: 'no interval has a finite expected time (a failure costs more than the MTBF)', confidence: 'none', decision: d };
  }
  if (d.status === 'equivalent' && d.runnerUp !== null && daly) {
    const distance = (k: number) => Math.abs(Math.log(k) - Math.log(Math.max(daly.batches, 1e-9)));
    const pick = distance(d.runnerUp) < distance(d.best) ? d.runnerUp : d.best;
    const other = pick === d.best ? d.runnerUp : d.best;
    return {
      interval: pick,
      reason: `every ${d.best} and every ${d.runnerUp} are within ${EQUIVALENCE_PCT} % of each other (${ciText(d.differencePct!)}); of the two, ${pick} is closer to Daly's prediction than ${other}`,
      confidence: 'equivalent',
      decision: d,
    };
  }
  const reason =
    d.status === 'single'
      ? 'the only measured interval'
      : d.status === 'separated'
        ? `lowest fitted expected time; every ${d.runnerUp} is ${fmtPct(d.differencePct!.value)} slower (${ciText(d.differencePct!)}), best in ${Math.round(d.pickShare * 100)} % of resamples`
        : d.edge
          ? `lowest fitted expected time of the intervals measured, but the ${d.edge === 'above' ? 'largest' : 'smallest'} one, and the optimum is predicted ${d.edge === 'above' ? 'above' : 'below'} it: the best interval may lie outside the measured range`
        : d.runs < MIN_OBSERVATIONS
          ? `lowest fitted expected time, but every ${d.runnerUp} (${fmtPct(d.differencePct!.value)}) cannot be told from it: measured once, so there is no spread to judge`
          : `lowest fitted expected time, but not separated from every ${d.runnerUp}: difference ${fmtPct(d.differencePct!.value)} (${ciText(d.differencePct!)}), best in only ${Math.round(d.pickShare * 100)} % of resamples`;
  return { interval: d.best, reason, confidence: d.status, decision: d };
}

/** Each size's best expected time for the same records, relative to the base size's best: paired within each resample. */
function relativeTimes(results: BatchSizeResult[], data: SizeData[], point: CostModel[], replicates: CostModel[][], mtbfMs: number): void {
  const bestTotal = (m: CostModel, d: SizeData) => Math.min(...d.intervals.map((k) => expectedTotalAt(m, k, mtbfMs, REFERENCE_WORK_MS)));
  const rel = (models: CostModel[], i: number) => bestTotal(models[i]!, data[i]!) / bestTotal(models[0]!, data[0]!);
  results.forEach((r, i) => {
    r.relativeTime = estimate(rel(point, i), replicates.map((m) => rel(m, i)));
  });
}

function adviseBatchSize(results: BatchSizeResult[]): BatchAdvice | null {
  if (results.length < 2) return null;
  const base = results[0]!;
  const best = results.reduce((a, b) => (b.relativeTime.value < a.relativeTime.value ? b : a));
  const latencyFactor = best.batchLatencyMs / base.batchLatencyMs;
  let text: string;
  if (best === base) {
    const other = results.filter((r) => r !== base).map((r) => `${r.batchRecords} records per batch take ×${r.relativeTime.value.toFixed(2)} the time (${ciText(r.relativeTime, '×')})`);
    text = `Keep ${base.batchRecords} records per batch: ${other.join('; ')}.`;
  } else {
    const sure = best.relativeTime.hi < 1 ? 'with 95 % confidence' : `but its 95 % interval reaches ×${best.relativeTime.hi.toFixed(2)} (no gain), so measure longer before changing it`;
    const gain = (1 - best.relativeTime.value) * 100;
    text =
      `${best.batchRecords} records per batch instead of ${base.batchRecords} finish the same records in ×${best.relativeTime.value.toFixed(2)} the time ` +
      `(${gain.toFixed(0)} % faster, ${ciText(best.relativeTime, '×')}) ${sure}; the price is latency: a batch takes ${fmt(best.batchLatencyMs)} ms instead of ${fmt(base.batchLatencyMs)} ms (×${latencyFactor.toFixed(1)}), ` +
      `and a record waits for its whole batch. In Spark: a larger maxOffsetsPerTrigger / maxFilesPerTrigger or a longer trigger interval.`;
  }
  return { bestBatchRecords: best.batchRecords, relativeTime: best.relativeTime, latencyFactor, text };
}

function verdictOf(r: TuneResult): string {
  const findings = r.notes.filter((n) => n.startsWith('FINDING'));
  const pred = [
    r.prediction.young ? `Young ${formatBatches(r.prediction.young.batches)}` : null,
    r.prediction.daly ? `Daly ${formatBatches(r.prediction.daly.batches)}` : null,
    r.fit ? `fitted ${formatBatches(r.fit.optimum.value)} (${formatBatches(r.fit.optimum.lo)}–${formatBatches(r.fit.optimum.hi)})` : null,
  ].filter(Boolean);
  const predicted = pred.length ? `; optimum: ${pred.join(', ')} batches` : '';
  const warn = findings.length ? ` — ${findings.length} correctness finding(s), see notes` : '';
  if (r.recommended === null) return `No recommendation for ${r.scenario}: ${r.recommendation.reason}${predicted}${warn}.`;
  const chosen = r.intervals.find((i) => i.interval === r.recommended);
  const detail = chosen ? ` (time ×${chosen.timeMultiplier.toFixed(2)} vs checkpointing off, recovery ${chosen.recoveryMs === null ? 'not measured' : `${Math.round(chosen.recoveryMs)} ms`})` : '';
  const plural = r.recommended === 1 ? '' : 'es';
  const d = r.recommendation.decision;
  const how =
    r.recommendation.confidence === 'separated'
      ? `, separated from every ${d!.runnerUp}`
      : r.recommendation.confidence === 'equivalent'
        ? `, or every ${r.recommended === d!.best ? d!.runnerUp : d!.best}: the two are within ${EQUIVALENCE_PCT} %`
        : r.recommendation.confidence === 'undecided' && d!.edge
          ? ` — NOT decided: the ${d!.edge === 'above' ? 'largest' : 'smallest'} interval measured, with the optimum predicted beyond it; measure ${d!.edge === 'above' ? 'larger' : 'smaller'} intervals (raise --budget)`
        : r.recommendation.confidence === 'undecided'
          ? ` — NOT separated from every ${d!.runnerUp} (${d!.runs < MIN_OBSERVATIONS ? 'each measured once' : `${ciText(d!.differencePct!)} difference`}); measure longer with --budget`
          : '';
  return `Checkpoint interval for ${r.scenario}: every ${r.recommended} batch${plural}${detail}${how}${predicted}${warn}.`;
}

function ciText(e: Estimate, unit: '%' | '×' = '%'): string {
  if (unit === '×') return `95 % CI ×${e.lo.toFixed(2)}–×${e.hi.toFixed(2)}`;
  return `95 % CI ${fmtPct(e.lo)} to ${fmtPct(e.hi)}`;
}

function fmtPct(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '+∞ %' : '−∞ %';
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(Math.abs(x) < 1 ? 2 : Math.abs(x) < 10 ? 1 : 0)} %`;
}

function fmt(ms: number): string {
  return Math.abs(ms) >= 100 ? ms.toFixed(0) : ms.toFixed(2);
}

function formatBatches(b: number): string {
  return b >= 10 ? b.toFixed(0) : b.toFixed(1);
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export type { Decision, Spread };
