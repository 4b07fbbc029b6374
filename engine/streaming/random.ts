/** Deterministic hashing and pseudo-random numbers: the same seed gives the same input on every run and machine. */
import { hashString, mulberry32 } from '../random.js';

export { hashString };

export function partitionOf(key: string, partitions: number): number {
  return hashString(key) % partitions;
}

/** The streaming scenarios' generator: mulberry32 from the seed xor the golden-ratio constant (their inputs depend on this exact seeding). */
export function rng(seed: number): () => number {
  return mulberry32(seed ^ 0x9e3779b9);
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
