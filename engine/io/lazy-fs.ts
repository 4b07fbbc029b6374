/**
 * A filesystem that drops writes which were not made durable when the process crashes — the
 * behaviour that makes a missing fsync a real bug (cf. Jepsen's lazyfs, ext4's zero-length files).
 *
 * Every call is journaled synchronously to `<root>/.lazyfs-journal` (it must survive the SIGKILL
 * it simulates). After the crash, before the restart, `dropUnsyncedWrites(root)` undoes what a
 * real disk would have lost: renames whose directory was not fsynced go back to their old name,
 * and files whose data was not fsynced are truncated to zero bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { realFsIo, type FsIo } from './fs-io.js';

const JOURNAL = '.lazyfs-journal';

export function lazyFsIo(root: string, base: FsIo = realFsIo): FsIo {
  const journal = path.join(root, JOURNAL);
  const log = (op: string, ...paths: string[]) => {
    fs.mkdirSync(root, { recursive: true });
    fs.appendFileSync(journal, JSON.stringify([op, ...paths.map((p) => path.resolve(p))]) + '\n');
  };
  return {
    writeFile(file, data) {
      log('write', file);
      base.writeFile(file, data);
    },
    fsyncFile(file) {
      base.fsyncFile(file);
      log('fsync', file);
    },
    rename(from, to) {
      base.rename(from, to);
      log('rename', from, to);
    },
    renameNoReplace(from, to) {
      // Journaled like a rename: a crash before the directory fsync takes the new name back.
      const published = base.renameNoReplace ? base.renameNoReplace(from, to) : !fs.existsSync(to) && (base.rename(from, to), true);
      if (published) log('rename', from, to);
      return published;
    },
    fsyncDir(dir) {
      base.fsyncDir(dir);
      log('fsyncdir', dir);
    },
  };
}

/** Undo what a crash would have lost under `root`. Returns how many files or renames were lost. */
export function dropUnsyncedWrites(root: string): number {
  const journal = path.join(root, JOURNAL);
  if (!fs.existsSync(journal)) return 0;
  const synced = new Map<string, boolean>();
  let pendingRenames: Array<{ from: string; to: string }> = [];
  for (const line of fs.readFileSync(journal, 'utf8').split('\n')) {
    if (!line) continue;
    let entry: string[];
    try {
      entry = JSON.parse(line) as string[];
    } catch {
      continue; // torn last line
    }
    const [op, a, b] = entry as [string, string, string | undefined];
    if (op === 'write') synced.set(a, false);
    else if (op === 'fsync') synced.set(a, true);
    else if (op === 'rename' && b) {
      synced.set(b, synced.get(a) ?? true);
      synced.delete(a);
      pendingRenames.push({ from: a, to: b });
    } else if (op === 'fsyncdir') pendingRenames = pendingRenames.filter((r) => path.dirname(r.to) !== a);
  }
  let lost = 0;
  for (const r of pendingRenames.reverse()) {
    if (fs.existsSync(r.to)) {
      fs.renameSync(r.to, r.from);
      synced.set(r.from, synced.get(r.to) ?? true);
      synced.delete(r.to);
      lost++;
    }
  }
  for (const [file, ok] of synced) {
    if (!ok && fs.existsSync(file)) {
      fs.truncateSync(file, 0);
      lost++;
    }
  }
  fs.rmSync(journal, { force: true });
  return lost;
}
