/**
 * Progress for people on stderr: one self-rewriting line on a TTY, plain lines (every few seconds
 * and on each failure) when stderr is a pipe or a CI log.
 */
import type { FailureSummary, History } from './history.js';

export class Progress {
  private trials = 0;
  private kills = 0;
  private failures = 0;
  private shrinks = 0;
  private lastPrint = 0;
  private readonly tty: boolean;
  private readonly started = Date.now();

  constructor(private readonly label: string, private readonly quiet = false, private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(out.isTTY) && !process.env['CI'];
  }

  trial(h: History, info: { scenario: string; shrinking: boolean }): void {
    if (info.shrinking) this.shrinks++;
    else {
      this.trials++;
      this.kills += h.kills;
    }
    const now = Date.now();
    if (this.quiet) return;
    if (this.tty ? now - this.lastPrint > 100 : now - this.lastPrint > 5000) {
      this.lastPrint = now;
      const line = `${this.label}: ${this.trials} trials, ${this.kills} kills, ${this.failures} failures${this.shrinks ? `, shrinking (${this.shrinks})` : ''} — ${info.scenario}, ${((now - this.started) / 1000).toFixed(0)}s`;
      this.out.write(this.tty ? `\r\x1b[2K${line}` : `${line}\n`);
    }
  }

  failure(f: FailureSummary): void {
    this.failures++;
    if (this.quiet) return;
    if (this.tty) this.out.write('\r\x1b[2K');
    this.out.write(
      `FAIL ${f.scenario}${f.mutant ? ` [mutant ${f.mutant}]` : ''}: ${f.message}\n` +
        `  fast-check seed ${f.seed} path ${f.path ?? '-'}\n` +
        (f.replayCommand ? `  replay: ${f.replayCommand}\n` : '') +
        (f.rerunCommand ? `  or regenerate: ${f.rerunCommand}\n` : ''),
    );
  }

  done(): void {
    if (this.tty && !this.quiet) this.out.write('\r\x1b[2K');
  }
}
