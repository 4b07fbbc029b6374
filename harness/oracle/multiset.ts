/** Output rows compared as multisets of JSON lines: what was lost, duplicated, or never expected. */

export interface MultisetDiff {
  /** Expected rows missing from actual (with multiplicity). */
  lost: string[];
  /** Rows of actual that appear more often than expected, where expected has them at least once. */
  duplicated: string[];
  /** Rows of actual that expected never has: wrong values. */
  unexpected: string[];
}

export function countLines(lines: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}

function sameArray(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function diffMultisets(expected: readonly string[], actual: readonly string[]): MultisetDiff {
  // Fast path: equal arrays (outputs and references are sorted) are equal multisets.
  if (sameArray(expected, actual)) return { lost: [], duplicated: [], unexpected: [] };
  const want = countLines(expected);
  const got = countLines(actual);
  const lost: string[] = [];
  const duplicated: string[] = [];
  const unexpected: string[] = [];
  for (const [line, n] of want) {
    const m = got.get(line) ?? 0;
    for (let i = m; i < n; i++) lost.push(line);
    for (let i = n; i < m; i++) duplicated.push(line);
  }
  for (const [line, m] of got) {
    if (!want.has(line)) for (let i = 0; i < m; i++) unexpected.push(line);
  }
  return { lost, duplicated, unexpected };
}

export function sample(lines: readonly string[], n = 3): string[] {
  return lines.slice(0, n).map((l) => (l.length > 160 ? l.slice(0, 157) + '...' : l));
}
