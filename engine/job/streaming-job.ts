/**
 * A streaming job: what a job module defines for the micro-batch engine — its name, a one-line
 * description, how to generate its input from (seed, size, knobs), and how to build its query.
 *
 * The engine never looks a job up by name: a runner (runtime/) loads the module, and hands the
 * definition to `runStreamingQuery`. Executor processes load the same module again (as
 * spark-submit ships the application jar), so `buildQuery` must be a pure function of
 * (seed, knobs): the executor refuses to run when its query's description differs from the driver's.
 */
import { UserError } from '../errors.js';
import type { InputEvent } from '../sources/partitioned-log.js';
import type { StreamingQuery } from '../streaming/query.js';
import type { JsonValue } from '../streaming/source.js';
import { OUTPUT_MODES, type OutputMode } from '../streaming/output-mode.js';

/** Knobs of a generated input; a job gives defaults, a run may override any of them. */
export interface InputKnobs {
  /** Distinct keys in the input. */
  keys: number;
  /** Maximum event-time disorder (ms) of on-time records. */
  disorderMs: number;
  /** Fraction of records whose event time lags far behind (late data). */
  lateFraction: number;
  /** The input arrives over this many batches (growing source); 1 = all available at batch 0. */
  growthBatches: number;
}

/** What every job says about itself (shown by `chaos scenarios`). */
export interface JobInfo {
  name: string;
  kind: 'batch' | 'streaming';
  /** One line. */
  description: string;
}

/** One micro-batch as a correct engine must cut it, computed by the harness independently of the engine. */
export interface ModelBatch {
  batchId: number;
  /** The batch's records in engine read order: partition by partition, offsets ascending. */
  records: InputEvent[];
  /** The event-time watermark the batch runs with (0 without a watermark delay). */
  watermarkMs: number;
  /** The last batch: it reaches the end of every partition. */
  endOfInput: boolean;
}

export interface ModelInput {
  seed: number;
  knobs: InputKnobs;
  batches: ModelBatch[];
}

/** An output row: a flat JSON object as the job's `toRow` makes it. */
export type Row = Record<string, JsonValue>;

/**
 * An independent model of a job: plain code (no engine operators) that computes, from the input
 * cut into micro-batches, every row a correct engine outputs. The model checker compares the
 * engine's output with it, so an engine bug that is not about recovery still shows.
 */
export interface JobModel {
  /** The watermark delay of the job's event-time operators (windows), so batches carry the right watermark; omit without event-time operators. */
  watermarkDelayMs?(knobs: InputKnobs): number;
  /** Every output row of the whole run, in any order. */
  expected(input: ModelInput): Row[];
  /** Key, sequence and final value of a row: turns on the per-key order and final-state checks. */
  shape?: { key(row: Row): string; seq(row: Row): number; value(row: Row): unknown };
  /** Each key's rows arrive in sequence order (checked when `shape` is given). */
  perKeyOrder?: boolean;
  /**
   * The output mode of the job's query (Spark's), which decides what its sink is judged on:
   * 'append' (default) = a log of final rows, each emitted once; 'update' = the rows whose aggregate
   * changed in a batch, judged on the final state per key; 'complete' = the whole result table every
   * batch, judged on the newest table. 'update' and 'complete' need `shape` (key, seq = batch, value).
   */
  outputMode?: OutputMode;
}

export interface StreamingJob extends JobInfo {
  kind: 'streaming';
  defaults: InputKnobs;
  /**
   * Deterministic input in arrival order: the same (seed, size, knobs) always gives the same
   * records. Consumed once, record by record: an array works, a generator (`*generate`) keeps a
   * large input out of memory (the local log is written while it is generated).
   */
  generate(seed: number, size: number, knobs: InputKnobs): Iterable<InputEvent>;
  /** The query; `seed` and `knobs` build static data (e.g. a join's table). Must be deterministic. */
  buildQuery(seed: number, knobs: InputKnobs): StreamingQuery;
  model?: JobModel;
}

/** What a job author writes; `kind` is implied and knob defaults are filled in. */
export interface StreamingJobDefinition {
  name: string;
  description: string;
  defaults?: Partial<InputKnobs>;
  /** The input generator, an array or a generator of records (not called when a run feeds recorded records instead). */
  generate(seed: number, size: number, knobs: InputKnobs): Iterable<InputEvent>;
  buildQuery(seed: number, knobs: InputKnobs): StreamingQuery;
  model?: JobModel;
}

export const DEFAULT_KNOBS: InputKnobs = { keys: 100, disorderMs: 0, lateFraction: 0, growthBatches: 1 };

/** A job name is a word a command line and a file name can carry. */
export const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The checks every job definition gets: an object with a usable name and a one-line description.
 * Returns the error factory the caller uses for its own fields (messages name the job and the field).
 */
export function checkJobInfo(def: unknown, kind: JobInfo['kind'], definer: string, functions: Record<string, string>): (what: string) => UserError {
  const d = def as Record<string, unknown> | null;
  const bad = (what: string) => new UserError(`invalid ${kind} job${typeof d?.name === 'string' ? ` "${d.name}"` : ''}: ${what}`);
  if (d === null || typeof d !== 'object') throw bad(`${definer} needs an object`);
  if (typeof d.name !== 'string' || !JOB_NAME.test(d.name)) throw bad('name must be 1-64 letters, digits, ".", "_" or "-"');
  if (typeof d.description !== 'string' || !d.description.trim()) throw bad('description must be a non-empty string');
  for (const [name, signature] of Object.entries(functions)) if (typeof d[name] !== 'function') throw bad(`${signature} must be a function`);
  return bad;
}

/**
 * Declares a streaming job. Checks the definition's shape now (an invalid definition is a
 * UserError naming the field), so a bad module fails when it is loaded, not in the middle of a run.
 */
export function defineStreamingJob(def: StreamingJobDefinition): StreamingJob {
  const bad = checkJobInfo(def, 'streaming', 'defineStreamingJob', { generate: 'generate(seed, size, knobs)', buildQuery: 'buildQuery(seed, knobs)' });
  const defaults = { ...DEFAULT_KNOBS, ...(def.defaults ?? {}) };
  for (const [k, v] of Object.entries(defaults)) {
    if (!(k in DEFAULT_KNOBS)) throw bad(`defaults.${k} is not an input knob (knobs: ${Object.keys(DEFAULT_KNOBS).join(', ')})`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`defaults.${k} must be a number`);
  }
  if (def.model !== undefined) {
    if (def.model === null || typeof def.model !== 'object' || typeof def.model.expected !== 'function') throw bad('model must be an object with expected({ seed, knobs, batches })');
    if (def.model.shape !== undefined && ['key', 'seq', 'value'].some((f) => typeof (def.model!.shape as unknown as Record<string, unknown>)[f] !== 'function')) {
      throw bad('model.shape needs key(row), seq(row) and value(row) functions');
    }
    const mode = def.model.outputMode;
    if (mode !== undefined && !OUTPUT_MODES.includes(mode)) throw bad(`model.outputMode must be one of ${OUTPUT_MODES.join(', ')}`);
    if (mode !== undefined && mode !== 'append' && def.model.shape === undefined) throw bad(`model.outputMode '${mode}' is judged per key: give model.shape too`);
  }
  return { name: def.name, kind: 'streaming', description: def.description, defaults, generate: def.generate, buildQuery: def.buildQuery, ...(def.model ? { model: def.model } : {}) };
}
