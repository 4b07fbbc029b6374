/**
 * `chaos tune` measurement plan, adaptive:
 *
 *   pilot      per batch size, one run with checkpointing off and one at the smallest interval: the
 *              batch time and the checkpoint cost C, hence Young's and Daly's predicted optimum.
 *   bracket    add intervals on the 1-2-5 grid until the measured range encloses the predictions
 *              (bracket.ts), as far as the budget allows; say why where it does not.
 *   rounds     each round measures every point once: per batch size a failure-free run with
 *              checkpointing off for each run length (the baseline its runs are paired with: a longer
 *              run carries more state, which slows batches at any interval), then at each interval a
 *              failure-free run and a kill-and-recover trial. After --repeat rounds, a round follows
 *              another until the fitted best interval is separated from (or equivalent to) the
 *              runner-up, or the next round would overrun --budget.
 *
 * The interval order turns by one every round so no interval always runs first (cold caches) or last;
 * the kill point of each round is drawn from the seed once, as a fraction of the run, and used at
 * every point, so intervals are compared on the same failures (common random numbers). The pilot's
 * runs only size the plan; they are not part of the fit.
 */
import fc from 'fast-check';
import { Listr, ListrLogger, ProcessOutput, type ListrTask } from 'listr2';
import { analyzeTune, bracketedBy } from './analyze.js';
import { batchesNeeded, bracket, recordsPerRun } from './bracket.js';
import { recoveryTrial, steadyRun, type EngineRunConfig } from './engine-runs.js';
import { dalyIntervalMs, youngIntervalMs } from './optimal-interval.js';
import type { TuneOptions } from './options.js';
import type { RecoveryTrial, SteadyRun, TuneResult } from './result.js';
import { median } from './spread.js';
import { formatMs, formatRate } from '../format.js';

export interface TuneProgress {
  /** Show progress on stderr (listr2; a plain line per step when stderr is not a terminal). */
  show: boolean;
}

/** No tune runs more rounds than this, whatever the budget. */
export const MAX_ROUNDS = 20;
/** The largest interval a tune run measures. */
export const MAX_INTERVAL = 100_000;

/** Where in a run (0..1) the kill of round `round` lands: uniform, from the seed. */
export function killFraction(seed: number, round: number): number {
  // noBias: fast-check otherwise favours edge values (the first and last batch), not a uniform point
  // (fc.double is spread over float representations, not over [0, 1): an integer scaled is uniform)
  const xs = fc.sample(fc.noBias(fc.integer({ min: 0, max: 2 ** 30 - 1 })), { seed, numRuns: round + 1 });
  return xs[round]! / 2 ** 30;
}

/** Kill batch (0-based) for a run of `batches`: strictly inside the run, never the first batch. */
export function killBatchOf(fraction: number, batches: number): number | null {
  if (batches < 2) return null;
  return 1 + Math.floor(fraction * (batches - 1));
}

/** What the pilot measured at one batch size: ms per batch off, ms per checkpoint write, ms to start an engine process. */
interface Estimates {
  batchMs: number;
  writeMs: number | null;
  startMs: number;
}

export async function runTune(options: TuneOptions, progress: TuneProgress, command: string): Promise<TuneResult> {
  const started = Date.now();
  const deadline = started + options.budgetMs;
  const cfgAt = (batchRecords: number, size: number): EngineRunConfig => ({
    scenario: options.scenario,
    seed: options.seed,
    size,
    maxBatchRecords: batchRecords,
    timeoutMs: 300_000,
  });
  const cfgFor = (batchRecords: number, interval: number) => cfgAt(batchRecords, recordsPerRun(options.size, batchRecords, interval));
  /** Input sizes a round needs at batch size b: each gets its own "off" run, so every run is compared with one as long. */
  const sizesAt = (b: number, ks: readonly number[]) => [...new Set([0, ...ks].map((k) => recordsPerRun(options.size, b, k)))].sort((x, y) => x - y);
  const runs: SteadyRun[] = [];
  const recoveries: RecoveryTrial[] = [];
  const grid = new Map<number, number[]>(options.batchRecords.map((b) => [b, [...options.intervals]]));
  const added: number[] = [];
  const unbracketable: string[] = [];
  const refused = new Set<string>();
  const est = new Map<number, Estimates>();
  let rounds = 0;
  let stopped = '';
  const failed: FailureBox = {};
  const step = stepOf(failed);

  // ---- pilot: size the plan
  const pilot: ListrTask[] = options.batchRecords.map((b) => ({
    title: `pilot at ${b} records per batch`,
    task: step(async (task) => {
      const off = await steadyRun(cfgFor(b, 0), 0, -1);
      const k = Math.min(...options.intervals);
      const on = await steadyRun(cfgFor(b, k), k, -1);
      est.set(b, {
        batchMs: off.batchMs,
        writeMs: median(on.checkpointMsEach),
        startMs: Math.max(0, off.wallMs - off.batches * off.batchMs),
      });
      task.title = `pilot at ${b} records per batch: ${formatMs(off.batchMs)}/batch off, checkpoint write ${formatMs(median(on.checkpointMsEach))}`;
    }),
  }));
  await runList(pilot, progress, failed);
  for (const b of options.batchRecords) {
    const e = est.get(b)!;
    const targets = e.writeMs && e.writeMs > 0
      ? [
          { name: `Young's optimum at ${b} records per batch`, batches: youngIntervalMs(e.writeMs, options.mtbfMs) / e.batchMs },
          { name: `Daly's optimum at ${b} records per batch`, batches: dalyIntervalMs(e.writeMs, options.mtbfMs) / e.batchMs },
        ]
      : [];
    extend(b, targets);
  }

  /** Add intervals at batch size b so the targets are bracketed, cheapest first, while `repeat` rounds still fit the budget. */
  function extend(b: number, targets: { name: string; batches: number }[]): void {
    const plan = bracket(grid.get(b)!, targets, MAX_INTERVAL);
    for (const why of plan.unreachable) if (!unbracketable.includes(why)) unbracketable.push(why);
    const remaining = options.repeat - rounds;
    for (const k of plan.add) {
      const trial = [...grid.get(b)!, k];
      const cost = roundCost(new Map([...grid, [b, trial]])) * Math.max(1, remaining);
      if (Date.now() + cost > deadline) {
        if (refused.has(`${b}:${k}`)) break;
        refused.add(`${b}:${k}`);
        const pointCost = pointCostMs(b, k);
        unbracketable.push(
          `at ${b} records per batch, interval ${k} (runs of ${batchesNeeded(k)} batches, about ${formatMs(pointCost)} per round) does not fit the budget ` +
            `(${formatMs(Math.max(0, deadline - Date.now()))} left for ${Math.max(1, remaining)} round(s)): raise --budget`,
        );
        break;
      }
      grid.set(b, trial.sort((x, y) => x - y));
      if (!added.includes(k)) added.push(k);
    }
  }

  function pointCostMs(b: number, k: number): number {
    const e = est.get(b)!;
    const batches = recordsPerRun(options.size, b, k) / b;
    const run = e.startMs + batches * e.batchMs * 1.1;
    return k === 0 ? run : run * (options.recovery ? 2.2 : 1);
  }

  function roundCost(g: Map<number, number[]>): number {
    let ms = 0;
    for (const [b, ks] of g) {
      // an off run per distinct length, then each interval's run and trial
      const e = est.get(b)!;
      ms += sizesAt(b, ks).reduce((s, size) => s + e.startMs + (size / b) * e.batchMs * 1.1, 0);
      ms += ks.reduce((s, k) => s + pointCostMs(b, k), 0);
    }
    return ms;
  }

  // ---- rounds
  let result: TuneResult | null = null;
  let lastRoundMs = 0;
  const analyze = () =>
    analyzeTune({
      scenario: options.scenario,
      mtbfMs: options.mtbfMs,
      runs,
      recoveries,
      config: {
        seed: options.seed,
        size: options.size,
        maxBatchRecords: options.batchRecords[0]!,
        batchRecords: options.batchRecords,
        repeat: options.repeat,
        budgetMs: options.budgetMs,
        intervals: options.intervals,
        recovery: options.recovery,
        command,
      },
      rounds: { count: rounds, stopped, budgetMs: options.budgetMs },
      added: [...added].sort((a, b) => a - b),
      unbracketable,
      startedAt: new Date(started).toISOString(),
      elapsedMs: Date.now() - started,
    });

  for (;;) {
    const roundStart = Date.now();
    await runList(roundTasks(rounds), progress, failed);
    rounds++;
    lastRoundMs = Date.now() - roundStart;
    const everyPointRepeated = [...grid].every(([b, ks]) =>
      ks.every((k) => runs.filter((r) => r.batchRecords === b && r.interval === k).length >= options.repeat),
    );
    if (!everyPointRepeated) continue;
    result = analyze();
    // Re-bracket on what the fit now says; new intervals need their own rounds.
    const before = [...grid.values()].reduce((s, ks) => s + ks.length, 0);
    for (const bs of result.batchSizes) {
      if (bracketedBy(bs)) continue;
      const targets = [
        { name: `the fitted optimum at ${bs.batchRecords} records per batch`, batches: bs.fit.optimum.value },
        ...(bs.prediction.young ? [{ name: `Young's optimum at ${bs.batchRecords} records per batch`, batches: bs.prediction.young.batches }] : []),
        ...(bs.prediction.daly ? [{ name: `Daly's optimum at ${bs.batchRecords} records per batch`, batches: bs.prediction.daly.batches }] : []),
      ];
      extend(bs.batchRecords, targets);
    }
    const grew = [...grid.values()].reduce((s, ks) => s + ks.length, 0) > before;
    const status = result.recommendation.confidence;
    if (!grew && (status === 'separated' || status === 'equivalent' || status === 'single' || status === 'none')) {
      stopped = status === 'separated' ? 'the best interval is separated from the runner-up' : status === 'equivalent' ? 'the two best intervals are equivalent' : 'nothing left to separate';
      break;
    }
    if (rounds >= MAX_ROUNDS) {
      stopped = `${MAX_ROUNDS} rounds, the most a tune run measures`;
      break;
    }
    if (Date.now() + lastRoundMs > deadline) {
      stopped = `the budget (${formatMs(options.budgetMs)}) is spent: another round would take about ${formatMs(lastRoundMs)}`;
      break;
    }
  }
  return analyze();

  function roundTasks(round: number): ListrTask[] {
    const fraction = killFraction(options.seed, round);
    const sizes = [...grid.keys()];
    const turnB = round % sizes.length;
    const tasks: ListrTask[] = [];
    for (const b of [...sizes.slice(turnB), ...sizes.slice(0, turnB)]) {
      const ks = grid.get(b)!;
      const turn = round % ks.length;
      const order = [...ks.slice(turn), ...ks.slice(0, turn)];
      const label = sizes.length > 1 ? `${b} rec/batch, ` : '';
      const lengths = sizesAt(b, ks);
      const steps: ListrTask[] = lengths.map((size, i) => {
        const what = i === 0 ? 'off' : `off at ${size} records`;
        return {
          title: `${label}${what}: failure-free run`,
          task: step(async (task) => {
            const run = await steadyRun(cfgAt(b, size), 0, round);
            runs.push(run);
            task.title = `${label}${what}: ${run.batches} batches, ${formatRate(run.throughput)}, ${formatMs(run.batchMs)}/batch`;
          }),
        };
      });
      for (const k of order) {
        let steady: SteadyRun | undefined;
        steps.push({
          title: `${label}every ${k}: failure-free run`,
          task: step(async (task) => {
            steady = await steadyRun(cfgFor(b, k), k, round);
            runs.push(steady);
            task.title = `${label}every ${k}: ${formatRate(steady.throughput)}, ${steady.checkpoints} checkpoints`;
          }),
        });
        if (options.recovery) {
          steps.push({
            title: `${label}every ${k}: kill and recover`,
            task: step(async (task) => {
              const killBatch = killBatchOf(fraction, steady!.batches);
              if (killBatch === null) {
                task.title = `${label}every ${k}: too few batches to kill in between`;
                return;
              }
              const trial = await recoveryTrial(cfgFor(b, k), k, round, killBatch, steady!.outputDigest);
              recoveries.push(trial);
              task.title = trial.killed
                ? `${label}every ${k}: killed at ${trial.killAt}, recovered in ${formatMs(trial.recoveryMs)}, replayed ${trial.replayedBatches}${trial.outputMatches ? '' : ' — OUTPUT DIFFERS'}`
                : `${label}every ${k}: the run ended before ${trial.killAt}`;
            }),
          });
        }
      }
      tasks.push({ title: `round ${round + 1}: ${b} records per batch`, task: (_ctx, task) => task.newListr(steps, { concurrent: false, exitOnError: true }) });
    }
    return tasks;
  }
}

/**
 * The progress display shows a failure's first line; the whole message (command, stderr) is kept
 * here and rethrown once after the display has stopped, so it is printed once.
 */
interface FailureBox {
  first?: unknown;
}

function stepOf(box: FailureBox) {
  return (fn: (task: { title: string }) => Promise<void>) => async (_ctx: unknown, task: { title: string }) => {
    try {
      await fn(task);
    } catch (err) {
      box.first ??= err;
      throw new Error(String((err as Error).message ?? err).split('\n')[0]);
    }
  };
}

async function runList(tasks: ListrTask[], progress: TuneProgress, box: FailureBox): Promise<void> {
  const logger = new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) });
  const list = new Listr(tasks, {
    concurrent: false,
    exitOnError: true,
    registerSignalListeners: false, // the process registry owns Ctrl-C: it kills engines and removes temp dirs
    renderer: progress.show ? 'default' : 'silent',
    fallbackRenderer: progress.show ? 'simple' : 'silent',
    // a pseudo-terminal without a width (some CI runners) would wrap every character: plain lines there
    fallbackRendererCondition: !process.stderr.isTTY || !process.stderr.columns,
    rendererOptions: { logger, collapseSubtasks: true },
    fallbackRendererOptions: { logger },
  });
  try {
    await list.run();
  } catch (err) {
    throw box.first ?? err;
  }
}
