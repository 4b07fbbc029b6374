/**
 * The mutants of issue 15 hide under the engine's default knobs and show under the knob values the
 * generator now draws: the same trial (input, faults) holds with the defaults and fails with one
 * non-default knob. This is why every knob has to be drawn.
 */
import { describe, expect, it } from 'vitest';
import { runTrial } from '../trial/run-trial.js';
import type { TrialConfig, TrialSpec } from '../history.js';

const trial = (mutant: string, knobs: Partial<TrialConfig>, commitsBeforeCrash: number): TrialSpec => ({
  scenario: 'running-totals',
  kind: 'streaming',
  seed: 21,
  input: { size: 400, keys: 200 },
  config: { partitions: 2, checkpointInterval: 1, executors: 0, maxBatchRecords: 20, store: 'memory', source: 'log', sink: 'files', mutant, ...knobs },
  schedule: { faults: [{ kind: 'kill-failpoint', failpoint: 'commits.written', occurrence: commitsBeforeCrash }], lostWrites: false },
  checkDeterminism: false,
});

const cases: Array<{ mutant: string; knobs: Partial<TrialConfig>; crashAfter: number; caughtBy: RegExp }> = [
  { mutant: 'retention-ignores-state-chain', knobs: { snapshotEvery: 100_000, retainBatches: 1 }, crashAfter: 10, caughtBy: /cannot recover state/ },
  { mutant: 'delta-chain-depth-capped', knobs: { snapshotEvery: 50 }, crashAfter: 14, caughtBy: /output differs/ },
  { mutant: 'empty-state-before-first-checkpoint', knobs: { checkpointInterval: 5 }, crashAfter: 3, caughtBy: /output differs/ },
];

describe.each(cases)('$mutant', ({ mutant, knobs, crashAfter, caughtBy }) => {
  it('holds with the engine defaults', async () => {
    const h = await runTrial(trial(mutant, {}, crashAfter), 'sim');
    expect(h.kills).toBe(1);
    expect(h.verdicts.filter((v) => !v.ok).map((v) => v.message)).toEqual([]);
  });

  it(`fails with ${JSON.stringify(knobs)}`, async () => {
    const h = await runTrial(trial(mutant, knobs, crashAfter), 'sim');
    expect(h.ok).toBe(false);
    expect(h.verdicts.filter((v) => !v.ok).map((v) => v.message).join('\n')).toMatch(caughtBy);
    // The correct engine holds on exactly that trial.
    const correct = trial(mutant, knobs, crashAfter);
    delete correct.config.mutant;
    expect((await runTrial(correct, 'sim')).ok).toBe(true);
  });
});
