/**
 * pagerank — an iterative job with a long lineage: every iteration joins the (cached, hash
 * partitioned) link table with the current ranks and sums the contributions with a shuffle.
 * `checkpointEvery` k marks every k-th iteration's ranks (named `ranks-<i>`) for a reliable
 * checkpoint, which cuts the lineage and lets a re-run after a crash resume from it. The whole job
 * is one action, so it sets checkpointAllMarkedAncestors (Spark's default would checkpoint only the
 * last marked iteration).
 *
 * Ranks are integers in millionths and contributions are floored, so the result is exact and does
 * not depend on the order in which the engine adds contributions (floating point would).
 */
import { defineBatchJob, mulberry32, type BatchContext, type BatchInput, type BatchParams, type BatchPlan } from '../../engine/job/index.js';
import { mix, sliceOf, withDefaults } from './random.js';

export interface PageRankRow {
  page: number;
  /** Rank in millionths. */
  rank: number;
}

const SCALE = 1_000_000;
const BASE = 150_000; // (1 - 0.85) * SCALE
const defaults = { partitions: 4, iterations: 10, checkpointEvery: 3 };

function outLinks(seed: number, pages: number, page: number): number[] {
  const degree = 1 + (mix(seed, 1, page) % 4);
  const next = mulberry32(mix(seed, 2, page));
  const targets: number[] = [];
  for (let i = 0; i < degree; i++) targets.push(Math.floor(next() * pages));
  return targets;
}

function pageCount(size: number): number {
  return Math.max(2, Math.floor(size));
}

const damp = (sum: number) => BASE + Math.floor((sum * 85) / 100);

function build(ctx: BatchContext, input: BatchInput): BatchPlan<PageRankRow> {
  const p = withDefaults(defaults, input.params);
  const pages = pageCount(input.size);
  const links = ctx
    .generate(p.partitions, (part) => {
      const [start, end] = sliceOf(pages, p.partitions, part);
      const rows: [number, number[]][] = [];
      for (let page = start; page < end; page++) rows.push([page, outLinks(input.seed, pages, page)]);
      return rows;
    })
    .partitionBy(p.partitions)
    .setName('links')
    .cache();
  let ranks = links.mapValues(() => SCALE);
  for (let i = 1; i <= p.iterations; i++) {
    const contributions = links.join(ranks).flatMap(([, [targets, rank]]) => {
      const share = Math.floor(rank / targets.length);
      return targets.map((t) => [t, share] as [number, number]);
    });
    ranks = contributions.reduceByKey((a, b) => a + b, p.partitions).mapValues(damp).setName(`ranks-${i}`);
    if (p.checkpointEvery > 0 && i % p.checkpointEvery === 0) ranks.checkpoint();
  }
  return { dataset: ranks.map(([page, rank]) => ({ page, rank })), action: 'saveAsJsonLines' };
}

export function referenceResult(seed: number, size: number, params?: Partial<BatchParams>): PageRankRow[] {
  const p = withDefaults(defaults, params);
  const pages = pageCount(size);
  const links = new Map<number, number[]>();
  for (let page = 0; page < pages; page++) links.set(page, outLinks(seed, pages, page));
  let ranks = new Map<number, number>();
  for (const page of links.keys()) ranks.set(page, SCALE);
  for (let i = 1; i <= p.iterations; i++) {
    const sums = new Map<number, number>();
    for (const [page, rank] of ranks) {
      const targets = links.get(page);
      if (targets === undefined) continue;
      const share = Math.floor(rank / targets.length);
      for (const t of targets) sums.set(t, (sums.get(t) ?? 0) + share);
    }
    ranks = new Map([...sums].map(([page, sum]) => [page, damp(sum)]));
  }
  return [...ranks].map(([page, rank]) => ({ page, rank }));
}

export const pagerank = defineBatchJob<PageRankRow>({
  name: 'pagerank',
  description: 'iterative PageRank on a generated link graph: long lineage, shuffle per iteration, checkpoint every k iterations',
  defaults: { size: 2000, params: defaults },
  build,
  checkpointAllMarkedAncestors: true,
  referenceResult,
});

export default pagerank;
