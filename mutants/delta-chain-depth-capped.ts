/**
 * State restore assumes a snapshot at most the default snapshot interval back: it follows at most
 * 9 deltas (`--snapshot-every` 10 means at most 9 deltas between snapshots) and takes whatever lies
 * beyond — older deltas and the snapshot — as empty. With the default interval a chain never gets
 * longer; with a rarer snapshot (`--snapshot-every` above 10) and a run long enough to write 10+
 * deltas after it, a restart silently loses the state those older files held.
 */
import { getJson } from '../engine/checkpoint/checked.js';
import { STREAMING_DEFAULTS } from '../engine/streaming/options.js';
import { stateKey } from '../engine/streaming/state-store.js';
import type { JsonValue } from '../engine/streaming/source.js';
import type { Mutant } from './index.js';

/** The bug: a constant derived from the default snapshot interval instead of the configured one. */
const MAX_DELTAS = STREAMING_DEFAULTS.snapshotEvery - 1;

interface DeltaFile {
  v: number;
  base: number;
  set: Array<[string, JsonValue]>;
  del: string[];
}

export const deltaChainDepthCapped: Mutant = {
  description: 'state restore follows at most 9 deltas (the default snapshot interval) and starts from empty state beyond them',
  realWorld:
    'a reader built on a config default instead of the configured value (Spark state store minDeltasForSnapshot / changelog restore bounds class): a restore that silently truncates a longer delta chain, so state older than the bound vanishes after a restart',
  apply(base) {
    return {
      ...base,
      protocol: {
        ...base.protocol,
        async loadState(ctx, maxVersion, lastCommitted) {
          const v = await base.protocol.loadState(ctx, maxVersion, lastCommitted);
          for (const op of ctx.states) {
            if (op.deltasSinceSnapshot <= MAX_DELTAS) continue;
            // Rebuild from the newest MAX_DELTAS deltas only, on an empty base.
            const parts: Map<string, JsonValue>[] = [];
            for (let p = 0; p < op.partitions; p++) {
              const chain: DeltaFile[] = [];
              for (let version = v; version > 0 && chain.length < MAX_DELTAS; ) {
                const delta = await getJson<DeltaFile>(ctx.checkpoint, stateKey(op.operator, p, version, 'delta'));
                if (!delta) break;
                chain.push(delta);
                version = delta.base;
              }
              const map = new Map<string, JsonValue>();
              for (const d of chain.reverse()) {
                for (const [k, value] of d.set) map.set(k, value);
                for (const k of d.del) map.delete(k);
              }
              parts.push(map);
            }
            op.restore(parts, v, op.chainStart, op.deltasSinceSnapshot);
          }
          return v;
        },
      },
    };
  },
};
