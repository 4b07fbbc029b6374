/** The plain-text summary `chaos tune` prints on stdout without --json. */
import type { TuneResult } from './result.js';
import { markOf } from './decision.js';
import { formatBytes, formatMs, formatRate } from '../format.js';

export function humanSummary(r: TuneResult, html: string): string {
  const rows = r.intervals.map((i) =>
    [
      String(i.interval).padStart(8),
      formatRate(i.throughput).padStart(14),
      `×${i.timeMultiplier.toFixed(2)}`.padStart(8),
      formatBytes(i.bytesPerCheckpoint).padStart(11),
      formatMs(i.checkpointMs).padStart(9),
      formatMs(i.recoveryMs).padStart(10),
      String(i.replayedBatches ?? '–').padStart(9),
      formatMs(i.expectedTotalMs).padStart(9),
      (i.expectedTotalCi ? `${formatMs(i.expectedTotalCi.lo)}–${formatMs(i.expectedTotalCi.hi)}` : '').padStart(16),
      i.interval === r.recommended ? '  ◀ recommended' : '',
    ].join(''),
  );
  const head = ['interval', 'throughput', 'time ×', 'bytes/ckpt', 'C', 'recovery', 'replayed', 'E[1h]', '95 % CI'];
  const widths = [8, 14, 8, 11, 9, 10, 9, 9, 16];
  const mark = markOf(r.notes.some((n) => n.startsWith('FINDING')), r.recommendation.confidence);
  const sizes = r.batchSizes.length > 1
    ? [
        '',
        'records/batch   best interval   how sure     time for same records   batch time (latency)',
        ...r.batchSizes.map((b) =>
          [
            String(b.batchRecords).padStart(13),
            String(b.decision.best).padStart(16),
            b.decision.status.padStart(13),
            (b.base ? '×1' : `×${b.relativeTime.value.toFixed(2)} (×${b.relativeTime.lo.toFixed(2)}–×${b.relativeTime.hi.toFixed(2)})`).padStart(24),
            formatMs(b.batchLatencyMs).padStart(21),
          ].join(''),
        ),
        ...(r.batchAdvice ? ['', `batch size: ${r.batchAdvice.text}`] : []),
      ]
    : [];
  return [
    `${mark.glyph} ${r.verdict}`,
    '',
    `off: ${formatRate(r.baseline.throughput)}, ${formatMs(r.baseline.batchMs)} per batch at ${r.batchRecords} records per batch; time × = batch time ÷ batch time off`,
    head.map((h, i) => h.padStart(widths[i]!)).join(''),
    ...rows,
    ...sizes,
    '',
    `rounds: ${r.rounds.count} (${r.rounds.stopped})`,
    ...r.notes.map((n) => `note: ${n}`),
    `report: ${html}`,
    '',
  ].join('\n');
}
