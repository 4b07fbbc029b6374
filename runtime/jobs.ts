/**
 * Finding a job: by the name of a bundled one (the scenarios), or by the path of a job module a user
 * wrote (compiled .js/.mjs; .ts when tsx is installed). The engine never does this — it is handed
 * the definition — and executor processes call the same loader with the same reference, as
 * spark-submit ships the application jar to every executor.
 *
 * A bad reference or module is a UserError (exit 2) naming the module and what is wrong: not found,
 * no definition exported, definition invalid, throws at load.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../engine/errors.js';
import type { BatchJob, JobInfo, StreamingJob } from '../engine/job/index.js';
import { allScenarios } from '../scenarios/index.js';
import { isModulePath } from './job-ref.js';

export { isModulePath };

export type Job = StreamingJob | BatchJob;

/** The jobs bundled with the package (the scenarios), listed by `chaos scenarios`. */
export const bundledJobs: readonly Job[] = allScenarios as readonly Job[];


const loaded = new Map<string, Promise<Job>>();

/** The job a reference (bundled name or module path) names; cached per process. */
export function loadJob(ref: string): Promise<Job> {
  const key = isModulePath(ref) ? path.resolve(ref) : ref;
  let p = loaded.get(key);
  if (!p) {
    p = isModulePath(ref) ? loadModuleJob(key, ref) : Promise.resolve(findBundledJob(ref));
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
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

/** A bundled job by name; UserError listing them when unknown. */
export function findBundledJob(name: string): Job {
  const found = bundledJobs.find((s) => s.name === name);
  if (!found) {
    throw new UserError(
      `unknown scenario "${name}". Known scenarios: ${bundledJobs.map((s) => s.name).join(', ')}; run \`chaos scenarios\` to list them, or pass a job module path (--job ./my-job.js).`,
    );
  }
  return found;
}

async function loadModuleJob(file: string, ref: string): Promise<Job> {
  if (!fs.existsSync(file)) throw new UserError(`job module ${ref} not found (resolved to ${file})`);
  if (!fs.statSync(file).isFile()) throw new UserError(`job module ${ref} is not a file`);
  if (/\.(m?ts|cts)$/.test(file) && !process.execArgv.some((a) => a.includes('tsx')) && !process.env.VITEST) {
    await registerTsx(ref);
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    const e = err as Error;
    throw new UserError(`job module ${ref} throws at load: ${e?.name ?? 'Error'}: ${firstLine(e?.message ?? String(err))}`);
  }
  const candidates = [mod.default, mod.job, (mod.default as Record<string, unknown> | undefined)?.default].filter((x) => x !== undefined);
  if (candidates.length === 0) {
    throw new UserError(`job module ${ref} exports no job definition: export default defineStreamingJob({...}) or defineBatchJob({...}) (or export const job = ...)`);
  }
  const def = candidates[0] as Partial<JobInfo> & Record<string, unknown>;
  const why = invalidReason(def);
  if (why) throw new UserError(`job module ${ref} exports an invalid job definition: ${why}`);
  return def as unknown as Job;
}

/** What is wrong with an exported definition (undefined when it is a job made by defineStreamingJob/defineBatchJob). */
function invalidReason(def: Partial<JobInfo> & Record<string, unknown>): string | undefined {
  if (def === null || typeof def !== 'object') return `expected an object from defineStreamingJob/defineBatchJob, got ${def === null ? 'null' : typeof def}`;
  if (def.kind !== 'streaming' && def.kind !== 'batch') return 'kind is neither "streaming" nor "batch" (build it with defineStreamingJob or defineBatchJob)';
  if (typeof def.name !== 'string' || !def.name) return 'it has no name';
  if (def.kind === 'streaming') {
    if (typeof def.generate !== 'function') return 'generate(seed, size, knobs) is not a function';
    if (typeof def.buildQuery !== 'function') return 'buildQuery(seed, knobs) is not a function';
    if (typeof def.defaults !== 'object' || def.defaults === null) return 'defaults (input knobs) are missing';
  } else {
    if (typeof def.build !== 'function') return 'build(ctx, input) is not a function';
    if (typeof def.referenceResult !== 'function') return 'referenceResult(seed, size, params) is not a function';
    if (typeof def.defaults !== 'object' || def.defaults === null) return 'defaults ({ size, params }) are missing';
  }
  return undefined;
}

async function registerTsx(ref: string): Promise<void> {
  try {
    const api = (await import('tsx/esm/api')) as { register: () => unknown };
    api.register();
  } catch {
    throw new UserError(`job module ${ref} is TypeScript, and tsx is not installed: compile it to .js (tsc), or npm install tsx`);
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 300);
}
