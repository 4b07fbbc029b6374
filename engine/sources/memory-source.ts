/** The in-memory equivalent of the log source (simulation mode): same records, same availability. */
import type { SourceRecord, StreamSource } from '../streaming/source.js';
import { availableAt, finalOffsetsOf, type PartitionedLog } from './partitioned-log.js';

export class MemorySource implements StreamSource {
  readonly kind: string = 'log';
  readonly partitions: number;

  constructor(protected log: PartitionedLog, private readonly description: string) {
    this.partitions = log.partitions.length;
  }

  describe(): string {
    return this.description;
  }

  async availableOffsets(batchId: number): Promise<number[]> {
    return availableAt(this.log, batchId);
  }

  async finalOffsets(): Promise<number[]> {
    return finalOffsetsOf(this.log);
  }

  async read(partition: number, from: number, to: number): Promise<SourceRecord[]> {
    const records = this.log.partitions[partition];
    if (!records) throw new Error(`source has no partition ${partition}`);
    return records.slice(from, to);
  }

  async close(): Promise<void> {}
}
