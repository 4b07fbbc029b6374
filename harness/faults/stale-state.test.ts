/**
 * A checkpoint file whose bytes are wrong but still parse — a complete, validly framed state file
 * of an older version left (or restored) where the newest one belongs — must be detected: the
 * engine recovers to the failure-free output (falling back past it) or refuses with an error
 * naming the file. Never read as this version's state.
 */
import { describe, expect, it } from 'vitest';
import type { TrialSpec } from '../history.js';
import { runTrial } from '../trial/run-trial.js';
import { encodeJson, decodeJson, CorruptCheckpointError } from '../../engine/checkpoint/codec.js';

const trial = (scenario: string, seed: number, mode: 'sim' | 'process'): TrialSpec => ({
  scenario,
  kind: 'streaming',
  seed,
  input: { size: 300, keys: 8, disorderMs: 0, lateFraction: 0, growthBatches: 1 },
  config: { partitions: 2, checkpointInterval: 1, executors: 0, maxBatchRecords: 30, store: mode === 'sim' ? 'memory' : 'fs', source: 'log', sink: 'files' },
  schedule: {
    faults: [
      { kind: 'kill-failpoint', failpoint: 'commits.written', occurrence: 6 },
      { kind: 'corrupt-checkpoint', scope: 'stale-state' },
    ],
    lostWrites: false,
  },
  checkDeterminism: false,
});

describe('stale state file at rest', () => {
  it('a valid file written under another key is refused by the codec, naming both keys', () => {
    const bytes = encodeJson({ v: 1 }, 'state/agg/0/4.delta');
    expect(decodeJson(bytes, 'state/agg/0/4.delta', 'state/agg/0/4.delta')).toEqual({ v: 1 });
    expect(() => decodeJson(bytes, 'state/agg/0/5.delta', 'state/agg/0/5.delta')).toThrow(CorruptCheckpointError);
    expect(() => decodeJson(bytes, 'state/agg/0/5.delta', 'state/agg/0/5.delta')).toThrow(/written as state\/agg\/0\/4\.delta, not as state\/agg\/0\/5\.delta/);
  });

  for (const mode of ['sim', 'process'] as const) {
    it(`${mode}: running totals recover to the reference or refuse naming the file`, async () => {
      const h = await runTrial(trial('running-totals', 7, mode), mode);
      const hit = h.incarnations.flatMap((i) => i.faultsHit).find((f) => f.kind === 'corrupt-checkpoint');
      expect(hit, 'the stale copy was put in place').toBeDefined();
      expect(h.verdicts.filter((v) => !v.ok).map((v) => `${v.checker}: ${v.message}`)).toEqual([]);
      const after = h.incarnations[1]!;
      // Detected by the frame's identity (written as another key) or the state file's own version.
      const named = /written as state\/|holds version \d+, expected \d+/;
      const fellBack = after.events.some((e) => e.type === 'recovery.fallback' && named.test(JSON.stringify(e)));
      const refused = /cannot recover/.test(after.stderrTail ?? '') && named.test(after.stderrTail ?? '');
      expect(fellBack || refused, JSON.stringify(after.events.filter((e) => e.type.startsWith('recovery')))).toBe(true);
    });
  }
});
