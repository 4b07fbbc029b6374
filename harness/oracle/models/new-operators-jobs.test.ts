/**
 * The bundled jobs of the newer stateful operators (sessions: dropDuplicates + session windows;
 * idle-alerts: mapGroupsWithState with event-time timeouts): their independent models equal the
 * failure-free engine output over many inputs and configurations, and the outputs exercise what
 * the operators promise (duplicates removed, several sessions, both alert kinds, late drops).
 */
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { TrialSpec } from '../../history.js';
import { runFailureFree } from '../reference.js';
import { canonicalLines } from './micro-batches.js';
import { modelFor } from './index.js';
import { trialInput } from './input.js';
import { loadStreamingJob } from '../../../runtime/jobs.js';

process.env['CHAOS_NO_CACHE'] = '1';
const spec = (scenario: string, seed: number, size: number, partitions: number, maxBatchRecords: number, checkpointInterval = 1): TrialSpec => ({
  scenario,
  kind: 'streaming',
  seed,
  input: { size },
  config: { partitions, checkpointInterval, executors: 0, maxBatchRecords, store: 'memory', source: 'log', sink: 'files' },
  schedule: { faults: [], lostWrites: false },
  checkDeterminism: false,
});

describe('models of the new-operator jobs equal the engine', () => {
  test.prop([fc.constantFrom('sessions', 'idle-alerts'), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 50, max: 600 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 5, max: 150 })], { numRuns: 30 })(
    'failure-free engine output = model output',
    async (scenario, seed, size, partitions, batch) => {
      const s = spec(scenario, seed, size, partitions, batch);
      const engine = await runFailureFree(s);
      const model = await (await modelFor(s))!.expected(s);
      expect(canonicalLines(engine)).toEqual(canonicalLines(model));
    },
  );

  it('sessions: duplicates are delivered and removed; sessions close; late clicks exist', async () => {
    const s = spec('sessions', 3, 2000, 3, 100);
    const { records } = trialInput(s, await loadStreamingJob('sessions'));
    const ids = records.map((r) => (r.value as { clickId: string }).clickId);
    const distinct = new Set(ids).size;
    expect(ids.length - distinct).toBeGreaterThan(200); // re-deliveries in the input
    const rows = (await runFailureFree(s)).map((l) => JSON.parse(l) as { count: number; user: string });
    expect(rows.length).toBeGreaterThan(20);
    const counted = rows.reduce((n, r) => n + r.count, 0);
    expect(counted).toBeLessThan(distinct); // each click once at most (plus open sessions and late ones never emitted)
    expect(new Set(rows.map((r) => r.user)).size).toBeGreaterThan(3);
  });

  it('idle-alerts: both alert kinds appear', async () => {
    const rows = (await runFailureFree(spec('idle-alerts', 4, 3000, 2, 120))).map((l) => JSON.parse(l) as { alert: string });
    expect(rows.filter((r) => r.alert === 'idle').length).toBeGreaterThan(5);
    expect(rows.filter((r) => r.alert === 'limit').length).toBeGreaterThan(0);
  });
});
