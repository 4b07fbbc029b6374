/**
 * Executor processes for real: tasks run in child processes built from dist/ (run `npm run build`
 * first), an executor is SIGKILLed in the middle of a shuffle stage, and no process is left behind.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJsonLinesOutput, canonicalLines } from '../engine/batch/output.js';
import { executorEntry } from './entries.js';
import { runBatchByRef as runBatchScenario, type JobBatchRunOptions as BatchRunOptions } from './run-job.js';
import { findBatchScenario } from '../scenarios/batch/index.js';
import { MemoryEventSink, type EngineEvent, type EventInput } from '../engine/events.js';
import { UserError } from '../engine/errors.js';
import { MemoryCheckpointStore } from '../engine/checkpoint/memory-store.js';
import { Failpoints } from '../engine/failpoints.js';
import { BatchContext } from '../engine/batch/context.js';
import { alive } from '../engine/test-support/os-probes.js';

let dir: string;
const spawnedPids: number[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-exec-'));
});
afterEach(() => {
  for (const pid of spawnedPids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

async function waitUntilDead(pids: number[], ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** A sink that records events and lets a test act on one the moment it is emitted. */
class WatchingSink extends MemoryEventSink {
  constructor(private readonly on: (e: EventInput, sink: WatchingSink) => void = () => {}) {
    super();
  }
  override emit(event: EventInput): void {
    super.emit(event);
    if (event.type === 'executor.started') spawnedPids.push(event.pid);
    this.on(event, this);
  }
  of<T extends EngineEvent['type']>(type: T): Extract<EngineEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
  }
}

async function run(name: string, extra: Partial<BatchRunOptions>, events = new WatchingSink(), tag = 'run') {
  const out = path.join(dir, `${tag}-out`);
  const result = await runBatchScenario({ scenario: name, seed: 11, size: 400, checkpoint: path.join(dir, 'ckpt'), output: out, events, ...extra });
  return { result, events, lines: canonicalLines(await readJsonLinesOutput(out)) };
}

describe('executor processes', () => {
  it('give the same output as tasks in the driver and as the reference computation', async () => {
    for (const name of ['pagerank', 'dictionary-join']) {
      const inDriver = await run(name, { executors: 0 }, undefined, `${name}-0`);
      const inProcesses = await run(name, { executors: 2 }, undefined, `${name}-2`);
      expect(inProcesses.lines).toEqual(inDriver.lines);
      expect(inDriver.lines).toEqual(canonicalLines(findBatchScenario(name).referenceResult(11, 400)));
      expect(inProcesses.events.of('executor.started')).toHaveLength(2);
      expect(inProcesses.result.rerunTasks).toBe(0);
    }
  });

  it('an executor SIGKILLed from outside in the middle of a shuffle stage: same result, lost map tasks re-run', async () => {
    const clean = await run('dictionary-join', { executors: 2 }, undefined, 'clean');
    // Executor 0 pauses right after writing its 2nd shuffle map output; we kill it there.
    const events = new WatchingSink((e, sink) => {
      if (e.type === 'failpoint.fired' && e.name === 'shuffle.written') {
        const victim = sink.of('executor.started').find((s) => s.executorId === 0)!;
        process.kill(victim.pid, 'SIGKILL');
      }
    });
    const killed = await run('dictionary-join', { executors: 2, executorFailpoints: 'shuffle.written:2:delay:5000' }, events, 'killed');
    expect(killed.lines).toEqual(clean.lines);
    expect(events.of('executor.lost')).toEqual([expect.objectContaining({ executorId: 0, reason: expect.stringMatching(/SIGKILL/) })]);
    expect(events.of('task.failed').length).toBeGreaterThan(0);
    expect(events.of('stage.resubmitted').length).toBeGreaterThan(0);
    expect(killed.result.rerunTasks).toBeGreaterThan(0);
    expect(events.of('job.finished').at(-1)?.rerunTasks).toBe(killed.result.rerunTasks);
    expect(events.of('executor.started').map((e) => e.executorId)).toEqual(expect.arrayContaining([0, 1, 2]));
  });

  it('an executor killing itself at a failpoint during pagerank: exact result, re-run tasks reported', async () => {
    const { result, events, lines } = await run('pagerank', { executors: 2, executorFailpoints: 'shuffle.written:6:crash' });
    expect(lines).toEqual(canonicalLines(findBatchScenario('pagerank').referenceResult(11, 400)));
    expect(events.of('failpoint.fired')).toEqual([expect.objectContaining({ name: 'shuffle.written', occurrence: 6, action: 'crash' })]);
    expect(events.of('executor.lost')).toHaveLength(1);
    expect(result.rerunTasks).toBeGreaterThan(0);
  });

  it('leaves no executor behind after the job, and executors exit when their driver is SIGKILLed', async () => {
    const { events } = await run('dictionary-join', { executors: 2 });
    const pids = events.of('executor.started').map((e) => e.pid);
    await waitUntilDead(pids);
    expect(pids.filter(alive)).toEqual([]);

    // A driver process whose executor 0 hangs in its first task; the driver is then SIGKILLed.
    const code = `
      import { runBatchByRef as runBatchScenario } from ${JSON.stringify(path.resolve('dist/runtime/run-job.js'))};
      import { FdEventSink } from ${JSON.stringify(path.resolve('dist/engine/events.js'))};
      await runBatchScenario({ scenario: 'dictionary-join', seed: 1, size: 200, executors: 2,
        checkpoint: ${JSON.stringify(path.join(dir, 'c2'))}, output: ${JSON.stringify(path.join(dir, 'o2'))},
        executorFailpoints: 'task.begin:1:delay:60000', events: new FdEventSink(1) });`;
    const driver = execa('node', ['--input-type=module', '-e', code], { reject: false });
    spawnedPids.push(driver.pid!);
    const executorPids: number[] = [];
    for await (const line of readline.createInterface({ input: driver.stdout! })) {
      if (line.includes('"executor.started"')) executorPids.push((JSON.parse(line) as { pid: number }).pid);
      spawnedPids.push(...executorPids);
      if (executorPids.length === 2) {
        driver.kill('SIGKILL');
        break;
      }
    }
    await driver;
    expect(executorPids).toHaveLength(2);
    await waitUntilDead(executorPids);
    expect(executorPids.filter(alive)).toEqual([]);
  });

  it('a localCheckpoint()ed partition lost with its executor fails the next job with a clear error', async () => {
    const events = new WatchingSink();
    const scenario = { name: 'dictionary-join', seed: 2, size: 200, params: { partitions: 4, checkpoint: 2 } };
    const ctx = new BatchContext({ executors: 2, scenario, executorEntry: executorEntry('batch'), checkpoint: path.join(dir, 'ckpt'), jobKey: 'local', events });
    try {
      const job = findBatchScenario('dictionary-join').build(ctx, scenario);
      const counts = ctx.allDatasets().find((d) => d.name === 'word-counts')!;
      const expectedRows = findBatchScenario('dictionary-join').referenceResult(2, 200).length;
      expect(await job.dataset.count()).toBe(expectedRows);
      expect(counts.isCheckpointed).toBe(true);
      expect(counts.toDebugString()).toMatch(/local checkpoint, not fault tolerant/);
      process.kill(events.of('executor.started').find((e) => e.executorId === 0)!.pid, 'SIGKILL');
      await waitUntilDead(events.of('executor.started').filter((e) => e.executorId === 0).map((e) => e.pid));
      await expect(job.dataset.count()).rejects.toBeInstanceOf(UserError);
      await expect(job.dataset.count()).rejects.toThrow(/word-counts' was lost: it was localCheckpoint\(\)ed and its executor died.*not fault tolerant/);
    } finally {
      await ctx.stop();
    }
  });

  it('refuses configurations that cannot work, with clear messages', async () => {
    const memory = new MemoryCheckpointStore('memory://ckpt', { failpoints: Failpoints.disarmed() });
    const base = { scenario: 'pagerank', seed: 1, size: 10, checkpoint: memory, output: path.join(dir, 'o') };
    await expect(runBatchScenario({ ...base, executors: 1 })).rejects.toThrow(/memory store works only with executors: 0/);
    await expect(runBatchScenario({ ...base, scenario: 'nope' })).rejects.toThrow(/unknown scenario "nope"/);
    await expect(runBatchScenario({ ...base, params: { iteration: 3 } })).rejects.toThrow(/no parameter "iteration"; its parameters are partitions, iterations, checkpointEvery/);
    await expect(runBatchScenario({ ...base, executorFailpoints: 'task.begin:crash' })).rejects.toThrow(/needs executors >= 1/);
    await expect(runBatchScenario({ ...base, executors: 1, checkpoint: path.join(dir, 'c'), executorFailpoints: 'task:crash' })).rejects.toBeInstanceOf(UserError);
  });
});
