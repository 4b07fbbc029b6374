/** An operator whose output depends on chance (like rand() in a UDF): a replayed batch differs from its first run. */
import type { Mutant } from './index.js';

export const nonDeterministicOperator: Mutant = {
  description: 'runBatch drops each input record with probability 2% (Math.random), differently on every run',
  realWorld: 'Spark non-deterministic expressions (rand(), uuid(), current_timestamp in UDFs) recomputed differently on replay',
  apply(base) {
    return {
      ...base,
      protocol: {
        ...base.protocol,
        async runBatch(ctx, plan) {
          const source = ctx.source;
          const flaky = {
            ...source,
            kind: source.kind,
            partitions: source.partitions,
            describe: () => source.describe(),
            availableOffsets: (b: number) => source.availableOffsets(b),
            finalOffsets: () => source.finalOffsets(),
            close: () => source.close(),
            read: async (p: number, from: number, to: number) => (await source.read(p, from, to)).filter(() => Math.random() >= 0.02),
          };
          return base.protocol.runBatch({ ...ctx, source: flaky }, plan);
        },
      },
    };
  },
};
