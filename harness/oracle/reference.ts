/**
 * The failure-free reference: the same scenario, input and config run once without faults, in
 * this process over memory stores. Cached by a hash of everything that determines the output, so
 * thousands of trials over a few inputs pay for it once.
 */
import { createHash } from 'node:crypto';
import { MemoryCheckpointStore } from '../../engine/checkpoint/memory-store.js';
import { Failpoints } from '../../engine/failpoints.js';
import { nullEventSink } from '../../engine/events.js';
import { runStreamingQuery, readOutputRows } from '../../engine/streaming/run.js';
import type { TrialSpec } from '../history.js';
import { streamingRunOptions } from '../trial/engine-options.js';

const MAX_ENTRIES = 2000;
const cache = new Map<string, string[]>();

/** What determines a failure-free output: not the fault schedule, not the mode. */
export function referenceKey(spec: TrialSpec): string {
  const c = spec.config;
  const key = {
    scenario: spec.scenario,
    seed: spec.seed,
    input: spec.input,
    partitions: c.partitions,
    checkpointInterval: c.checkpointInterval,
    maxBatchRecords: c.maxBatchRecords,
    sink: c.sink,
    mutant: c.mutant ?? null,
    params: spec.params ?? null,
  };
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 24);
}

/** Run the scenario once without faults (never cached). */
export async function runFailureFree(spec: TrialSpec): Promise<string[]> {
  if (spec.kind === 'batch') return (await import('../trial/batch.js')).batchFailureFree(spec);
  const failpoints = Failpoints.disarmed();
  const checkpoint = new MemoryCheckpointStore('memory://reference-checkpoint', { failpoints });
  const output = new MemoryCheckpointStore('memory://reference-output', { failpoints });
  await runStreamingQuery(streamingRunOptions(spec), { checkpoint, output, failpoints, events: nullEventSink });
  return readOutputRows(output);
}

export async function referenceOutput(spec: TrialSpec): Promise<string[]> {
  const key = referenceKey(spec);
  const hit = cache.get(key);
  if (hit) return hit;
  const rows = await runFailureFree(spec);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, rows);
  return rows;
}

export function clearReferenceCache(): void {
  cache.clear();
}
