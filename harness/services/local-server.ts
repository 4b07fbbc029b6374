/**
 * A real server the harness owns: one process group on a data directory, started, judged ready by
 * a real protocol call (`answers`), killed with SIGKILL (the nemesis), restarted and stopped.
 *
 * - `restart` must NOT pick new ports or a new data directory: clients and engines keep the
 *   address they were given, exactly as after a real machine's crash and reboot.
 * - `stop` removes the data directory only when this instance made it (a caller's is kept).
 * - Subclasses say how the process is built (`process`), what it is called in a readiness error
 *   (`readinessLabel`) and what "answers" means; they must NOT restart anything themselves.
 */
import { removeTempDir } from '../process/registry.js';
import { waitUntilReady, type ServiceProcess } from './service-process.js';

export abstract class LocalServer {
  /** Time from spawn to ready of the last start or restart, ms. */
  lastReadyMs = 0;
  protected abstract readonly process: ServiceProcess;

  protected constructor(
    readonly dataDir: string,
    protected readonly ownsDir: boolean,
    protected readonly startTimeoutMs: number,
  ) {}

  /** Names the server and its address in a "did not become ready" error. */
  protected abstract get readinessLabel(): string;

  /** A real protocol round trip; true when the server serves. */
  abstract answers(): Promise<boolean>;

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return this.process.running;
  }

  /** Wait until `answers()` (after a start that did not wait). */
  async waitReady(): Promise<void> {
    this.lastReadyMs = await waitUntilReady(this.process, this.readinessLabel, this.startTimeoutMs, () => this.answers());
  }

  protected async spawnAndWait(): Promise<void> {
    await this.process.start();
    await this.waitReady();
  }

  /** SIGKILL of the server's process group (the nemesis' kill). */
  async kill(): Promise<void> {
    await this.process.kill();
  }

  /** Kill when running, then start again on the same data directory and ports; resolves when ready. */
  async restart(): Promise<void> {
    await this.process.kill();
    await this.spawnAndWait();
  }

  /** Stop (SIGTERM, SIGKILL after a grace) and remove the data directory when this instance made it. */
  async stop(): Promise<void> {
    await this.process.stop();
    if (this.ownsDir) removeTempDir(this.dataDir);
  }
}
