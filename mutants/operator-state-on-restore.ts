/**
 * A seam for mutants of one kind of stateful operator: after the correct loadState, rewrite the
 * restored state of every operator whose description starts with `kind` (e.g. 'dropDuplicates(').
 * `rewrite` returns a key's value to keep (possibly changed) or undefined to lose the key.
 */
import type { JsonValue } from '../engine/streaming/source.js';
import { statefulStages } from '../engine/streaming/query.js';
import { partitionOf } from '../engine/streaming/random.js';
import type { EngineParts } from './index.js';

export function rewriteRestoredState(base: EngineParts, kind: string, rewrite: (value: JsonValue) => JsonValue | undefined): EngineParts {
  return {
    ...base,
    protocol: {
      ...base.protocol,
      async loadState(ctx, maxVersion, lastCommitted) {
        const version = await base.protocol.loadState(ctx, maxVersion, lastCommitted);
        statefulStages(ctx.query).forEach((stage, i) => {
          if (!stage.describe.startsWith(kind)) return;
          const op = ctx.states[i]!;
          const parts: Map<string, JsonValue>[] = Array.from({ length: op.partitions }, () => new Map());
          const keys = [...op.keys()];
          for (const k of keys) {
            const v = rewrite(op.get(k)!);
            if (v !== undefined) parts[partitionOf(k, op.partitions)]!.set(k, v);
          }
          op.restore(parts, op.durableVersion, op.chainStart, op.deltasSinceSnapshot);
        });
        return version;
      },
    },
  };
}

