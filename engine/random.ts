/**
 * The one seeded pseudo-random generator of the project. Generated inputs, the harness's reference
 * models and cached references all depend on its exact sequence: changing it changes every input.
 */

/** mulberry32: small, fast, good enough for test input; yields uniform numbers in [0, 1) from a 32-bit state. */
export function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 32-bit FNV-1a of a string over UTF-16 code units; the key hash of batch shuffles and streaming
 * state partitions (stable across processes, unlike Map order). Changing it moves every key.
 */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
