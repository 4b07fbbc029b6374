/**
 * One engine incarnation at a time: process mode and simulation implement this, and the restart
 * loop (restart-loop.ts) drives either the same way.
 */
import type { Fault, Incarnation, LostWritesCount, TrialSpec } from '../history.js';
import type { DeadAttemptFault, Planting } from '../faults/dead-attempt.js';

export interface IncarnationResult extends Incarnation {
  /** Died of the nemesis: a (real or simulated) SIGKILL, or the failure of an injected I/O error. Restart it. */
  killed: boolean;
}

export interface IncarnationDriver {
  readonly mode: 'process' | 'sim';
  /** Run incarnation `index` with `fault` armed (and partitions overridden for a changed-config restart). */
  run(index: number, fault: Fault | undefined, partitions: number): Promise<IncarnationResult>;
  /** After a kill, before the restart: what a crash takes away besides the process (unsynced writes, by directory). */
  afterKill(): LostWritesCount;
  /** Committed output rows, sorted. */
  readOutputs(): Promise<string[]>;
  /**
   * Damage state files of the checkpoint at rest (the corrupt-checkpoint fault): one file of the
   * newest state version, or every state file. Returns the keys damaged (none: no state yet, or a
   * store this driver cannot reach at rest).
   */
  corruptCheckpoint(scope: 'newest-state' | 'every-state' | 'stale-state'): Promise<string[]>;
  /**
   * The dead-attempt-files fault, before incarnation `index` starts: let a dead attempt of the next
   * batch under another batch plan leave its files (faults/dead-attempt.ts). Undefined when nothing
   * was planted; drivers that cannot reach the files at rest leave it out (the fault is not drawn there).
   */
  plantDeadAttempt?(fault: DeadAttemptFault, partitions: number): Promise<Planting | undefined>;
  /** Whether the checkpoint holds a query already (metadata written). */
  hasCheckpoint(): Promise<boolean>;
  dispose(): Promise<void>;
}

export type DriverFactory = (spec: TrialSpec, opts: { deadline: number }) => Promise<IncarnationDriver>;
