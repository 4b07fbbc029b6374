/**
 * Ctrl-C during a process-mode run: the harness must kill every engine process it started (and
 * their groups), remove its temp directories and write the partial report before it exits.
 * SIGKILL of the harness (no cleanup code runs at all): its engines must still die, and the next
 * run removes the run directory it left behind, saying so.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = path.resolve('dist/harness/cli.js');

/** Running (a zombie is dead: it only waits for init to reap it). */
function alive(pid: number): string | false {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state === 'Z' || state === 'X' ? false : `${state} ${stat.slice(0, 80)}`;
  } catch {
    return false;
  }
}

/** Whether the run dir of the harness under TMPDIR `tempRoot` holds a trial directory yet. */
function trialDirExists(tempRoot: string): boolean {
  return fs.readdirSync(tempRoot).some((d) => d.startsWith('chaos-run-') && fs.readdirSync(path.join(tempRoot, d)).some((t) => t.startsWith('chaos-trial-')));
}

/** Starts a long process-mode run with its temp dirs under `tempRoot`; resolves once an engine runs. */
async function startRun(tempRoot: string, out: string) {
  const sub = execa(process.execPath, [CLI, 'run', '--mode', 'process', '--scenario', 'wordcount', '--runs', '1000', '--seed', '1', '--out', out], {
    env: { TMPDIR: tempRoot, CI: '1' },
    reject: false,
    stdout: 'pipe',
    stderr: 'pipe',
  });
  let stderr = '';
  sub.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  // Wait until a trial finished (progress line) and an engine process of the next one runs.
  const enginePids = new Set<number>();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    for (const pid of childPidsOf(sub.pid!)) enginePids.add(pid);
    if (enginePids.size > 1 && trialDirExists(tempRoot) && /: [1-9]\d* trials, /.test(stderr)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { sub, enginePids };
}

describe('chaos run interrupted with SIGINT', () => {
  let tmp: string | undefined;
  let running: { kill(signal?: NodeJS.Signals): boolean } | undefined;
  afterEach(() => {
    // if an assertion failed before the SIGINT, the harness under test must not outlive the test
    running?.kill('SIGKILL');
    running = undefined;
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('leaves no engine process and no temp directory behind', async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-sigint-test-'));
    const tempRoot = path.join(tmp, 'tmp');
    fs.mkdirSync(tempRoot);
    const { sub, enginePids } = await startRun(tempRoot, path.join(tmp, 'out'));
    running = sub;
    expect(enginePids.size).toBeGreaterThan(0);
    sub.kill('SIGINT');
    const result = await sub;
    expect(result.exitCode).toBe(130);
    expect(String(result.stderr)).toContain('interrupted by SIGINT');
    await new Promise((r) => setTimeout(r, 100));
    for (const pid of enginePids) expect(alive(pid)).toBe(false);
    expect(fs.readdirSync(tempRoot).filter((d) => d.startsWith('chaos-'))).toEqual([]);
    // The trials so far, marked interrupted, in every report.
    expect(String(result.stderr)).toMatch(/interrupted after \d+ trials; partial report: /);
    const report = JSON.parse(fs.readFileSync(path.join(tmp, 'out', 'report.json'), 'utf8'));
    expect(report.interrupted).toEqual({ signal: 'SIGINT' });
    expect(report.ok).toBe(false);
    expect(report.trials).toBeGreaterThanOrEqual(1);
    expect(fs.readFileSync(path.join(tmp, 'out', 'report.md'), 'utf8')).toContain('INTERRUPTED by SIGINT');
  });

  it('SIGKILL of the harness: its engines die by themselves and the next run removes its run dir', async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-sigkill-test-'));
    const tempRoot = path.join(tmp, 'tmp');
    fs.mkdirSync(tempRoot);
    const { sub, enginePids } = await startRun(tempRoot, path.join(tmp, 'out'));
    running = sub;
    expect(enginePids.size).toBeGreaterThan(0);
    const harnessPid = sub.pid!;
    sub.kill('SIGKILL');
    await sub;
    // No cleanup code ran in the harness: the engines must notice on their own, within a bound.
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && [...enginePids].some((p) => alive(p))) await new Promise((r) => setTimeout(r, 50));
    expect([...enginePids].filter((p) => alive(p)).map((p) => `${p}: ${alive(p)}`)).toEqual([]);
    const left = fs.readdirSync(tempRoot).filter((d) => d.startsWith(`chaos-run-${harnessPid}-`));
    expect(left).toHaveLength(1);
    // The next run sweeps it and says what it removed.
    const next = await execa(process.execPath, [CLI, 'run', '--mode', 'sim', '--scenario', 'wordcount', '--runs', '1', '--seed', '1', '--out', path.join(tmp, 'out2')], {
      env: { TMPDIR: tempRoot, CI: '1' },
      reject: false,
    });
    expect(next.exitCode).toBe(0);
    expect(String(next.stderr)).toContain(`removed ${path.join(tempRoot, left[0]!)}`);
    expect(String(next.stderr)).toContain(`left behind by harness pid ${harnessPid}, which is gone`);
    expect(fs.readdirSync(tempRoot).filter((d) => d.startsWith('chaos-'))).toEqual([]);
  });
});

/** Direct children of `pid` (Linux /proc). */
function childPidsOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}
