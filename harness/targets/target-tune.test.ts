/**
 * The knob analysis and the round loop of `chaos tune --target` on fixtures (no Spark): the fit
 * names the knob and recommends with a confidence, a missing recovery is said once as the reason,
 * and --budget stops new measurements after the first round.
 */
import { describe, expect, it } from 'vitest';
import type { TuneKnob } from './target-spec.js';
import { analyzeKnob, checkpointWrites, tuneTarget, type MeasureFn, type TargetTuneRun } from './target-tune.js';

const ckpt: TuneKnob = { name: 'checkpoint-interval', means: 'm', unit: 'batches', role: 'checkpoint-interval', via: { placeholder: '{checkpoint-interval}' }, values: [1, 2, 4], default: 4, checkpointPoint: 'rdd-checkpoint' };
const size: TuneKnob = { name: 'files-per-batch', means: 'm', unit: 'files', role: 'batch-size', via: { env: 'X' }, values: [1, 2, 3], default: 1 };

function run(knob: string, value: number, round: number, batchMs: number, ckptMs: number[]): TargetTuneRun {
  return { knob, value, round, wallMs: 10_000, batches: 6, batchMs, checkpoints: ckptMs.length, checkpointMsEach: ckptMs, checkpointBytes: 1, publishMsPerBatch: 1, rows: 3, output: 'x' };
}

describe('chaos tune --target analysis', () => {
  it('fits a checkpoint-interval knob with the cost model and names it in the reason', () => {
    const runs = [1, 2, 4].flatMap((v) => [0, 1, 2].map((r) => run('checkpoint-interval', v, r, 1000 + r, [200 + 5 * r])));
    const recs = runs.map((r) => ({ knob: r.knob, value: r.value, round: r.round, killAt: 'x', killed: true, recoveryMs: 8000 + 10 * r.round, outputMatches: true }));
    const k = analyzeKnob(ckpt, [1, 2, 4], runs, recs, 600_000, 1, true);
    expect(k.recommended).not.toBeNull();
    expect(k.reason).toMatch(/^checkpoint-interval = \d+ batches has the least expected wall time/);
    expect(k.young).toBeGreaterThan(0);
    expect(k.fit?.['checkpointMs']?.value).toBeCloseTo(205, 0);
    expect(k.decision?.status).toBeDefined();
  });

  it('without recovery says why it cannot recommend', () => {
    const runs = [1, 2].map((v) => run('files-per-batch', v, 0, 500 + 100 * v, []));
    const k = analyzeKnob(size, [1, 2], runs, [], 600_000, 1, false);
    expect(k.recommended).toBeNull();
    expect(k.reason).toMatch(/--no-recovery/);
  });

  it('fits a batch-size knob as a + b·K', () => {
    const runs = [1, 2, 3].flatMap((v) => [0, 1].map((r) => run('files-per-batch', v, r, 500 + 100 * v + r, [])));
    const recs = runs.map((r) => ({ knob: r.knob, value: r.value, round: r.round, killAt: 'x', killed: true, recoveryMs: 9000, outputMatches: true }));
    const k = analyzeKnob(size, [1, 2, 3], runs, recs, 600_000, 1, true);
    expect(k.fit?.['perBatchMs']?.value).toBeCloseTo(500, -1);
    expect(k.fit?.['perUnitMs']?.value).toBeCloseTo(100, -1);
    expect(k.recommended).toBe(3);
  });

  it('groups the files of one RDD checkpoint', () => {
    const p = (point: string, occurrence: number, t: number) => ({ point, occurrence, t });
    const w = checkpointWrites([p('rdd-checkpoint.before', 1, 0), p('rdd-checkpoint.written', 1, 10), p('rdd-checkpoint.before', 2, 12), p('rdd-checkpoint.written', 2, 20), p('rdd-checkpoint.before', 3, 5000), p('rdd-checkpoint.written', 3, 5007)], 'rdd-checkpoint');
    expect(w).toEqual([18, 7]);
  });

  it('honours --budget: after the first round no new measurement starts once it is spent', async () => {
    let clock = 0;
    const measured: string[] = [];
    const measure: MeasureFn = async (knob, value, round) => {
      measured.push(`${round}:${value}`);
      clock += 1000; // each measurement "takes" 1 s
      return { run: run(knob.name, value, round, 1000 + Math.random() * 500, [100 + Math.random() * 100]), recovery: { knob: knob.name, value, round, killAt: 'x', killed: true, recoveryMs: 8000 + Math.random() * 4000, outputMatches: true } };
    };
    const opts = { knobs: [{ knob: ckpt, values: [1, 2, 4] }], mtbfMs: 600_000, seed: 1, recovery: true, repeat: 1, budgetMs: 4500, command: 'x' };
    const r = await tuneTarget('t', opts, measure, () => clock);
    // round 1 is whole (3 measurements, 3 s); round 2 starts (3 s < 4.5 s) and stops after 2 more
    expect(measured.length).toBeLessThanOrEqual(5);
    expect(measured.slice(0, 3)).toEqual(['0:1', '0:2', '0:4']);
    if (r.rounds.count < 6 && measured.length < 6 * 3) expect(r.rounds.stopped).toMatch(/budget|decided/);
    const tiny = await tuneTarget('t', { ...opts, budgetMs: 1 }, measure, () => clock);
    expect(tiny.runs).toHaveLength(3);
    expect(tiny.rounds.count).toBe(1);
  });

  it('with --no-recovery stops after --repeat rounds and says why', async () => {
    let n = 0;
    const measure: MeasureFn = async (knob, value, round) => {
      n++;
      return { run: run(knob.name, value, round, 1000, [100]), recovery: null };
    };
    const r = await tuneTarget('t', { knobs: [{ knob: ckpt, values: [1, 2] }], mtbfMs: 600_000, seed: 1, recovery: false, repeat: 2, budgetMs: 3_600_000, command: 'x' }, measure, () => 0);
    expect(n).toBe(4);
    expect(r.rounds.stopped).toMatch(/--no-recovery/);
    expect(r.knobs[0]!.reason).toMatch(/--no-recovery/);
  });
});

describe('batch marks', () => {
  it('counts a DStream graph checkpoint written twice per batch once', async () => {
    const { batchMarks } = await import('./target-tune.js');
    const e = (occurrence: number, file: string) => ({ point: 'dstream-checkpoint.written', occurrence, t: occurrence, file });
    expect(batchMarks([e(1, '/c/checkpoint-1000'), e(2, '/c/checkpoint-1000'), e(3, '/c/checkpoint-2000'), e(4, '/c/checkpoint-2000')], 'dstream-checkpoint.written').map((m) => m.occurrence)).toEqual([1, 3]);
    expect(batchMarks([{ point: 'commits.written', occurrence: 1, t: 1 }, { point: 'commits.written', occurrence: 2, t: 2 }], 'commits.written')).toHaveLength(2);
  });
});
