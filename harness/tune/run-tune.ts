/**
 * `chaos tune` measurement plan: per repeat, a failure-free run with checkpointing off (the
 * baseline), then at each interval a failure-free run and a recovery trial. The interval order turns
 * by one every repeat so no interval always runs first (cold caches) or last; the kill point of each
 * repeat is drawn from the seed once and used at every interval, so intervals are compared on the
 * same failures (common random numbers) and the whole plan is reproducible.
 */
import fc from 'fast-check';
import { Listr, ListrLogger, ProcessOutput, type ListrTask } from 'listr2';
import { analyzeTune } from './analyze.js';
import { recoveryTrial, steadyRun, type EngineRunConfig } from './engine-runs.js';
import type { TuneOptions } from './options.js';
import type { RecoveryTrial, SteadyRun, TuneResult } from './result.js';
import { formatMs, formatRate } from '../format.js';

export interface TuneProgress {
  /** Show progress on stderr (listr2; a plain line per step when stderr is not a terminal). */
  show: boolean;
}

/** Kill batches (0-based) for each repeat: uniform over batches 1 .. batches-1, from the seed. */
export function killBatches(seed: number, batches: number, repeat: number): number[] {
  if (batches < 2) return [];
  // noBias: fast-check otherwise favours edge values (the first and last batch), not a uniform point
  return fc.sample(fc.noBias(fc.integer({ min: 1, max: batches - 1 })), { seed, numRuns: repeat });
}

export async function runTune(options: TuneOptions, progress: TuneProgress, command: string): Promise<TuneResult> {
  const started = Date.now();
  const cfg: EngineRunConfig = {
    scenario: options.scenario,
    seed: options.seed,
    size: options.size,
    maxBatchRecords: options.maxBatchRecords,
    timeoutMs: 120_000,
  };
  const runs: SteadyRun[] = [];
  const recoveries: RecoveryTrial[] = [];
  let kills: number[] | undefined;
  let baselineDigest = '';
  // The progress display shows a failure's first line; the whole message (command, stderr) is
  // rethrown once after the display has stopped, so it is printed once.
  let failure: unknown;
  const step = (fn: (task: { title: string }) => Promise<void>) => async (_ctx: unknown, task: { title: string }) => {
    try {
      await fn(task);
    } catch (err) {
      failure ??= err;
      throw new Error(String((err as Error).message ?? err).split('\n')[0]);
    }
  };

  const repeatTasks: ListrTask[] = [];
  for (let r = 0; r < options.repeat; r++) {
    const turn = r % options.intervals.length;
    const order = [...options.intervals.slice(turn), ...options.intervals.slice(0, turn)];
    const steps: ListrTask[] = [
      {
        title: 'off: failure-free run',
        task: step(async (task) => {
          const run = await steadyRun(cfg, 0, r);
          runs.push(run);
          if (r === 0) {
            baselineDigest = run.outputDigest;
            kills = killBatches(options.seed, run.batches, options.repeat);
          }
          task.title = `off: ${run.batches} batches, ${formatRate(run.throughput)}, ${formatMs(run.batchMs)}/batch`;
        }),
      },
    ];
    for (const k of order) {
      steps.push({
        title: `every ${k}: failure-free run`,
        task: step(async (task) => {
          const run = await steadyRun(cfg, k, r);
          runs.push(run);
          task.title = `every ${k}: ${formatRate(run.throughput)}, ${run.checkpoints} checkpoints`;
        }),
      });
      if (options.recovery) {
        steps.push({
          title: `every ${k}: kill and recover`,
          skip: () => (kills !== undefined && kills.length === 0 ? 'too few batches to kill in between' : false),
          task: step(async (task) => {
            const trial = await recoveryTrial(cfg, k, r, kills![r]!, baselineDigest);
            recoveries.push(trial);
            task.title = trial.killed
              ? `every ${k}: killed at ${trial.killAt}, recovered in ${formatMs(trial.recoveryMs)}, replayed ${trial.replayedBatches}${trial.outputMatches ? '' : ' — OUTPUT DIFFERS'}`
              : `every ${k}: the run ended before ${trial.killAt}`;
          }),
        });
      }
    }
    repeatTasks.push({
      title: `repeat ${r + 1}/${options.repeat}`,
      task: (_ctx, task) => task.newListr(steps, { concurrent: false, exitOnError: true }),
    });
  }

  const logger = new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) });
  const list = new Listr(repeatTasks, {
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
    throw failure ?? err;
  }

  return analyzeTune({
    scenario: options.scenario,
    mtbfMs: options.mtbfMs,
    intervals: options.intervals,
    runs,
    recoveries,
    config: {
      seed: options.seed,
      size: options.size,
      maxBatchRecords: options.maxBatchRecords,
      repeat: options.repeat,
      intervals: options.intervals,
      recovery: options.recovery,
      command,
    },
    startedAt: new Date(started).toISOString(),
    elapsedMs: Date.now() - started,
  });
}
