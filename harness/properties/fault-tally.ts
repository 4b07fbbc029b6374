/**
 * Per fault kind, what a run armed and what actually struck — the table that tells a user whether
 * "all properties held" was earned. Counted per trial, so the numbers are self-consistent:
 *
 *   armed   trials whose fault schedule armed the kind (faultKindsOf: a fault of that kind, or
 *           lost writes on);
 *   struck  of those, trials in which it struck at least once (struck <= armed, always);
 *   strikes every strike in those trials (a trial may strike more than once: each kill with lost
 *           writes on is a lost-writes strike).
 *
 * A strike is a FaultHit recorded on an incarnation (the nemesis saw the failpoint fire, the kill
 * land, the storage go down; the restart loop saw the restart with other partitions refused and
 * the unsynced writes dropped after a kill). A hit of a kind the trial did not arm is not counted.
 */
import { FAULT_KINDS, type FaultKind, type History, type RunSummary, type TrialSpec } from '../history.js';
import { faultKindsOf } from './arbitraries.js';

export type FaultKindCount = RunSummary['faultKinds'][number];

export function emptyFaultTally(): FaultKindCount[] {
  return FAULT_KINDS.map((kind) => ({ kind, armed: 0, struck: 0, strikes: 0, trials: 0, hits: 0 }));
}

/** Adds one trial to the tally. */
export function tallyTrial(tally: FaultKindCount[], spec: TrialSpec, h: Pick<History, 'incarnations'>): void {
  for (const kind of faultKindsOf(spec)) {
    let row = tally.find((k) => k.kind === kind);
    if (!row) tally.push((row = { kind, armed: 0, struck: 0, strikes: 0, trials: 0, hits: 0 }));
    const strikes = h.incarnations.reduce((n, inc) => n + inc.faultsHit.filter((hit) => hit.kind === kind).length, 0);
    row.armed++;
    row.trials = row.armed;
    row.strikes += strikes;
    row.hits = row.strikes;
    if (strikes > 0) row.struck++;
  }
}

/** Kinds the run armed in some trial but that never struck in any. */
export function unstruckKinds(tally: readonly FaultKindCount[]): FaultKind[] {
  return tally.filter((k) => k.armed > 0 && k.struck === 0).map((k) => k.kind);
}
