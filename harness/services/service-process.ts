/**
 * One real service process the harness owns (a Kafka broker, a SeaweedFS server): started under the
 * watchdog (guard-main.ts) in a process group of its own, with its output appended to a log file.
 * `kill()` is SIGKILL of the whole group (the nemesis' broker or storage kill); `stop()` is SIGTERM,
 * then SIGKILL after a grace period. The group is in the harness' process registry, so an exit, an
 * uncaught error or Ctrl-C kills it; a SIGKILLed harness closes the watchdog's stdin and the
 * watchdog kills it. Readiness is the caller's business (a real protocol call), not this class'.
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { execa, type ResultPromise } from 'execa';
import { distEntry } from './dist-entry.js';
import { signalTree, trackChild, untrackChild } from '../process/registry.js';

type Guard = ResultPromise<{ stdin: 'pipe'; stdout: 'pipe'; stderr: 'pipe'; reject: false }>;

export interface ServiceCommand {
  command: string;
  args: string[];
  /** Appended with the service's stdout and stderr. */
  logFile: string;
  env?: Record<string, string>;
  /** SIGTERM → SIGKILL delay of stop() (default 5 s). */
  graceMs?: number;
}

export class ServiceProcess {
  private guard: Guard | undefined;
  private exited: Promise<void> | undefined;
  /** Pid of the service (leader of its process group), while it runs. */
  pid: number | undefined;
  /** How the service last ended on its own, when it did (e.g. crashed at start). */
  lastExit: string | undefined;

  constructor(readonly name: string, private readonly cmd: ServiceCommand) {}

  get running(): boolean {
    return this.pid !== undefined;
  }

  /** Spawn (once the watchdog reports the service's pid). Throws when the command cannot start. */
  async start(): Promise<void> {
    if (this.guard) throw new Error(`${this.name} is already running (pid ${this.pid})`);
    const { command, args, logFile, env, graceMs = 5000 } = this.cmd;
    const guard = execa(process.execPath, [distEntry('harness/services/guard-main.js'), '--log', logFile, '--grace-ms', String(graceMs), '--', command, ...args], {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      reject: false,
      cleanup: true,
      // Never SIGKILL the watchdog on our own: it is what kills the service's group.
      forceKillAfterDelay: false,
      ...(env ? { env: { ...process.env, ...env } } : {}),
    }) as Guard;
    this.guard = guard;
    this.lastExit = undefined;
    const lines = readline.createInterface({ input: guard.stdout });
    const first = await new Promise<{ pid?: number; error?: string }>((resolve) => {
      lines.once('line', (line) => resolve(JSON.parse(line) as { pid?: number; error?: string }));
      void guard.then((r) => resolve({ error: `watchdog exited (${r.signal ?? r.exitCode}): ${r.stderr}` }));
    });
    if (!first.pid) {
      lines.close();
      this.guard = undefined;
      guard.kill('SIGKILL');
      await guard;
      throw new Error(`${this.name} could not start (${command}): ${first.error ?? 'no pid'}`);
    }
    const pid = first.pid;
    this.pid = pid;
    trackChild(pid, true);
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { exit?: number | null; signal?: string | null };
      if ('exit' in msg) this.lastExit = msg.signal ? `killed by ${msg.signal}` : `exit code ${msg.exit}`;
    });
    this.exited = guard.then(() => {
      lines.close();
      untrackChild(pid);
      if (this.pid === pid) this.pid = undefined;
      if (this.guard === guard) this.guard = undefined;
    });
  }

  /** SIGKILL of the whole process group; resolves when it is gone. */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return;
    signalTree(pid, 'SIGKILL', true);
    await this.exited;
  }

  /** SIGTERM to the group, SIGKILL after the grace period; resolves when it is gone. */
  async stop(): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return;
    signalTree(pid, 'SIGTERM', true);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.cmd.graceMs ?? 5000);
    });
    await Promise.race([this.exited, grace]);
    clearTimeout(timer);
    if (this.pid === pid) signalTree(pid, 'SIGKILL', true);
    await this.exited;
  }

  /** The last `bytes` of the service's log, for error messages. */
  logTail(bytes = 1500): string {
    try {
      const text = fs.readFileSync(this.cmd.logFile, 'utf8');
      return text.slice(-bytes).trim();
    } catch {
      return '';
    }
  }
}

/** Poll `probe` until it resolves true, the service dies, or the deadline passes. */
export async function waitUntilReady(
  service: ServiceProcess,
  what: string,
  timeoutMs: number,
  probe: () => Promise<boolean>,
): Promise<number> {
  const started = Date.now();
  let lastError = '';
  while (Date.now() - started < timeoutMs) {
    if (!service.running) {
      throw new Error(`${what} exited before it was ready (${service.lastExit ?? 'unknown'}): ${service.logTail()}`);
    }
    try {
      if (await probe()) return Date.now() - started;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} was not ready within ${timeoutMs} ms (last probe: ${lastError || 'not yet'}); log: ${service.logTail()}`);
}
