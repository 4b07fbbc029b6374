/** The plain-text summary `chaos tune` prints on stdout without --json. */
import type { TuneResult } from './result.js';
import { formatBytes, formatMs, formatPct, formatRate } from '../format.js';

export function humanSummary(r: TuneResult, html: string): string {
  const rows = r.intervals.map((i) =>
    [
      String(i.interval).padStart(8),
      formatRate(i.throughput).padStart(14),
      formatPct(i.overheadPct).padStart(10),
      formatBytes(i.checkpointBytes).padStart(11),
      formatMs(i.checkpointMs).padStart(9),
      formatMs(i.recoveryMs).padStart(10),
      String(i.replayedBatches ?? '–').padStart(9),
      formatMs(i.expectedTotalMs).padStart(10),
      i.interval === r.recommended ? '  ◀ recommended' : '',
    ].join(''),
  );
  const head = ['interval', 'throughput', 'overhead', 'bytes/run', 'C', 'recovery', 'replayed', 'E[1h]'];
  const widths = [8, 14, 10, 11, 9, 10, 9, 10];
  return [
    r.verdict,
    '',
    `off: ${formatRate(r.baseline.throughput)}, ${formatMs(r.baseline.batchMs)} per batch`,
    head.map((h, i) => h.padStart(widths[i]!)).join(''),
    ...rows,
    '',
    ...r.notes.map((n) => `note: ${n}`),
    `report: ${html}`,
    '',
  ].join('\n');
}
