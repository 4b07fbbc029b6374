/** How a dataset depends on its parents: narrow (a partition reads known parent partitions) or shuffle. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a dependency holds a parent of any row type
import type { Dataset } from './dataset.js';
import type { HashPartitioner } from './keys.js';

export interface Aggregator<V, C> {
  createCombiner(value: V): C;
  mergeValue(combiner: C, value: V): C;
  mergeCombiners(a: C, b: C): C;
}

/** Partition p of the child reads partition p of the parent. */
export interface OneToOneDependency {
  kind: 'one-to-one';
  dataset: Dataset<any>;
}

/** Child partitions [outStart, outStart+length) read parent partitions [inStart, ...) (union). */
export interface RangeDependency {
  kind: 'range';
  dataset: Dataset<any>;
  inStart: number;
  outStart: number;
  length: number;
}

/** A stage boundary: every child partition reads one block from every map partition of the parent. */
export interface ShuffleDependency {
  kind: 'shuffle';
  dataset: Dataset<any>;
  shuffleId: number;
  partitioner: HashPartitioner;
  /** Combine on the map side with `aggregator.mergeValue` (then the reduce side uses mergeCombiners). */
  aggregator: Aggregator<unknown, unknown> | undefined;
  mapSideCombine: boolean;
}

export type NarrowDependency = OneToOneDependency | RangeDependency;
export type Dependency = NarrowDependency | ShuffleDependency;

/** The parent partitions that child partition `p` reads through a narrow dependency. */
export function parentPartition(dep: NarrowDependency, p: number): number | undefined {
  if (dep.kind === 'one-to-one') return p;
  return p >= dep.outStart && p < dep.outStart + dep.length ? p - dep.outStart + dep.inStart : undefined;
}
