/**
 * Ctrl-C during a process-mode run: the harness must kill every engine process it started (and
 * their groups) and remove its temp directories before it exits.
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
    const sub = execa(process.execPath, [CLI, 'run', '--mode', 'process', '--scenario', 'wordcount', '--runs', '1000', '--seed', '1', '--out', path.join(tmp, 'out')], {
      env: { TMPDIR: tempRoot, CI: '1' },
      reject: false,
      stdout: 'pipe',
      stderr: 'pipe',
    });
    running = sub;
    // Wait until an engine process is running (a trial directory exists and holds a checkpoint).
    const enginePids = new Set<number>();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      for (const pid of childPidsOf(sub.pid!)) enginePids.add(pid);
      if (enginePids.size > 0 && fs.readdirSync(tempRoot).some((d) => d.startsWith('chaos-trial-'))) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(enginePids.size).toBeGreaterThan(0);
    sub.kill('SIGINT');
    const result = await sub;
    expect(result.exitCode).toBe(130);
    expect(String(result.stderr)).toContain('interrupted by SIGINT');
    await new Promise((r) => setTimeout(r, 100));
    for (const pid of enginePids) expect(alive(pid)).toBe(false);
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
