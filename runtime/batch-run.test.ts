/**
 * runBatchScenario after a killed run: a run killed anywhere (a real SIGKILLed driver process, or a
 * simulated crash at any batch failpoint) is followed by a run that reuses only complete named
 * checkpoints and still gets exactly the reference result.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { readJsonLinesOutput, canonicalLines } from '../engine/batch/output.js';
import { runBatchByRef as runBatchScenario } from './run-job.js';
import { findBatchScenario } from '../scenarios/batch/index.js';
import { MemoryEventSink, parseEvents } from '../engine/events.js';
import { MemoryCheckpointStore } from '../engine/checkpoint/memory-store.js';
import { Failpoints, simulatedCrash } from '../engine/failpoints.js';
import { SimulatedCrash } from '../engine/errors.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-run-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const reference = (name: string, seed: number, size: number, params?: Record<string, number>) =>
  canonicalLines(findBatchScenario(name).referenceResult(seed, size, params));

describe('a run after a killed run', () => {
  const driverCode = (failpoints: string) => `
    import { runBatchByRef as runBatchScenario } from ${JSON.stringify(path.resolve('dist/runtime/run-job.js'))};
    import { FdEventSink } from ${JSON.stringify(path.resolve('dist/engine/events.js'))};
    await runBatchScenario({ scenario: 'pagerank', seed: 4, size: 300, params: { iterations: 7, checkpointEvery: 3 },
      checkpoint: ${JSON.stringify(path.join(dir, 'ckpt'))}, output: ${JSON.stringify(path.join(dir, 'out'))},
      failpoints: ${JSON.stringify(failpoints)}, events: new FdEventSink(1) });`;

  async function killedDriver(failpoints: string) {
    const child = await execa('node', ['--input-type=module', '-e', driverCode(failpoints)], { reject: false });
    expect(child.signal).toBe('SIGKILL');
    return parseEvents(child.stdout);
  }

  async function rerun() {
    const events = new MemoryEventSink();
    const result = await runBatchScenario({
      scenario: 'pagerank', seed: 4, size: 300, params: { iterations: 7, checkpointEvery: 3 },
      checkpoint: path.join(dir, 'ckpt'), output: path.join(dir, 'out'), events,
    });
    expect(canonicalLines(await readJsonLinesOutput(path.join(dir, 'out')))).toEqual(reference('pagerank', 4, 300, { iterations: 7, checkpointEvery: 3 }));
    return { result, events };
  }

  it('reuses the complete named checkpoint the SIGKILLed driver left (and only that one)', async () => {
    // manifest puts: ranks-3 manifest (1), ranks-3 name pointer (2) -> killed right after ranks-3 became complete.
    const before = await killedDriver('manifest.written:2:crash');
    expect(before.filter((e) => e.type === 'failpoint.fired')).toEqual([expect.objectContaining({ name: 'manifest.written', occurrence: 2 })]);
    expect(before.some((e) => e.type === 'job.finished')).toBe(false);
    const { result, events } = await rerun();
    expect(result.reused).toEqual(["ds-17 'ranks-3'"]);
    expect(events.events.find((e) => e.type === 'engine.started')).toMatchObject({ resumed: true });
    expect(events.events.filter((e) => e.type === 'dataset.checkpointed').map((e) => [(e as { dataset: string }).dataset, (e as { reused: boolean }).reused])).toEqual([
      ["ds-17 'ranks-3'", true],
      ["ds-32 'ranks-6'", false],
    ]);
  });

  it('ignores a partial checkpoint (parts written, manifest missing) and recomputes it', async () => {
    await killedDriver('manifest.write:1:crash');
    const parts = fs.readdirSync(path.join(dir, 'ckpt')).flatMap((run) => fs.readdirSync(path.join(dir, 'ckpt', run, 'ds-17')));
    expect(parts.filter((f) => f.startsWith('part-'))).toHaveLength(4);
    expect(parts).not.toContain('manifest');
    const { result } = await rerun();
    expect(result.reused).toEqual([]);
  });

  const failpointNames = ['task.begin', 'shuffle.written', 'dataset.write', 'dataset.written', 'manifest.write', 'manifest.written', 'sink.write', 'sink.written'];
  test.prop(
    [fc.constantFrom('pagerank', 'dictionary-join'), fc.constantFrom(...failpointNames), fc.integer({ min: 1, max: 12 }), fc.constantFrom('crash', 'tear'), fc.integer({ min: 0, max: 99 })],
    { numRuns: 60 },
  )('simulated crash at any batch failpoint, then a clean run over the same stores: exact result', async (name, point, occurrence, action, seed) => {
    const checkpoint = new MemoryCheckpointStore('memory://ckpt', { failpoints: Failpoints.disarmed() });
    const output = new MemoryCheckpointStore('memory://out', { failpoints: Failpoints.disarmed() });
    const params = name === 'pagerank' ? { iterations: 5, checkpointEvery: 2 } : {};
    const crashing = new Failpoints([{ name: point, occurrence, action: { type: action } }], simulatedCrash);
    checkpoint.failpoints = output.failpoints = crashing;
    await runBatchScenario({ scenario: name, seed, size: 80, params, checkpoint, output, failpoints: crashing }).catch((err: unknown) => {
      if (!(err instanceof SimulatedCrash)) throw err;
    });
    checkpoint.failpoints = output.failpoints = Failpoints.disarmed();
    await runBatchScenario({ scenario: name, seed, size: 80, params, checkpoint, output });
    expect(canonicalLines(await readJsonLinesOutput(output))).toEqual(reference(name, seed, 80, params));
  });
});
