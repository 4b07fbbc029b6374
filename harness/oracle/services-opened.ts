/**
 * What each engine incarnation of a trial actually opened — from its own `services.opened` event —
 * against what the trial asked for. A harness that reports a test it did not run is the worst
 * defect it can have: once `chaos run --source kafka` started engines that read the local log and
 * still printed "all properties held" with a report naming Kafka. This check makes that impossible
 * to repeat: any difference fails the run with exit 2 (harness/commands/run.ts).
 *
 * Only process mode has engine processes that open services; an incarnation killed before it
 * opened anything reports nothing and is not judged, but a passing trial that asked for S3 or
 * Kafka must have at least one incarnation that says it opened them.
 */
import type { EngineEvent } from '../../engine/index.js';
import type { History, TrialConfig } from '../history.js';

export interface OpenedServices {
  store: string;
  source: string;
  sink: string;
  sinkGuarantee?: string;
}

export interface TrialServicesOpened {
  trialId: string;
  asked: OpenedServices;
  /** Per incarnation (index), what it opened; null when it reported nothing (killed before opening). */
  incarnations: (OpenedServices | null)[];
  /** Differences from what was asked, one line each; empty when everything matched. */
  mismatches: string[];
}

/** `kafka:<topic>:<partitions>` → kafka; the local log → log. */
function sourceKind(described: string): string {
  return described.split(':')[0] ?? described;
}

export function openedOf(events: readonly EngineEvent[]): OpenedServices | null {
  const e = events.find((x): x is Extract<EngineEvent, { type: 'services.opened' }> => x.type === 'services.opened');
  return e ? { store: e.store, source: sourceKind(e.source), sink: e.sink, sinkGuarantee: e.sinkGuarantee } : null;
}

export function askedOf(config: TrialConfig, kind: 'streaming' | 'batch'): OpenedServices {
  return { store: config.store, source: kind === 'batch' ? 'log' : config.source, sink: config.sink };
}

export function checkServicesOpened(h: History): TrialServicesOpened {
  const kind = h.kind;
  const asked = askedOf(h.config, kind);
  const incarnations = h.incarnations.map((inc) => openedOf(inc.events));
  const mismatches: string[] = [];
  incarnations.forEach((opened, i) => {
    if (!opened) return;
    for (const field of ['store', 'source', 'sink'] as const) {
      // Batch jobs read generated input: their source is not a service.
      if (field === 'source' && kind === 'batch') continue;
      if (opened[field] !== asked[field]) mismatches.push(`incarnation ${i} opened ${field} ${opened[field]}, the trial asked for ${asked[field]}`);
    }
  });
  const needsService = asked.store === 's3' || asked.sink === 's3' || asked.sink === 'kafka' || asked.source === 'kafka';
  // A trial that passed without any engine saying it opened the asked service did not test it. (One
  // that failed before opening — e.g. the service unreachable — is already a failure of its own.)
  if (needsService && h.ok && !incarnations.some((o) => o !== null)) {
    mismatches.push(`no incarnation reported which services it opened (services.opened), though the trial asked for store ${asked.store}, source ${asked.source}, sink ${asked.sink}`);
  }
  return { trialId: h.trialId, asked, incarnations, mismatches };
}
