/** wordcount: words of each line, lowercased, stop words dropped; running count per word, one row per word a batch touched. */
import type { ScenarioModel } from './model.js';
import { scenarioInput } from './input.js';
import { microBatches } from './micro-batches.js';

const STOP = new Set(['the', 'a', 'of']);

export const wordcountModel: ScenarioModel = {
  scenario: 'wordcount',
  outputMode: 'update',
  perKeyOrder: true,
  shape: { key: (r) => String(r['word']), seq: (r) => Number(r['batchId']), value: (r) => r['count'] },
  expected(spec) {
    const { records, knobs } = scenarioInput(spec);
    const counts = new Map<string, number>();
    const rows: string[] = [];
    for (const b of microBatches(records, { partitions: spec.config.partitions, maxBatchRecords: spec.config.maxBatchRecords, growthBatches: knobs.growthBatches })) {
      const touched = new Set<string>();
      for (const r of b.records) {
        for (const raw of String(r.value).split(' ')) {
          const w = raw.toLowerCase();
          if (w === '' || STOP.has(w)) continue;
          counts.set(w, (counts.get(w) ?? 0) + 1);
          touched.add(w);
        }
      }
      for (const w of touched) rows.push(JSON.stringify({ batchId: b.batchId, word: w, count: counts.get(w) }));
    }
    return rows;
  },
};
