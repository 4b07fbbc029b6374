/**
 * Is there a container runtime (Docker, Podman, Colima, remote) Testcontainers can use? Checked
 * cheaply first — DOCKER_HOST, TESTCONTAINERS settings and the usual socket paths — so the common
 * "no Docker here" case never loads testcontainers; then confirmed with getContainerRuntimeClient(),
 * which throws "Could not find a working container runtime strategy" fast when none works.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withDeadline } from '../../engine/index.js';

export type RuntimeCheck = { available: true; via: string } | { available: false; reason: string };

export function candidateSockets(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = os.homedir();
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const runtimeDir = env.XDG_RUNTIME_DIR ?? (uid !== undefined ? `/run/user/${uid}` : undefined);
  return [
    '/var/run/docker.sock',
    path.join(home, '.docker/run/docker.sock'),
    path.join(home, '.docker/desktop/docker.sock'),
    path.join(home, '.colima/default/docker.sock'),
    path.join(home, '.rd/docker.sock'),
    ...(runtimeDir ? [path.join(runtimeDir, 'podman/podman.sock'), path.join(runtimeDir, 'docker.sock')] : []),
    '/run/podman/podman.sock',
  ];
}

/** A hint that a runtime might exist, or undefined when there is none to try. */
export function runtimeHint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.DOCKER_HOST) return `DOCKER_HOST=${env.DOCKER_HOST}`;
  if (env.TESTCONTAINERS_HOST_OVERRIDE || env.TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE) return 'TESTCONTAINERS_* override';
  const props = path.join(os.homedir(), '.testcontainers.properties');
  if (fs.existsSync(props) && /^(docker\.host|tc\.host)\s*=/m.test(fs.readFileSync(props, 'utf8'))) return props;
  return candidateSockets(env).find((p) => {
    try {
      return fs.statSync(p).isSocket();
    } catch {
      return false;
    }
  });
}

let cached: Promise<RuntimeCheck> | undefined;

export function detectContainerRuntime(env: NodeJS.ProcessEnv = process.env): Promise<RuntimeCheck> {
  cached ??= detect(env);
  return cached;
}

async function detect(env: NodeJS.ProcessEnv): Promise<RuntimeCheck> {
  const hint = runtimeHint(env);
  if (!hint) {
    return {
      available: false,
      reason: 'no container runtime: DOCKER_HOST is not set and no Docker or Podman socket exists (e.g. /var/run/docker.sock)',
    };
  }
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await withDeadline('container runtime check', 20_000, () => getContainerRuntimeClient());
    return { available: true, via: `${hint} (${client.info.containerRuntime.host})` };
  } catch (err) {
    return { available: false, reason: `container runtime at ${hint} does not work: ${(err as Error).message}` };
  }
}
