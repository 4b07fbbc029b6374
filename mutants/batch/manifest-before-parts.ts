/**
 * Publishes a named dataset's manifest (and its name pointer) when the job starts, before any part
 * is written, and reuses a named checkpoint on the manifest's word without reading its parts. A
 * run killed between the two leaves a manifest that lists parts that do not exist; the next run
 * trusts it and fails reading them (or, on a store that returns empty, reads nothing).
 */
import { checkpointDir, fingerprint, writeManifest, type DatasetManifest } from '../../engine/batch/checkpoint-files.js';
import { getJson } from '../../engine/checkpoint/checked.js';
import { LineageWalk } from '../../engine/batch/lineage.js';
import type { BatchMutant } from './types.js';

export const manifestBeforeParts: BatchMutant = {
  kind: 'batch',
  description: "publishes a named dataset's manifest before its parts, and reuses a checkpoint on the manifest's word",
  realWorld: 'Spark SPARK-15512 / Hadoop output committers class: the marker of a complete output written before (or without) the data files; readers trust the marker',
  faultKinds: ['kill-failpoint', 'kill-random'],
  applyBatch(base) {
    return {
      ...base,
      async onJobStart({ store, runId, jobKey, final }) {
        if (store === undefined) return;
        const walk = new LineageWalk(final);
        for (const ds of walk) {
          if (ds.checkpointMark === 'reliable' && ds.name !== undefined && !ds.isCheckpointed) {
            const where = checkpointDir(runId, ds.id);
            await writeManifest(store, { version: 1, where, datasetId: ds.id, name: ds.name, fingerprint: fingerprint(ds.name, jobKey, ds.numPartitions), parts: ds.numPartitions, bytes: 0, rows: 0 });
          }
          if (ds.isCheckpointed) continue;
          for (const dep of ds.dependencies) walk.visit(dep.dataset);
        }
      },
      async findNamed(store, l) {
        const pointer = await getJson<{ manifest: string }>(store, `names/${l.name}/${l.fingerprint}`).catch(() => undefined);
        const manifest = pointer ? await getJson<DatasetManifest>(store, pointer.manifest).catch(() => undefined) : undefined;
        if (manifest === undefined || manifest.parts !== l.numPartitions) return { found: false, reason: undefined };
        return { found: true, manifest };
      },
    };
  },
};
