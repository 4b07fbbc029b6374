/**
 * The contract every StreamSource keeps, as one vitest suite run against the local log and against
 * Kafka (where a broker exists): the same records come back for the same ranges, in offset order,
 * on every read — the property exactly-once recovery rests on (a replayed batch re-reads its WAL range).
 */
import { describe, expect, it } from 'vitest';
import type { InputEvent, PartitionedLog } from '../sources/partitioned-log.js';
import { buildPartitionedLog } from '../sources/partitioned-log.js';
import type { SourceRecord, StreamSource } from './source.js';

export interface SourceUnderTest {
  /** A source holding exactly `log`'s records (offset i of partition p = log.partitions[p][i]). */
  open(log: PartitionedLog): Promise<StreamSource>;
  cleanup(): Promise<void>;
}

export type SourceFactory = (() => Promise<SourceUnderTest>) | { skip: string };

export function contractLog(partitions = 3, n = 120): PartitionedLog {
  const events: InputEvent[] = Array.from({ length: n }, (_, i) => ({
    key: `k${(i * 7) % 11}`,
    value: { i, word: `w${i % 5}`, nested: [i, null, true] },
    eventTimeMs: 1_000 * i + (i % 3) * 17,
  }));
  return buildPartitionedLog(events, partitions, 1);
}

/** The SourceRecord fields (a source may carry more, e.g. the log's availability). */
const fields = (r: SourceRecord) => ({ partition: r.partition, offset: r.offset, key: r.key, value: r.value, eventTimeMs: r.eventTimeMs });

export function describeSourceContract(name: string, factory: SourceFactory): void {
  if ('skip' in factory) {
    // The default reporter does not print skipped tests' names off a TTY: say why in the log too.
    console.warn(`SKIPPED StreamSource contract: ${name} — ${factory.skip}`);
    describe.skip(`StreamSource contract: ${name} — skipped: ${factory.skip}`, () => {
      it('partitions, offsets, exact replay of ranges', () => {});
    });
    return;
  }
  describe(`StreamSource contract: ${name}`, () => {
    const withSource = async (fn: (source: StreamSource, log: PartitionedLog) => Promise<void>) => {
      const sut = await factory();
      const log = contractLog();
      const source = await sut.open(log);
      try {
        await fn(source, log);
      } finally {
        await source.close();
        await sut.cleanup();
      }
    };

    it('has the partitions of the log and final offsets equal to their lengths', () =>
      withSource(async (source, log) => {
        expect(source.partitions).toBe(log.partitions.length);
        expect(await source.finalOffsets()).toEqual(log.partitions.map((p) => p.length));
        expect(source.describe()).toMatch(/\S/);
      }));

    it('reads exactly the records of [from, to), in offset order, with key, value and event time', () =>
      withSource(async (source, log) => {
        for (let p = 0; p < log.partitions.length; p++) {
          const expected = log.partitions[p]!;
          const mid = Math.floor(expected.length / 2);
          for (const [from, to] of [[0, expected.length], [0, mid], [mid, expected.length], [mid, mid + 1], [mid, mid]] as const) {
            const got = await source.read(p, from, to);
            expect(got.map(fields)).toEqual(
              expected.slice(from, to).map(fields),
            );
          }
        }
      }));

    it('replays a range identically on every read (what recovery from the WAL relies on)', () =>
      withSource(async (source) => {
        const first = await source.read(1, 3, 17);
        const again = await source.read(1, 3, 17);
        expect(again).toEqual(first);
      }));

    it('available offsets never exceed the final offsets and never go back', () =>
      withSource(async (source) => {
        const final = await source.finalOffsets();
        let previous = final.map(() => 0);
        for (let b = 0; b < 5; b++) {
          const available = await source.availableOffsets(b);
          available.forEach((o, p) => {
            expect(o).toBeLessThanOrEqual(final[p]!);
            expect(o).toBeGreaterThanOrEqual(previous[p]!);
          });
          previous = available;
        }
      }));
  });
}
