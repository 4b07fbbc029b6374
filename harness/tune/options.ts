/**
 * `chaos tune` options: parsed and checked up front so that bad input fails in milliseconds with a
 * message naming the flag and the fix (UserError, exit 2), never after a minute of measuring.
 */
import { UserError, checkOutputDir } from '../../engine/index.js';
import * as path from 'node:path';
import { findBundledJob as findScenario, loadJob } from '../../runtime/jobs.js';
import { isModulePath } from '../../runtime/job-ref.js';
import { durationPartsMs } from '../duration.js';

export interface TuneOptions {
  scenario: string;
  /** Checkpoint intervals to measure, in batches, ascending; "off" (0) is always measured too. */
  intervals: number[];
  mtbfMs: number;
  /** Measurements per point at least; more rounds follow until the best interval is separated or the budget is spent. */
  repeat: number;
  /** Wall time after which no new round of measurement starts. */
  budgetMs: number;
  /** Input records of a run (runs at large intervals are lengthened to hold two checkpoints). */
  size: number;
  /** Records per micro-batch: the first is the base (the figures of `intervals`), the others tune the batch size too. */
  batchRecords: number[];
  /** Seeds the input and the kill points, so a tune run is reproducible. */
  seed: number;
  /** Measure recovery after a kill (on by default). */
  recovery: boolean;
  out: string;
}

export const tuneDefaults = {
  scenario: 'wordcount',
  intervals: '1,2,5,10,20',
  mtbf: '10m',
  repeat: '2',
  budget: '10m',
  size: '200000',
  maxBatchRecords: '5000,20000',
  seed: '1',
  out: 'out/tune',
} as const;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "10m", "30s", "1h", "250ms", "1h30m", "1.5h" -> milliseconds. A bare number is refused: its unit would be a guess. */
export function parseDuration(text: string, flag = '--mtbf'): number {
  const trimmed = text.trim();
  const total = durationPartsMs(trimmed, UNIT_MS);
  if (total === undefined) {
    const hint = /^\d+(\.\d+)?$/.test(trimmed) ? ` (a number needs a unit, e.g. ${trimmed}ms or ${trimmed}s)` : '';
    throw new UserError(`bad ${flag} "${text}"${hint}: expected a duration like 250ms, 30s, 10m, 1h or 1h30m`);
  }
  if (!(total > 0)) throw new UserError(`bad ${flag} "${text}": the duration must be greater than zero`);
  return total;
}

/** "1,2,5,10,20" -> [1, 2, 5, 10, 20]: positive whole batch counts, duplicates dropped, ascending. */
export function parseIntervals(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const values = parts.map((p) => {
    if (!/^\d+$/.test(p)) {
      throw new UserError(
        `bad --intervals "${text}": "${p}" is not a whole number of batches. Expected a comma-separated list like 1,2,5,10,20`,
      );
    }
    const n = Number(p);
    if (n === 0) {
      throw new UserError(`bad --intervals "${text}": 0 means checkpointing off, which is always measured as the baseline; list intervals ≥ 1`);
    }
    if (n > 100_000) throw new UserError(`bad --intervals "${text}": ${n} batches is more than the 100000 a tune run can measure`);
    return n;
  });
  return [...new Set(values)].sort((a, b) => a - b);
}

/** "5000,20000" -> [5000, 20000]: records per batch, the first one the base, duplicates dropped, order kept. */
export function parseBatchRecords(text: string): number[] {
  const values = text.split(',').map((p) => parseCount(p, '--max-batch-records', 1, 10_000_000));
  return [...new Set(values)];
}

export function parseCount(text: string, flag: string, min: number, max: number): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UserError(`bad ${flag} "${text}": expected a whole number from ${min} to ${max}`);
  }
  return n;
}

export function checkTunableScenario(name: string): string {
  const info = findScenario(name);
  if (info.kind !== 'streaming') {
    throw new UserError(
      `scenario "${name}" is a ${info.kind} scenario; chaos tune measures micro-batch checkpoint intervals, so it needs a streaming scenario (see \`chaos scenarios\`)`,
    );
  }
  return info.name;
}

/**
 * `--job PATH|NAME`: a job module of the user's own (or a bundled job), loaded now so a bad module
 * is refused (exit 2) before any measurement; it must be a streaming job. Returns the reference the
 * engine processes get (a module by its absolute path).
 */
export async function checkTunableJob(ref: string): Promise<string> {
  const job = await loadJob(ref);
  if (job.kind !== 'streaming') {
    throw new UserError(`job ${ref} is a ${job.kind} job; chaos tune measures micro-batch checkpoint intervals, so it needs a streaming job`);
  }
  return isModulePath(ref) ? path.resolve(ref) : job.name;
}

export interface RawTuneFlags {
  scenario: string;
  /** Set by `--job`: already checked by checkTunableJob (it replaces --scenario). */
  job?: string;
  intervals: string;
  mtbf: string;
  repeat: string;
  budget: string;
  size: string;
  maxBatchRecords: string;
  seed: string;
  recovery: boolean;
  out: string;
}

export function parseTuneFlags(raw: RawTuneFlags): TuneOptions {
  const intervals = parseIntervals(raw.intervals);
  const mtbfMs = parseDuration(raw.mtbf);
  const repeat = parseCount(raw.repeat, '--repeat', 1, 50);
  const budgetMs = parseDuration(raw.budget, '--budget');
  const size = parseCount(raw.size, '--size', 1, 10_000_000);
  const batchRecords = parseBatchRecords(raw.maxBatchRecords);
  const seed = parseCount(raw.seed, '--seed', 0, 2 ** 31 - 1);
  if (raw.out.trim() === '') throw new UserError('bad --out "": name a directory for the reports, e.g. --out out/tune');
  checkOutputDir(raw.out, '--out');
  const scenario = raw.job ?? checkTunableScenario(raw.scenario);
  return { scenario, intervals, mtbfMs, repeat, budgetMs, size, batchRecords, seed, recovery: raw.recovery, out: raw.out };
}
