/**
 * An executor's memory: shuffle map outputs it wrote and dataset partitions it cached or locally
 * checkpointed. It dies with the executor process; the driver only knows where blocks are.
 */
import type { ShuffleBlock } from './task-context.js';

export class BlockStore {
  private readonly shuffles = new Map<string, ShuffleBlock[]>();
  private readonly blocks = new Map<string, unknown[]>();

  putShuffle(shuffleId: number, map: number, buckets: ShuffleBlock[]): void {
    this.shuffles.set(`${shuffleId}:${map}`, buckets);
  }

  getShuffle(shuffleId: number, map: number, reduce: number): ShuffleBlock | undefined {
    return this.shuffles.get(`${shuffleId}:${map}`)?.[reduce];
  }

  putBlock(datasetId: number, partition: number, rows: unknown[]): void {
    this.blocks.set(`${datasetId}:${partition}`, rows);
  }

  getBlock(datasetId: number, partition: number): unknown[] | undefined {
    return this.blocks.get(`${datasetId}:${partition}`);
  }

  clear(): void {
    this.shuffles.clear();
    this.blocks.clear();
  }
}
