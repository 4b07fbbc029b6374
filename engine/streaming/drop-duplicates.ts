/**
 * dropDuplicates with a watermark (Spark's `withWatermark(t).dropDuplicates(id, t)`): a record
 * passes the first time its (id, event time) is seen; later copies are dropped. State holds each
 * seen (id, event time) until the watermark passes that event time, so it stays bounded by the
 * watermark delay. A record whose event time is <= the batch's watermark is dropped as late
 * (counted): its copy, if any, was evicted, so keeping it could let a duplicate through.
 *
 * Without `watermark` (Spark's plain dropDuplicates) state is never evicted and nothing is late.
 * Output: the passing records, in input order (the operator never delays a record).
 */
import { behindWatermark } from './output-mode.js';
import type { Element, Stage, StageContext } from './query.js';

export interface DropDuplicatesOptions {
  /** The identity of a record besides its event time (default: its key). */
  idOf?: (e: Element) => string;
  /** What `idOf` computes, for the fingerprint. */
  describeId?: string;
  /** Evict state and drop late records by the query's watermark (default true). */
  watermark?: boolean;
}

const SEP = '\u0000';

export function dropDuplicates(name: string, opts: DropDuplicatesOptions = {}): Stage {
  const idOf = opts.idOf ?? ((e: Element) => e.key);
  const useWatermark = opts.watermark ?? true;
  return {
    name,
    describe: `dropDuplicates(${name},${opts.describeId ?? 'key'}+eventTime${useWatermark ? ',watermark' : ''})`,
    stateful: true,
    process(input: Element[], ctx: StageContext): Element[] {
      const watermark = useWatermark ? ctx.watermarkMs : 0;
      const out: Element[] = [];
      let late = 0;
      for (const e of input) {
        if (behindWatermark(e.eventTimeMs, watermark)) {
          late++;
          continue;
        }
        const k = `${e.eventTimeMs}${SEP}${idOf(e)}`;
        if (ctx.state.get(k) !== undefined) continue;
        ctx.state.set(k, e.eventTimeMs);
        out.push(e);
      }
      if (late > 0) ctx.lateDropped(late);
      if (watermark > 0) {
        const doomed: string[] = [];
        for (const k of ctx.state.keys()) if (behindWatermark(ctx.state.get(k) as number, watermark)) doomed.push(k);
        for (const k of doomed) ctx.state.delete(k);
      }
      return out;
    },
  };
}
