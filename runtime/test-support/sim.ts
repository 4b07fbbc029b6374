/**
 * Test helper: engine/streaming/test-support/sim.ts with the job named by reference (a bundled name
 * or a module path) and the mutant composed by the runtime, as `chaos run --mode sim` does.
 */
import { memoryStores, referenceRows as engineReferenceRows, runWithFaults as engineRunWithFaults, type SimOutcome } from '../../engine/streaming/test-support/sim.js';
import { loadStreamingJob } from '../jobs.js';
import { readRecords } from '../records.js';
import { partsFor } from '../compose.js';
import type { JobStreamingRunOptions } from '../run-job.js';
import type { StreamingRunOptions } from '../../engine/streaming/run.js';

export { memoryStores, type SimOutcome };

async function resolve(opts: JobStreamingRunOptions): Promise<StreamingRunOptions> {
  const { scenario, records, ...rest } = opts;
  return { ...rest, job: await loadStreamingJob(scenario), ...(records !== undefined ? { records: readRecords(records) } : {}) };
}

export async function runWithFaults(opts: JobStreamingRunOptions, faults: Array<string | undefined>, stores = memoryStores(), maxIncarnations = 30): Promise<SimOutcome> {
  return engineRunWithFaults(await resolve(opts), faults, stores, maxIncarnations, partsFor(opts.mutant).protocol);
}

export async function referenceRows(opts: JobStreamingRunOptions): Promise<string[]> {
  return engineReferenceRows(await resolve(opts), partsFor(opts.mutant).protocol);
}
