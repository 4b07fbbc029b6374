/**
 * Finding a job: by the name of a bundled one (the scenarios), or by the path of a job module a user
 * wrote (compiled .js/.mjs; .ts when tsx is installed). Both go through the same loader: a bundled
 * name only says which module file to load (scenarios/index.ts bundledJobModules), so a bundled job
 * has no privilege a user's job lacks. The engine never does this — it is handed the definition —
 * and executor processes call the same loader with the same reference, as spark-submit ships the
 * application jar to every executor.
 *
 * A bad reference or module is a UserError (exit 2) naming the module and what is wrong: not found,
 * no definition exported, definition invalid, throws at load.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UserError } from '../engine/errors.js';
import type { BatchJob, JobInfo, StreamingJob } from '../engine/job/index.js';
import { allScenarios, bundledJobModules } from '../scenarios/index.js';
import { isModulePath } from './job-ref.js';

export { isModulePath };

export type Job = StreamingJob | BatchJob;

/** The jobs bundled with the package (the scenarios), listed by `chaos scenarios`. */
export const bundledJobs: readonly Job[] = allScenarios as readonly Job[];

const SCENARIOS_DIR = fileURLToPath(new URL('../scenarios/', import.meta.url));

/** A bundled job by name (sync, for listings and checks); UserError listing them when unknown. */
export function findBundledJob(name: string): Job {
  const found = bundledJobs.find((s) => s.name === name);
  if (!found) throw unknownJob(name);
  return found;
}

function unknownJob(name: string): UserError {
  return new UserError(
    `unknown scenario "${name}". Known scenarios: ${bundledJobs.map((s) => s.name).join(', ')}; run \`chaos scenarios\` to list them, or pass a job module path (--job ./my-job.js).`,
  );
}

/** The module file a reference names: the path itself, or a bundled job's module. */
export function jobModuleFile(ref: string): string {
  if (isModulePath(ref)) return path.resolve(ref);
  const rel = bundledJobModules[ref];
  if (rel === undefined) throw unknownJob(ref);
  const compiled = path.join(SCENARIOS_DIR, rel);
  // Under vitest the sources run as TypeScript: the module is the .ts file beside the .js name.
  return fs.existsSync(compiled) ? compiled : compiled.replace(/\.js$/, '.ts');
}

const loaded = new Map<string, Promise<Job>>();

/** The job a reference (bundled name or module path) names; cached per process. */
export function loadJob(ref: string): Promise<Job> {
  let file: string;
  try {
    file = jobModuleFile(ref);
  } catch (err) {
    return Promise.reject(err);
  }
  let p = loaded.get(file);
  if (!p) {
    p = loadModuleJob(file, ref);
    loaded.set(file, p);
    p.catch(() => loaded.delete(file));
  }
  return p;
}

export async function loadStreamingJob(ref: string): Promise<StreamingJob> {
  const job = await loadJob(ref);
  if (job.kind !== 'streaming') throw new UserError(`job ${ref} is a ${job.kind} job; a streaming job is needed here`);
  return job;
}

export async function loadBatchJob(ref: string): Promise<BatchJob> {
  const job = await loadJob(ref);
  if (job.kind !== 'batch') throw new UserError(`job ${ref} is a ${job.kind} job; a batch job is needed here`);
  return job;
}

/** sha256 of a job module file's content: a replay file records it, and refuses a changed module. */
export function jobModuleHash(ref: string): string {
  const file = jobModuleFile(ref);
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch (err) {
    throw new UserError(`job module ${ref} cannot be read: ${(err as Error).message}`);
  }
}

async function loadModuleJob(file: string, ref: string): Promise<Job> {
  if (!fs.existsSync(file)) throw new UserError(`job module ${ref} not found (resolved to ${file})`);
  if (!fs.statSync(file).isFile()) throw new UserError(`job module ${ref} is not a file (resolved to ${file})`);
  const url = pathToFileURL(file).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    // Plain Node cannot import TypeScript: register tsx's loader (when installed) and try again.
    if ((err as NodeJS.ErrnoException)?.code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/\.(m?ts|cts)$/.test(file)) throw throwsAtLoad(ref, err);
    await registerTsx(ref);
    try {
      mod = (await import(`${url}?tsx`)) as Record<string, unknown>;
    } catch (again) {
      throw throwsAtLoad(ref, again);
    }
  }
  const def = mod.default !== undefined ? mod.default : mod.job;
  if (def === undefined) {
    throw new UserError(`job module ${ref} exports no job definition: add \`export default defineStreamingJob({...})\` (or defineBatchJob, or \`export const job = ...\`)`);
  }
  const why = invalidReason(def as Partial<JobInfo> & Record<string, unknown>);
  if (why) throw new UserError(`job module ${ref} exports an invalid job definition: ${why}`);
  return def as Job;
}

/** What is wrong with an exported definition (undefined when it is a job made by defineStreamingJob/defineBatchJob). */
function invalidReason(def: (Partial<JobInfo> & Record<string, unknown>) | null): string | undefined {
  if (def === null || typeof def !== 'object') return `expected the object defineStreamingJob/defineBatchJob returns, got ${def === null ? 'null' : typeof def}`;
  if (def.kind !== 'streaming' && def.kind !== 'batch') return 'it was not made by defineStreamingJob or defineBatchJob (its kind is neither "streaming" nor "batch")';
  if (typeof def.name !== 'string' || !def.name) return 'it has no name';
  const needs = def.kind === 'streaming' ? ['generate', 'buildQuery'] : ['build', 'referenceResult'];
  for (const f of needs) if (typeof def[f] !== 'function') return `${f} is not a function`;
  if (typeof def.defaults !== 'object' || def.defaults === null) return 'defaults are missing';
  return undefined;
}

let tsxRegistered = false;
async function registerTsx(ref: string): Promise<void> {
  if (tsxRegistered || process.execArgv.some((a) => a.includes('tsx'))) return;
  try {
    const api = (await import('tsx/esm/api')) as { register: () => unknown };
    api.register();
    tsxRegistered = true;
  } catch {
    throw new UserError(`job module ${ref} is TypeScript, and tsx is not installed here: compile it to .js (tsc), or npm install tsx`);
  }
}

/** What a module that failed to load is reported as: its error's name and first line, no stack. */
function throwsAtLoad(ref: string, err: unknown): UserError {
  const e = err as Error;
  return new UserError(`job module ${ref} throws at load: ${e?.name ?? 'Error'}: ${firstLine(e?.message ?? String(err))}`);
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 300);
}
