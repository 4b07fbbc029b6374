/**
 * End to end with real processes: `--store s3 --services local`. The engine runs as its own process
 * with its checkpoint on s3rver, which also runs as its own process; mid-run the storage server is
 * SIGKILLed and restarted on the same directory. Engines are restarted until one finishes (a storage
 * outage may fail an attempt: that must be clean, exit 1, never a hang or a wrong result), and the
 * final output equals the failure-free run's.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServices, type Services } from './index.js';
import * as readline from 'node:readline';
import { execa } from 'execa';
import { distEntry } from './dist-entry.js';
import { readTrialOutputs, trialHasCheckpoint } from './trial-io.js';
import type { EngineEvent } from '../../engine/index.js';
import { FsCheckpointStore } from '../../engine/index.js';
import { Failpoints } from '../../engine/index.js';
import { readStreamingRows as readOutputRows } from '../oracle/output-readers.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-kill-'));
let services: Services;
beforeAll(async () => {
  services = await resolveServices({ services: 'local', store: 's3', source: 'log', sink: 'files', s3Server: 's3rver', log: () => {} });
});
afterAll(async () => {
  await services?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const runArgs = (dir: string) => [
  'run', '--scenario', 'running-totals', '--seed', '21', '--size', '1200', '--max-batch-records', '40',
  '--partitions', '3', '--checkpoint-interval', '2', '--checkpoint', path.join(dir, 'checkpoint'), '--output', path.join(dir, 'output'),
];
interface Exit {
  exitCode: number | undefined;
  stderr: string;
  events: EngineEvent[];
}

/** The compiled slim engine entry as a real process; events read line by line as they come. */
async function runEngine(args: string[], opts: { env?: Record<string, string>; onEvent?: (e: EngineEvent) => void } = {}): Promise<Exit> {
  const sub = execa(process.execPath, [distEntry('runtime/main.js'), ...args], {
    env: opts.env ?? {},
    reject: false,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: { stdout: false, stderr: true },
    timeout: 60_000,
    forceKillAfterDelay: 1000,
    cleanup: true,
  });
  const events: EngineEvent[] = [];
  const lines = readline.createInterface({ input: sub.stdout!, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!line.startsWith('{')) return;
    const e = JSON.parse(line) as EngineEvent;
    events.push(e);
    opts.onEvent?.(e);
  });
  const closed = new Promise((r) => lines.once('close', r));
  const result = await sub;
  await closed;
  return { exitCode: result.exitCode, stderr: String(result.stderr ?? ''), events };
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const rowsOf = (dir: string) => readOutputRows(new FsCheckpointStore(path.join(dir, 'output'), { failpoints: Failpoints.disarmed() }));

describe('--store s3 --services local: s3rver killed and restarted mid-run', () => {
  it('recovers to exactly the output of a failure-free run', async () => {
    const baselineDir = path.join(root, 'baseline');
    const baseline = await runEngine(runArgs(baselineDir));
    expect(baseline.exitCode, baseline.stderr).toBe(0);
    const expected = await rowsOf(baselineDir);
    expect(expected.length).toBeGreaterThan(0);

    const dir = path.join(root, 'chaos');
    const pidBefore = Number(/pid (\d+)/.exec(services.description)?.[1]);
    const exits: Exit[] = [];
    let outage: Promise<void> | undefined;
    for (let attempt = 0; attempt < 6; attempt++) {
      const exit = await runEngine([...runArgs(dir), ...services.engineArgs], {
        // A short retry budget, so a storage outage can also fail an attempt (and the restart must recover).
        env: { ...services.env, CHAOS_S3_TOTAL_TIMEOUT_MS: '1500', CHAOS_S3_ATTEMPT_TIMEOUT_MS: '500' },
        onEvent: (event) => {
          if (attempt === 0 && !outage && event.type === 'batch.committed' && event.batchId === 3) {
            outage = (async () => {
              await services.storage!.kill();
              await new Promise((r) => setTimeout(r, 400));
              await services.storage!.restart();
            })();
          }
        },
      });
      exits.push(exit);
      if (exit.exitCode === 0) break;
      // A failed attempt is a clean one: a named storage error, never a crash or a usage error.
      expect(exit.exitCode, exit.stderr).toBe(1);
      expect(exit.stderr).toMatch(/S3 endpoint .* unavailable.*a restart resumes from the checkpoint/);
      await outage;
    }
    await outage;
    expect(exits.at(-1)!.exitCode).toBe(0);
    expect(outage).toBeDefined();
    // The first s3rver process really died (SIGKILL, reaped): the finishing engine ran against the restarted one.
    expect(pidBefore).toBeGreaterThan(0);
    expect(processExists(pidBefore)).toBe(false);
    const felt = exits.length > 1 || exits[0]!.events.some((e) => e.type === 'service.retry');
    expect(felt).toBe(true);
    if (process.env.CHAOS_DEBUG) console.log(exits.map((e) => `exit ${e.exitCode}, ${e.events.filter((x) => x.type === "service.retry").length} retries, ${e.events.filter((x) => x.type === "batch.committed").length} batches`));
    expect(await rowsOf(dir)).toEqual(expected);
    // The checkpoint lived on S3, not in the --checkpoint directory.
    expect(fs.existsSync(path.join(dir, 'checkpoint', 'metadata'))).toBe(false);
  });

  it('--sink s3: the harness reads the output and sees the checkpoint where the engine put them (on S3)', async () => {
    const baselineDir = path.join(root, 'baseline-s3sink');
    expect((await runEngine(runArgs(baselineDir))).exitCode).toBe(0);
    const expected = await rowsOf(baselineDir);

    const dir = path.join(root, 's3sink');
    const dirs = { checkpoint: path.join(dir, 'checkpoint'), output: path.join(dir, 'output') };
    const view = { ...services, sink: 's3' as const };
    expect(await trialHasCheckpoint(view, dirs)).toBe(false);
    const exit = await runEngine([...runArgs(dir), ...services.engineArgs, '--sink', 's3'], { env: services.env });
    expect(exit.exitCode, exit.stderr).toBe(0);
    expect(await trialHasCheckpoint(view, dirs)).toBe(true);
    expect(await readTrialOutputs(view, dirs)).toEqual(expected);
    expect(fs.existsSync(dirs.output)).toBe(false); // nothing went to the local output directory
  });
});
