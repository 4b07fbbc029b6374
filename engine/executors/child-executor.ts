/**
 * Executor child processes as the driver sees them, shared by the batch ProcessBackend and the
 * streaming executor pool: fork the compiled entry with an IPC channel (structured clone), forward
 * the child's NDJSON events from its stdout, pair replies with requests, and report a death.
 *
 * Executors never outlive the driver: they are SIGKILLed on stop() and when the driver process
 * exits, and they exit by themselves when the IPC channel closes (driver-channel.ts), which covers
 * a SIGKILLed driver.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import type { EngineEvent, EventSink } from '../events.js';

/** The executor died (killed, crashed) while the driver waited for it. */
export class ExecutorLostError extends Error {
  constructor(readonly executorId: number, readonly reason: string) {
    super(`executor ${executorId} lost: ${reason}`);
    this.name = 'ExecutorLostError';
  }
}

/**
 * The compiled file `dist/<distPath>` (e.g. `engine/batch/executor-main.js`): child processes run
 * JavaScript, also when the driver runs from the TypeScript sources (tests).
 */
export function compiledEntry(distPath: string): string {
  // This file is <repo>/engine/executors/ in the sources and <repo>/dist/engine/executors/ compiled.
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const candidates = [path.join(root, distPath), path.join(root, 'dist', distPath)];
  const found = candidates.find((c) => fs.existsSync(c));
  if (found === undefined) {
    throw new UserError(`executor processes run compiled JavaScript, but ${candidates[1]} does not exist: run \`npm run build\` first`);
  }
  return found;
}

/** What every executor says about its start; its other messages are replies carrying a reqId. */
export type ExecutorStartMessage = { type: 'ready'; pid: number } | { type: 'init-failed'; message: string };

/** Kills whatever executors are still alive when the driver exits (one listener for all pools). */
const liveChildren = new Set<ChildProcess>();
let killOnExitInstalled = false;
function killAllOnExit(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
}

export interface ExecutorSlotsOptions<Request, Reply> {
  /** From compiledEntry. */
  entry: string;
  /** Names the executor in errors: `executor`, `streaming executor`. */
  role: string;
  events: EventSink;
  /** The init message of a new process; `armFailpoints` only for the first process of slot 0. */
  initMessage(executorId: number, armFailpoints: boolean): Request;
  /** What a reply settles its request with. */
  replyValue(reply: Reply): unknown;
  /** Called once per executor that died, after `executor.lost` (not for those stopped on purpose). */
  onLost?: (executorId: number) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/** One executor process. `ready` rejects with ExecutorLostError, or a UserError when it cannot start. */
export class ChildExecutor<Request, Reply extends { reqId: number }> {
  alive = true;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextReqId = 0;
  private stopping = false;
  private markReady!: () => void;
  private failReady!: (err: Error) => void;

  constructor(readonly id: number, private readonly o: ExecutorSlotsOptions<Request, Reply>, armFailpoints: boolean) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    this.ready.catch(() => {});
    // The rest of the environment is inherited on purpose: S3 credentials (CHAOS_S3_ACCESS_KEY /
    // CHAOS_S3_SECRET_KEY) reach executors only this way, never in the init message.
    const env = { ...process.env };
    // The driver's failpoints are not the executors': theirs come with the init message.
    delete env.CHAOS_FAILPOINTS;
    delete env.CHAOS_EXECUTOR_FAILPOINTS;
    // execArgv: [] — the driver's own node flags (--input-type, loaders, inspectors) are not the executor's.
    const child = fork(o.entry, [], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env, execArgv: [] });
    this.child = child;
    this.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    liveChildren.add(child);
    if (!killOnExitInstalled) {
      process.on('exit', killAllOnExit);
      killOnExitInstalled = true;
    }
    child.on('message', (msg) => this.onMessage(msg as ExecutorStartMessage | Reply));
    child.on('error', () => {});
    createInterface({ input: child.stdout! }).on('line', (line) => this.forwardEvent(line));
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      const reason = signal ? `process ${child.pid} killed by ${signal}` : `process ${child.pid} exited with code ${code}`;
      this.died(reason);
      if (this.stopping) return;
      o.events.emit({ type: 'executor.lost', executorId: id, pid: child.pid ?? -1, reason });
      o.onLost?.(id);
    });
    this.send(o.initMessage(id, armFailpoints));
    void this.ready.then(
      () => o.events.emit({ type: 'executor.started', executorId: id, pid: child.pid ?? -1 }),
      () => {},
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Sends the message built for a fresh reqId and resolves with the reply's value. */
  request<T>(build: (reqId: number) => Request): Promise<T> {
    if (!this.alive) return Promise.reject(new ExecutorLostError(this.id, 'not running'));
    const reqId = this.nextReqId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(reqId, { resolve: resolve as (v: unknown) => void, reject });
      this.send(build(reqId));
    });
  }

  /** SIGKILLs the process on purpose: its death is not reported as lost. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  private send(msg: Request): void {
    if (!this.alive || !this.child.connected) return;
    this.child.send(msg as object, (err) => {
      if (err) this.child.kill('SIGKILL');
    });
  }

  private onMessage(msg: ExecutorStartMessage | Reply): void {
    const start = msg as ExecutorStartMessage;
    if (start.type === 'ready') return this.markReady();
    if (start.type === 'init-failed') return this.failReady(new UserError(`${this.o.role} ${this.id} could not start: ${start.message}`));
    const reply = msg as Reply;
    const p = this.pending.get(reply.reqId);
    this.pending.delete(reply.reqId);
    p?.resolve(this.o.replyValue(reply));
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

  private died(reason: string): void {
    this.alive = false;
    const err = new ExecutorLostError(this.id, reason);
    this.failReady(err);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/**
 * A fixed number of slots, each holding one executor process at a time. A slot whose process died
 * gets a replacement with a new id when it is next used. Failpoints are armed only in the first
 * process of slot 0, so a trial kills one executor at an exact point and replacements run clean.
 */
export class ExecutorSlots<Request, Reply extends { reqId: number }> {
  private readonly procs: (ChildExecutor<Request, Reply> | undefined)[] = [];
  private readonly incarnations: number[] = [];
  private nextExecutorId = 0;

  constructor(private readonly o: ExecutorSlotsOptions<Request, Reply>) {}

  /** The live process of a slot, starting a (replacement) process when needed. */
  live(slot: number): ChildExecutor<Request, Reply> {
    const proc = this.procs[slot];
    if (proc !== undefined && proc.alive) return proc;
    const incarnation = this.incarnations[slot] ?? 0;
    this.incarnations[slot] = incarnation + 1;
    const started = new ChildExecutor(this.nextExecutorId++, this.o, slot === 0 && incarnation === 0);
    this.procs[slot] = started;
    return started;
  }

  /** The live process with this executor id. */
  find(executorId: number): ChildExecutor<Request, Reply> | undefined {
    return this.procs.find((p) => p?.id === executorId && p.alive);
  }

  /** The pids of the live executor processes (for tests and the nemesis). */
  pids(): number[] {
    return this.procs.filter((p): p is ChildExecutor<Request, Reply> => p?.alive === true).map((p) => p.pid);
  }

  /** SIGKILLs every live process and waits until they are gone. */
  async stop(): Promise<void> {
    await Promise.all(this.procs.filter((p): p is ChildExecutor<Request, Reply> => p?.alive === true).map((p) => p.stop()));
  }
}
