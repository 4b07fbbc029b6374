/**
 * Where a command may write: checked BEFORE any work starts, so a five-minute run never ends in a
 * stack trace because its report directory turned out to be a file, and a path under /proc never
 * spins a process at 100 % CPU writing into a kernel file.
 *
 * A path is accepted when every component that already exists is a directory (the target itself
 * too, for a directory; for a file, its parent), the deepest existing one is writable, and none of
 * it lies on a special filesystem (procfs, sysfs, devices, cgroups, ...). What does not exist yet
 * is created later by the writer. This check must NOT create anything: a refused command leaves
 * the filesystem as it found it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors.js';

/** Kernel filesystems nothing should write reports or checkpoints into (statfs f_type magic numbers). */
const SPECIAL_FS_TYPES = new Map<number, string>([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x73636673, 'securityfs'],
  [0x74726163, 'tracefs'],
  [0x6165676c, 'pstore'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
]);

/** Device and kernel trees refused by name too (devtmpfs reports the same magic as an ordinary tmpfs). */
const SPECIAL_ROOTS = ['/proc', '/sys', '/dev'];
/** Except shared memory, an ordinary tmpfs under /dev. */
const ALLOWED_UNDER_SPECIAL = ['/dev/shm'];

function within(p: string, root: string): boolean {
  return p === root || p.startsWith(root + path.sep);
}

/** The special filesystem `p` (an existing path) lies on, or undefined. */
function specialFilesystem(p: string): string | undefined {
  let real = p;
  try {
    real = fs.realpathSync(p);
  } catch {
    // keep p
  }
  if (!ALLOWED_UNDER_SPECIAL.some((a) => within(real, a))) {
    const root = SPECIAL_ROOTS.find((r) => within(real, r));
    if (root) return root;
  }
  try {
    const type = Number(fs.statfsSync(real).type);
    return SPECIAL_FS_TYPES.get(type);
  } catch {
    return undefined;
  }
}

/**
 * Checks that `p` can be a directory this command writes into (created when missing). Returns
 * the absolute path. `flag` names the option in the message, e.g. `--out`.
 */
export function checkOutputDir(p: string, flag: string): string {
  return checkOutputPath(p, flag, 'directory');
}

/** Checks that `p` can be a file this command writes (appends) to. Returns the absolute path. */
export function checkOutputFile(p: string, flag: string): string {
  return checkOutputPath(p, flag, 'file');
}

function checkOutputPath(p: string, flag: string, want: 'directory' | 'file'): string {
  if (typeof p !== 'string' || !p.trim()) throw new UserError(`${flag} needs a ${want} path`);
  if (p.includes('\0')) throw new UserError(`${flag} ${JSON.stringify(p)} contains a NUL byte; give a plain path`);
  const abs = path.resolve(p);
  const parts = abs.split(path.sep).filter(Boolean);
  let existing: string = path.sep;
  for (let i = 0; i < parts.length; i++) {
    const next = path.join(existing, parts[i]!);
    let st: fs.Stats;
    try {
      st = fs.statSync(next);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') break;
      if (code === 'ENOTDIR') throw new UserError(`${flag} ${p}: ${existing} is not a directory; pick a path under a directory`);
      if (code === 'EACCES') throw new UserError(`${flag} ${p}: ${existing} cannot be searched (permission denied); pick a directory you can write`);
      throw new UserError(`${flag} ${p}: cannot check ${next} (${code ?? (err as Error).message})`);
    }
    const isTarget = i === parts.length - 1;
    if (!st.isDirectory()) {
      if (isTarget && want === 'file') {
        if (!st.isFile()) throw new UserError(`${flag} ${p} exists and is not a regular file; pick a file path`);
        try {
          fs.accessSync(next, fs.constants.W_OK);
        } catch {
          throw new UserError(`${flag} ${p} is not writable; pick a file you can write`);
        }
        break;
      }
      if (isTarget) throw new UserError(`${flag} ${p} exists and is not a directory; pick a directory (it is created when missing)`);
      throw new UserError(`${flag} ${p}: ${next} is a file, not a directory; pick a path under a directory`);
    }
    if (isTarget && want === 'file') throw new UserError(`${flag} ${p} is a directory; give a file path`);
    existing = next;
  }
  const special = specialFilesystem(existing);
  if (special) throw new UserError(`${flag} ${p} is on ${special}, a special filesystem; write to an ordinary directory such as out/`);
  try {
    fs.accessSync(existing, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw new UserError(`${flag} ${p}: ${existing} is not writable; pick a directory you can write`);
  }
  return abs;
}
