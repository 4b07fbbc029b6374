/**
 * check(history) is one composed checker: it gives back exactly the verdicts a trial was judged with
 * (a stored History re-judges the same), a checker that throws becomes an `unknown` verdict instead
 * of a crash, and a History whose data changed is judged by its data, not by its old verdicts.
 */
import { describe, expect, it } from 'vitest';
import type { History, TrialSpec } from '../history.js';
import { runTrial } from '../trial/run-trial.js';
import { check, compose, type Checker } from './check.js';
import { modelFor } from './models/index.js';

const spec = (mutant?: string, failpoint = 'sink.before-commit'): TrialSpec => ({
  scenario: 'wordcount',
  kind: 'streaming',
  seed: 9,
  input: { size: 200, keys: 20 },
  config: { partitions: 2, checkpointInterval: 2, executors: 0, maxBatchRecords: 30, store: 'memory', source: 'log', sink: 'files', ...(mutant ? { mutant } : {}) },
  schedule: { faults: [{ kind: 'kill-failpoint', failpoint, occurrence: 3 }], lostWrites: false },
  checkDeterminism: true,
});

async function rejudge(h: History) {
  const model = await modelFor(h);
  return check(h, model ? { ...(model.shape ? { shape: model.shape } : {}), perKeyOrder: model.perKeyOrder } : {});
}

describe('check(history)', () => {
  it('re-judging a stored History gives the verdicts the trial was judged with, passing and failing', async () => {
    const good = await runTrial(spec(), 'sim');
    expect(good.ok).toBe(true);
    expect(good.verdicts.map((v) => v.checker)).toEqual(expect.arrayContaining(['determinism', 'model', 'exactly-once', 'per-key-order', 'final-state']));
    const stored = JSON.parse(JSON.stringify(good)) as History;
    expect(await rejudge(stored)).toEqual(good.verdicts);

    const bad = await runTrial(spec('commit-before-sink', 'sink.begin'), 'sim');
    expect(bad.ok).toBe(false);
    expect(await rejudge(JSON.parse(JSON.stringify(bad)) as History)).toEqual(bad.verdicts);
  });

  it('judges the data, not the stored verdicts: a row taken out of the outputs fails exactly-once and final state', async () => {
    const h = JSON.parse(JSON.stringify(await runTrial(spec(), 'sim'))) as History;
    const lastRow = [...h.outputs].sort((a, b) => (JSON.parse(b) as { batchId: number }).batchId - (JSON.parse(a) as { batchId: number }).batchId)[0]!;
    h.outputs = h.outputs.filter((l) => l !== lastRow);
    const verdicts = await rejudge(h);
    const exactly = verdicts.find((v) => v.checker === 'exactly-once')!;
    expect(exactly.ok).toBe(false);
    expect(exactly.counts?.lost).toBe(1);
    expect(verdicts.find((v) => v.checker === 'final-state')?.ok).toBe(false);
  });

  it('a checker that throws becomes an unknown verdict; the others still judge (check-safe)', () => {
    const boom: Checker = { name: 'model', check: () => { throw new TypeError('shape of nothing'); } };
    const fine: Checker = { name: 'exactly-once', check: () => [{ checker: 'exactly-once', ok: true, message: 'fine' }] };
    const verdicts = compose([boom, fine])({} as History, {});
    expect(verdicts).toHaveLength(2);
    expect(verdicts[0]).toMatchObject({ checker: 'model', ok: false, unknown: true });
    expect(verdicts[0]!.message).toMatch(/threw TypeError: shape of nothing.*unknown/);
    expect(verdicts[1]).toMatchObject({ checker: 'exactly-once', ok: true });
  });

  it("judges the sink by the History's output mode: update on the final state per key (unknown without the row shape)", async () => {
    const h = JSON.parse(JSON.stringify(await runTrial(spec(), 'sim'))) as History;
    expect(h.outputMode).toBe('update'); // wordcount's model says so
    // An at-least-once sink that repeats a row and drops an intermediate update still ends right.
    const byBatch = (l: string) => (JSON.parse(l) as { batchId: number; word: string }).batchId;
    const word = (l: string) => (JSON.parse(l) as { word: string }).word;
    const newest = new Map<string, string>();
    for (const l of [...h.outputs].sort((a, b) => byBatch(a) - byBatch(b))) newest.set(word(l), l);
    const intermediate = h.outputs.find((l) => newest.get(word(l)) !== l)!;
    h.guarantee = 'at-least-once';
    const repeated = [...newest.values()][0]!;
    h.outputs = [...h.outputs.filter((l) => l !== intermediate), repeated];
    const verdicts = await rejudge(h);
    expect(verdicts.find((v) => v.checker === 'final-state')?.ok).toBe(true);
    expect(verdicts.some((v) => v.checker === 'at-least-once' || v.checker === 'exactly-once')).toBe(false);
    // The same output judged as an append log loses a row.
    expect((await rejudge({ ...h, outputMode: 'append' })).find((v) => v.checker === 'at-least-once')?.ok).toBe(false);
    // Without the job's row shape an update-mode output cannot be judged: unknown, not a pass.
    const blind = check(h, {}).find((v) => v.checker === 'exactly-once')!;
    expect(blind).toMatchObject({ ok: false, unknown: true });
  });

  it('observed verdicts (exits, liveness) are kept as recorded; an unfinished run has no output verdicts', () => {
    const h = {
      guarantee: 'exactly-once',
      outputs: [],
      reference: ['{"a":1}'],
      incarnations: [],
      finished: false,
      observed: [{ checker: 'liveness', ok: false, message: 'a crash loop' }],
      verdicts: [],
    } as unknown as History;
    expect(check(h, {})).toEqual([{ checker: 'liveness', ok: false, message: 'a crash loop' }]);
  });
});
