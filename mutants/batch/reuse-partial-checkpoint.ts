/**
 * Reuses the named checkpoint a killed run left half written: with no manifest, it takes whatever
 * parts the newest earlier run wrote for the dataset, fills the missing ones with empty parts and
 * publishes a manifest for them. The rows of every part the killed run never wrote are lost.
 */
import { partKey, encodePart, writeManifest, type DatasetManifest } from '../../engine/batch/checkpoint-files.js';
import type { BatchMutant } from './types.js';

export const reusePartialCheckpoint: BatchMutant = {
  kind: 'batch',
  description: 'reuses a partial named checkpoint of a killed run (no manifest): missing parts become empty',
  realWorld: 'Spark streaming getOrCreate / Flink savepoint class: recovery picks the newest checkpoint directory without checking it is complete',
  faultKinds: ['kill-failpoint', 'kill-random', 'torn-write'],
  applyBatch(base) {
    return {
      ...base,
      async findNamed(store, l) {
        const found = await base.findNamed(store, l);
        if (found.found) return found;
        // The newest earlier run directory holding any part of this dataset.
        const parts = (await store.list('')).filter((k) => new RegExp(`^run-[^/]+/ds-${l.datasetId}/part-\\d+$`).test(k) && !k.startsWith(`${l.runId}/`));
        const runs = [...new Set(parts.map((k) => k.split('/')[0]!))].sort();
        const newest = runs[runs.length - 1];
        if (newest === undefined) return found;
        const where = `${newest}/ds-${l.datasetId}`;
        for (let p = 0; p < l.numPartitions; p++) {
          const key = partKey(where, p);
          if (!parts.includes(key)) await store.put(key, encodePart([], key), { kind: 'dataset' });
        }
        const manifest: DatasetManifest = { version: 1, where, datasetId: l.datasetId, name: l.name, fingerprint: l.fingerprint, parts: l.numPartitions, bytes: 0, rows: 0 };
        await writeManifest(store, manifest);
        return { found: true, manifest };
      },
    };
  },
};
