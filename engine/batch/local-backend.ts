/**
 * executors: 0 — one executor inside the driver process, sharing the driver's graph. No
 * serialization, no processes; a crash failpoint here kills (or, in simulation, unwinds) the driver.
 */
import type { ExecutorBackend, ExecutorHandle } from './backend.js';
import { ExecutorRuntime, type RuntimeStores } from './task-runner.js';
import type { BlockRequest, TaskResult, TaskSpec } from './protocol.js';
import type { BatchContext } from './context.js';

export class LocalBackend implements ExecutorBackend {
  readonly slots = 1;
  readonly runtime: ExecutorRuntime;
  private readonly handle: ExecutorHandle = { id: 0, pid: process.pid };
  onLost: ((executorId: number) => void) | undefined;

  constructor(ctx: BatchContext, stores: RuntimeStores) {
    this.runtime = new ExecutorRuntime(ctx, 0, stores, ctx.failpoints);
  }

  async ensure(): Promise<ExecutorHandle> {
    return this.handle;
  }

  isAlive(): boolean {
    return true;
  }

  runTask(_executor: ExecutorHandle, spec: TaskSpec): Promise<TaskResult> {
    return this.runtime.runTask(spec);
  }

  async fetchBlocks(_executorId: number, requests: BlockRequest[]): Promise<(unknown[] | null)[]> {
    return this.runtime.getBlocks(requests);
  }

  async stop(): Promise<void> {
    this.runtime.blocks.clear();
  }
}
