/**
 * A failing trial as a story a person can follow: each process incarnation with when it ran, how it
 * ended, which fault struck where, what it recovered and replayed. A function of the History only.
 */
import type { EngineEvent } from '../engine/index.js';
import type { History, Incarnation } from '../harness/history.js';
import type { TimelineData } from './charts.js';

export interface IncarnationRow {
  index: number;
  pid: number | null;
  /** ms since the trial started. */
  startMs: number;
  endMs: number;
  /** refused: an incompatible restart the engine was expected to refuse (exit 2), and did. */
  outcome: 'finished' | 'killed' | 'refused' | 'failed' | 'hung';
  exit: string;
  /** The fault armed on this incarnation, in words. */
  armed: string | null;
  /** Where faults struck (failpoint names, event counts, executors). */
  hits: string[];
  /** Failpoints that fired (from the engine's failpoint.fired events). */
  failpoints: string[];
  /** What the restart found: e.g. "last commit 12, state v10". */
  recovered: string | null;
  /** What it replayed: e.g. "2 batches (11–12)". */
  replayed: string | null;
  caughtUpMs: number | null;
  batchesCommitted: number;
  fallbacks: string[];
  lostWrites: number | null;
  stderrTail: string | null;
}

type Ev<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;
function all<T extends EngineEvent['type']>(events: readonly EngineEvent[], type: T): Ev<T>[] {
  return events.filter((e): e is Ev<T> => e.type === type);
}

function describeFault(inc: Incarnation): string | null {
  const f = inc.fault;
  if (!f) return null;
  // Fault kinds grow with the nemesis: name the failpoint when there is one, else list the parameters.
  if ('failpoint' in f) return `${f.kind} at ${f.failpoint}:${f.occurrence}`;
  const params = Object.entries(f)
    .filter(([k]) => k !== 'kind')
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
  return params ? `${f.kind} (${params})` : f.kind;
}

export function incarnationRows(h: History): IncarnationRow[] {
  const t0 = h.incarnations[0]?.startedAt ?? h.startedAt;
  const livenessFailed = h.verdicts.some((v) => v.checker === 'liveness' && !v.ok);
  return h.incarnations.map((inc, i) => {
    const last = i === h.incarnations.length - 1;
    const refusalExpected = inc.fault?.kind === 'changed-partitions' || inc.fault?.kind === 'corrupt-checkpoint' || inc.fault?.kind === 'dead-attempt-files';
    const outcome: IncarnationRow['outcome'] =
      inc.exit.code === 0
        ? 'finished'
        : last && livenessFailed
          ? 'hung'
          : inc.exit.signal === 'SIGKILL'
            ? 'killed'
            : refusalExpected && inc.exit.code === 2
              ? 'refused'
              : 'failed';
    const started = all(inc.events, 'recovery.started')[0];
    const replayed = all(inc.events, 'recovery.replayed');
    const caught = all(inc.events, 'recovery.caught-up')[0];
    const replayedBatches = replayed.reduce((s, e) => s + e.batches, 0);
    return {
      index: inc.index,
      pid: inc.pid ?? null,
      startMs: inc.startedAt - t0,
      endMs: inc.endedAt - t0,
      outcome,
      exit: inc.exit.signal ? `signal ${inc.exit.signal}` : `exit ${inc.exit.code}`,
      armed: describeFault(inc),
      hits: inc.faultsHit.map((f) => `${f.kind} @ ${f.where}`),
      failpoints: all(inc.events, 'failpoint.fired').map((e) => `${e.name}:${e.occurrence}:${e.action}`),
      recovered: started
        ? `last planned ${started.lastPlanned}, last commit ${started.lastCommitted}, ${started.stateVersion < 0 ? 'no state yet' : `state v${started.stateVersion}`}`
        : null,
      replayed: replayed.length
        ? `${replayedBatches} batch${replayedBatches === 1 ? '' : 'es'}${replayed.map((e) => (e.batches ? ` (${e.fromBatch}–${e.toBatch})` : '')).join('')}`
        : null,
      caughtUpMs: caught ? caught.t - t0 : null,
      batchesCommitted: all(inc.events, 'batch.committed').length,
      fallbacks: all(inc.events, 'recovery.fallback').map((e) => `${e.file}: ${e.reason}`),
      lostWrites: inc.lostWrites ?? null,
      stderrTail: inc.stderrTail ?? null,
    };
  });
}

/**
 * The data of the timeline chart: bars per incarnation, fault and recovery marks, batch commits as
 * ticks. Process mode uses wall time; in simulation a whole trial takes a millisecond or two, so the
 * axis counts engine events instead (each incarnation one after the other).
 */
export function timelineData(h: History): TimelineData {
  const axis: TimelineData['axis'] = h.mode === 'sim' ? 'steps' : 'ms';
  const t0 = h.incarnations[0]?.startedAt ?? h.startedAt;
  const rows = incarnationRows(h);
  const label = (i: number) => `#${i}`;
  const data: TimelineData = { axis, bars: [], marks: [], commits: [] };
  let step = 0;
  h.incarnations.forEach((inc, i) => {
    const row = rows[i]!;
    const start = axis === 'ms' ? row.startMs : step;
    // A zero-length bar would be invisible: every incarnation is at least one unit long.
    const end = axis === 'ms' ? Math.max(row.endMs, row.startMs + 1) : step + Math.max(1, inc.events.length);
    const at = (e: EngineEvent) => (axis === 'ms' ? e.t - t0 : step + inc.events.indexOf(e) + 0.5);
    data.bars.push({ incarnation: label(inc.index), start, end, outcome: row.outcome });
    for (const e of all(inc.events, 'batch.committed')) data.commits.push({ incarnation: label(inc.index), at: at(e) });
    const fired = all(inc.events, 'failpoint.fired');
    for (const e of fired) data.marks.push({ incarnation: label(inc.index), at: at(e), what: e.name, kind: 'fault' });
    for (const f of inc.faultsHit) {
      // failpoint hits already have a failpoint.fired mark; others (random kills, executors) need one
      if (fired.some((e) => f.where.includes(e.name))) continue;
      data.marks.push({ incarnation: label(inc.index), at: axis === 'ms' ? f.at - t0 : end, what: f.where, kind: 'fault' });
    }
    for (const e of all(inc.events, 'recovery.replayed')) {
      data.marks.push({ incarnation: label(inc.index), at: at(e), what: `replayed ${e.batches}`, kind: 'recovered' });
    }
    for (const e of all(inc.events, 'recovery.caught-up')) {
      data.marks.push({ incarnation: label(inc.index), at: at(e), what: 'caught up', kind: 'caught-up' });
    }
    step = end;
  });
  return data;
}
