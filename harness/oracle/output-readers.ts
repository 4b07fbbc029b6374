/**
 * The harness's own readers of what an engine wrote, written against the documented output
 * formats and NOT sharing code with the sinks they judge (engine/sinks, engine/batch/output.ts):
 * a bug in a sink's encoding or a reader it ships cannot hide behind a shared reader.
 *
 * Streaming output: every `*.jsonl` object whose path has no '.'-named segment (temp files and the
 * private source log start with '.'), one JSON row per line; rows are compared as sorted lines.
 * Batch output: `.success` (JSON with `parts`) written last, then `part-NNNNN.jsonl` for
 * parts 0..parts-1; an output without `.success` did not finish.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../engine/index.js';

/** What the readers need from a store (memory, S3 or a directory): list keys, get bytes. */
export interface ReadableOutput {
  readonly location: string;
  list(prefix: string): Promise<string[]>;
  get(key: string): Promise<Uint8Array | undefined>;
}

/** A directory read with node:fs directly. */
export function directoryOutput(dir: string): ReadableOutput {
  return {
    location: dir,
    async list(prefix: string) {
      const keys: string[] = [];
      const walk = (abs: string, rel: string) => {
        if (!fs.existsSync(abs)) return;
        for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
          const key = rel ? `${rel}/${e.name}` : e.name;
          if (e.isDirectory()) walk(path.join(abs, e.name), key);
          else if (key.startsWith(prefix)) keys.push(key);
        }
      };
      walk(dir, '');
      return keys.sort();
    },
    async get(key: string) {
      const file = path.join(dir, ...key.split('/'));
      return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
    },
  };
}

const asOutput = (o: string | ReadableOutput): ReadableOutput => (typeof o === 'string' ? directoryOutput(o) : o);

function isCommittedRowFile(key: string): boolean {
  return key.endsWith('.jsonl') && !key.split('/').some((segment) => segment.startsWith('.'));
}

function linesOf(bytes: Uint8Array): string[] {
  return Buffer.from(bytes)
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');
}

/** A streaming job's committed rows, as JSON lines sorted. */
export async function readStreamingRows(output: string | ReadableOutput): Promise<string[]> {
  const store = asOutput(output);
  const lines: string[] = [];
  for (const key of await store.list('')) {
    if (!isCommittedRowFile(key)) continue;
    const bytes = await store.get(key);
    if (bytes) lines.push(...linesOf(bytes));
  }
  return lines.sort();
}

/** A batch job's rows (parts in order); UserError when the output is incomplete. */
export async function readBatchRows(output: string | ReadableOutput): Promise<unknown[]> {
  const store = asOutput(output);
  const success = await store.get('.success');
  if (success === undefined) throw new UserError(`output ${store.location} is incomplete: .success is missing (the job did not finish)`);
  const parts = Number((JSON.parse(Buffer.from(success).toString('utf8')) as { parts?: unknown }).parts);
  if (!Number.isInteger(parts) || parts < 0) throw new UserError(`output ${store.location}/.success does not say how many parts the output has`);
  const rows: unknown[] = [];
  for (let p = 0; p < parts; p++) {
    const key = `part-${String(p).padStart(5, '0')}.jsonl`;
    const bytes = await store.get(key);
    if (bytes === undefined) throw new UserError(`output part ${store.location}/${key} is missing although .success lists ${parts} parts`);
    for (const line of linesOf(bytes)) rows.push(JSON.parse(line));
  }
  return rows;
}

/** Rows as sorted JSON lines: the canonical form the checkers compare. */
export function sortedJsonLines(rows: readonly unknown[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

/** A batch job's output as sorted JSON lines. */
export async function readBatchLines(output: string | ReadableOutput): Promise<string[]> {
  return sortedJsonLines(await readBatchRows(output));
}
