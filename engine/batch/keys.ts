/**
 * Keys and hash partitioning. The hash must be the same in the driver and in every executor
 * process (a key's partition decides where its shuffle block goes), so it is a fixed function of
 * the key's value — never an object identity or a per-process random seed.
 */
import { UserError } from '../errors.js';
import { hashString } from '../random.js';

/** What may be a key of a pair dataset: values a Map compares by value. Encode compound keys as strings. */
export type Key = string | number | boolean;

/** FNV-1a over UTF-16 code units for strings; an integer mix for small integers. */
export function hashKey(key: unknown): number {
  switch (typeof key) {
    case 'string':
      return hashString(key);
    case 'number': {
      if ((key | 0) === key) {
        let h = Math.imul(key ^ (key >>> 16), 0x45d9f3b);
        h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
        return (h ^ (h >>> 16)) >>> 0;
      }
      return hashKey(String(key));
    }
    case 'boolean':
      return key ? 1 : 0;
    default:
      throw new UserError(
        `a key of a pair dataset must be a string, number or boolean, got ${key === null ? 'null' : typeof key} ` +
          `(${JSON.stringify(key)?.slice(0, 60)}). Keys are compared by value across processes: encode a compound key as a string, e.g. \`\${a}|\${b}\`.`,
      );
  }
}

export class HashPartitioner {
  constructor(readonly numPartitions: number) {
    if (!Number.isInteger(numPartitions) || numPartitions < 1) {
      throw new UserError(`a partition count must be a positive integer, got ${numPartitions}`);
    }
  }

  partition(key: unknown): number {
    return hashKey(key) % this.numPartitions;
  }

  equals(other: HashPartitioner | undefined): boolean {
    return other !== undefined && other.numPartitions === this.numPartitions;
  }

  toString(): string {
    return `hash(${this.numPartitions})`;
  }
}
