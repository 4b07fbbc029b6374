/** defineStreamingJob checks a model's output mode when the module loads, and takes a lazy generator. */
import { describe, expect, it } from 'vitest';
import { defineStreamingJob, type StreamingJobDefinition } from './index.js';

const base: StreamingJobDefinition = {
  name: 'j',
  description: 'a job',
  *generate(_seed, size) {
    for (let i = 0; i < size; i++) yield { key: `k${i}`, value: i, eventTimeMs: i };
  },
  buildQuery: () => ({ stages: [], toRow: (e, batchId) => ({ batchId, key: e.key }) }),
};
const shape = { key: (r: Record<string, unknown>) => String(r['key']), seq: (r: Record<string, unknown>) => Number(r['batchId']), value: (r: Record<string, unknown>) => r['key'] };

describe('defineStreamingJob', () => {
  it('a generator function is an input generator (consumed lazily)', () => {
    const job = defineStreamingJob(base);
    expect(Array.from(job.generate(0, 3, job.defaults)).map((e) => e.key)).toEqual(['k0', 'k1', 'k2']);
  });

  it('model.outputMode: one of append, update, complete; update and complete need the row shape', () => {
    expect(defineStreamingJob({ ...base, model: { outputMode: 'update', shape, expected: () => [] } }).model?.outputMode).toBe('update');
    expect(defineStreamingJob({ ...base, model: { outputMode: 'append', expected: () => [] } }).model?.outputMode).toBe('append');
    expect(() => defineStreamingJob({ ...base, model: { outputMode: 'complete', expected: () => [] } })).toThrow(/outputMode 'complete' is judged per key: give model.shape too/);
    expect(() => defineStreamingJob({ ...base, model: { outputMode: 'upsert' as never, shape, expected: () => [] } })).toThrow(/outputMode must be one of append, update, complete/);
  });
});
