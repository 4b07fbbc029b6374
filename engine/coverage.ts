/**
 * Coverage points: named places in the engine's recovery and retention code that record "this
 * path ran", modelled on FoundationDB simulation's coverage marks (TEST() / CODE_PROBE). A chaos
 * run sums them over its trials and reports every point with its count, so a path the generated
 * trials never reach is visible as such instead of passing silently.
 *
 * A point is reported as a `coverage.hit` event the first time an incarnation reaches it (a point
 * can sit on a per-batch path; one event per incarnation keeps the History small). The harness
 * counts those events, in process mode and in simulation alike, and never looks inside the engine.
 *
 * Disarmed (the normal case for a user's run) `hit` returns at its first line: one boolean check,
 * no lookup, no allocation. Armed by `--coverage` / env `CHAOS_COVERAGE=1`, or by the simulation.
 *
 * Every point the engine marks is listed in COVERAGE_POINTS (names are stable: add, never rename);
 * `hit` with an unlisted name is a type error.
 */
import type { EventSink } from './events.js';

export interface CoveragePointInfo {
  name: string;
  /** The path, one line: what happened for this mark to be reached. */
  description: string;
}

/** Every coverage point of the streaming engine, in the order recovery meets them. */
export const COVERAGE_POINTS = [
  { name: 'recovery.torn-metadata-fresh-start', description: 'metadata unreadable and no batch planned yet: the query starts fresh' },
  { name: 'recovery.torn-commit-ignored', description: 'the newest commit file is unreadable: its batch counts as not committed and runs again' },
  { name: 'recovery.torn-offsets-ignored', description: 'the newest offsets file is unreadable: its batch counts as not planned and is planned again' },
  { name: 'recovery.already-finished', description: 'a restart found the bounded input already fully committed' },
  { name: 'recovery.interrupted-once', description: 'this recovery follows a recovery that died before catching up' },
  { name: 'recovery.interrupted-twice', description: 'this recovery follows two recoveries in a row that died before catching up' },
  { name: 'retention.deleted-then-restart', description: 'a restart found that retention had already deleted the beginning of the write-ahead log' },
  { name: 'recovery.fallback-older-state', description: 'a newer state version was unreadable or incomplete: an older complete version was loaded instead' },
  { name: 'recovery.fallback-wal-removed', description: 'a state version was skipped because retention had removed the write-ahead log needed to replay from it' },
  { name: 'recovery.state-from-scratch', description: 'no state version was usable (none written yet, e.g. checkpoint interval > batches run): state rebuilt from version 0 by replaying the whole log' },
  { name: 'recovery.state-from-delta-chain', description: 'the loaded state version was rebuilt from a snapshot (or version 0) plus one or more deltas' },
  { name: 'recovery.replay-from-wal', description: 'committed batches were re-run from their logged ranges to rebuild state (no output)' },
  { name: 'recovery.replay-beyond-snapshot', description: 'batches were replayed on top of a state version that itself came from a delta chain: the rebuilt state is more than one file away from its snapshot' },
  { name: 'recovery.replay-beyond-retention', description: 'more batches were replayed than --retain-batches keeps: only the state-chain rule kept that write-ahead log' },
  { name: 'recovery.watermark-restored', description: 'an event-time watermark above 0 was restored from the commit log' },
  { name: 'recovery.rerun-uncommitted', description: 'a batch planned before the crash but never committed was re-run with exactly its logged range' },
  { name: 'retention.kept-for-chain', description: 'retention kept files older than the retain window because the newest state still loads from them' },
  { name: 'retention.window-empty', description: 'retention kept no batch behind the newest state (--retain-batches 0)' },
  { name: 'state.snapshot-written', description: 'a full state snapshot was written (every --snapshot-every versions, or when every key changed)' },
  { name: 'state.delta-written', description: 'a state delta was written on top of an older version' },
] as const satisfies readonly CoveragePointInfo[];

export type CoveragePoint = (typeof COVERAGE_POINTS)[number]['name'];

export const COVERAGE_POINT_NAMES: readonly CoveragePoint[] = COVERAGE_POINTS.map((p) => p.name);

export class Coverage {
  /** Points this incarnation reached, each once. */
  private readonly reachedPoints = new Set<CoveragePoint>();

  /** `events` receives one `coverage.hit` per point the first time it is reached; undefined = disarmed. */
  constructor(private readonly events: EventSink | undefined) {}

  static disarmed(): Coverage {
    return DISARMED;
  }

  get armed(): boolean {
    return this.events !== undefined;
  }

  /** The engine took the path named `point`. */
  hit(point: CoveragePoint): void {
    if (this.events === undefined) return;
    if (this.reachedPoints.has(point)) return;
    this.reachedPoints.add(point);
    this.events.emit({ type: 'coverage.hit', point });
  }

  /** Points reached so far by this incarnation. */
  reached(): ReadonlySet<CoveragePoint> {
    return this.reachedPoints;
  }
}

const DISARMED = new Coverage(undefined);

/** Whether an engine process arms its coverage points: `--coverage`, or env CHAOS_COVERAGE=1. */
export function coverageArmed(flag: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return flag === true || env.CHAOS_COVERAGE === '1';
}
