/**
 * How a correct engine must cut the bounded input into micro-batches, written down independently of
 * the engine from the documented protocol (DESIGN.md "Streaming", engine source docs):
 * - record i of n goes to partition fnv1a(key) % partitions and becomes available before batch
 *   floor(i * growthBatches / n), unless it pins its `partition` / `arrivalBatch` (recorded input);
 * - batch N takes everything available when that fits in maxBatchRecords; otherwise each
 *   partition gets its proportional share floor(pending * max / total), and the remainder goes one
 *   record at a time round-robin from partition 0 to partitions with records left;
 * - the batch that reaches the end of every partition is the last one (endOfInput);
 * - the watermark of batch 0 is 0; after a batch with input it becomes
 *   max(watermark, max event time of the batch - delay); without a delay it stays 0.
 */

export interface ModelRecord {
  key: string;
  value: unknown;
  eventTimeMs: number;
  /** Recorded input may pin the partition and the first batch that may read the record. */
  partition?: number;
  arrivalBatch?: number;
}

export interface ModelBatch {
  batchId: number;
  /** Records in engine read order: partition by partition, offsets ascending. */
  records: ModelRecord[];
  watermarkMs: number;
  endOfInput: boolean;
}

export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Records each partition contributes to a batch of at most `max` records. */
export function share(pending: readonly number[], max: number): number[] {
  const total = pending.reduce((a, b) => a + b, 0);
  if (total <= max) return [...pending];
  const take = pending.map((n) => Math.floor((n * max) / total));
  let left = max - take.reduce((a, b) => a + b, 0);
  for (let p = 0; left > 0; p = (p + 1) % pending.length) {
    if (take[p]! < pending[p]!) {
      take[p]!++;
      left--;
    }
  }
  return take;
}

export function microBatches(
  events: readonly ModelRecord[],
  o: { partitions: number; maxBatchRecords: number; growthBatches: number; watermarkDelayMs?: number },
): ModelBatch[] {
  const n = events.length;
  const growth = Math.max(1, o.growthBatches);
  const parts: Array<Array<ModelRecord & { availableBefore: number }>> = Array.from({ length: o.partitions }, () => []);
  events.forEach((e, i) => parts[e.partition ?? fnv1a(e.key) % o.partitions]!.push({ ...e, availableBefore: e.arrivalBatch ?? Math.floor((i * growth) / n) }));
  const pos = parts.map(() => 0);
  const availableEnd = parts.map(() => 0);
  const batches: ModelBatch[] = [];
  let watermark = 0;
  for (let batchId = 0; ; batchId++) {
    // availableBefore is non-decreasing within a partition: advance each partition's available end.
    const pending = parts.map((records, p) => {
      let end = availableEnd[p]!;
      while (end < records.length && records[end]!.availableBefore <= batchId) end++;
      availableEnd[p] = end;
      return end - pos[p]!;
    });
    const take = share(pending, o.maxBatchRecords);
    const records: ModelRecord[] = [];
    parts.forEach((recs, p) => {
      for (let i = pos[p]!; i < pos[p]! + take[p]!; i++) records.push(recs[i]!);
      pos[p]! += take[p]!;
    });
    const endOfInput = parts.every((recs, p) => pos[p]! >= recs.length);
    batches.push({ batchId, records, watermarkMs: watermark, endOfInput });
    if (o.watermarkDelayMs !== undefined && records.length > 0) {
      watermark = Math.max(watermark, Math.max(...records.map((r) => r.eventTimeMs)) - o.watermarkDelayMs);
    }
    if (endOfInput) return batches;
    if (batchId > 100_000) throw new Error('model: input never ends');
  }
}

/** JSON line with keys sorted, so model rows and engine rows compare regardless of key order. */
export function canonicalLine(row: unknown): string {
  if (row && typeof row === 'object' && !Array.isArray(row)) {
    const keys = Object.keys(row);
    let flat = true;
    for (const k of keys) {
      const v = (row as Record<string, unknown>)[k];
      if (v !== null && typeof v === 'object') {
        flat = false;
        break;
      }
    }
    // Flat rows (the common case): a sorted key list as the replacer is exact and fast.
    if (flat) return JSON.stringify(row, keys.sort());
  }
  return JSON.stringify(row, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export function canonicalLines(lines: readonly string[]): string[] {
  return lines.map((l) => canonicalLine(JSON.parse(l))).sort();
}
