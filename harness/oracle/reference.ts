/**
 * The failure-free reference: the same scenario, input and config run once without faults, in
 * this process over memory stores — with the trial's mutant, if any: a mutant is judged against
 * its own failure-free output. Cached by a hash of everything that determines the output, so
 * thousands of trials over a few inputs pay for it once: in memory for this process, and on disk
 * (see reference-disk-cache.ts) for the next `chaos` invocation over the same engine build.
 */
import { createHash } from 'node:crypto';
import { MemoryCheckpointStore } from '../../engine/index.js';
import { Failpoints } from '../../engine/index.js';
import { nullEventSink } from '../../engine/index.js';
import { runStreamingJob } from '../../runtime/run-job.js';
import { readStreamingRows as readOutputRows } from './output-readers.js';
import type { TrialSpec } from '../history.js';
import { streamingRunOptions } from '../trial/engine-options.js';
import { engineIdentity } from './engine-identity.js';
import { defaultReferenceCacheDir, ReferenceDiskCache } from './reference-disk-cache.js';

const MAX_ENTRIES = 2000;
const cache = new Map<string, string[]>();
const diskCaches = new Map<string, ReferenceDiskCache>();

export interface ReferenceStats {
  /** Failure-free engine runs (references and determinism re-runs). */
  engineRuns: number;
  memoryHits: number;
  diskHits: number;
}
const stats: ReferenceStats = { engineRuns: 0, memoryHits: 0, diskHits: 0 };

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
    // They never change a correct engine's output, but a mutant's reference runs with them too.
    snapshotEvery: c.snapshotEvery ?? null,
    retainBatches: c.retainBatches ?? null,
    sink: c.sink,
    mutant: c.mutant ?? null,
    params: spec.params ?? null,
  };
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 24);
}

/** JSON with object keys sorted, so that a spec read from a replay file hashes like the generated one. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/**
 * The on-disk key: conservative, it holds the whole spec except the fault schedule and the
 * determinism flag (every config field, even those the in-memory reference ignores today), the
 * mutant (a mutant never shares the correct engine's entries) and the engine build's identity.
 */
export function diskReferenceKey(spec: TrialSpec): string {
  const key = {
    engine: engineIdentity(),
    scenario: spec.scenario,
    kind: spec.kind,
    seed: spec.seed,
    input: spec.input,
    params: spec.params ?? null,
    config: spec.config,
    mutant: spec.config.mutant ?? null,
  };
  return createHash('sha256').update(canonicalJson(key)).digest('hex').slice(0, 32);
}

function diskCache(): ReferenceDiskCache | undefined {
  const dir = defaultReferenceCacheDir();
  if (!dir) return undefined;
  let c = diskCaches.get(dir);
  if (!c) diskCaches.set(dir, (c = new ReferenceDiskCache(dir)));
  return c;
}

/** Run the scenario once without faults (never cached). */
export async function runFailureFree(spec: TrialSpec): Promise<string[]> {
  stats.engineRuns++;
  if (spec.kind === 'batch') return (await import('../trial/batch.js')).batchFailureFree(spec);
  const failpoints = Failpoints.disarmed();
  const checkpoint = new MemoryCheckpointStore('memory://reference-checkpoint', { failpoints });
  const output = new MemoryCheckpointStore('memory://reference-output', { failpoints });
  // The reference is the rows, not where they go: a Kafka or S3 sink's output is judged against
  // the same rows written by the files sink in memory (the append sink keeps its own kind).
  const opts = streamingRunOptions(spec);
  const sink = opts.sink === 'append' ? 'append' : 'files';
  await runStreamingJob({ ...opts, sink }, { checkpoint, output, failpoints, events: nullEventSink });
  return readOutputRows(output);
}

/**
 * The reference of `spec`. With `spec.checkDeterminism` it is always computed afresh (and stored):
 * the determinism check compares two real runs, never a run with a cached answer.
 */
export async function referenceOutput(spec: TrialSpec): Promise<string[]> {
  const key = referenceKey(spec);
  // A mutant's reference is its own failure-free output, which may differ run to run (the
  // non-deterministic-operator mutant): kept in memory for this process only, never on disk.
  const disk = spec.config.mutant ? undefined : diskCache();
  const diskKey = disk && diskReferenceKey(spec);
  if (!spec.checkDeterminism) {
    const hit = cache.get(key);
    if (hit) {
      stats.memoryHits++;
      return hit;
    }
    const stored = disk && diskKey ? disk.get(diskKey) : undefined;
    if (stored) {
      stats.diskHits++;
      remember(key, stored);
      return stored;
    }
  }
  const rows = await runFailureFree(spec);
  remember(key, rows);
  if (disk && diskKey) disk.put(diskKey, rows);
  return rows;
}

function remember(key: string, rows: string[]): void {
  cache.delete(key);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, rows);
}

/** Forget the in-memory references (the disk cache stays; remove its directory to drop it). */
export function clearReferenceCache(): void {
  cache.clear();
}

/** Counters since the process started (or the last reset): how references were obtained. */
export function referenceStats(): ReferenceStats {
  return { ...stats };
}

export function resetReferenceStats(): void {
  stats.engineRuns = 0;
  stats.memoryHits = 0;
  stats.diskHits = 0;
}
