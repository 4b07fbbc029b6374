/**
 * `chaos run --until-covered` in simulation: rounds of trials over all streaming scenarios until
 * every coverage point of the engine was reached, then it stops — well before its trial cap.
 */
import { describe, expect, it } from 'vitest';
import { COVERAGE_POINT_NAMES } from '../../engine/coverage.js';
import { chaosScenarios } from '../chaos-scenarios.js';
import { runChaos } from './run-chaos.js';

describe('until covered', () => {
  it('reaches every coverage point of the streaming engine and stops there', async () => {
    const seed = Number(process.env['CHAOS_TEST_SEED'] ?? Date.now() % 1_000_000);
    process.stderr.write(`until-covered test seed ${seed} (set CHAOS_TEST_SEED to repeat)\n`);
    const cap = 3000;
    const s = await runChaos({ mode: 'sim', scenarios: (await chaosScenarios('all')).filter((x) => x.kind === 'streaming'), runs: cap, seed, untilCovered: 1 });
    expect(s.failures.map((f) => `${f.scenario}: ${f.message} (seed ${f.seed} path ${f.path})`)).toEqual([]);
    const x = s.exploration!;
    expect(x.neverHit).toEqual([]);
    expect(x.untilCovered).toEqual({ min: 1, reached: true, below: [] });
    expect(x.coverage.map((p) => p.point)).toEqual([...COVERAGE_POINT_NAMES]);
    for (const p of x.coverage) expect(p.hits, p.point).toBeGreaterThan(0);
    // It stopped at the end of the round that completed coverage.
    expect(s.trials).toBeLessThan(cap);
    expect(s.trials % 25).toBe(0);
  });
});
