/**
 * Where the real backends come from (`--services`, `--store`, `--source`, `--sink`). The services
 * module (harness/services/index.ts) provides `resolveServices(opts)`; until it exists, only the
 * local defaults run and anything else is a clear usage error.
 */
import { UserError } from '../engine/index.js';
import type { RunServicesSummary } from './history.js';
import type { ServiceHandle } from './services/types.js';

export interface ServiceOptions {
  services: 'auto' | 'local' | 'containers' | 'external';
  store: 'fs' | 's3' | 'memory';
  source: 'log' | 'kafka';
  sink: 'files' | 's3' | 'kafka' | 'append';
  /** Put the TCP fault proxy in front of S3 so the nemesis can cut it off (storage-outage). */
  proxy?: boolean;
}

export interface ResolvedServices {
  store: ServiceOptions['store'];
  source: ServiceOptions['source'];
  sink: ServiceOptions['sink'];
  /** Extra `chaos engine run` arguments every incarnation gets (e.g. the S3 endpoint). */
  engineArgs?: string[];
  /** Extra environment every engine process gets. */
  env?: Record<string, string>;
  /** A line for people: what was picked and why. */
  description?: string;
  /** Machine-readable: what was picked and why. */
  summary?: RunServicesSummary;
  /** The S3 server, when the run has one: the nemesis kills/restarts it and cuts it off through its proxy. */
  storage?: ServiceHandle;
  /** The Kafka broker, when the run has one it owns: the nemesis kills and restarts it (broker-restart). */
  broker?: ServiceHandle;
  close(): Promise<void>;
}

type ServicesModule = { resolveServices?: (opts: ServiceOptions) => Promise<ResolvedServices> };

export async function resolveServicesOrDefault(opts: ServiceOptions): Promise<ResolvedServices> {
  let mod: ServicesModule | undefined;
  try {
    mod = (await import(new URL('./services/index.js', import.meta.url).href)) as ServicesModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
  }
  if (mod?.resolveServices) return mod.resolveServices(opts);
  const bad: string[] = [];
  if (opts.services !== 'auto' && opts.services !== 'local') bad.push(`--services ${opts.services}`);
  if (opts.store !== 'fs' && opts.store !== 'memory') bad.push(`--store ${opts.store}`);
  if (opts.source !== 'log') bad.push(`--source ${opts.source}`);
  if (opts.sink !== 'files' && opts.sink !== 'append') bad.push(`--sink ${opts.sink}`);
  if (bad.length > 0) {
    throw new UserError(`${bad.join(', ')} is not available in this build: only local services (--store fs, --source log, --sink files|append) are wired up`);
  }
  return { store: opts.store, source: opts.source, sink: opts.sink, description: 'local (fs store, local log source)', async close() {} };
}
