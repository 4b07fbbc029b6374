/**
 * An engine (and its executors) must die when the harness that started it dies without running
 * any cleanup (SIGKILL) — even while the engine is quiet (inside a long delay: it writes no event
 * that could fail with EPIPE). The parent here is a tiny harness stand-in that starts one engine
 * through spawnEngine, prints the pids, and is then SIGKILLed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { toArgv } from '../../runtime/engine-run.js';
import { alive as processAlive } from '../../engine/test-support/os-probes.js';

const ENGINE_PROCESS = path.resolve('dist/harness/process/engine-process.js');

/** Every pid in process group `pgid` (Linux /proc). */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

describe('engines die with their harness', () => {
  let tmp: string | undefined;
  let group: number | undefined;
  afterEach(() => {
    if (group) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // gone, as it should be
      }
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a quiet engine with executors is gone soon after its harness is SIGKILLed', async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-parent-death-'));
    // Batch job on 2 executors; the driver sleeps 120 s in a failpoint before its first manifest.
    const args = toArgv({ job: 'dictionary-join', seed: 1, size: 200, checkpoint: path.join(tmp, 'ck'), output: path.join(tmp, 'out'), executors: 2, failpoints: 'manifest.write:1:delay:120000' });
    const script = `
      const { spawnEngine } = await import(${JSON.stringify(ENGINE_PROCESS)});
      const proc = spawnEngine(${JSON.stringify(args)}, { onEvent: (e) => { if (e.type === 'failpoint.fired' || e.type === 'executor.started') console.log(JSON.stringify({ engine: proc.pid, event: e.type })); } });
      setInterval(() => {}, 1000);
    `;
    const harness = execa(process.execPath, ['--input-type=module', '-e', script], { reject: false, stdout: 'pipe', timeout: 60_000 });
    let engine: number | undefined;
    let delayed = false;
    for await (const line of harness.stdout!) {
      const msg = JSON.parse(String(line)) as { engine: number; event: string };
      engine = msg.engine;
      if (msg.event === 'failpoint.fired') delayed = true;
      if (delayed) break;
    }
    expect(delayed).toBe(true);
    group = engine!;
    const members = groupMembers(group);
    expect(members.length).toBeGreaterThanOrEqual(2); // the driver and at least one executor
    harness.kill('SIGKILL');
    await harness;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && members.some(processAlive)) await new Promise((r) => setTimeout(r, 50));
    expect(members.filter(processAlive)).toEqual([]);
  });
});
