/**
 * How a person re-runs the `chaos` CLI from where they are: printed replay and regenerate commands
 * must work when pasted (`npx chaos` does not resolve a project's own bin).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const cliJs = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cli.js');

export function chaosCommand(cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, cliJs);
  return `node ${rel.startsWith('..') ? cliJs : rel}`;
}
