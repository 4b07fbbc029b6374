/**
 * The few filesystem calls a durable write needs, behind one interface, so that a store or a sink
 * can run over the real calls, over a "lazy" filesystem that loses what was not fsynced when the
 * process crashes (like Jepsen's lazyfs), or over a mutant that forgets a step.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FsIo {
  /** Create or replace the file with `data`; not durable until fsyncFile. */
  writeFile(file: string, data: Uint8Array): void;
  fsyncFile(file: string): void;
  rename(from: string, to: string): void;
  /**
   * Publish `from` as `to` only when `to` does not exist yet: true when published, false when `to`
   * already exists (nothing changed; `from` is left in place). Atomic on POSIX (link(2) fails with
   * EEXIST, then the temp name is unlinked) — the "rename without overwrite" that HDFS gives Spark's
   * offset and commit logs, so two writers of one write-once file cannot both win. Optional: an
   * FsIo without it falls back to an existence check before rename (not atomic).
   */
  renameNoReplace?(from: string, to: string): boolean;
  /** Make a rename or creation in `dir` durable. */
  fsyncDir(dir: string): void;
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export const realFsIo: FsIo = {
  writeFile(file, data) {
    // Write first, create the directory only when missing: a recursive mkdir on every write costs
    // syscalls on the hot path (two puts per micro-batch) for a directory that exists after the first.
    try {
      fs.writeFileSync(file, data);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      createDirDurably(path.dirname(file));
      fs.writeFileSync(file, data);
    }
  },
  fsyncFile: fsyncPath,
  rename(from, to) {
    fs.renameSync(from, to);
  },
  renameNoReplace(from, to) {
    try {
      fs.linkSync(from, to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    fs.unlinkSync(from);
    return true;
  },
  fsyncDir: fsyncPath,
};

/**
 * mkdir -p, then fsync the parent of every directory it created, so the new directory entries
 * survive a crash like the files later renamed into them (fsyncDir makes only the leaf's entries durable).
 */
function createDirDurably(dir: string): void {
  const first = fs.mkdirSync(dir, { recursive: true });
  if (first === undefined) return; // created concurrently by someone else
  for (let d = dir; ; d = path.dirname(d)) {
    fsyncPath(path.dirname(d));
    if (d === first || path.dirname(d) === d) break;
  }
}

export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}
