/**
 * The identity of the engine build this process runs: a hash of the contents of every module that
 * can change a failure-free output (the engine, the scenarios, the harness code that drives them),
 * the dependency lock file and the Node version. A rebuilt engine gets a new identity, so an
 * on-disk reference computed by an older build is never reused. Contents, not mtimes: tsc rewrites
 * unchanged files, and an identical rebuild may keep its references.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The code trees under the module root (dist/ when compiled, the repository under vitest). */
const CODE_DIRS = ['engine', 'scenarios', 'mutants', 'runtime', 'harness'];
const CODE_FILE = /\.(?:js|mjs|cjs|ts|mts|json)$/;

function codeFiles(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const files: string[] = [];
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) files.push(...codeFiles(p));
    else if (e.isFile() && CODE_FILE.test(e.name) && !e.name.endsWith('.d.ts')) files.push(p);
  }
  return files;
}

/** The nearest directory at or above `dir` that holds a package.json, if any. */
function projectRoot(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** Hash of the code under `root` (its engine/, scenarios/, mutants/, runtime/, harness/), the lock file and Node's version. */
export function computeEngineIdentity(root: string): string {
  const hash = createHash('sha256').update(`node ${process.version}\0`);
  const files = CODE_DIRS.flatMap((d) => codeFiles(path.join(root, d))).sort();
  for (const file of files) {
    hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  const project = projectRoot(root);
  const lock = project && path.join(project, 'package-lock.json');
  if (lock && fs.existsSync(lock)) hash.update('package-lock.json\0').update(fs.readFileSync(lock));
  return hash.digest('hex').slice(0, 32);
}

/** This module sits at <root>/harness/oracle/. */
const moduleRoot = fileURLToPath(new URL('../../', import.meta.url));
let identity: string | undefined;
let override: string | undefined;

/** The running build's identity, computed once per process. */
export function engineIdentity(): string {
  if (override !== undefined) return override;
  identity ??= computeEngineIdentity(moduleRoot);
  return identity;
}

/** Tests: pretend to be another build (a rebuilt engine); undefined restores the real identity. */
export function overrideEngineIdentity(id: string | undefined): void {
  override = id;
}
