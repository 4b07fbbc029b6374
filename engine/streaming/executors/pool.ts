/**
 * The driver's executor pool for streaming (`executors: N`): N child processes (compiled JS from
 * dist/, IPC with structured clone) that run the stateless part of each micro-batch, one task per
 * source partition with records in the batch (partition-task.ts).
 *
 * Failure handling, like Spark's task scheduler: an executor that dies (SIGKILL from outside, a
 * crash failpoint) is reported (`executor.lost`), its running task is reported (`task.failed`) and
 * re-run on a replacement process started in the same slot; the batch's result is the same because
 * a task is a pure function of (scenario, input, partition, logged range). A task that fails
 * `maxAttempts` times fails the run (StreamingTaskFailedError); an executor that cannot start, or a
 * task failing on bad input, fails it at once (UserError).
 *
 * The processes themselves (fork, IPC, event forwarding, never outliving the driver) are
 * engine/executors/child-executor.ts.
 */
import { UserError } from '../../errors.js';
import type { EventSink } from '../../events.js';
import { ExecutorLostError, ExecutorSlots, type ExecutorStartMessage } from '../../executors/child-executor.js';
import type { OffsetsFile } from '../checkpoint-files.js';
import type { StatelessPartRunner } from '../context.js';
import type { StreamingDriverMessage, StreamingExecutorInit, StreamingExecutorMessage } from './messages.js';
import type { PartitionOutput, PartitionTask } from './partition-task.js';

/** Spark's spark.task.maxFailures default. */
export const DEFAULT_TASK_ATTEMPTS = 4;

/** A task failed on every allowed attempt: the run stops (a restart resumes from the checkpoint). */
export class StreamingTaskFailedError extends Error {
  constructor(readonly batchId: number, readonly partition: number, readonly attempts: number, readonly lastReason: string) {
    super(`batch ${batchId}: the task of source partition ${partition} failed ${attempts} times (last: ${lastReason}); the run stops, and a restart resumes from the checkpoint`);
    this.name = 'StreamingTaskFailedError';
  }
}

type Reply = { ok: true; output: PartitionOutput } | { ok: false; reason: string; fatal: boolean };
type ExecutorReply = Exclude<StreamingExecutorMessage, ExecutorStartMessage>;

export interface StreamingExecutorPoolOptions {
  count: number;
  /** The executor process entry (compiled JS that calls serveStreamingExecutor), given by the runner. */
  entry: string;
  /** What every executor rebuilds (its id and failpoints are added per process). */
  init: Omit<StreamingExecutorInit, 'executorId' | 'failpoints'>;
  /** Armed in the first process of slot 0 only, so a replacement runs clean. */
  executorFailpoints: string;
  events: EventSink;
  /** How many leading (stateless) stages the executors apply. */
  stagesDone: number;
  maxAttempts?: number;
}

export class StreamingExecutorPool implements StatelessPartRunner {
  readonly stagesDone: number;
  private readonly executors: ExecutorSlots<StreamingDriverMessage, ExecutorReply>;
  private stopping = false;
  private readonly maxAttempts: number;

  constructor(private readonly o: StreamingExecutorPoolOptions) {
    if (!Number.isInteger(o.count) || o.count < 1) throw new UserError(`a streaming executor pool needs at least 1 executor, got ${o.count}`);
    this.stagesDone = o.stagesDone;
    this.maxAttempts = o.maxAttempts ?? DEFAULT_TASK_ATTEMPTS;
    this.executors = new ExecutorSlots<StreamingDriverMessage, ExecutorReply>({
      entry: o.entry,
      role: 'streaming executor',
      events: o.events,
      initMessage: (executorId, armFailpoints) => ({ type: 'init', init: { ...o.init, executorId, failpoints: armFailpoints ? o.executorFailpoints : '' } }),
      replyValue: (reply): Reply =>
        reply.type === 'result' ? { ok: true, output: reply.output } : { ok: false, reason: `${reply.name}: ${reply.message}`, fatal: reply.fatal },
    });
  }

  /**
   * Starts every executor now (so their pids are known before the first batch) and waits until they
   * are ready. One that cannot start (bad scenario or source) is a UserError; one killed while
   * starting is replaced when its slot gets a task.
   */
  async start(): Promise<void> {
    const slots = Array.from({ length: this.o.count }, (_, slot) => this.executors.live(slot));
    const started = await Promise.allSettled(slots.map((p) => p.ready));
    for (const r of started) if (r.status === 'rejected' && !(r.reason instanceof ExecutorLostError)) throw r.reason;
  }

  /** The pids of the live executor processes. */
  pids(): number[] {
    return this.executors.pids();
  }

  async run(plan: OffsetsFile): Promise<PartitionOutput[]> {
    const outputs: (PartitionOutput | undefined)[] = new Array(plan.end.length);
    const queue: { task: PartitionTask; attempt: number }[] = [];
    for (let p = 0; p < plan.end.length; p++) {
      const task: PartitionTask = { batchId: plan.batchId, partition: p, from: plan.start[p]!, to: plan.end[p]!, watermarkMs: plan.watermarkMs, endOfInput: plan.endOfInput };
      if (task.to > task.from) queue.push({ task, attempt: 0 });
      else outputs[p] = { partition: p, elements: [], inputRecords: 0, maxEventTimeMs: Number.NEGATIVE_INFINITY, lateDropped: {} };
    }
    let failure: Error | undefined;
    const worker = async (slot: number): Promise<void> => {
      for (let item = queue.shift(); item !== undefined && failure === undefined; item = queue.shift()) {
        const { task, attempt } = item;
        let reason: string;
        let fatal = false;
        try {
          const reply = await this.runOn(slot, task);
          if (reply.ok) {
            outputs[task.partition] = reply.output;
            continue;
          }
          ({ reason, fatal } = reply);
        } catch (err) {
          if (!(err instanceof ExecutorLostError)) {
            failure ??= err as Error;
            return;
          }
          reason = err.message;
        }
        this.o.events.emit({ type: 'task.failed', stageId: task.batchId, batchId: task.batchId, partition: task.partition, attempt, reason });
        if (fatal) failure ??= new UserError(`batch ${task.batchId}, source partition ${task.partition}: ${reason}`);
        else if (attempt + 1 >= this.maxAttempts) failure ??= new StreamingTaskFailedError(task.batchId, task.partition, attempt + 1, reason);
        else queue.push({ task, attempt: attempt + 1 });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.count, queue.length) }, (_, slot) => worker(slot)));
    if (failure) throw failure;
    return outputs as PartitionOutput[];
  }

  private async runOn(slot: number, task: PartitionTask): Promise<Reply> {
    if (this.stopping) throw new Error('the streaming executor pool was stopped while a batch was running');
    const proc = this.executors.live(slot);
    await proc.ready; // rejects with ExecutorLostError, or a UserError when it cannot start
    return proc.request<Reply>((reqId) => ({ type: 'task', reqId, task })); // rejects with ExecutorLostError
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.executors.stop();
  }
}
