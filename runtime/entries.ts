/**
 * Paths of the runtime's compiled process entries. Child processes (engine processes, executors)
 * always run compiled JavaScript, also when the parent runs from the TypeScript sources (tests), so
 * a missing build is a UserError saying to build.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../engine/errors.js';

/** `rel` like `runtime/main.js` → `<package>/dist/runtime/main.js` (or beside this file when compiled). */
export function compiledRuntimeEntry(rel: string): string {
  // This file is <pkg>/runtime/ in the sources and <pkg>/dist/runtime/ compiled.
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const candidates = [path.join(root, rel), path.join(root, 'dist', rel)];
  const found = candidates.find((c) => fs.existsSync(c) && c.endsWith('.js'));
  if (found === undefined) throw new UserError(`${candidates[1]} is missing: build first with \`npm run build\` (spawned processes run compiled JS)`);
  return found;
}

/** The executor process entry of a job kind. */
export function executorEntry(kind: 'streaming' | 'batch'): string {
  return compiledRuntimeEntry(kind === 'streaming' ? 'runtime/streaming-executor-main.js' : 'runtime/batch-executor-main.js');
}

/** The slim engine process entry (`node <this> run --scenario ...`). */
export function engineEntry(): string {
  return compiledRuntimeEntry('runtime/main.js');
}
