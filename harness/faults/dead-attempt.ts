/**
 * The dead-attempt-files fault: a re-run of a batch after a crash must never keep files written by
 * the dead attempt in place of its own.
 *
 * Before a restart, the nemesis lets a real engine run be the dead attempt of the next batch N (the
 * one after the last commit): the same job, checkpoint and output, but another batch plan
 * (`--max-batch-records`), killed right after it published its state version N+1 and its output
 * part N (part-and-state), or its state version only (state-only). Its offsets/N are then removed —
 * they never became durable (lost, or written after the state) — so the restart plans batch N
 * itself, over another range, and finds complete, validly framed files of batch N that are not its
 * own. It must replace (or discard) them, or refuse naming one; a run that keeps them is a finding.
 *
 * To make the dead attempt the one that plans batch N, files of batches after the last commit are
 * first removed: the checkpoint as a crash right after commits/N-1 leaves it.
 */
import { parseStateKey } from '../../engine/index.js';
import type { EngineEvent } from '../../engine/index.js';
import type { Fault } from '../history.js';

export type DeadAttemptFault = Extract<Fault, { kind: 'dead-attempt-files' }>;

/** The two directories at rest (a checkpoint store's list/delete: fs and memory stores both have them). */
export interface RestStores {
  checkpoint: { list(prefix: string): Promise<string[]>; delete(keys: readonly string[]): Promise<void> };
  output: { list(prefix: string): Promise<string[]>; delete(keys: readonly string[]): Promise<void> };
}

/** How the dead attempt ended: killed at its failpoint (so its files are what it left), and its events. */
export interface GhostRun {
  killed: boolean;
  events: EngineEvent[];
  exit: string;
}

export interface Planting {
  /** The batch the dead attempt ran (last commit + 1). */
  batchId: number;
  /** Checkpoint keys and output keys it left behind (complete files). */
  planted: string[];
  /** Records of its batch (its plan), and how it ended. */
  records: number | undefined;
  exit: string;
}

const BATCH_KEY = /^(offsets|commits)\/(\d+)$/;
const PART_KEY = /^part-(\d{8,})\.jsonl$/;

function batchIds(keys: readonly string[], dir: 'offsets' | 'commits'): number[] {
  return keys.flatMap((k) => {
    const m = BATCH_KEY.exec(k);
    return m && m[1] === dir ? [Number(m[2])] : [];
  });
}

/** Files of batches after `lastCommitted`: offsets/commits, state versions > lastCommitted+1, output parts. */
async function filesAfter(stores: RestStores, lastCommitted: number): Promise<{ log: string[]; state: string[]; parts: string[] }> {
  const keys = await stores.checkpoint.list('');
  const log = keys.filter((k) => {
    const m = BATCH_KEY.exec(k);
    return m !== null && Number(m[2]) > lastCommitted;
  });
  // State version v is the state after batch v-1: batch lastCommitted+1 writes version lastCommitted+2.
  const state = keys.filter((k) => (parseStateKey(k)?.version ?? -1) > lastCommitted + 1);
  const parts = (await stores.output.list('')).filter((k) => {
    const m = PART_KEY.exec(k);
    return m !== null && Number(m[1]) > lastCommitted;
  });
  return { log, state, parts };
}

/** The kill that ends the dead attempt: after its sink published part N, or after its state, before the sink. */
export function ghostKill(f: DeadAttemptFault): Fault {
  return { kind: 'kill-failpoint', failpoint: f.scope === 'state-only' ? 'sink.begin' : 'sink.done', occurrence: 1 };
}

/**
 * Plants the dead attempt's files: rolls the checkpoint back to its last commit, runs the dead
 * attempt (`runGhost`: the engine under `ghostKill(f)` and `f.maxBatchRecords`), then removes its
 * offsets (and any commit). Undefined when nothing was planted (no commit log yet is fine; a query
 * already finished, or a dead attempt that did not die at its failpoint, plants nothing).
 */
export async function plantDeadAttempt(stores: RestStores, f: DeadAttemptFault, runGhost: (ghost: Fault) => Promise<GhostRun>): Promise<Planting | undefined> {
  const commits = batchIds(await stores.checkpoint.list('commits/'), 'commits');
  const lastCommitted = commits.length ? Math.max(...commits) : -1;
  const before = await filesAfter(stores, lastCommitted);
  await stores.checkpoint.delete([...before.log, ...before.state]);
  await stores.output.delete(before.parts);
  const ghost = await runGhost(ghostKill(f));
  const left = await filesAfter(stores, lastCommitted);
  // Its write-ahead log never became durable: the restart must plan the batch itself.
  await stores.checkpoint.delete(left.log);
  const batchId = lastCommitted + 1;
  const planned = ghost.events.find((e): e is Extract<EngineEvent, { type: 'batch.planned' }> => e.type === 'batch.planned' && e.batchId === batchId);
  const planted = [...left.state, ...left.parts];
  if (!ghost.killed || planted.length === 0) return undefined;
  return { batchId, planted, records: planned?.records, exit: ghost.exit };
}

/** The spec's job under the dead attempt's batch plan (and snapshot interval, when the fault sets one). */
export function ghostSpec<T extends { config: { maxBatchRecords: number; snapshotEvery?: number } }>(spec: T, f: DeadAttemptFault): T {
  return { ...spec, config: { ...spec.config, maxBatchRecords: f.maxBatchRecords, ...(f.snapshotEvery !== undefined ? { snapshotEvery: f.snapshotEvery } : {}) } };
}

/** One line for the fault hit: what the dead attempt left. */
export function describePlanting(p: Planting, f: DeadAttemptFault): string {
  const shown = p.planted.length <= 3 ? p.planted.join(', ') : `${p.planted.slice(0, 3).join(', ')} and ${p.planted.length - 3} more`;
  return `dead attempt of batch ${p.batchId} under --max-batch-records ${f.maxBatchRecords}${f.snapshotEvery !== undefined ? ` --snapshot-every ${f.snapshotEvery}` : ''} (${p.records ?? '?'} records) left ${shown}; its offsets/${p.batchId} never written`;
}
