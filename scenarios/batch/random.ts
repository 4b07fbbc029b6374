/** Deterministic pseudo-randomness from (seed, stream, index), so each partition generates its own rows alone. */

/** A 32-bit mix of several integers (murmur3 finalizer over a running combination). */
export function mix(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = Math.imul(h ^ (v | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** The slice [start, end) of n items that partition p of `parts` owns. */
export function sliceOf(n: number, parts: number, p: number): [number, number] {
  return [Math.floor((p * n) / parts), Math.floor(((p + 1) * n) / parts)];
}

export function withDefaults<P extends Record<string, number>>(defaults: P, given: Partial<Record<string, number>> | undefined): P {
  const out = { ...defaults };
  for (const [k, v] of Object.entries(given ?? {})) if (v !== undefined) (out as Record<string, number>)[k] = v;
  return out;
}
