/**
 * Where the real services installed by `npm run services:install` live, and whether one is there.
 * The install root is `${CHAOS_SERVICES_DIR:-<project>/.services}`; a component is installed when
 * `<root>/<component>/ready.json` exists — the install scripts write it last, only when complete,
 * so a half-finished install reads as "not installed". This is the ONLY way the harness finds a
 * service: nothing is looked up on PATH or guessed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './dist-entry.js';

export type ServiceComponent = 'kafka' | 'seaweedfs' | 'spark';

/** What a test or a `--services` decision says when a component is missing: the exact fix. */
export const NOT_INSTALLED = 'not installed: run npm run services:install';

export interface InstalledService {
  component: ServiceComponent;
  version: string;
  /** Absolute paths the component script recorded (jars, binaries, ...). */
  paths: Record<string, string>;
}

export function servicesRoot(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.CHAOS_SERVICES_DIR?.trim();
  return path.resolve(dir ? dir : path.join(repoRoot(), '.services'));
}

/** The component's ready.json, or undefined when it is not (completely) installed. */
export function findInstalled(component: ServiceComponent, env: NodeJS.ProcessEnv = process.env): InstalledService | undefined {
  const file = path.join(servicesRoot(env), component, 'ready.json');
  let parsed: Partial<InstalledService>;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<InstalledService>;
  } catch {
    return undefined;
  }
  if (parsed.component !== component || typeof parsed.version !== 'string' || !parsed.paths) return undefined;
  // A ready.json whose files were removed since is not an installation.
  if (!Object.values(parsed.paths).every((p) => typeof p !== 'string' || !path.isAbsolute(p) || fs.existsSync(p))) return undefined;
  return { component, version: parsed.version, paths: parsed.paths };
}

/** Like findInstalled, but a missing component is an Error whose message is the fix. */
export function requireInstalled(component: ServiceComponent, env: NodeJS.ProcessEnv = process.env): InstalledService {
  const found = findInstalled(component, env);
  if (!found) throw new Error(`${component} ${NOT_INSTALLED} (looked in ${path.join(servicesRoot(env), component)})`);
  return found;
}
