/**
 * executors: N — N executor child processes (compiled JS from dist/, IPC channel with structured
 * clone). Each rebuilds the scenario's graph and runs tasks shipped as (dataset id, partition).
 *
 * Executors are never left behind: they are SIGKILLed when the context stops, when the driver
 * process exits, and they exit by themselves when the IPC channel closes (a SIGKILLed driver).
 * An executor that dies is reported (`executor.lost`) and replaced by a new process with a new id
 * the next time its slot gets a task. Executor failpoints are armed only in executor 0 (the first
 * process of slot 0), so a trial kills one executor at an exact point and replacements run clean.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ExecutorLostError, type ExecutorBackend, type ExecutorHandle } from './backend.js';
import type { BatchContext } from './context.js';
import type { BlockRequest, DriverMessage, ExecutorInit, ExecutorMessage, TaskResult, TaskSpec } from './protocol.js';
import { UserError } from '../errors.js';
import type { EngineEvent } from '../events.js';

/** The compiled executor entry: next to this file when running from dist/, else under <repo>/dist/. */
export function executorEntry(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'executor-main.js'), path.resolve(here, '../../dist/engine/batch/executor-main.js')];
  const found = candidates.find((c) => fs.existsSync(c));
  if (found === undefined) {
    throw new UserError(`executor processes run compiled JavaScript, but ${candidates[1]} does not exist: run \`npm run build\` first`);
  }
  return found;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

class ExecutorProcess implements ExecutorHandle {
  alive = true;
  readonly pending = new Map<number, Pending>();
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
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

  onMessage(msg: ExecutorMessage): void {
    switch (msg.type) {
      case 'ready':
        this.markReady();
        return;
      case 'init-failed':
        this.failReady(new UserError(`executor ${this.id} could not start: ${msg.message}`));
        return;
      case 'result':
        this.settle(msg.reqId, msg.result);
        return;
      case 'blocks':
        this.settle(msg.reqId, msg.blocks);
        return;
    }
  }

  private settle(reqId: number, value: unknown): void {
    const p = this.pending.get(reqId);
    this.pending.delete(reqId);
    p?.resolve(value);
  }

  died(reason: string): void {
    this.alive = false;
    const err = new ExecutorLostError(this.id, reason);
    this.failReady(err);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

export class ProcessBackend implements ExecutorBackend {
  readonly slots: number;
  onLost: ((executorId: number) => void) | undefined;
  private readonly procs: (ExecutorProcess | undefined)[] = [];
  private readonly incarnations: number[] = [];
  private nextExecutorId = 0;
  private nextReqId = 0;
  private stopping = false;
  private readonly entry: string;
  private readonly killAllOnExit = () => {
    for (const p of this.procs) if (p?.alive) p.child.kill('SIGKILL');
  };

  constructor(private readonly ctx: BatchContext) {
    this.slots = ctx.executorCount;
    this.entry = executorEntry();
    process.on('exit', this.killAllOnExit);
  }

  async ensure(slot: number): Promise<ExecutorHandle> {
    if (this.stopping) throw new UserError('the batch context was stopped while a job was running');
    let proc = this.procs[slot];
    if (proc === undefined || !proc.alive) proc = this.spawn(slot);
    await proc.ready;
    return proc;
  }

  private spawn(slot: number): ExecutorProcess {
    const id = this.nextExecutorId++;
    const incarnation = this.incarnations[slot] ?? 0;
    this.incarnations[slot] = incarnation + 1;
    const env = { ...process.env };
    delete env.CHAOS_FAILPOINTS; // the driver's failpoints are not the executors'
    // execArgv: [] — the driver's own node flags (--input-type, loaders, inspectors) are not the executor's.
    const child = fork(this.entry, [], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env, execArgv: [] });
    const proc = new ExecutorProcess(id, child);
    this.procs[slot] = proc;
    child.on('message', (msg) => proc.onMessage(msg as ExecutorMessage));
    child.on('error', () => {});
    createInterface({ input: child.stdout! }).on('line', (line) => this.forwardEvent(line));
    child.once('exit', (code, signal) => {
      const reason = signal ? `process ${child.pid} killed by ${signal}` : `process ${child.pid} exited with code ${code}`;
      proc.died(reason);
      if (this.stopping) return;
      this.ctx.events.emit({ type: 'executor.lost', executorId: id, pid: child.pid ?? -1, reason });
      this.onLost?.(id);
    });
    const s = this.ctx.options.scenario!;
    const init: ExecutorInit = {
      executorId: id,
      scenario: s,
      checkpointLocation: this.ctx.checkpointStore?.location,
      failpoints: slot === 0 && incarnation === 0 ? (this.ctx.options.executorFailpoints ?? '') : '',
      jobKey: this.ctx.jobKey,
      graphSignature: this.ctx.graphSignature(),
    };
    this.send(proc, { type: 'init', init });
    void proc.ready.then(
      () => this.ctx.events.emit({ type: 'executor.started', executorId: id, pid: child.pid ?? -1 }),
      () => {},
    );
    return proc;
  }

  private forwardEvent(line: string): void {
    if (!line.startsWith('{')) return;
    try {
      const { t: _t, ...event } = JSON.parse(line) as EngineEvent;
      this.ctx.events.emit(event);
    } catch {
      // a line torn by SIGKILL
    }
  }

  private send(proc: ExecutorProcess, msg: DriverMessage): void {
    if (!proc.alive || !proc.child.connected) return;
    proc.child.send(msg, (err) => {
      if (err) proc.child.kill('SIGKILL');
    });
  }

  private request<T>(proc: ExecutorProcess, build: (reqId: number) => DriverMessage): Promise<T> {
    if (!proc.alive) return Promise.reject(new ExecutorLostError(proc.id, 'not running'));
    const reqId = this.nextReqId++;
    return new Promise<T>((resolve, reject) => {
      proc.pending.set(reqId, { resolve: resolve as (v: unknown) => void, reject });
      this.send(proc, build(reqId));
    });
  }

  isAlive(executorId: number): boolean {
    return this.procs.some((p) => p?.id === executorId && p.alive);
  }

  runTask(executor: ExecutorHandle, spec: TaskSpec): Promise<TaskResult> {
    const proc = executor as ExecutorProcess;
    // A reduce closure cannot cross the process boundary: the executor returns its rows instead.
    const shipped = spec.action?.kind === 'reduce' ? { ...spec, action: { kind: 'reduce' as const } } : spec;
    return this.request<TaskResult>(proc, (reqId) => ({ type: 'task', reqId, spec: shipped }));
  }

  fetchBlocks(executorId: number, requests: BlockRequest[]): Promise<(unknown[] | null)[]> {
    const proc = this.procs.find((p) => p?.id === executorId && p.alive);
    if (proc === undefined) return Promise.reject(new ExecutorLostError(executorId, 'not running'));
    return this.request(proc, (reqId) => ({ type: 'fetch', reqId, requests }));
  }

  /** The pids of the live executor processes (for tests and the nemesis). */
  pids(): number[] {
    return this.procs.filter((p): p is ExecutorProcess => p?.alive === true).map((p) => p.pid);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const live = this.procs.filter((p): p is ExecutorProcess => p?.alive === true);
    for (const p of live) p.child.kill('SIGKILL');
    await Promise.all(live.map((p) => p.exited));
    process.off('exit', this.killAllOnExit);
  }
}
