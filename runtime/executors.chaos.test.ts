/**
 * `--executors N` for streaming with real processes and real SIGKILL: the stateless part of each
 * micro-batch runs on executor child processes. Output equals the in-driver run byte for byte; an
 * executor killed from outside mid-task is replaced and its task re-run with the same result; a
 * task failing on every attempt fails the run clearly; a SIGKILLed driver leaves no executor behind.
 * Needs a build (`npx tsc -p tsconfig.json`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseEvents, type EngineEvent } from '../engine/events.js';
import { UserError } from '../engine/errors.js';
import { Failpoints } from '../engine/failpoints.js';
import { MemoryEventSink } from '../engine/events.js';
import { runStreamingJob as runStreamingQuery } from './run-job.js';
import { memoryStores } from './test-support/sim.js';
import { alive } from '../engine/test-support/os-probes.js';

const MAIN = path.resolve('dist/runtime/main.js');
const temps: string[] = [];
const children: ResultPromise[] = [];
const pidsToReap = new Set<number>();

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-streaming-exec-'));
  temps.push(d);
  return d;
}

afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill('SIGKILL');
    await c.catch(() => {});
  }
  for (const pid of pidsToReap) if (alive(pid)) process.kill(pid, 'SIGKILL');
  pidsToReap.clear();
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

beforeAll(() => {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npx tsc -p tsconfig.json first`);
});

function args(scenario: string, dir: string, executors: number, extra: string[] = []): string[] {
  return ['engine', 'run', '--scenario', scenario, '--seed', '11', '--size', '600', '--max-batch-records', '50', '--partitions', '4',
    '--checkpoint', path.join(dir, 'checkpoint'), '--output', path.join(dir, 'output'), '--events', path.join(dir, 'events.ndjson'),
    '--checkpoint-interval', '2', '--executors', String(executors), ...extra];
}

const start = (argv: string[]) => {
  const child = execa('node', [MAIN, ...argv], { reject: false, timeout: 30_000 });
  children.push(child);
  return child;
};

function eventsOf(dir: string): EngineEvent[] {
  const file = path.join(dir, 'events.ndjson');
  return fs.existsSync(file) ? parseEvents(fs.readFileSync(file, 'utf8')) : [];
}

/** Output files (not '.'-named bookkeeping) -> their bytes. */
function outputFiles(dir: string): Map<string, string> {
  const out = path.join(dir, 'output');
  const files = fs.readdirSync(out).filter((f) => !f.startsWith('.')).sort();
  return new Map(files.map((f) => [f, fs.readFileSync(path.join(out, f), 'utf8')]));
}

async function poll<T>(what: string, probe: () => T | undefined, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const executorPids = (events: EngineEvent[]) =>
  events.flatMap((e) => (e.type === 'executor.started' ? [e.pid] : []));

async function reference(scenario: string, extra: string[] = []): Promise<Map<string, string>> {
  const dir = tempDir();
  const res = await start(args(scenario, dir, 0, extra));
  expect(res.exitCode, res.stderr).toBe(0);
  return outputFiles(dir);
}

describe('streaming with executor processes', () => {
  it.each(['wordcount', 'running-totals', 'windowed-counts', 'enrichment-join'])('%s: --executors 2 writes byte-identical output to --executors 0', async (scenario) => {
    const expected = await reference(scenario);
    const dir = tempDir();
    const res = await start(args(scenario, dir, 2));
    expect(res.exitCode, res.stderr).toBe(0);
    expect(outputFiles(dir)).toEqual(expected);
    expect(expected.size).toBeGreaterThan(5);
    const events = eventsOf(dir);
    expect(executorPids(events)).toHaveLength(2);
    expect(events.some((e) => e.type === 'warning')).toBe(false);
    for (const pid of executorPids(events)) expect(alive(pid)).toBe(false);
  });

  it('an executor SIGKILLed from outside mid-task is replaced, the task re-runs, and the output is unchanged', async () => {
    const expected = await reference('wordcount');
    const dir = tempDir();
    // Executor 0 stalls in its 4th task, so the kill lands while it holds a task.
    const run = start(args('wordcount', dir, 2, ['--executor-failpoints', 'task.begin:4:delay:20000']));
    const victim = await poll('executor 0 to stall in a task', () => {
      const events = eventsOf(dir);
      if (!events.some((e) => e.type === 'failpoint.fired' && e.name === 'task.begin')) return undefined;
      return events.find((e): e is Extract<EngineEvent, { type: 'executor.started' }> => e.type === 'executor.started' && e.executorId === 0)?.pid;
    });
    pidsToReap.add(victim);
    process.kill(victim, 'SIGKILL');
    const res = await run;
    expect(res.exitCode, res.stderr).toBe(0);
    expect(outputFiles(dir)).toEqual(expected);
    const events = eventsOf(dir);
    const lost = events.find((e) => e.type === 'executor.lost');
    expect(lost).toMatchObject({ executorId: 0, pid: victim });
    expect((lost as { reason: string }).reason).toContain('SIGKILL');
    const failed = events.filter((e) => e.type === 'task.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attempt: 0, reason: expect.stringContaining('executor 0 lost') });
    expect(events.filter((e) => e.type === 'executor.started').map((e) => (e as { executorId: number }).executorId).sort()).toEqual([0, 1, 2]);
    for (const pid of executorPids(events)) expect(alive(pid)).toBe(false);
  });

  it('a task failing on every attempt stops the run with a clear error (exit 1), and a restart completes', async () => {
    const expected = await reference('running-totals', ['--partitions', '1']);
    const dir = tempDir();
    // One partition, one executor: the same task fails at occurrences 3..6.
    const onePartition = (extra: string[]) => args('running-totals', dir, 1, ['--partitions', '1', ...extra]);
    const failing = await start(onePartition(['--executor-failpoints', 'task.begin:3:throw,task.begin:4:throw,task.begin:5:throw,task.begin:6:throw']));
    expect(failing.exitCode).toBe(1);
    expect(failing.stderr).toMatch(/batch 2: the task of source partition 0 failed 4 times \(last: InjectedFault/);
    expect(eventsOf(dir).filter((e) => e.type === 'task.failed').map((e) => (e as { attempt: number }).attempt)).toEqual([0, 1, 2, 3]);
    const resumed = await start(onePartition([]));
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(outputFiles(dir)).toEqual(expected);
    const pids = executorPids(eventsOf(dir));
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });

  it('no executor survives a SIGKILLed driver, and a restart with executors finishes with the failure-free output', async () => {
    const expected = await reference('wordcount');
    const dir = tempDir();
    const run = start(args('wordcount', dir, 2, ['--failpoints', 'batch.ran:3:delay:20000']));
    const pids = await poll('the driver to stall after batch 2 ran', () => {
      const events = eventsOf(dir);
      return events.some((e) => e.type === 'failpoint.fired' && e.name === 'batch.ran') ? executorPids(events) : undefined;
    });
    expect(pids).toHaveLength(2);
    for (const pid of pids) pidsToReap.add(pid);
    expect(pids.every(alive)).toBe(true);
    run.kill('SIGKILL');
    expect((await run).signal).toBe('SIGKILL');
    await poll('the executors to exit', () => (pids.some(alive) ? undefined : true), 10_000);

    const restarted = await start(args('wordcount', dir, 2));
    expect(restarted.exitCode, restarted.stderr).toBe(0);
    expect(outputFiles(dir)).toEqual(expected);
  });

  it('refuses executors in simulation (memory stores) with a clear error', async () => {
    const stores = memoryStores();
    const run = runStreamingQuery(
      { scenario: 'wordcount', seed: 1, size: 50, executors: 2 },
      { ...stores, failpoints: Failpoints.disarmed(), events: new MemoryEventSink() },
    );
    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow(/executors 2 needs real processes.*simulation/);
  });

  it('refuses bad executor flags with exit 2 and a message naming the flag', async () => {
    const dir = tempDir();
    const bad = await start(args('wordcount', dir, 0, ['--executor-failpoints', 'task.begin:1:crash']));
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('executor failpoints need executors >= 1');
    const unknown = await start(args('wordcount', dir, 1, ['--executor-failpoints', 'sink.begin:1:crash']));
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('unknown executor failpoint "sink.begin"');
    const mutant = await start(args('wordcount', dir, 2, ['--mutant', 'non-deterministic-operator']));
    expect(mutant.exitCode).toBe(2);
    expect(mutant.stderr).toContain('run it with executors 0');
    const negative = await start(args('wordcount', dir, 0).map((a) => (a === '0' ? '-1' : a)));
    expect(negative.exitCode).toBe(2);
  });
});
