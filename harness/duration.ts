/** The one reader of `2m30s`-style durations; each command keeps its own policy (bare numbers, messages). */

/**
 * Milliseconds of `<number><unit>` parts that cover all of `text` (`1h30m`, `250ms`, `1.5h`), with
 * `unitMs` giving each unit's length; undefined when `text` is empty or holds anything else.
 */
export function durationPartsMs(text: string, unitMs: Readonly<Record<string, number>>): number | undefined {
  // Longest unit first, so `ms` is not read as `m` followed by garbage.
  const units = Object.keys(unitMs).sort((a, b) => b.length - a.length);
  const part = new RegExp(`(\\d+(?:\\.\\d+)?)(${units.join('|')})`, 'gy');
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(text); match; match = part.exec(text)) {
    total += Number(match[1]) * unitMs[match[2]!]!;
    consumed = part.lastIndex;
  }
  return text === '' || consumed !== text.length ? undefined : total;
}
