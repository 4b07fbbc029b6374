/** The executor pool as the scheduler sees it: slots that run one task at a time, and block fetches. */
import type { BlockRequest, TaskResult, TaskSpec } from './protocol.js';

export interface ExecutorHandle {
  readonly id: number;
  readonly pid: number;
}

export interface ExecutorBackend {
  /** How many tasks can run at once. */
  readonly slots: number;
  /** The live executor of a slot, starting a (replacement) process when needed. */
  ensure(slot: number): Promise<ExecutorHandle>;
  isAlive(executorId: number): boolean;
  /** Rejects with ExecutorLostError (engine/executors/child-executor.ts) when the executor dies first. */
  runTask(executor: ExecutorHandle, spec: TaskSpec): Promise<TaskResult>;
  /** null for a block the executor does not hold. Rejects with ExecutorLostError. */
  fetchBlocks(executorId: number, requests: BlockRequest[]): Promise<(unknown[] | null)[]>;
  /** Called once per executor that died (not for those stopped on purpose). */
  onLost: ((executorId: number) => void) | undefined;
  stop(): Promise<void>;
}
