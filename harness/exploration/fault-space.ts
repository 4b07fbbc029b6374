/**
 * The fault space a run explored: per fault kind and protocol step, how many trials had a fault of
 * that kind strike at that step. A step is where the engine was: the failpoint a fault fired at
 * (its first name part, e.g. `offsets` for `offsets.before-rename`), or for faults that strike from
 * outside (timers, executor and storage kills) the step of the engine's last event before it.
 */
import type { FaultKind, History, Incarnation, FaultHit } from '../history.js';
import type { EngineEvent } from '../../engine/index.js';

export interface FaultSpaceCell {
  kind: FaultKind;
  step: string;
  trials: number;
}

/** Protocol steps in the order a run meets them (streaming, then the batch engine's). */
export const PROTOCOL_STEPS = ['start', 'metadata', 'recovery', 'batch', 'offsets', 'state', 'sink', 'commits', 'retention', 'task', 'shuffle', 'dataset', 'manifest', 'job'] as const;

const FAILPOINT_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
/** Failpoint or event name prefixes that belong to another step's group. */
const ALIASES: Record<string, string> = { snapshot: 'state', 'recovery-attempts': 'recovery', engine: 'start', source: 'start', late: 'batch', executor: 'task', stage: 'job' };
/** Events that say nothing about where the protocol is. */
const NOT_A_STEP = new Set<EngineEvent['type']>(['coverage.hit', 'failpoint.fired', 'warning', 'service.retry', 'services.opened']);

export function stepOfName(name: string): string {
  const head = name.split('.')[0]!;
  return ALIASES[head] ?? head;
}

export function stepOf(hit: FaultHit, inc: Incarnation): string {
  const name = hit.failpoint?.name ?? (FAILPOINT_NAME.test(hit.where) ? hit.where : undefined);
  if (name) return stepOfName(name);
  let last: EngineEvent | undefined;
  for (const e of inc.events) {
    if (e.t > hit.at) break;
    if (!NOT_A_STEP.has(e.type)) last = e;
  }
  return last ? stepOfName(last.type) : 'start';
}

export class FaultSpaceTally {
  private readonly cells = new Map<string, FaultSpaceCell>();

  add(h: History): void {
    const seen = new Set<string>();
    for (const inc of h.incarnations) {
      for (const hit of inc.faultsHit) {
        // changed-partitions, corrupt-checkpoint and dead-attempt-files strike at the restart itself (the engine is down),
        // not at a protocol step; judging them by event timestamps raced at millisecond resolution.
        const step = hit.kind === 'changed-partitions' || hit.kind === 'corrupt-checkpoint' || hit.kind === 'dead-attempt-files' ? 'start' : stepOf(hit, inc);
        const key = `${hit.kind}\u0000${step}`;
        if (seen.has(key)) continue;
        seen.add(key);
        let cell = this.cells.get(key);
        if (!cell) this.cells.set(key, (cell = { kind: hit.kind, step, trials: 0 }));
        cell.trials++;
      }
    }
  }

  /** Cells with at least one trial, by step order then kind. */
  cellsInOrder(): FaultSpaceCell[] {
    const rank = (s: string) => {
      const i = (PROTOCOL_STEPS as readonly string[]).indexOf(s);
      return i < 0 ? PROTOCOL_STEPS.length : i;
    };
    return [...this.cells.values()].sort((a, b) => rank(a.step) - rank(b.step) || a.step.localeCompare(b.step) || a.kind.localeCompare(b.kind));
  }
}
