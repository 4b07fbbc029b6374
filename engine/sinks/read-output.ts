/** Reads a sink's committed output back: every `*.jsonl` object outside '.'-named paths, lines sorted. */
import type { CheckpointStore } from '../checkpoint/store.js';

export function isOutputKey(key: string): boolean {
  return key.endsWith('.jsonl') && !key.split('/').some((segment) => segment.startsWith('.'));
}

export async function readOutputRows(output: CheckpointStore): Promise<string[]> {
  const lines: string[] = [];
  for (const key of await output.list('')) {
    if (!isOutputKey(key)) continue;
    const bytes = await output.get(key);
    if (!bytes) continue;
    for (const line of Buffer.from(bytes).toString('utf8').split('\n')) if (line) lines.push(line);
  }
  return lines.sort();
}
