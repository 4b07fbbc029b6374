/** Deterministic hashing and pseudo-random numbers: the same seed gives the same input on every run and machine. */

/** 32-bit FNV-1a of a string; used for partitioning keys (stable across processes, unlike Map order). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function partitionOf(key: string, partitions: number): number {
  return hashString(key) % partitions;
}

/** mulberry32: small, fast, good enough for test input; returns a function yielding [0, 1). */
export function rng(seed: number): () => number {
  let a = (seed ^ 0x9e3779b9) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function randInt(next: () => number, n: number): number {
  return Math.floor(next() * n);
}

/** Skewed pick in [0, n): low indexes are much more frequent, like words or hot accounts. */
export function skewedInt(next: () => number, n: number): number {
  const u = next();
  return Math.min(n - 1, Math.floor(n * u * u * u));
}
