/**
 * s3rver as its own OS process on a directory that outlives it: `kill()` takes storage down for
 * real (SIGKILL, connections reset mid-request), `restart()` brings it back on the same directory
 * and port so clients reconnect to the same endpoint and find every object they published.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { execa, type ResultPromise } from 'execa';
import { distEntry } from './dist-entry.js';
import { S3RVER_ACCESS_KEY, S3RVER_SECRET_KEY } from './s3rver-server.js';

export interface S3rverProcessOptions {
  /** Data directory; a fresh temp directory (removed by stop()) when omitted. */
  directory?: string;
  port?: number;
  buckets?: string[];
  /** How long to wait for the ready line. */
  startTimeoutMs?: number;
}

type Child = ResultPromise<{ stdin: 'pipe'; stdout: 'pipe'; stderr: 'pipe'; reject: false }>;

export class S3rverProcess {
  readonly accessKey = S3RVER_ACCESS_KEY;
  readonly secretKey = S3RVER_SECRET_KEY;
  readonly directory: string;
  private port: number;
  private child: Child | undefined;
  private readonly ownsDirectory: boolean;
  private readonly buckets: string[];
  private readonly startTimeoutMs: number;
  private stderrTail = '';

  private constructor(opts: S3rverProcessOptions) {
    this.ownsDirectory = opts.directory === undefined;
    this.directory = opts.directory ?? fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-s3rver-'));
    this.port = opts.port ?? 0;
    this.buckets = opts.buckets ?? [];
    this.startTimeoutMs = opts.startTimeoutMs ?? 15_000;
  }

  static async start(opts: S3rverProcessOptions = {}): Promise<S3rverProcess> {
    const p = new S3rverProcess(opts);
    try {
      await p.spawn();
    } catch (err) {
      await p.stop();
      throw err;
    }
    return p;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  private async spawn(): Promise<void> {
    const args = [distEntry('harness/services/s3rver-main.js'), '--directory', this.directory, '--port', String(this.port), '--exit-with-parent'];
    for (const b of this.buckets) args.push('--bucket', b);
    const child = execa(process.execPath, args, {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      reject: false,
      cleanup: true,
      forceKillAfterDelay: 2000,
    }) as Child;
    this.child = child;
    this.stderrTail = '';
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000);
    });
    const lines = readline.createInterface({ input: child.stdout });
    try {
      const ready = await new Promise<{ port: number }>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`s3rver did not start within ${this.startTimeoutMs} ms: ${this.stderrTail}`)),
          this.startTimeoutMs,
        );
        lines.once('line', (line) => {
          clearTimeout(timer);
          try {
            resolve(JSON.parse(line) as { port: number });
          } catch {
            reject(new Error(`s3rver printed "${line}" instead of its ready line`));
          }
        });
        child.then((r) => {
          clearTimeout(timer);
          reject(new Error(`s3rver exited (${r.signal ?? r.exitCode}) before it was ready: ${this.stderrTail.trim()}`));
        });
      });
      this.port = ready.port;
    } catch (err) {
      child.kill('SIGKILL');
      await child;
      throw err;
    } finally {
      lines.close();
    }
    // Keep draining stdout so the child never blocks on a full pipe.
    child.stdout.resume();
  }

  /** Take storage down hard (default SIGKILL) and wait until the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await child;
  }

  /** Start again on the same directory and port; everything published before the kill is served again. */
  async restart(): Promise<void> {
    await this.kill();
    // The port was just released; another process may grab it in between (rare): retry briefly.
    let lastError: unknown;
    for (let i = 0; i < 5; i++) {
      try {
        await this.spawn();
        return;
      } catch (err) {
        lastError = err;
        this.child = undefined;
        await new Promise((r) => setTimeout(r, 100 * (i + 1)));
      }
    }
    throw lastError;
  }

  /** Stop gracefully and remove the temp directory this instance created. */
  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    if (this.ownsDirectory) fs.rmSync(this.directory, { recursive: true, force: true });
  }
}
