/**
 * Lineage as users see it: how deep the chain of dependencies is (down to a source or a checkpoint
 * cut) and a Spark-like `toDebugString`. Walks are iterative with memoisation, so a lineage of
 * thousands of datasets neither overflows the stack nor is printed exponentially often.
 */
import type { Dataset } from './dataset.js';

type AnyDataset = Dataset<unknown>;

/**
 * A depth-first walk over a lineage that meets each dataset once: iterate it, and `visit` the
 * datasets the walk should go on to (a caller stops at cuts, live caches, marked datasets...).
 */
export class LineageWalk implements Iterable<AnyDataset> {
  private readonly seen = new Set<number>();
  private readonly stack: AnyDataset[];

  constructor(root: AnyDataset) {
    this.stack = [root];
  }

  visit(ds: AnyDataset): void {
    this.stack.push(ds);
  }

  *[Symbol.iterator](): Iterator<AnyDataset> {
    while (this.stack.length > 0) {
      const ds = this.stack.pop()!;
      if (this.seen.has(ds.id)) continue;
      this.seen.add(ds.id);
      yield ds;
    }
  }
}

/**
 * The datasets a job on `root` checkpoints (Spark's RDD.doCheckpoint): walking from `root` toward
 * the sources, a dataset marked for checkpoint (and not cut yet) is a target, and the walk stops
 * there unless `allMarkedAncestors` (then it goes on, and ancestors come first in the result, as
 * Spark checkpoints parents before children). Cut datasets end the walk.
 */
export function checkpointTargets(root: AnyDataset, allMarkedAncestors: boolean): AnyDataset[] {
  const found: AnyDataset[] = [];
  const walk = new LineageWalk(root);
  for (const ds of walk) {
    if (ds.isCheckpointed) continue;
    if (ds.checkpointMark !== undefined) {
      found.push(ds);
      if (!allMarkedAncestors) continue;
    }
    for (const dep of ds.dependencies) walk.visit(dep.dataset);
  }
  // Ancestors first: ids grow in construction order, and a parent is built before its child.
  return found.sort((a, b) => a.id - b.id);
}

/**
 * Longest chain of dependencies from `root` down to a source or a cut. With `stopAtMarked`, a
 * dataset marked for checkpoint counts as a cut too (the job that computes it will cut there).
 */
export function lineageDepth(root: AnyDataset, stopAtMarked = false): number {
  const depth = new Map<number, number>();
  const stack: [AnyDataset, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [ds, expanded] = stack.pop()!;
    if (depth.has(ds.id) && ds.id !== -1) continue;
    const deps = stopAtMarked && ds !== root && ds.checkpointMark !== undefined ? [] : ds.dependencies;
    if (!expanded) {
      stack.push([ds, true]);
      for (const d of deps) if (!depth.has(d.dataset.id) || d.dataset.id === -1) stack.push([d.dataset, false]);
      continue;
    }
    let max = -1;
    for (const d of deps) max = Math.max(max, d.dataset.id === -1 ? 0 : depth.get(d.dataset.id) ?? 0);
    depth.set(ds.id, max + 1);
  }
  return depth.get(root.id) ?? 0;
}

function describe(ds: AnyDataset): string {
  const tags: string[] = [];
  if (ds.partitioner) tags.push(`partitioner ${ds.partitioner}`);
  if (ds.cached) tags.push('cached');
  if (ds.checkpointMark !== undefined && !ds.isCheckpointed) tags.push(`marked for ${ds.checkpointMark === 'reliable' ? 'checkpoint' : 'localCheckpoint'}`);
  if (ds.isCheckpointed) tags.push('lineage cut here');
  return `(${ds.numPartitions}) ${ds.label} ${ds.op}${tags.length ? ` [${tags.join(', ')}]` : ''}`;
}

export function toDebugString(root: AnyDataset): string {
  const lines = [`lineage depth ${lineageDepth(root)} of ${root.label}:`];
  const printed = new Set<number>();
  // (dataset, indent of its level, marker) in print order; ' +-' marks a shuffle boundary as in Spark.
  const stack: [AnyDataset, string, string][] = [[root, '', '']];
  while (stack.length > 0) {
    const [ds, level, marker] = stack.pop()!;
    if (ds.id !== -1 && printed.has(ds.id)) {
      lines.push(`${level}${marker}${ds.label} (shown above)`);
      continue;
    }
    printed.add(ds.id);
    lines.push(`${level}${marker}${describe(ds)}`);
    const childLevel = marker === ' +-' ? `${level}    ` : level;
    const deps = ds.dependencies;
    for (let i = deps.length - 1; i >= 0; i--) {
      const d = deps[i]!;
      stack.push([d.dataset, childLevel, d.kind === 'shuffle' ? ' +-' : ' |  ']);
    }
  }
  return lines.join('\n');
}
