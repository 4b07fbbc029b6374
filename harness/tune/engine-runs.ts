/**
 * The two measurements `chaos tune` makes with real engine processes (dist/harness/cli.js engine run):
 * a failure-free run of the whole bounded input, and a recovery trial — SIGKILL at an exact
 * failpoint, restart on the same checkpoint, time until the engine reports it has caught up.
 * Each uses fresh temp directories and removes them, whatever happens.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { EngineEvent } from '../../engine/index.js';
import { UserError } from '../../engine/index.js';
import { readStreamingRows } from '../oracle/output-readers.js';
import { toArgv } from '../../runtime/engine-run.js';
import { spawnEngine, type EngineExit } from '../process/engine-process.js';
import { makeTempDir, removeTempDir } from '../process/registry.js';
import type { RecoveryTrial, SteadyRun } from './result.js';

export interface EngineRunConfig {
  scenario: string;
  seed: number;
  size: number;
  maxBatchRecords: number;
  /** A run that takes longer than this is a hang: killed, and the tune run fails. */
  timeoutMs: number;
}

/**
 * Where the kill lands: just after the write-ahead log of batch `batch` (0-based) is durable, before
 * the batch runs. The restart must re-run it from the log and replay what the state lacks.
 */
export function killFailpoint(batch: number): string {
  return `offsets.written:${batch + 1}:crash`;
}

function engineArgs(cfg: EngineRunConfig, interval: number, checkpoint: string, output: string, failpoints?: string): string[] {
  return toArgv({
    job: cfg.scenario,
    seed: cfg.seed,
    size: cfg.size,
    checkpoint,
    output,
    checkpointInterval: interval,
    maxBatchRecords: cfg.maxBatchRecords,
    ...(failpoints ? { failpoints } : {}),
  });
}

/** The command line a person can paste to repeat one measured run. */
export function engineCommand(cfg: EngineRunConfig, interval: number, failpoints?: string): string {
  return ['node dist/harness/cli.js engine', ...engineArgs(cfg, interval, '<checkpoint-dir>', '<output-dir>', failpoints)].join(' ');
}

/**
 * Failpoints and mutants armed through the environment of whoever runs `chaos tune` would silently
 * skew every measurement: the engine runs here get exactly the flags above and nothing else.
 */
const CLEAN_ENV = { CHAOS_FAILPOINTS: '', CHAOS_MUTANT: '' };

async function withDirs<T>(fn: (checkpoint: string, output: string) => Promise<T>): Promise<T> {
  const root = makeTempDir('chaos-tune-');
  try {
    return await fn(path.join(root, 'checkpoint'), path.join(root, 'output'));
  } finally {
    removeTempDir(root);
  }
}

function failed(what: string, cfg: EngineRunConfig, interval: number, exit: EngineExit, failpoints?: string): UserError {
  const how = exit.killedByHarness
    ? `did not finish within ${Math.round(cfg.timeoutMs / 1000)} s and was killed`
    : exit.signal
      ? `died of ${exit.signal}`
      : `exited with code ${exit.exitCode}`;
  const tail = exit.stderr.trim().split('\n').slice(-8).join('\n');
  // The engine's own usage errors (exit 2) stay usage errors; anything else is a finding about the engine.
  const code = exit.exitCode === 2 ? 2 : 1;
  return new UserError(
    `${what} ${interval === 0 ? 'with checkpointing off' : `at checkpoint interval ${interval}`} ${how}.\n  command: ${engineCommand(cfg, interval, failpoints)}${tail ? `\n  stderr:\n    ${tail.replace(/\n/g, '\n    ')}` : ''}`,
    code,
  );
}

export async function steadyRun(cfg: EngineRunConfig, interval: number, repeat: number): Promise<SteadyRun> {
  return withDirs(async (checkpoint, output) => {
    const proc = spawnEngine(engineArgs(cfg, interval, checkpoint, output), { timeoutMs: cfg.timeoutMs, env: CLEAN_ENV });
    const exit = await proc.done;
    if (exit.exitCode !== 0 || exit.killedByHarness) throw failed('the engine run', cfg, interval, exit);
    return { interval, repeat, batchRecords: cfg.maxBatchRecords, size: cfg.size, ...steadyMetrics(exit.events), wallMs: exit.ms, outputDigest: await outputDigest(output) };
  });
}

/** Throughput, batch time and checkpoint figures of one failure-free run, from its events alone. */
export function steadyMetrics(events: readonly EngineEvent[]): Omit<SteadyRun, 'interval' | 'repeat' | 'batchRecords' | 'size' | 'wallMs' | 'outputDigest'> {
  const commits = events.filter((e): e is Extract<EngineEvent, { type: 'batch.committed' }> => e.type === 'batch.committed');
  const records = commits.reduce((s, c) => s + c.inputRecords, 0);
  let throughput: number;
  let batchMs: number;
  // Steady state: from the first commit to the last, so process start-up and the first (cold) batch
  // do not count. Too few batches for a window: fall back to the engine's own per-batch times.
  const windowMs = commits.length >= 3 ? commits[commits.length - 1]!.t - commits[0]!.t : 0;
  if (windowMs > 0) {
    const windowRecords = records - commits[0]!.inputRecords;
    throughput = (windowRecords / windowMs) * 1000;
    batchMs = windowMs / (commits.length - 1);
  } else {
    const ms = Math.max(commits.reduce((s, c) => s + c.ms, 0), 1e-3);
    throughput = (records / ms) * 1000;
    batchMs = commits.length ? ms / commits.length : 0;
  }
  const perCheckpoint = new Map<number, { bytes: number; ms: number }>();
  for (const e of events) {
    if (e.type !== 'state.checkpointed') continue;
    const c = perCheckpoint.get(e.batchId) ?? { bytes: 0, ms: 0 };
    c.bytes += e.bytes;
    c.ms += e.ms;
    perCheckpoint.set(e.batchId, c);
  }
  const checkpoints = [...perCheckpoint.values()];
  return {
    batches: commits.length,
    records,
    throughput,
    batchMs,
    checkpoints: checkpoints.length,
    checkpointBytes: checkpoints.reduce((s, c) => s + c.bytes, 0),
    checkpointMsEach: checkpoints.map((c) => c.ms),
  };
}

export async function recoveryTrial(
  cfg: EngineRunConfig,
  interval: number,
  repeat: number,
  killBatch: number,
  expectedDigest: string,
): Promise<RecoveryTrial> {
  const killAt = killFailpoint(killBatch);
  return withDirs(async (checkpoint, output) => {
    const first = await spawnEngine(engineArgs(cfg, interval, checkpoint, output, killAt), { timeoutMs: cfg.timeoutMs, env: CLEAN_ENV }).done;
    const killed = first.signal === 'SIGKILL' && !first.killedByHarness;
    if (!killed && first.exitCode !== 0) throw failed('the engine run to be killed', cfg, interval, first, killAt);
    if (!killed) {
      // The run ended before the kill point: nothing to recover, and analyze() leaves it out.
      const none = { recoveryMs: 0, engineRecoveryMs: null, replayedBatches: 0, replayMs: 0 };
      return { interval, repeat, batchRecords: cfg.maxBatchRecords, size: cfg.size, killAt, killed, ...none, outputMatches: (await outputDigest(output)) === expectedDigest };
    }

    const restartedAt = Date.now();
    const second = await spawnEngine(engineArgs(cfg, interval, checkpoint, output), { timeoutMs: cfg.timeoutMs, env: CLEAN_ENV }).done;
    if (second.exitCode !== 0 || second.killedByHarness) throw failed(`the restart after the kill at ${killAt}`, cfg, interval, second);
    const caughtUp = second.events.find((e): e is Extract<EngineEvent, { type: 'recovery.caught-up' }> => e.type === 'recovery.caught-up');
    const replayed = second.events.filter((e): e is Extract<EngineEvent, { type: 'recovery.replayed' }> => e.type === 'recovery.replayed');
    // Without a caught-up event the engine had nothing to recover: the first new commit is the mark.
    const firstNew = second.events.find((e) => e.type === 'batch.committed');
    const mark = caughtUp?.t ?? firstNew?.t ?? restartedAt + second.ms;
    return {
      interval,
      repeat,
      batchRecords: cfg.maxBatchRecords,
      size: cfg.size,
      killAt,
      killed,
      recoveryMs: Math.max(0, mark - restartedAt),
      engineRecoveryMs: caughtUp?.ms ?? null,
      replayedBatches: replayed.reduce((s, e) => s + e.batches, 0),
      replayMs: replayed.reduce((s, e) => s + e.ms, 0),
      outputMatches: (await outputDigest(output)) === expectedDigest,
    };
  });
}

/** sha256 over the sorted committed output rows, read as every other check reads them. */
export async function outputDigest(dir: string): Promise<string> {
  const lines = await readStreamingRows(dir);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
