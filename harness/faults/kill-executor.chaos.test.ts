/**
 * kill-executor in process mode, streaming and batch: the nemesis SIGKILLs a real executor process
 * (pid from `executor.started`) at a moment of the run, or the first executor kills itself at an
 * executor failpoint; the driver replaces it, re-runs its task, and the output still equals the
 * failure-free reference.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Fault, History, TrialSpec } from '../history.js';
import { liveChildren } from '../process/registry.js';
import { runTrial } from '../trial/run-trial.js';
import { runChaos } from '../properties/run-chaos.js';

function spec(scenario: string, kind: 'streaming' | 'batch', fault: Fault, executors = 2): TrialSpec {
  return {
    scenario,
    kind,
    seed: 17,
    input: kind === 'batch' ? { size: 120 } : { size: 300 },
    config: { partitions: 2, checkpointInterval: 2, executors, maxBatchRecords: 40, store: 'fs', source: 'log', sink: 'files' },
    schedule: { faults: [fault], lostWrites: false },
    checkDeterminism: false,
  };
}

const executorHits = (h: History) => h.incarnations.flatMap((i) => i.faultsHit).filter((f) => f.kind === 'kill-executor');
const lost = (h: History) => h.incarnations.flatMap((i) => i.events).filter((e) => e.type === 'executor.lost');

function expectHeld(h: History): void {
  expect(h.verdicts.filter((v) => !v.ok)).toEqual([]);
  expect(h.ok).toBe(true);
  expect(h.outputs).toEqual(h.reference);
}

afterEach(() => {
  expect(liveChildren()).toEqual([]);
});

describe('kill-executor (process mode)', () => {
  it('streaming: an executor SIGKILLed from outside is replaced and the output is exactly the reference', async () => {
    // The driver pauses at its first batch so the kill lands while both executors are alive and idle-waiting for tasks.
    const h = await runTrial(spec('wordcount', 'streaming', { kind: 'kill-executor', afterEvents: 3, executor: 0 }), 'process', {
      env: { CHAOS_FAILPOINTS: 'batch.planned:1:delay:400' },
    });
    expectHeld(h);
    const [hit] = executorHits(h);
    expect(hit?.where).toMatch(/^executor pid \d+ after event #\d+$/);
    const pid = Number(/pid (\d+)/.exec(hit!.where)![1]);
    expect(lost(h)).toEqual([expect.objectContaining({ pid })]);
    expect(h.kills).toBe(1);
    expect(h.incarnations).toHaveLength(1); // the driver survived and finished
  });

  it('streaming: the first executor crashing at task.begin is replaced and its task re-run', async () => {
    const h = await runTrial(spec('running-totals', 'streaming', { kind: 'kill-executor', afterEvents: 0, executor: 0, executorFailpoint: 'task.begin', executorOccurrence: 2 }), 'process');
    expectHeld(h);
    expect(executorHits(h)).toEqual([expect.objectContaining({ where: expect.stringMatching(/at task\.begin:2$/) })]);
    expect(h.incarnations[0]!.events.some((e) => e.type === 'task.failed')).toBe(true);
    expect(h.kills).toBe(1);
  });

  it('batch: an executor SIGKILLed mid-job and one crashing at shuffle.written are both recovered', async () => {
    const outside = await runTrial(spec('pagerank', 'batch', { kind: 'kill-executor', afterEvents: 3, executor: 1 }), 'process');
    expectHeld(outside);
    expect(executorHits(outside)).toHaveLength(1);
    expect(lost(outside)).toHaveLength(1);

    const inside = await runTrial(spec('dictionary-join', 'batch', { kind: 'kill-executor', afterEvents: 0, executor: 0, executorFailpoint: 'shuffle.written', executorOccurrence: 1 }), 'process');
    expectHeld(inside);
    expect(executorHits(inside)).toEqual([expect.objectContaining({ where: expect.stringMatching(/at shuffle\.written:1$/) })]);
    expect(inside.kills).toBe(1);
  });

  it('a process run counts kill-executor trials and hits per fault kind, streaming and batch', async () => {
    const summary = await runChaos({
      mode: 'process',
      scenarios: [
        { name: 'wordcount', kind: 'streaming' },
        { name: 'pagerank', kind: 'batch' },
      ],
      runs: 8,
      seed: 42,
      faultKinds: ['kill-executor'],
      maxSize: 200,
      determinismFraction: 0,
      maxShrinkTrials: 0,
    });
    expect(summary.failures.map((f) => f.message)).toEqual([]);
    const counts = summary.faultKinds.find((k) => k.kind === 'kill-executor')!;
    expect(counts.trials).toBe(8);
    expect(counts.hits).toBeGreaterThan(0);
    expect(summary.faultKinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['kill-executor', 'storage-restart', 'storage-outage']));
  });
});
