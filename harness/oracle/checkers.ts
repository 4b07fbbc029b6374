/**
 * Checkers: pure functions of a trial's outputs (and its History) that return verdicts. Each
 * failing verdict says what differs — lost rows, duplicated rows, wrong values — with a sample.
 */
import type { History, Verdict } from '../history.js';
import { diffMultisets, sample } from './multiset.js';

function describe(d: ReturnType<typeof diffMultisets>): string {
  const parts: string[] = [];
  if (d.lost.length) parts.push(`${d.lost.length} lost (e.g. ${sample(d.lost, 2).join(' ')})`);
  if (d.duplicated.length) parts.push(`${d.duplicated.length} duplicated (e.g. ${sample(d.duplicated, 2).join(' ')})`);
  if (d.unexpected.length) parts.push(`${d.unexpected.length} wrong/unexpected (e.g. ${sample(d.unexpected, 2).join(' ')})`);
  return parts.join('; ');
}

function withDiff(v: Omit<Verdict, 'lost' | 'duplicated' | 'unexpected' | 'counts'>, d: ReturnType<typeof diffMultisets>, expected: number, actual: number): Verdict {
  return {
    ...v,
    lost: sample(d.lost, 5),
    duplicated: sample(d.duplicated, 5),
    unexpected: sample(d.unexpected, 5),
    counts: { lost: d.lost.length, duplicated: d.duplicated.length, unexpected: d.unexpected.length, expected, actual },
  };
}

/** Exactly-once: the recovered output is the reference output, as a multiset. */
export function checkExactlyOnce(reference: readonly string[], outputs: readonly string[], against = 'the failure-free run'): Verdict {
  const d = diffMultisets(reference, outputs);
  const ok = d.lost.length === 0 && d.duplicated.length === 0 && d.unexpected.length === 0;
  return withDiff(
    {
      checker: 'exactly-once',
      ok,
      message: ok
        ? `output equals ${against} (${outputs.length} rows)`
        : `output differs from ${against}: ${describe(d)}`,
    },
    d,
    reference.length,
    outputs.length,
  );
}

/** At-least-once: nothing lost and nothing wrong; duplicates are allowed and counted. */
export function checkAtLeastOnce(reference: readonly string[], outputs: readonly string[]): Verdict {
  const d = diffMultisets(reference, outputs);
  const ok = d.lost.length === 0 && d.unexpected.length === 0;
  return withDiff(
    {
      checker: 'at-least-once',
      ok,
      message: ok
        ? `nothing lost (${d.duplicated.length} duplicate rows, allowed for an at-least-once sink)`
        : `at-least-once violated: ${describe({ ...d, duplicated: [] })}`,
    },
    d,
    reference.length,
    outputs.length,
  );
}

/** How a scenario's rows are keyed and ordered, for the per-key order and final-state checkers. */
export interface RowShape {
  /** The key of a row (e.g. the word). */
  key(row: Record<string, unknown>): string;
  /** Position of the row in its key's sequence (e.g. the batch id); rows of one key must be ascending. */
  seq?(row: Record<string, unknown>): number;
  /** The value a key ends with (the row with the highest seq wins). */
  value?(row: Record<string, unknown>): unknown;
}

function parse(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * Per-key order: for every key, the sequence of rows ordered by `seq` is the reference's sequence.
 * A replay that emits a key's update twice or skips one breaks it, even where multisets are close.
 */
export function checkPerKeyOrder(reference: readonly string[], outputs: readonly string[], shape: RowShape): Verdict {
  const seqOf = shape.seq!;
  const group = (lines: readonly string[]) => {
    const m = new Map<string, Array<{ seq: number; line: string }>>();
    for (const line of lines) {
      const row = parse(line);
      const k = shape.key(row);
      let list = m.get(k);
      if (!list) m.set(k, (list = []));
      list.push({ seq: seqOf(row), line });
    }
    for (const list of m.values()) list.sort((a, b) => a.seq - b.seq || (a.line < b.line ? -1 : a.line > b.line ? 1 : 0));
    return m;
  };
  const want = group(reference);
  const got = group(outputs);
  const bad: string[] = [];
  for (const [k, seq] of want) {
    const other = got.get(k) ?? [];
    const a = seq.map((x) => x.line).join('\n');
    const b = other.map((x) => x.line).join('\n');
    if (a !== b) bad.push(k);
  }
  for (const k of got.keys()) if (!want.has(k)) bad.push(k);
  return {
    checker: 'per-key-order',
    ok: bad.length === 0,
    message: bad.length === 0 ? `every key's sequence of updates equals the reference (${want.size} keys)` : `${bad.length} keys have a different sequence of updates (e.g. ${sample(bad, 3).join(', ')})`,
  };
}

/** Final state: the last value of every key equals the reference's. */
export function checkFinalState(reference: readonly string[], outputs: readonly string[], shape: RowShape): Verdict {
  const last = (lines: readonly string[]) => {
    const m = new Map<string, { seq: number; value: string }>();
    for (const line of lines) {
      const row = parse(line);
      const k = shape.key(row);
      const seq = shape.seq ? shape.seq(row) : 0;
      const prev = m.get(k);
      if (!prev || seq >= prev.seq) m.set(k, { seq, value: JSON.stringify(shape.value!(row)) });
    }
    return m;
  };
  const want = last(reference);
  const got = last(outputs);
  const wrong: string[] = [];
  for (const [k, v] of want) {
    const g = got.get(k);
    if (!g) wrong.push(`${k}: missing (want ${v.value})`);
    else if (g.value !== v.value) wrong.push(`${k}: ${g.value} (want ${v.value})`);
  }
  for (const k of got.keys()) if (!want.has(k)) wrong.push(`${k}: not in reference`);
  return {
    checker: 'final-state',
    ok: wrong.length === 0,
    message: wrong.length === 0 ? `final state of all ${want.size} keys equals the reference` : `final state differs for ${wrong.length} keys: ${sample(wrong, 3).join('; ')}`,
  };
}

/**
 * Complete output mode: every batch emits the whole result table, so what a sink ends with is the
 * table of the newest batch (rows with the highest seq). That table must equal the reference's;
 * older tables are superseded and not judged (a replayed batch may rewrite them).
 */
export function checkCompleteTable(reference: readonly string[], outputs: readonly string[], shape: RowShape): Verdict {
  const lastTable = (lines: readonly string[]) => {
    let top = Number.NEGATIVE_INFINITY;
    for (const line of lines) top = Math.max(top, shape.seq!(parse(line)));
    return lines.filter((line) => shape.seq!(parse(line)) === top);
  };
  const want = lastTable(reference);
  const got = lastTable(outputs);
  const d = diffMultisets(want, got);
  const ok = d.lost.length === 0 && d.duplicated.length === 0 && d.unexpected.length === 0;
  return withDiff(
    { checker: 'complete-table', ok, message: ok ? `the last result table equals the reference's (${want.length} rows)` : `the last result table differs from the reference's: ${describe(d)}` },
    d,
    want.length,
    got.length,
  );
}

/** Which verdicts judge a sink's output, by the query's output mode (models/model.ts). */
export type OutputModeJudged = 'append' | 'update' | 'complete';

/**
 * The checks that decide a trial's output, chosen by output mode:
 * - append: the output is a log of final rows: exactly-once (or at-least-once for an at-least-once
 *   sink) against the reference, as a multiset.
 * - update: the sink holds the newest row of each key: final state per key decides; an exactly-once
 *   sink also promises the log itself (exactly-once), an at-least-once sink does not.
 * - complete: the sink holds the newest result table: that table decides (complete-table); an
 *   exactly-once sink also promises the log.
 */
export function judgeOutput(mode: OutputModeJudged, guarantee: 'exactly-once' | 'at-least-once', reference: readonly string[], outputs: readonly string[], shape: RowShape | undefined): Verdict[] {
  if (mode === 'append' || !shape?.seq) return [guarantee === 'exactly-once' ? checkExactlyOnce(reference, outputs) : checkAtLeastOnce(reference, outputs)];
  const verdicts: Verdict[] = [mode === 'update' ? checkFinalState(reference, outputs, shape) : checkCompleteTable(reference, outputs, shape)];
  if (guarantee === 'exactly-once') verdicts.push(checkExactlyOnce(reference, outputs));
  return verdicts;
}

/** The reference model agrees with the failure-free engine output (an engine bug unrelated to recovery). */
export function checkModel(model: readonly string[], reference: readonly string[]): Verdict {
  const v = checkExactlyOnce(model, reference, 'the reference model');
  return {
    ...v,
    checker: 'model',
    message: v.ok ? `failure-free engine output equals the independent reference model (${model.length} rows)` : v.message.replace('output differs', 'failure-free engine output differs'),
  };
}

export function checkDeterminism(first: readonly string[], second: readonly string[]): Verdict {
  const v = checkExactlyOnce(first, second, 'a second failure-free run');
  return {
    ...v,
    checker: 'determinism',
    message: v.ok
      ? 'two failure-free runs gave the same output'
      : `scenario is not deterministic: two failure-free runs differ (${v.message.replace(/^output differs from a second failure-free run: /, '')}); recovery cannot be judged on it`,
  };
}

/** Summarize a History's verdicts in one line. */
export function failureMessage(h: Pick<History, 'verdicts'>): string {
  const bad = h.verdicts.filter((v) => !v.ok);
  return bad.map((v) => `${v.checker}: ${v.message}`).join(' | ');
}
