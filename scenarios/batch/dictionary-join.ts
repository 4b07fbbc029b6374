/**
 * dictionary-join — a shuffle-heavy word count joined with a dictionary: words of generated lines
 * (skewed, so some keys are hot) are counted with reduceByKey, the word counts (`word-counts`;
 * param `checkpoint`: 0 none, 1 checkpoint(), 2 localCheckpoint()) are joined with a deduplicated
 * dictionary of categories.
 * Words missing from the dictionary and dictionary entries never used drop out (inner join).
 */
import { defineBatchJob, mulberry32, type BatchContext, type BatchInput, type BatchParams, type BatchPlan } from '../../engine/job/index.js';
import { mix, sliceOf, withDefaults } from './random.js';

export interface DictionaryJoinRow {
  word: string;
  count: number;
  category: string;
}

const defaults = { partitions: 4, checkpoint: 1 };
const CATEGORIES = ['noun', 'verb', 'adjective', 'adverb'];
const SYLLABLES: string[] = [];
for (const c of 'bdfgklmnprstvz') for (const v of 'aeiou') SYLLABLES.push(c + v);

/** A pronounceable word for each index; distinct indexes give distinct words. */
export function wordOf(index: number): string {
  let s = '';
  let n = index;
  do {
    s += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  } while (n > 0);
  return s.length < 4 ? s + SYLLABLES[0] : s;
}

function vocabulary(size: number): number {
  return Math.max(20, Math.floor(size / 2));
}

function line(seed: number, vocab: number, i: number): string {
  const next = mulberry32(mix(seed, 1, i));
  const length = 3 + (mix(seed, 2, i) % 8);
  const words: string[] = [];
  for (let w = 0; w < length; w++) {
    const u = next();
    words.push(wordOf(Math.floor(vocab * u * u)));
  }
  return words.join(' ');
}

/** Dictionary rows for indexes [start, end): ~3/4 of the vocabulary plus unused words; some rows are duplicated. */
function dictionaryRows(seed: number, start: number, end: number): [string, string][] {
  const rows: [string, string][] = [];
  for (let idx = start; idx < end; idx++) {
    if (mix(seed, 3, idx) % 4 === 0) continue;
    const entry: [string, string] = [wordOf(idx), CATEGORIES[mix(seed, 4, idx) % CATEGORIES.length]!];
    rows.push(entry);
    if (mix(seed, 5, idx) % 5 === 0) rows.push([entry[0], entry[1]]);
  }
  return rows;
}

function lines(size: number): number {
  return Math.max(1, Math.floor(size));
}

function build(ctx: BatchContext, input: BatchInput): BatchPlan<DictionaryJoinRow> {
  const p = withDefaults(defaults, input.params);
  const n = lines(input.size);
  const vocab = vocabulary(input.size);
  const dictSize = vocab + Math.floor(vocab / 4);
  const counts = ctx
    .generate(p.partitions, (part) => {
      const [start, end] = sliceOf(n, p.partitions, part);
      const out: string[] = [];
      for (let i = start; i < end; i++) out.push(line(input.seed, vocab, i));
      return out;
    })
    .flatMap((l) => l.split(' '))
    .map((w) => [w, 1] as [string, number])
    .reduceByKey((a, b) => a + b, p.partitions)
    .setName('word-counts');
  if (p.checkpoint === 1) counts.checkpoint();
  else if (p.checkpoint === 2) counts.localCheckpoint();
  const dictionary = ctx
    .generate(p.partitions, (part) => {
      const [start, end] = sliceOf(dictSize, p.partitions, part);
      return dictionaryRows(input.seed, start, end);
    })
    .distinct();
  const joined = counts.join(dictionary);
  return { dataset: joined.map(([word, [count, category]]) => ({ word, count, category })), action: 'saveAsJsonLines' };
}

export function referenceResult(seed: number, size: number, params?: Partial<BatchParams>): DictionaryJoinRow[] {
  withDefaults(defaults, params); // params do not change the result, only how it is computed
  const n = lines(size);
  const vocab = vocabulary(size);
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) for (const w of line(seed, vocab, i).split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
  const dictionary = new Map<string, Set<string>>();
  for (const [word, category] of dictionaryRows(seed, 0, vocab + Math.floor(vocab / 4))) {
    if (!dictionary.has(word)) dictionary.set(word, new Set());
    dictionary.get(word)!.add(category);
  }
  const rows: DictionaryJoinRow[] = [];
  for (const [word, count] of counts) for (const category of dictionary.get(word) ?? []) rows.push({ word, count, category });
  return rows;
}

export const dictionaryJoin = defineBatchJob<DictionaryJoinRow>({
  name: 'dictionary-join',
  description: 'shuffle-heavy word count over skewed generated text, joined with a deduplicated dictionary',
  defaults: { size: 5000, params: defaults },
  build,
  referenceResult,
});

export default dictionaryJoin;
