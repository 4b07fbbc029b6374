/**
 * Files sink, exactly-once by batch id: batch N's rows go to one JSON-lines file `part-<N>.jsonl`,
 * published atomically (temp name, fsync, rename; put kind 'sink'). A replayed batch rewrites the
 * same name with the same rows, so it can never appear twice. Readers take `part-*.jsonl` only;
 * temp names begin with '.'. The part names double as the sink's durable record of committed
 * batches (committedThrough), which recovery checks against the checkpoint.
 */
import type { CheckpointStore } from '../checkpoint/store.js';
import type { Row, StreamSink } from '../streaming/sink.js';

export function partFileName(batchId: number): string {
  return `part-${String(batchId).padStart(8, '0')}.jsonl`;
}

const PART_RE = /^part-(\d{8,})\.jsonl$/;

export function encodeRows(rows: readonly Row[]): Buffer {
  let text = '';
  for (const r of rows) text += JSON.stringify(r) + '\n';
  return Buffer.from(text);
}

export class FilesSink implements StreamSink {
  readonly kind = 'files';
  readonly guarantee = 'exactly-once' as const;

  constructor(private readonly output: CheckpointStore) {}

  async addBatch(batchId: number, rows: readonly Row[]): Promise<void> {
    await this.output.put(partFileName(batchId), encodeRows(rows), { kind: 'sink' });
  }

  /**
   * Every batch publishes exactly one part file named by its id (also a batch of no rows), and
   * parts are never deleted: the part names are the sink's record of committed batches.
   */
  async committedThrough(): Promise<number> {
    const ids = new Set<number>();
    for (const key of await this.output.list('')) {
      const m = PART_RE.exec(key);
      if (m) ids.add(Number(m[1]));
    }
    let n = -1;
    while (ids.has(n + 1)) n++;
    return n;
  }

  async close(): Promise<void> {}
}
