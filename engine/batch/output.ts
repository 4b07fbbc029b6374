/**
 * Job output as JSON lines: `part-NNNNN.jsonl` per partition, each written atomically, rows in a
 * canonical order (sorted by their JSON text) so that equal results are byte-equal files; then
 * `.success` (bookkeeping names start with '.') listing how many parts belong to the output.
 * Readers trust `.success`, so a stale part of an older, wider run is never read.
 */
import { FsCheckpointStore } from '../checkpoint/fs-store.js';
import type { CheckpointStore } from '../checkpoint/store.js';
import { Failpoints } from '../failpoints.js';
import { UserError } from '../errors.js';

export const SUCCESS_KEY = '.success';

export interface OutputSummary {
  parts: number;
  rows: number;
  bytes: number;
}

export function outputPartKey(partition: number): string {
  return `part-${String(partition).padStart(5, '0')}.jsonl`;
}

/** Rows as sorted JSON lines (the canonical form the oracle compares). */
export function canonicalLines(rows: readonly unknown[]): string[] {
  const lines = rows.map((r) => JSON.stringify(r));
  lines.sort();
  return lines;
}

export function encodeJsonLines(rows: readonly unknown[]): Uint8Array {
  const lines = canonicalLines(rows);
  return Buffer.from(lines.length === 0 ? '' : lines.join('\n') + '\n');
}

export async function writeSuccess(store: CheckpointStore, summary: OutputSummary): Promise<void> {
  const existing = await store.list('part-');
  const stale = existing.filter((k) => /^part-\d+\.jsonl$/.test(k) && Number(k.slice(5, -6)) >= summary.parts);
  if (stale.length > 0) await store.delete(stale);
  await store.put(SUCCESS_KEY, Buffer.from(JSON.stringify(summary) + '\n'), { kind: 'sink' });
}

/**
 * All rows of a finished output (a directory or a store), parts in order. Throws a UserError when
 * the output is incomplete (no `.success`: the job did not finish) or a part is missing.
 */
export async function readJsonLinesOutput(output: string | CheckpointStore): Promise<unknown[]> {
  const store = typeof output === 'string' ? new FsCheckpointStore(output, { failpoints: Failpoints.disarmed() }) : output;
  const success = await store.get(SUCCESS_KEY);
  if (success === undefined) {
    throw new UserError(`output ${store.location} is incomplete: ${SUCCESS_KEY} is missing (the job did not finish); run the job again`);
  }
  const summary = JSON.parse(Buffer.from(success).toString('utf8')) as OutputSummary;
  const rows: unknown[] = [];
  for (let p = 0; p < summary.parts; p++) {
    const bytes = await store.get(outputPartKey(p));
    if (bytes === undefined) throw new UserError(`output part ${store.location}/${outputPartKey(p)} is missing although ${SUCCESS_KEY} lists ${summary.parts} parts`);
    for (const line of Buffer.from(bytes).toString('utf8').split('\n')) if (line !== '') rows.push(JSON.parse(line));
  }
  return rows;
}
