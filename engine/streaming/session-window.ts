/**
 * Session windows by event time (Spark's `session_window(t, gap)` + count per key). A record at
 * time t opens the session [t, t + gap); sessions of a key whose intervals overlap or touch
 * (next start <= current end, as Spark's MergingSessionsIterator) merge into one that spans both.
 *
 * Late data, as Spark judges it: a record is dropped (and counted) when its own session
 * [t, t + gap) ends at or before the batch's watermark. Append output mode: a session is emitted
 * once, when the watermark reaches its end (it can no longer grow), then removed from state.
 * `flushAtEnd` also emits the sessions still open when the bounded input ends (Spark does not).
 *
 * State per key: the open sessions, sorted by start. Emitted values:
 * `{ sessionStart, sessionEnd, count }`, ordered by session start then key.
 */
import { behindWatermark } from './output-mode.js';
import type { JsonValue } from './source.js';
import type { Element, Stage, StageContext } from './query.js';

export interface Session {
  start: number;
  end: number;
  count: number;
}

/** `sessions` (sorted, disjoint) with the record at `t` merged in; a new array. */
export function mergeIntoSessions(sessions: readonly Session[], t: number, gapMs: number): Session[] {
  let merged: Session = { start: t, end: t + gapMs, count: 1 };
  const out: Session[] = [];
  for (const s of sessions) {
    if (s.start <= merged.end && merged.start <= s.end) {
      merged = { start: Math.min(s.start, merged.start), end: Math.max(s.end, merged.end), count: s.count + merged.count };
    } else {
      out.push(s);
    }
  }
  out.push(merged);
  out.sort((a, b) => a.start - b.start);
  return out;
}

export function sessionWindowCount(name: string, gapMs: number, opts: { flushAtEnd?: boolean } = {}): Stage {
  if (!(gapMs > 0)) throw new Error(`session window ${name}: the gap must be > 0 ms`);
  return {
    name,
    describe: `sessionWindow(${name},gap=${gapMs}${opts.flushAtEnd ? ',flush-at-end' : ''})`,
    stateful: true,
    process(input: Element[], ctx: StageContext): Element[] {
      let late = 0;
      const touched = new Map<string, Session[]>();
      for (const e of input) {
        if (behindWatermark(e.eventTimeMs + gapMs, ctx.watermarkMs)) {
          late++;
          continue;
        }
        const sessions = touched.get(e.key) ?? ((ctx.state.get(e.key) as unknown as Session[] | undefined) ?? []);
        touched.set(e.key, mergeIntoSessions(sessions, e.eventTimeMs, gapMs));
      }
      if (late > 0) ctx.lateDropped(late);
      for (const [k, sessions] of touched) ctx.state.set(k, sessions as unknown as JsonValue);
      const flush = opts.flushAtEnd === true && ctx.endOfInput;
      const closed: Array<{ key: string; s: Session }> = [];
      const rewrite: Array<[string, Session[]]> = [];
      for (const k of ctx.state.keys()) {
        const sessions = ctx.state.get(k) as unknown as Session[];
        const open: Session[] = [];
        for (const s of sessions) {
          if (flush || behindWatermark(s.end, ctx.watermarkMs)) closed.push({ key: k, s });
          else open.push(s);
        }
        if (open.length !== sessions.length) rewrite.push([k, open]);
      }
      for (const [k, open] of rewrite) {
        if (open.length === 0) ctx.state.delete(k);
        else ctx.state.set(k, open as unknown as JsonValue);
      }
      closed.sort((a, b) => a.s.start - b.s.start || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return closed.map(({ key, s }) => ({ key, value: { sessionStart: s.start, sessionEnd: s.end, count: s.count }, eventTimeMs: s.start }));
    },
  };
}
