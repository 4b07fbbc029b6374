/**
 * The `chaos tune` report: report.json (everything), report.md (verdict first, then the tables — fits
 * a CI job summary) and report.html (one file, inline SVG charts: expected time with the fitted
 * curve and both predictions, time multiplier, recovery time, and the batch-size × interval heat map).
 *
 * Words, not field names: the page says "expected time", "time ×1.8"; the JSON keeps the fields.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { markOf, type ConfidenceMark } from '../harness/tune/decision.js';
import type { BatchSizeResult, IntervalResult, TuneResult } from '../harness/tune/result.js';
import { expectedTotalSpec, renderSvg, spreadLineSpec, tradeoffHeatmapSpec, type SpreadPoint } from './charts.js';
import { formatBytes, formatMs, formatNumber, formatRate, formatSpread } from '../harness/format.js';
import { el, figure, htmlPage, htmlTable, raw, type Html } from './html.js';
import { mdCode, mdTable } from './markdown.js';

export interface TuneReportFiles {
  json: string;
  markdown: string;
  html: string;
}

export async function writeTuneReport(outDir: string, result: TuneResult): Promise<TuneReportFiles> {
  fs.mkdirSync(outDir, { recursive: true });
  const files = {
    json: path.join(outDir, 'report.json'),
    markdown: path.join(outDir, 'report.md'),
    html: path.join(outDir, 'report.html'),
  };
  fs.writeFileSync(files.json, JSON.stringify(result, null, 2) + '\n');
  fs.writeFileSync(files.markdown, tuneMarkdown(result));
  fs.writeFileSync(files.html, await tuneHtml(result));
  return files;
}

// ---------- words shared by both pages ----------

const TIME_X = 'time × (vs off)';
const DEFINITIONS =
  'Cells: median over the repeats, with (min – max) where they differ. Intervals are in batches. ' +
  '"time ×" is the batch time divided by the batch time with checkpointing off in the same repeat: ×1.08 means 8 % longer. ' +
  'Expected time: the fitted wall time for 1 h of failure-free work under the MTBF, with its 95 % interval; "this point alone" uses only that interval\'s own medians.';

/** The mark in front of the verdict: a green tick only where the data separate the pick from the runner-up. */
export function confidenceMark(r: TuneResult): ConfidenceMark {
  return markOf(r.notes.some((n) => n.startsWith('FINDING')), r.recommendation.confidence);
}

const HEADERS = [
  'interval (batches)',
  'throughput',
  TIME_X,
  'checkpoints / run',
  'bytes / checkpoint',
  'checkpoint write (C)',
  'recovery time',
  'batches replayed',
  'expected time (fit, 95 % CI)',
  'this point alone',
];
const NUMERIC = HEADERS.map((_, i) => i > 0);

const times = (x: number) => `×${x.toFixed(2)}`;

function intervalCells(r: IntervalResult): string[] {
  return [
    String(r.interval),
    formatSpread(r.spread.throughput, (n) => formatRate(n)),
    formatSpread(r.spread.timeMultiplier, times),
    formatNumber(r.checkpoints, 0),
    formatSpread(r.spread.bytesPerCheckpoint, formatBytes),
    formatSpread(r.spread.checkpointMs, formatMs),
    formatSpread(r.spread.recoveryMs, formatMs),
    formatSpread(r.spread.replayedBatches, (n) => formatNumber(n)),
    r.expectedTotalMs === null ? '–' : `${formatMs(r.expectedTotalMs)}${r.expectedTotalCi ? ` (${formatMs(r.expectedTotalCi.lo)} – ${formatMs(r.expectedTotalCi.hi)})` : ''}`,
    formatMs(r.measuredTotalMs),
  ];
}

function baselineCells(b: BatchSizeResult): string[] {
  return ['off', formatSpread(b.baseline.spread.throughput, (n) => formatRate(n)), '×1 (baseline)', '0', '–', '–', '–', '–', '–', '–'];
}

interface PredictionRow {
  name: string;
  batches: string;
  time: string;
  how: string;
}

function predictionRows(r: TuneResult): PredictionRow[] {
  const rows: PredictionRow[] = [];
  const c = r.prediction.checkpointCostMs;
  const basis = c === null ? '' : `C = ${formatMs(c)}, M = ${formatMs(r.mtbfMs)}`;
  const ms = (batches: number) => formatMs(batches * r.prediction.batchMsOff);
  if (r.prediction.young) {
    rows.push({ name: 'Young', batches: formatNumber(r.prediction.young.batches), time: formatMs(r.prediction.young.ms), how: `T = √(2CM), ${basis}` });
  }
  if (r.prediction.daly) {
    rows.push({ name: 'Daly', batches: formatNumber(r.prediction.daly.batches), time: formatMs(r.prediction.daly.ms), how: `T = √(2CM)·[1 + ⅓√(C/2M) + ⅑(C/2M)] − C, ${basis}` });
  }
  if (r.fit) {
    const o = r.fit.optimum;
    rows.push({
      name: 'Fitted optimum',
      batches: `${formatNumber(o.value, 0)} (${formatNumber(o.lo, 0)} – ${formatNumber(o.hi, 0)})`,
      time: ms(o.value),
      how: 'lowest expected time of the fitted cost model at any whole interval; 95 % bootstrap interval',
    });
  }
  rows.push({
    name: 'Recommended (measured)',
    batches: r.recommended === null ? '–' : String(r.recommended),
    time: r.recommended === null ? '–' : ms(r.recommended),
    how: r.recommendation.reason,
  });
  return rows;
}

/** The fitted cost model in one sentence per figure. */
function fitLines(r: TuneResult): string[] {
  const f = r.fit;
  if (!f) return [];
  const ci = (e: { value: number; lo: number; hi: number }) => `${formatMs(e.value)} (95 % CI ${formatMs(e.lo)} – ${formatMs(e.hi)})`;
  const c = r.prediction.checkpointCostMs;
  return [
    `Per batch, at any interval: ${ci(f.perBatchMs)} on top of ${formatMs(r.prediction.batchMsOff)} with checkpointing off (the write-ahead log: offsets and commits every batch).`,
    `Per state checkpoint, as the batch time shows it: ${ci(f.perCheckpointMs)}${c === null ? '' : `; measured write time C: ${formatMs(c)}`}.`,
    `Per failure: restart ${ci(f.restartMs)} plus ${ci(f.replayMsPerBatch)} per replayed batch (half an interval on average).`,
    ...(f.perBatchShare !== null && r.recommended !== null
      ? [`At the recommended interval ${Math.round(f.perBatchShare * 100)} % of the overhead is per-batch cost, which only the batch size changes.`]
      : []),
  ];
}

function roundsLine(r: TuneResult): string {
  const n = r.rounds.count;
  return `${n} round${n === 1 ? '' : 's'} of measurement (at least ${r.config.repeat}); stopped because ${r.rounds.stopped || 'the plan was done'}; budget ${formatMs(r.rounds.budgetMs)}, took ${formatMs(r.elapsedMs)}.`;
}

function bracketLine(r: TuneResult): string {
  const b = r.bracket;
  const added = b.added.length ? ` (added ${b.added.join(', ')} to bracket the predictions)` : '';
  return b.bracketed
    ? `Measured intervals ${b.measured.join(', ')}${added} enclose Young's, Daly's and the fitted optimum.`
    : `Measured intervals ${b.measured.join(', ')}${added} do not enclose every prediction: ${b.why.join('; ')}.`;
}

const SIZE_HEADERS = ['records / batch', 'batch time off', 'best interval', 'how sure', 'expected time, same records', 'batch time at best (latency)', 'per-batch share of overhead'];

function sizeRows(r: TuneResult): string[][] {
  const base = r.batchSizes[0]!;
  return r.batchSizes.map((b) => [
    `${b.batchRecords}${b.base ? ' (now)' : ''}`,
    formatMs(b.baseline.batchMs),
    String(b.decision.best),
    b.decision.status,
    b.base ? '×1 (reference)' : `${times(b.relativeTime.value)} (${times(b.relativeTime.lo)} – ${times(b.relativeTime.hi)})`,
    `${formatMs(b.batchLatencyMs)}${b.base ? '' : ` (×${(b.batchLatencyMs / base.batchLatencyMs).toFixed(1)})`}`,
    b.fit.perBatchShare === null ? '–' : `${Math.round(b.fit.perBatchShare * 100)} %`,
  ]);
}

function summaryLine(r: TuneResult): string {
  const c = r.prediction.checkpointCostMs;
  return [
    `MTBF ${formatMs(r.mtbfMs)}`,
    `checkpoint cost C ${c === null ? 'not measured' : formatMs(c)}`,
    `batch time (off) ${formatMs(r.prediction.batchMsOff)} at ${r.batchRecords} records per batch`,
    `${r.rounds.count} round${r.rounds.count === 1 ? '' : 's'}`,
  ].join(' · ');
}

// ---------- Markdown ----------

export function tuneMarkdown(r: TuneResult): string {
  const mark = confidenceMark(r);
  const top = r.batchSizes[0]!;
  const lines = [
    `## Checkpoint interval tuning — ${r.scenario}`,
    '',
    `${mark.icon} **${r.verdict}**`,
    '',
    ...(r.batchAdvice ? [`**Batch size:** ${r.batchAdvice.text}`, ''] : []),
    summaryLine(r),
    '',
    `### Intervals at ${r.batchRecords} records per batch`,
    '',
    mdTable(HEADERS, [baselineCells(top), ...r.intervals.map(intervalCells)], NUMERIC.map((n) => (n ? 'r' : 'l'))),
    '',
    DEFINITIONS,
    '',
    '### Prediction, fit and measurement',
    '',
    mdTable(['', 'interval (batches)', 'interval (time)', 'basis'], predictionRows(r).map((p) => [p.name, p.batches, p.time, p.how]), ['l', 'r', 'r', 'l']),
    '',
    ...fitLines(r).map((l) => `- ${l}`),
    '',
    bracketLine(r),
    '',
    roundsLine(r),
    '',
  ];
  if (r.batchSizes.length > 1) {
    lines.push('### Batch size × checkpoint interval', '', mdTable(SIZE_HEADERS, sizeRows(r), ['r', 'r', 'r', 'l', 'r', 'r', 'r']), '');
    lines.push('Expected time for the same records, relative to the best interval at the current batch size; a larger batch amortises the per-batch write-ahead cost, and every record waits for its whole batch.', '');
  }
  lines.push(`How expected time is computed: ${r.model.description}`);
  if (r.notes.length) lines.push('', '### Notes', '', ...r.notes.map((n) => `- ${n}`));
  lines.push('', `<sub>${mdCode(r.config.command)} · seed ${r.config.seed} · size ${r.config.size} · records per batch ${r.config.batchRecords.join(', ')} · ${formatMs(r.elapsedMs)} · ${r.startedAt}</sub>`, '');
  return lines.join('\n');
}

// ---------- HTML ----------

function spreadPoints(b: BatchSizeResult, pick: (i: IntervalResult) => { median: number; min: number; max: number } | null): SpreadPoint[] {
  return b.intervals.flatMap((i) => {
    const s = pick(i);
    return s ? [{ interval: i.interval, median: s.median, min: s.min, max: s.max }] : [];
  });
}

export async function tuneCharts(r: TuneResult): Promise<Html[]> {
  const charts: Html[] = [];
  const top = r.batchSizes[0]!;
  const min = (ms: number) => ms / 60_000;
  const totals = r.intervals.flatMap((i) => (i.measuredTotalMs === null ? [] : [{ interval: i.interval, value: min(i.measuredTotalMs) }]));
  const curve = (r.fit?.curve ?? []).filter((c) => Number.isFinite(c.ms)).map((c) => ({ interval: c.interval, value: min(c.ms), lo: min(c.lo), hi: min(c.hi) }));
  if (curve.length || totals.length) {
    const predictions = [
      ...(r.prediction.young ? [{ name: 'Young', interval: r.prediction.young.batches }] : []),
      ...(r.prediction.daly ? [{ name: 'Daly', interval: r.prediction.daly.batches }] : []),
    ];
    const best = r.intervals.find((i) => i.interval === r.recommended);
    const svg = await renderSvg(
      expectedTotalSpec({
        title: `Expected time for 1 h of work at MTBF ${formatMs(r.mtbfMs)}`,
        yTitle: 'expected wall time (min)',
        curve,
        points: totals,
        recommended: best?.expectedTotalMs != null ? { interval: best.interval, value: min(best.expectedTotalMs) } : null,
        predictions,
      }),
    );
    charts.push(
      figure(
        svg,
        'Blue line: the cost model fitted to every run, with its 95 % band; grey dots: each interval from its own medians. Dashed: Young and Daly from the measured checkpoint cost. The diamond marks the recommended interval.',
      ),
    );
  }
  const multiplier = spreadPoints(top, (i) => i.spread.timeMultiplier);
  if (multiplier.length && r.fit) {
    const f = r.fit;
    const ks = multiplier.map((p) => p.interval);
    const lo = Math.min(...ks);
    const hi = Math.max(...ks);
    const fitted = Array.from({ length: 32 }, (_, i) => lo * (hi / lo) ** (i / 31)).map((k) => ({ interval: k, value: f.alpha.value + f.beta.value / k }));
    const svg = await renderSvg(
      spreadLineSpec({ title: 'Batch time relative to checkpointing off', yTitle: 'time × (1 = off)', points: multiplier, baseline: { y: 1, label: 'off' }, curve: fitted }),
    );
    charts.push(figure(svg, `Median per interval, bar from min to max over the repeats; dashed: the fit ×${f.alpha.value.toFixed(2)} + ${f.beta.value.toFixed(2)} ÷ interval. What stays above 1 at large intervals is per-batch cost.`));
  }
  const recovery = spreadPoints(top, (i) => i.spread.recoveryMs);
  if (recovery.length) {
    const labels = r.intervals.flatMap((i) =>
      i.spread.recoveryMs && i.replayedBatches !== null ? [{ interval: i.interval, y: i.spread.recoveryMs.median, text: `${formatNumber(i.replayedBatches)} replayed` }] : [],
    );
    const svg = await renderSvg(spreadLineSpec({ title: 'Recovery time after a kill', yTitle: 'restart → caught up (ms)', points: recovery, color: '#8250df', labels }));
    charts.push(figure(svg, 'Time from restarting the killed engine until it reported caught up; labels: median batches replayed.'));
  }
  if (r.batchSizes.length > 1) {
    const baseBest = Math.min(...top.intervals.flatMap((i) => (i.expectedTotalMs === null ? [] : [i.expectedTotalMs])));
    const cells = r.batchSizes.flatMap((b) =>
      b.intervals.flatMap((i) => {
        // expected times already count the same records at every batch size (the fit's time scale)
        return i.expectedTotalMs === null ? [] : [{ batchRecords: b.batchRecords, interval: i.interval, factor: i.expectedTotalMs / baseBest, best: i.interval === b.decision.best }];
      }),
    );
    const svg = await renderSvg(tradeoffHeatmapSpec({ title: 'Expected time for the same records: batch size × interval', cells }));
    charts.push(figure(svg, `Relative to the best interval at ${top.batchRecords} records per batch (×1.00); ★ the best interval per batch size. Lighter is faster. Larger batches cost latency: see the table.`));
  }
  return charts;
}

export async function tuneHtml(r: TuneResult): Promise<string> {
  const mark = confidenceMark(r);
  const top = r.batchSizes[0]!;
  const charts = await tuneCharts(r);
  // the median on the first line, the (min – max) range small beneath it
  const spreadCell = (text: string): Html | string => {
    const at = text.indexOf(' (');
    return at < 0 ? text : raw(`${el('span', null, text.slice(0, at)).html}<br><small class="range">${el('span', null, text.slice(at + 1)).html}</small>`);
  };
  const rows = [baselineCells(top), ...r.intervals.map(intervalCells)].map((cells) => cells.map(spreadCell));
  const table = htmlTable(HEADERS, rows, NUMERIC);
  const highlighted = r.recommended === null ? table : raw(table.html.replace(`<tr><td>${r.recommended}</td>`, `<tr class="best"><td>${r.recommended}</td>`));
  return htmlPage(`chaos tune — ${r.scenario}`, [
    el('h1', null, `Checkpoint interval tuning — ${r.scenario}`),
    el('p', { class: 'meta' }, summaryLine(r)),
    el('p', { class: `verdict ${mark.cls}`, title: mark.label }, `${mark.glyph} ${r.verdict}`),
    r.batchAdvice ? el('p', { class: 'verdict info' }, `Batch size: ${r.batchAdvice.text}`) : null,
    el('section', { id: 'charts' }, charts),
    el('h2', null, `Intervals at ${r.batchRecords} records per batch`),
    highlighted,
    el('p', { class: 'meta' }, DEFINITIONS),
    el('h2', null, 'Prediction, fit and measurement'),
    htmlTable(['', 'interval (batches)', 'interval (time)', 'basis'], predictionRows(r).map((p) => [p.name, p.batches, p.time, p.how]), [false, true, true, false]),
    el('ul', null, fitLines(r).map((l) => el('li', null, l))),
    el('p', null, bracketLine(r)),
    el('p', null, roundsLine(r)),
    r.batchSizes.length > 1
      ? [
          el('h2', null, 'Batch size × checkpoint interval'),
          htmlTable(SIZE_HEADERS, sizeRows(r), [true, true, true, false, true, true, true]),
          el('p', { class: 'meta' }, 'Expected time for the same records, relative to the best interval at the current batch size. A larger batch amortises the per-batch write-ahead cost; every record waits for its whole batch.'),
        ]
      : null,
    el('p', { class: 'meta' }, `How expected time is computed: ${r.model.description}`),
    r.notes.length ? [el('h2', null, 'Notes'), el('ul', { class: 'notes' }, r.notes.map((n) => el('li', null, n)))] : null,
    el('h2', null, 'Reproduce'),
    el('pre', null, r.config.command),
    el('p', { class: 'meta' }, `seed ${r.config.seed} · size ${r.config.size} · records per batch ${r.config.batchRecords.join(', ')} · took ${formatMs(r.elapsedMs)} · ${r.startedAt}`),
  ]);
}
