/**
 * The steps of the batch engine's reliable checkpoint that a known-bad variant (a batch mutant,
 * mutants/batch/) may replace — the batch engine's counterpart of the streaming
 * StreamingProtocol seam. The correct steps are below; a mutant returns them with one step
 * broken, so the correct path carries no bug switches.
 *
 *   writePart        executor: make one computed partition durable under its part key BEFORE the
 *                    task reports success (the driver cuts the lineage once every part is reported)
 *   onJobStart       driver, before a job's tasks: nothing (a manifest is written only after all parts)
 *   findNamed        driver: a named dataset's complete checkpoint from an earlier run (manifest,
 *                    and every part present with a valid checksum), or nothing
 *   lostShuffleOutput driver: what a lost executor's shuffle output becomes — 'recompute' (forget
 *                    it; the map tasks run again), never read as if it were there
 */
import type { CheckpointStore } from '../checkpoint/store.js';
import { encodePart, findNamedCheckpoint, type ReuseLookup } from './checkpoint-files.js';
import type { Dataset } from './dataset.js';

type AnyDataset = Dataset<unknown>;

export interface BatchCheckpointSteps {
  writePart(store: CheckpointStore, key: string, rows: readonly unknown[]): Promise<number>;
  onJobStart(job: { store: CheckpointStore | undefined; runId: string; jobKey: string; final: AnyDataset }): Promise<void>;
  findNamed(store: CheckpointStore, lookup: { name: string; fingerprint: string; numPartitions: number; datasetId: number; runId: string }): Promise<ReuseLookup>;
  lostShuffleOutput: 'recompute' | 'read-empty';
}

export const correctBatchSteps: BatchCheckpointSteps = {
  async writePart(store, key, rows) {
    const bytes = encodePart(rows, key);
    await store.put(key, bytes, { kind: 'dataset' });
    return bytes.length;
  },
  async onJobStart() {},
  findNamed: (store, l) => findNamedCheckpoint(store, l.name, l.fingerprint, l.numPartitions),
  lostShuffleOutput: 'recompute',
};
