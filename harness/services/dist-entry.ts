/**
 * Path of a compiled entry script in dist/, from code that runs either compiled (dist/…) or as
 * TypeScript source under vitest. Spawned processes always run compiled JS (Node 20 has no TS
 * stripping), so build first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../engine/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Repository root: the directory that holds package.json above this file (source or dist). */
export function repoRoot(): string {
  let dir = here;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${here}`);
    dir = up;
  }
  return dir;
}

/** `rel` like `harness/services/s3rver-main.js` → absolute path in dist/, checked to exist. */
export function distEntry(rel: string): string {
  const file = path.join(repoRoot(), 'dist', rel);
  if (!fs.existsSync(file)) {
    throw new UserError(`${file} is missing: build first with \`npm run build\` (spawned processes run compiled JS)`);
  }
  return file;
}
