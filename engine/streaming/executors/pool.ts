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
 * Executors never outlive the driver: they are SIGKILLed on stop() and when the driver process
 * exits, and exit by themselves when the IPC channel closes (a SIGKILLed driver).
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../errors.js';
import type { EngineEvent, EventSink } from '../../events.js';
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

class ExecutorLost extends Error {
  constructor(readonly executorId: number, readonly reason: string) {
    super(`executor ${executorId} lost: ${reason}`);
  }
}

/** The compiled executor entry: next to this file in dist/, else under <repo>/dist/. */
export function streamingExecutorEntry(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'executor-main.js'), path.resolve(here, '../../../dist/engine/streaming/executors/executor-main.js')];
  const found = candidates.find((c) => fs.existsSync(c));
  if (found === undefined) {
    throw new UserError(`executor processes run compiled JavaScript, but ${candidates[1]} does not exist: run \`npm run build\` first`);
  }
  return found;
}

type Reply = { ok: true; output: PartitionOutput } | { ok: false; reason: string; fatal: boolean };

class ExecutorProcess {
  alive = true;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  readonly pending = new Map<number, (r: Reply | ExecutorLost) => void>();
  private markReady!: () => void;
  private failReady!: (err: Error) => void;

  constructor(readonly id: number, readonly child: ChildProcess) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    this.ready.catch(() => {});
    this.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  onMessage(msg: StreamingExecutorMessage): void {
    switch (msg.type) {
      case 'ready':
        this.markReady();
        return;
      case 'init-failed':
        this.failReady(new UserError(`streaming executor ${this.id} could not start: ${msg.message}`));
        return;
      case 'result':
        this.settle(msg.reqId, { ok: true, output: msg.output });
        return;
      case 'task-failed':
        this.settle(msg.reqId, { ok: false, reason: `${msg.name}: ${msg.message}`, fatal: msg.fatal });
        return;
    }
  }

  private settle(reqId: number, reply: Reply): void {
    const p = this.pending.get(reqId);
    this.pending.delete(reqId);
    p?.(reply);
  }

  died(reason: string): void {
    this.alive = false;
    const lost = new ExecutorLost(this.id, reason);
    this.failReady(lost);
    for (const p of this.pending.values()) p(lost);
    this.pending.clear();
  }
}

export interface StreamingExecutorPoolOptions {
  count: number;
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
  private readonly procs: (ExecutorProcess | undefined)[] = [];
  private readonly incarnations: number[] = [];
  private nextExecutorId = 0;
  private nextReqId = 0;
  private stopping = false;
  private readonly entry: string;
  private readonly maxAttempts: number;
  private readonly killAllOnExit = () => {
    for (const p of this.procs) if (p?.alive) p.child.kill('SIGKILL');
  };

  constructor(private readonly o: StreamingExecutorPoolOptions) {
    if (!Number.isInteger(o.count) || o.count < 1) throw new UserError(`a streaming executor pool needs at least 1 executor, got ${o.count}`);
    this.stagesDone = o.stagesDone;
    this.maxAttempts = o.maxAttempts ?? DEFAULT_TASK_ATTEMPTS;
    this.entry = streamingExecutorEntry();
    process.on('exit', this.killAllOnExit);
  }

  /**
   * Starts every executor now (so their pids are known before the first batch) and waits until they
   * are ready. One that cannot start (bad scenario or source) is a UserError; one killed while
   * starting is replaced when its slot gets a task.
   */
  async start(): Promise<void> {
    for (let slot = 0; slot < this.o.count; slot++) if (this.procs[slot] === undefined) this.spawn(slot);
    const started = await Promise.allSettled(this.procs.map((p) => p!.ready));
    for (const r of started) if (r.status === 'rejected' && !(r.reason instanceof ExecutorLost)) throw r.reason;
  }

  /** The pids of the live executor processes. */
  pids(): number[] {
    return this.procs.filter((p): p is ExecutorProcess => p?.alive === true).map((p) => p.pid);
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
          if (!(err instanceof ExecutorLost)) {
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
    let proc = this.procs[slot];
    if (proc === undefined || !proc.alive) proc = this.spawn(slot);
    await proc.ready; // rejects with ExecutorLost, or a UserError when it cannot start
    if (!proc.alive) throw new ExecutorLost(proc.id, 'not running');
    const reqId = this.nextReqId++;
    const reply = await new Promise<Reply | ExecutorLost>((resolve) => {
      proc.pending.set(reqId, resolve);
      this.send(proc, { type: 'task', reqId, task });
    });
    if (reply instanceof ExecutorLost) throw reply;
    return reply;
  }

  private spawn(slot: number): ExecutorProcess {
    const id = this.nextExecutorId++;
    const incarnation = this.incarnations[slot] ?? 0;
    this.incarnations[slot] = incarnation + 1;
    const env = { ...process.env };
    delete env.CHAOS_FAILPOINTS; // the driver's failpoints are not the executors'
    delete env.CHAOS_EXECUTOR_FAILPOINTS;
    const child = fork(this.entry, [], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env, execArgv: [] });
    const proc = new ExecutorProcess(id, child);
    this.procs[slot] = proc;
    child.on('message', (msg) => proc.onMessage(msg as StreamingExecutorMessage));
    child.on('error', () => {});
    createInterface({ input: child.stdout! }).on('line', (line) => this.forwardEvent(line));
    child.once('exit', (code, signal) => {
      const reason = signal ? `process ${child.pid} killed by ${signal}` : `process ${child.pid} exited with code ${code}`;
      proc.died(reason);
      if (this.stopping) return;
      this.o.events.emit({ type: 'executor.lost', executorId: id, pid: child.pid ?? -1, reason });
    });
    const failpoints = slot === 0 && incarnation === 0 ? this.o.executorFailpoints : '';
    this.send(proc, { type: 'init', init: { ...this.o.init, executorId: id, failpoints } });
    void proc.ready.then(
      () => this.o.events.emit({ type: 'executor.started', executorId: id, pid: child.pid ?? -1 }),
      () => {},
    );
    return proc;
  }

  /** Executor events (failpoint.fired) re-emitted by the driver, so one stream holds them all. */
  private forwardEvent(line: string): void {
    if (!line.startsWith('{')) return;
    try {
      const { t: _t, ...event } = JSON.parse(line) as EngineEvent;
      this.o.events.emit(event);
    } catch {
      // a line torn by SIGKILL
    }
  }

  private send(proc: ExecutorProcess, msg: StreamingDriverMessage): void {
    if (!proc.alive || !proc.child.connected) return;
    proc.child.send(msg, (err) => {
      if (err) proc.child.kill('SIGKILL');
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const live = this.procs.filter((p): p is ExecutorProcess => p?.alive === true);
    for (const p of live) p.child.kill('SIGKILL');
    await Promise.all(live.map((p) => p.exited));
    process.off('exit', this.killAllOnExit);
  }
}
