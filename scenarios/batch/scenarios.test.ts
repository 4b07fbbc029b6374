/** The batch scenarios: registered, deterministic, and the engine computes exactly their reference result. */
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { runBatchJob, readJsonLinesOutput, canonicalLines } from '../../engine/batch/run.js';
import { batchScenarios, findBatchScenario } from './index.js';
import { MemoryCheckpointStore } from '../../engine/checkpoint/memory-store.js';
import { Failpoints } from '../../engine/failpoints.js';

const reference = (name: string, seed: number, size: number, params?: Record<string, number>) =>
  canonicalLines(findBatchScenario(name).referenceResult(seed, size, params));

describe('batch scenarios', () => {
  it('are registered with a one-line description and defaults', () => {
    expect(batchScenarios.map((s) => s.name)).toEqual(['pagerank', 'dictionary-join']);
    for (const s of batchScenarios) {
      expect(s.kind).toBe('batch');
      expect(s.description).not.toMatch(/\n/);
      expect(s.defaults.size).toBeGreaterThan(0);
    }
  });

  test.prop(
    [fc.constantFrom('pagerank', 'dictionary-join'), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 150 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 3 })],
    { numRuns: 20 },
  )('produce exactly the reference result for any seed, size and partitioning', async (name, seed, size, partitions, k) => {
    const params = name === 'pagerank' ? { partitions, iterations: 4, checkpointEvery: k } : { partitions, checkpoint: k % 3 };
    const store = () => new MemoryCheckpointStore('memory://', { failpoints: Failpoints.disarmed() });
    const output = store();
    await runBatchJob({ job: findBatchScenario(name), seed, size, params, checkpoint: store(), output });
    expect(canonicalLines(await readJsonLinesOutput(output))).toEqual(reference(name, seed, size, params));
  });

  it('input is deterministic in the seed, and different seeds give different inputs', () => {
    for (const s of batchScenarios) {
      expect(s.referenceResult(5, 200)).toEqual(s.referenceResult(5, 200));
      expect(s.referenceResult(5, 200)).not.toEqual(s.referenceResult(6, 200));
    }
  });
});

