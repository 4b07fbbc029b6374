/**
 * wordcount — stateless flatMap/filter/map, then a running count per word.
 *
 * Input: lines of 3–8 words drawn (skewed) from a vocabulary of `keys` words, some capitalised.
 * Output rows (Update mode, one per word the batch touched): `{ batchId, word, count }` where
 * `count` is the running total of that word through batch `batchId`. The final count of a word is
 * the row with its highest batchId. Stop words ("the", "a", "of") are filtered out.
 */
import { defineStreamingJob, filter, flatMap, map, rng, randInt, runningAggregate, skewedInt, type InputEvent, type Row } from '../../engine/job/index.js';
import { eventTimeOf } from './event-time.js';

const STOP_WORDS = ['the', 'a', 'of'];
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'su', 'ta', 'vo', 'zel', 'bri', 'nu', 'pa', 'dor'];

/** Word number n of the vocabulary: the stop words first, then syllable compounds. */
export function vocabularyWord(n: number): string {
  if (n < STOP_WORDS.length) return STOP_WORDS[n]!;
  let x = n - STOP_WORDS.length;
  let w = '';
  do {
    w += SYLLABLES[x % SYLLABLES.length];
    x = Math.floor(x / SYLLABLES.length);
  } while (x > 0);
  return w;
}

export const wordcount = defineStreamingJob({
  name: 'wordcount',
  description: 'lines split into words (stateless flatMap/filter/map), running count per word (stateful aggregation)',
  defaults: { keys: 200, disorderMs: 1000, lateFraction: 0, growthBatches: 1 },
  *generate(seed, size, knobs): Iterable<InputEvent> {
    const next = rng(seed);
    const vocabulary = Math.max(STOP_WORDS.length + 1, knobs.keys);
    for (let i = 0; i < size; i++) {
      const n = 3 + randInt(next, 6);
      const words: string[] = [];
      for (let j = 0; j < n; j++) {
        const w = vocabularyWord(skewedInt(next, vocabulary));
        words.push(next() < 0.1 ? w[0]!.toUpperCase() + w.slice(1) : w);
      }
      yield { key: `line-${i}`, value: words.join(' '), eventTimeMs: eventTimeOf(i, next, knobs) };
    }
  },
  buildQuery() {
    return {
      stages: [
        flatMap('split', (e) => String(e.value).split(' ').map((w) => ({ key: w, value: 1, eventTimeMs: e.eventTimeMs })), 'flatMap(split words on spaces)'),
        map('lowercase', (e) => ({ key: e.key.toLowerCase(), value: e.value, eventTimeMs: e.eventTimeMs }), 'map(lowercase)'),
        filter('stopwords', (e) => e.key.length > 0 && !STOP_WORDS.includes(e.key), `filter(not ${STOP_WORDS.join('|')})`),
        runningAggregate<number>('counts', { init: () => 0, update: (s) => s + 1, emit: (_k, s) => s }, 'aggregate(counts: count per word)'),
      ],
      toRow: (e, batchId) => ({ batchId, word: e.key, count: e.value }),
    };
  },
  /** Plain loops: words of each line, lowercased, stop words dropped; running count per word, one row per word a batch touched. */
  model: {
    outputMode: 'update',
    perKeyOrder: true,
    shape: { key: (r) => String(r['word']), seq: (r) => Number(r['batchId']), value: (r) => r['count'] },
    expected({ batches }) {
      const stop = new Set(STOP_WORDS);
      const counts = new Map<string, number>();
      const rows: Row[] = [];
      for (const b of batches) {
        const touched = new Set<string>();
        for (const r of b.records) {
          for (const raw of String(r.value).split(' ')) {
            const w = raw.toLowerCase();
            if (w === '' || stop.has(w)) continue;
            counts.set(w, (counts.get(w) ?? 0) + 1);
            touched.add(w);
          }
        }
        for (const w of touched) rows.push({ batchId: b.batchId, word: w, count: counts.get(w)! });
      }
      return rows;
    },
  },
});

export default wordcount;
