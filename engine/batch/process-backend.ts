/**
 * executors: N — N executor child processes (engine/executors/child-executor.ts: compiled JS from
 * dist/, IPC channel with structured clone). Each rebuilds the scenario's graph and runs tasks
 * shipped as (dataset id, partition).
 *
 * Executors are never left behind (see child-executor.ts). An executor that dies is reported
 * (`executor.lost`) and replaced by a new process with a new id the next time its slot gets a task.
 * Executor failpoints are armed only in executor 0 (the first process of slot 0), so a trial kills
 * one executor at an exact point and replacements run clean.
 */
import type { ExecutorBackend, ExecutorHandle } from './backend.js';
import type { BatchContext } from './context.js';
import type { BlockRequest, DriverMessage, ExecutorMessage, TaskResult, TaskSpec } from './protocol.js';
import { UserError } from '../errors.js';
import { storeRefOf } from './store-ref.js';
import { ChildExecutor, ExecutorLostError, ExecutorSlots, type ExecutorStartMessage } from '../executors/child-executor.js';

type Reply = Exclude<ExecutorMessage, ExecutorStartMessage>;
type ExecutorProcess = ChildExecutor<DriverMessage, Reply>;

export class ProcessBackend implements ExecutorBackend {
  readonly slots: number;
  onLost: ((executorId: number) => void) | undefined;
  private readonly executors: ExecutorSlots<DriverMessage, Reply>;
  private stopping = false;

  constructor(ctx: BatchContext) {
    this.slots = ctx.executorCount;
    const checkpoint = ctx.checkpointStore === undefined ? undefined : storeRefOf(ctx.checkpointStore);
    this.executors = new ExecutorSlots<DriverMessage, Reply>({
      entry: ctx.options.executorEntry!,
      role: 'executor',
      events: ctx.events,
      initMessage: (executorId, armFailpoints) => ({
        type: 'init',
        init: {
          executorId,
          scenario: ctx.options.scenario!,
          checkpoint: checkpoint,
          failpoints: armFailpoints ? (ctx.options.executorFailpoints ?? '') : '',
          jobKey: ctx.jobKey,
          graphSignature: ctx.graphSignature(),
        },
      }),
      replyValue: (reply) => (reply.type === 'result' ? reply.result : reply.blocks),
      onLost: (executorId) => this.onLost?.(executorId),
    });
  }

  async ensure(slot: number): Promise<ExecutorHandle> {
    if (this.stopping) throw new UserError('the batch context was stopped while a job was running');
    const proc = this.executors.live(slot);
    await proc.ready;
    return proc;
  }

  isAlive(executorId: number): boolean {
    return this.executors.find(executorId) !== undefined;
  }

  runTask(executor: ExecutorHandle, spec: TaskSpec): Promise<TaskResult> {
    const proc = executor as ExecutorProcess;
    // A reduce closure cannot cross the process boundary: the executor returns its rows instead.
    const shipped = spec.action?.kind === 'reduce' ? { ...spec, action: { kind: 'reduce' as const } } : spec;
    return proc.request<TaskResult>((reqId) => ({ type: 'task', reqId, spec: shipped }));
  }

  fetchBlocks(executorId: number, requests: BlockRequest[]): Promise<(unknown[] | null)[]> {
    const proc = this.executors.find(executorId);
    if (proc === undefined) return Promise.reject(new ExecutorLostError(executorId, 'not running'));
    return proc.request((reqId) => ({ type: 'fetch', reqId, requests }));
  }

  /** The pids of the live executor processes (for tests and the nemesis). */
  pids(): number[] {
    return this.executors.pids();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.executors.stop();
  }
}
