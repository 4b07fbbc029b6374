/**
 * The services a trial runs against, resolved the same way by `chaos run` and `chaos replay`:
 * `--services/--store/--source/--sink` (with the TCP fault proxy in front of S3 when the nemesis
 * may cut storage off), and what every engine process of a trial then gets from them.
 */
import type { Mode, TrialSpec } from '../history.js';
import type { ResolvedServices, ServiceOptions } from '../services-hook.js';
import type { TrialOptions } from './run-trial.js';

export type TrialServiceOptions = Pick<TrialOptions, 'engineArgs' | 'env' | 'storage' | 'broker'>;

/** Resolve the services (a UserError, exit 2, when they cannot be provided). Close them with `.close()`. */
export async function resolveTrialServices(opts: ServiceOptions): Promise<ResolvedServices> {
  const { resolveServicesOrDefault } = await import('../services-hook.js');
  return resolveServicesOrDefault(opts);
}

/** Engine arguments, environment and the storage handle every trial of the run passes to runTrial. */
export function trialServiceOptions(resolved: ResolvedServices): TrialServiceOptions {
  return {
    ...(resolved.engineArgs ? { engineArgs: resolved.engineArgs } : {}),
    ...(resolved.env ? { env: resolved.env } : {}),
    ...(resolved.storage ? { storage: resolved.storage } : {}),
    ...(resolved.broker ? { broker: resolved.broker } : {}),
  };
}

/** Does this trial talk to S3 or Kafka (so a replay must provide them again)? */
export function trialNeedsServices(spec: TrialSpec, mode: Mode): boolean {
  if (mode !== 'process') return false;
  const c = spec.config;
  return c.store === 's3' || c.sink === 's3' || c.source === 'kafka' || c.sink === 'kafka';
}

/** The service request that reproduces a trial: its recorded `--services` (auto for older files), store, source and sink. */
export function trialServiceRequest(spec: TrialSpec, mode: Mode): ServiceOptions {
  const c = spec.config;
  const storageOutage = spec.schedule.faults.some((f) => f.kind === 'storage-outage');
  return {
    services: c.services ?? 'auto',
    store: c.store,
    source: c.source,
    sink: c.sink,
    // The nemesis cuts S3 off through the proxy: a replay of such a trial needs it in front again.
    ...(mode === 'process' && c.store === 's3' && storageOutage ? { proxy: true } : {}),
  };
}
