/**
 * Committed output of an external target, as canonical rows (JSON lines re-serialised with sorted
 * keys, other lines trimmed), sorted. Which files count is the output reader's whole point:
 *
 * spark-file-sink — Spark's file sink is exactly-once only through its log `<out>/_spark_metadata/`:
 * a batch's files count once its log entry `N` (or a compaction `N.compact`, which repeats every
 * earlier entry) exists. A batch killed before that leaves part files in the directory that Spark
 * itself ignores on read; listing the directory would count them. So we read ONLY the listed files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { UserError } from '../../engine/index.js';

/** One row in canonical form: JSON with sorted keys, or the trimmed text line. */
export function canonicalRow(line: string): string {
  const t = line.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.stringify(sortKeys(JSON.parse(t)));
    } catch {
      return t;
    }
  }
  return t;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortKeys(o[k])]));
  }
  return v;
}

function rowsOf(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '').map(canonicalRow);
}

/** A `file:` URI or a plain path from a _spark_metadata entry, as a local path. */
function localPath(p: string): string {
  return p.startsWith('file:') ? fileURLToPath(p.replace(/^file:\/(?!\/)/, 'file:///')) : p;
}

/**
 * The files Spark's file sink committed: entries with action "add" from the newest compaction and
 * every later batch log, minus entries with action "delete". Returns [] when there is no log yet.
 */
export function sparkSinkFiles(outDir: string): string[] {
  const logDir = path.join(outDir, '_spark_metadata');
  let names: string[];
  try {
    names = fs.readdirSync(logDir).filter((n) => /^\d+(\.compact)?$/.test(n));
  } catch {
    return [];
  }
  const batches = names.map((n) => ({ n, id: Number.parseInt(n, 10), compact: n.endsWith('.compact') }));
  const newestCompact = Math.max(-1, ...batches.filter((b) => b.compact).map((b) => b.id));
  const used = batches.filter((b) => b.id >= newestCompact && (b.compact || b.id > newestCompact)).sort((a, b) => a.id - b.id);
  const files = new Map<string, boolean>();
  for (const b of used) {
    const lines = fs.readFileSync(path.join(logDir, b.n), 'utf8').split('\n');
    if (lines[0] !== 'v1') throw new Error(`unexpected _spark_metadata version in ${path.join(logDir, b.n)}: ${JSON.stringify(lines[0])}`);
    for (const line of lines.slice(1)) {
      if (!line.trim()) continue;
      const e = JSON.parse(line) as { path: string; action?: string };
      if (e.action === 'delete') files.delete(e.path);
      else files.set(e.path, true);
    }
  }
  return [...files.keys()].map(localPath);
}

export type ResolvedOutputReader =
  | { kind: 'spark-file-sink'; path: string }
  | { kind: 'plain'; path: string; pick: 'all' | 'latest' }
  | { kind: 'command'; command: string[] };

/** The committed rows, sorted. */
export async function readTargetOutput(reader: ResolvedOutputReader): Promise<string[]> {
  let rows: string[] = [];
  if (reader.kind === 'spark-file-sink') {
    for (const f of sparkSinkFiles(reader.path)) rows.push(...rowsOf(fs.readFileSync(f, 'utf8')));
  } else if (reader.kind === 'plain') {
    rows = readPlain(reader.path, reader.pick);
  } else {
    const [cmd, ...args] = reader.command;
    const r = await execa(cmd!, args, { reject: false, timeout: 60_000 });
    if (r.exitCode !== 0) throw new UserError(`output command ${reader.command.join(' ')} failed (exit ${r.exitCode}): ${String(r.stderr).slice(0, 300)}`);
    rows = rowsOf(String(r.stdout));
  }
  return rows.sort();
}

/** Files under `dir` (recursively; names starting with . or _ are bookkeeping and skipped), all or the latest by name. */
function readPlain(dir: string, pick: 'all' | 'latest'): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  walk(dir);
  files.sort();
  const chosen = pick === 'latest' ? latestGroup(dir, files) : files;
  return chosen.flatMap((f) => rowsOf(fs.readFileSync(f, 'utf8')));
}

/** With pick latest: the files of the last top-level entry by name (a file, or a directory of part files). */
function latestGroup(dir: string, files: string[]): string[] {
  if (files.length === 0) return [];
  const top = (f: string) => path.relative(dir, f).split(path.sep)[0]!;
  const last = files.map(top).sort().at(-1)!;
  return files.filter((f) => top(f) === last);
}
