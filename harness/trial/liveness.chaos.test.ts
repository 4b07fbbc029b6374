/** A trial that cannot finish within its bound (a hang, a crash loop) gets a liveness verdict, and its process is killed. */
import { describe, expect, it } from 'vitest';
import type { TrialSpec } from '../history.js';
import { liveChildren } from '../process/registry.js';
import { runTrial } from './run-trial.js';

const spec = (size: number, faults: TrialSpec['schedule']['faults']): TrialSpec => ({
  scenario: 'wordcount',
  kind: 'streaming',
  seed: 3,
  input: { size },
  config: { partitions: 2, checkpointInterval: 1, executors: 0, maxBatchRecords: 50, store: 'fs', source: 'log', sink: 'files' },
  schedule: { faults, lostWrites: false },
  checkDeterminism: false,
});

describe('liveness', () => {
  it('an engine still running at the trial bound is killed and judged a liveness failure', async () => {
    // A hang: the engine sleeps at its first batch (a delay failpoint armed through the environment).
    const h = await runTrial(spec(100, []), 'process', { timeoutMs: 1500, env: { CHAOS_FAILPOINTS: 'batch.planned:1:delay:600000' } });
    expect(h.ok).toBe(false);
    expect(h.verdicts.find((v) => v.checker === 'liveness')?.message).toMatch(/time bound/);
    expect(h.incarnations.at(-1)!.exit.signal).toBe('SIGKILL');
    expect(liveChildren()).toEqual([]);
  });

  it('the correct engine survives a crash in recovery and finishes (not a liveness failure)', async () => {
    const h = await runTrial(
      spec(300, [
        { kind: 'kill-failpoint', failpoint: 'commits.written', occurrence: 2 },
        { kind: 'crash-in-recovery', failpoint: 'recovery.state-loaded', occurrence: 1 },
      ]),
      'process',
    );
    expect(h.verdicts.filter((v) => !v.ok)).toEqual([]);
    expect(h.kills).toBe(2);
    expect(h.incarnations.map((i) => i.faultsHit.map((f) => f.where))).toEqual([['commits.written'], ['recovery.state-loaded'], []]);
    expect(h.incarnations[1]!.events.some((e) => e.type === 'recovery.started')).toBe(true);
  });
});
