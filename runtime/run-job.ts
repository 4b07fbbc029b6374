/**
 * Running a job in this process by its reference (bundled name or module path): load it, compose
 * the mutant (if any), tell the engine how executor processes start, and run. What the harness's
 * simulation mode, the reference run and tests call; `chaos engine run` (run-command.ts) does the
 * same for a process.
 */
import * as path from 'node:path';
import { runStreamingQuery, type StreamingRunOptions, type StreamingRuntime } from '../engine/streaming/run.js';
import { runBatchJob, type BatchRunOptions, type BatchRunResult } from '../engine/batch/run.js';
import type { BatchJob } from '../engine/job/index.js';
import { loadBatchJob, loadStreamingJob } from './jobs.js';
import { readRecords } from './records.js';
import { isModulePath } from './job-ref.js';
import { partsFor, batchStepsFor } from './compose.js';
import { executorEntry } from './entries.js';

/** StreamingRunOptions with the job named by reference; `mutant` names a variant from mutants/. */
export type JobStreamingRunOptions = Omit<StreamingRunOptions, 'job' | 'records'> & {
  scenario: string;
  /** Recorded input: a JSON-lines file or directory (records.ts), instead of the job's generator. */
  records?: string;
};

/** A job reference executors in other processes (other working directories) resolve to the same module. */
export function portableJobRef(ref: string): string {
  return isModulePath(ref) ? path.resolve(ref) : ref;
}

export async function runStreamingJob(opts: JobStreamingRunOptions, rt: Omit<StreamingRuntime, 'protocol' | 'executorLaunch'>): Promise<{ batches: number; lastBatchId: number }> {
  const { scenario, records, ...rest } = opts;
  const job = await loadStreamingJob(scenario);
  const parts = partsFor(opts.mutant);
  return runStreamingQuery(
    { ...rest, job, ...(records !== undefined ? { records: readRecords(records) } : {}) },
    {
      ...rt,
      protocol: parts.protocol,
      ...((opts.executors ?? 0) > 0 ? { executorLaunch: { entry: executorEntry('streaming'), job: portableJobRef(scenario) } } : {}),
    },
  );
}

/**
 * A batch job's parameters from an engine run's generic knobs: --partitions becomes its
 * `partitions` parameter and --checkpoint-interval its `checkpointEvery` (or `checkpoint` on/off)
 * parameter, when the job has them. Process runs and in-process (simulation) runs both use this.
 */
export function batchParamsOf(job: BatchJob, run: { partitions?: number | undefined; checkpointInterval?: number | undefined }): Record<string, number> {
  const params: Record<string, number> = {};
  if (run.partitions !== undefined && 'partitions' in job.defaults.params) params.partitions = run.partitions;
  const interval = run.checkpointInterval;
  if (interval !== undefined) {
    if ('checkpointEvery' in job.defaults.params) params.checkpointEvery = interval;
    else if ('checkpoint' in job.defaults.params) params.checkpoint = interval > 0 ? 1 : 0;
  }
  return params;
}

/** BatchRunOptions with the job named by reference; `mutant` names a batch variant from mutants/batch/ (its checkpoint steps). */
export type JobBatchRunOptions = Omit<BatchRunOptions, 'job' | 'jobRef' | 'executorEntry' | 'checkpointSteps'> & { scenario: string; mutant?: string };

export async function runBatchByRef(opts: JobBatchRunOptions): Promise<BatchRunResult> {
  const { scenario, mutant, ...rest } = opts;
  const job = await loadBatchJob(scenario);
  return runBatchJob({
    ...rest,
    job,
    ...(mutant ? { checkpointSteps: batchStepsFor(mutant) } : {}),
    jobRef: portableJobRef(scenario),
    ...((opts.executors ?? 0) > 0 ? { executorEntry: executorEntry('batch') } : {}),
  });
}
