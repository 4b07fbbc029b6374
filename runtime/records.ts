/**
 * Recorded input (`--input FILE|DIR` on chaos commands, `--records` on `engine run`): JSON lines,
 * one record a line, fed to a job instead of its generated input:
 *
 *   {"key":"user-1","value":{"page":"/a"},"eventTimeMs":1700000000000,"partition":0,"arrivalBatch":0}
 *
 * `key` (string), `value` (any JSON) and `eventTimeMs` (number; `eventTime` as an ISO date or
 * number is accepted too) are required; `partition` (0 <= p < partitions) and `arrivalBatch` (the
 * first batch that may read it, non-decreasing within a partition) are optional — without them a
 * record goes to partition hash(key) and arrives by its position. A directory means every `*.jsonl`
 * file in it, in name order. Every mistake is a UserError naming the file and line.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../engine/errors.js';
import type { InputEvent, JsonValue } from '../engine/job/index.js';

export interface RecordedInput {
  /** What identifies the records in the checkpoint fingerprint: file name(s) and a content hash. */
  id: string;
  events: InputEvent[];
}

/** The record files a path names: the file, or a directory's *.jsonl files in name order. */
export function recordFiles(fileOrDir: string): string[] {
  if (!fs.existsSync(fileOrDir)) throw new UserError(`--input ${fileOrDir} does not exist (give a JSON-lines file or a directory of *.jsonl files)`);
  if (fs.statSync(fileOrDir).isFile()) return [path.resolve(fileOrDir)];
  const files = fs
    .readdirSync(fileOrDir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => path.resolve(fileOrDir, f));
  if (files.length === 0) throw new UserError(`--input ${fileOrDir} is a directory without *.jsonl files`);
  return files;
}

const cache = new Map<string, RecordedInput>();

/** The records of a file or directory, read and checked once per process per content. */
export function readRecords(fileOrDir: string): RecordedInput {
  const files = recordFiles(fileOrDir);
  const hash = createHash('sha256');
  const texts = files.map((f) => {
    const text = fs.readFileSync(f, 'utf8');
    hash.update(path.basename(f)).update('\0').update(text).update('\0');
    return text;
  });
  const digest = hash.digest('hex').slice(0, 16);
  const hit = cache.get(digest);
  if (hit) return hit;
  const events: InputEvent[] = [];
  files.forEach((file, i) => {
    texts[i]!.split('\n').forEach((line, n) => {
      if (line.trim() === '') return;
      events.push(parseRecord(line, `${file}:${n + 1}`));
    });
  });
  if (events.length === 0) throw new UserError(`--input ${fileOrDir} holds no records`);
  const input = { id: `sha256=${digest} records=${events.length}`, events };
  cache.set(digest, input);
  return input;
}

function parseRecord(line: string, where: string): InputEvent {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(line) as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`${where}: not JSON (${(err as Error).message})`);
  }
  if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new UserError(`${where}: a record must be a JSON object with key, value and eventTimeMs`);
  if (typeof r.key !== 'string') throw new UserError(`${where}: "key" must be a string`);
  if (!('value' in r)) throw new UserError(`${where}: "value" is missing`);
  const time = r.eventTimeMs ?? r.eventTime;
  const eventTimeMs = typeof time === 'string' ? Date.parse(time) : time;
  if (typeof eventTimeMs !== 'number' || !Number.isFinite(eventTimeMs)) throw new UserError(`${where}: "eventTimeMs" must be a number (ms since the epoch), or "eventTime" an ISO date`);
  const out: InputEvent = { key: r.key, value: r.value as JsonValue, eventTimeMs };
  for (const f of ['partition', 'arrivalBatch'] as const) {
    if (r[f] === undefined) continue;
    if (typeof r[f] !== 'number' || !Number.isInteger(r[f]) || (r[f] as number) < 0) throw new UserError(`${where}: "${f}" must be a whole number >= 0`);
    out[f] = r[f] as number;
  }
  return out;
}
