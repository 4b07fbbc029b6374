/**
 * Failure-free references on disk, one file per key: `<dir>/<key>.json`, so that successive
 * `chaos run` / `replay` / `mutants` invocations over the same inputs and the same engine build pay
 * for a reference once. A cache is never trusted: a file that does not parse, has the wrong shape,
 * was written for another key or fails its checksum is a miss (and gets rewritten). A cache also
 * never fails a trial: an unwritable directory only costs the recomputation.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const FORMAT = 'chaos-reference-v1';

interface CacheFile {
  format: string;
  key: string;
  /** sha256 of the rows as JSON: a file damaged inside a string still parses, this catches it. */
  sha256: string;
  rows: string[];
}

function rowsDigest(rows: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

/** Where references go: `$CHAOS_CACHE_DIR/references`, default `out/.cache/references` (from the working directory). */
export function defaultReferenceCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['CHAOS_NO_CACHE'] === '1') return undefined;
  const root = env['CHAOS_CACHE_DIR'] || path.join('out', '.cache');
  return path.resolve(root, 'references');
}

/** Entries kept at most; beyond it the least recently used go (stale builds' entries are never used again). */
export const MAX_CACHE_ENTRIES = 4000;

export class ReferenceDiskCache {
  private warned = false;
  private pruned = false;

  constructor(
    readonly dir: string,
    private readonly maxEntries = MAX_CACHE_ENTRIES,
  ) {}

  fileFor(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  /** The rows stored under `key`, or undefined when absent or not trustworthy. */
  get(key: string): string[] | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.fileFor(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const f = JSON.parse(text) as Partial<CacheFile>;
      if (f.format !== FORMAT || f.key !== key || !Array.isArray(f.rows) || !f.rows.every((r) => typeof r === 'string')) return undefined;
      if (f.sha256 !== rowsDigest(f.rows)) return undefined;
      this.touch(key);
      return f.rows;
    } catch {
      return undefined;
    }
  }

  /** Store atomically (temp file + rename): a reader sees the old file, the new one or none, never half. */
  put(key: string, rows: readonly string[]): void {
    const file = this.fileFor(key);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const body: CacheFile = { format: FORMAT, key, sha256: rowsDigest(rows), rows: [...rows] };
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify(body));
      fs.renameSync(tmp, file);
      if (!this.pruned) this.prune();
    } catch (err) {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // The directory itself is unusable: there is no temp file to remove.
      }
      if (!this.warned) {
        this.warned = true;
        process.stderr.write(`chaos: cannot write the reference cache in ${this.dir} (${(err as Error).message}); continuing without it. Set CHAOS_CACHE_DIR to a writable directory or CHAOS_NO_CACHE=1.\n`);
      }
    }
  }

  /** A hit is a use: its mtime orders the pruning. */
  private touch(key: string): void {
    const now = new Date();
    try {
      fs.utimesSync(this.fileFor(key), now, now);
    } catch {
      // Read-only cache: it still answers, only its pruning order is off.
    }
  }

  /**
   * Once per process, on the first write: keep the newest `maxEntries` entries, drop the rest and
   * temp files a killed writer left behind. Each entry is small; this bounds the directory.
   */
  prune(): void {
    this.pruned = true;
    const entries: { file: string; mtimeMs: number }[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      const file = path.join(this.dir, name);
      try {
        const st = fs.statSync(file);
        if (name.endsWith('.tmp')) {
          if (Date.now() - st.mtimeMs > 60_000) fs.rmSync(file, { force: true });
        } else if (name.endsWith('.json')) entries.push({ file, mtimeMs: st.mtimeMs });
      } catch {
        // Removed by a concurrent process meanwhile.
      }
    }
    if (entries.length <= this.maxEntries) return;
    entries.sort((a, b) => b.mtimeMs - a.mtimeMs);
    for (const { file } of entries.slice(this.maxEntries)) fs.rmSync(file, { force: true });
  }
}
