/**
 * The `chaos tune` report: report.json (everything), report.md (verdict first, then the table — fits
 * a CI job summary) and report.html (one file, inline SVG charts: overhead, recovery time and
 * expected total time against the interval, with the optimum marked).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IntervalResult, TuneResult } from '../harness/tune/result.js';
import { expectedTotalSpec, renderSvg, spreadLineSpec, type SpreadPoint } from './charts.js';
import { formatBytes, formatMs, formatNumber, formatPct, formatRate, formatSpread } from '../harness/format.js';
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

// ---------- shared table ----------

const HEADERS = [
  'interval (batches)',
  'throughput',
  'overhead vs off',
  'checkpoints / run',
  'bytes / run',
  'bytes / checkpoint',
  'checkpoint write (C)',
  'recovery time',
  'batches replayed',
  'expected time for 1 h of work',
];
const NUMERIC = HEADERS.map((_, i) => i > 0);

function intervalCells(r: IntervalResult): string[] {
  return [
    String(r.interval),
    formatSpread(r.spread.throughput, (n) => formatRate(n)),
    formatSpread(r.spread.overheadPct, formatPct),
    formatNumber(r.checkpoints, 0),
    formatSpread(r.spread.checkpointBytes, formatBytes),
    formatSpread(r.spread.bytesPerCheckpoint, formatBytes),
    formatSpread(r.spread.checkpointMs, formatMs),
    formatSpread(r.spread.recoveryMs, formatMs),
    formatSpread(r.spread.replayedBatches, (n) => formatNumber(n)),
    formatMs(r.expectedTotalMs),
  ];
}

function baselineCells(r: TuneResult): string[] {
  const b = r.baseline;
  return ['off', formatSpread(b.spread.throughput, (n) => formatRate(n)), 'baseline', '0', '0 B', '–', '–', '–', '–', '–'];
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
  if (r.prediction.young) {
    rows.push({ name: 'Young', batches: formatNumber(r.prediction.young.batches), time: formatMs(r.prediction.young.ms), how: `T = √(2CM), ${basis}` });
  }
  if (r.prediction.daly) {
    rows.push({ name: 'Daly', batches: formatNumber(r.prediction.daly.batches), time: formatMs(r.prediction.daly.ms), how: `T = √(2CM)·[1 + ⅓√(C/2M) + ⅑(C/2M)] − C, ${basis}` });
  }
  const best = r.intervals.find((i) => i.interval === r.recommended);
  rows.push({
    name: 'Measured (recommended)',
    batches: best ? String(best.interval) : '–',
    time: best ? formatMs(best.interval * r.prediction.batchMsOff) : '–',
    how: r.recommendation.reason,
  });
  return rows;
}

/** What the throughput says the costs are, beside the measured write time. */
function costFitLine(r: TuneResult): string | null {
  const f = r.costFit;
  if (!f) return null;
  const c = r.prediction.checkpointCostMs;
  return (
    `Cost split (batch time fitted over 1/interval): ${formatMs(f.overheadPerBatchMs)} per batch at any interval on top of ${formatMs(r.prediction.batchMsOff)} with checkpointing off, ` +
    `plus ${formatMs(f.perCheckpointMs)} per state checkpoint${c === null ? '' : ` (measured write time C: ${formatMs(c)})`}.`
  );
}

function summaryLine(r: TuneResult): string {
  const c = r.prediction.checkpointCostMs;
  return [
    `MTBF ${formatMs(r.mtbfMs)}`,
    `checkpoint cost C ${c === null ? 'not measured' : formatMs(c)}`,
    `batch time (off) ${formatMs(r.prediction.batchMsOff)}`,
    `${r.baseline.batches} batches per run`,
    `${r.config.repeat} repeat${r.config.repeat === 1 ? '' : 's'} per point`,
  ].join(' · ');
}

// ---------- Markdown ----------

export function tuneMarkdown(r: TuneResult): string {
  const findings = r.notes.some((n) => n.startsWith('FINDING'));
  const lines = [
    `## Checkpoint interval tuning — ${r.scenario}`,
    '',
    `${findings ? '❌' : '✅'} **${r.verdict}**`,
    '',
    summaryLine(r),
    '',
    mdTable(HEADERS, [baselineCells(r), ...r.intervals.map(intervalCells)], NUMERIC.map((n) => (n ? 'r' : 'l'))),
    '',
    'Cells show the median over the repeats, with (min – max) where they differ. Intervals are in batches; overhead = 1 − throughput / throughput with checkpointing off.',
    '',
    '### Prediction and measurement',
    '',
    mdTable(['', 'interval (batches)', 'interval (time)', 'basis'], predictionRows(r).map((p) => [p.name, p.batches, p.time, p.how]), ['l', 'r', 'r', 'l']),
    '',
    ...(costFitLine(r) ? [costFitLine(r)!, ''] : []),
    `Expected time model: ${r.model.description}`,
  ];
  if (r.notes.length) lines.push('', '### Notes', '', ...r.notes.map((n) => `- ${n}`));
  lines.push('', `<sub>${mdCode(r.config.command)} · seed ${r.config.seed} · size ${r.config.size} · ${r.config.maxBatchRecords} records/batch · ${formatMs(r.elapsedMs)} · ${r.startedAt}</sub>`, '');
  return lines.join('\n');
}

// ---------- HTML ----------

function spreadPoints(r: TuneResult, pick: (i: IntervalResult) => { median: number; min: number; max: number } | null): SpreadPoint[] {
  return r.intervals.flatMap((i) => {
    const s = pick(i);
    return s ? [{ interval: i.interval, median: s.median, min: s.min, max: s.max }] : [];
  });
}

export async function tuneCharts(r: TuneResult): Promise<Html[]> {
  const charts: Html[] = [];
  const overhead = spreadPoints(r, (i) => i.spread.overheadPct);
  if (overhead.length) {
    const svg = await renderSvg(
      spreadLineSpec({ title: 'Throughput overhead vs checkpointing off', yTitle: 'overhead (%)', points: overhead, baseline: { y: 0, label: 'off' } }),
    );
    charts.push(figure(svg, 'Median overhead per interval; the vertical bar spans min to max over the repeats. Lower is better.'));
  }
  const recovery = spreadPoints(r, (i) => i.spread.recoveryMs);
  if (recovery.length) {
    const labels = r.intervals.flatMap((i) =>
      i.spread.recoveryMs && i.replayedBatches !== null ? [{ interval: i.interval, y: i.spread.recoveryMs.median, text: `${formatNumber(i.replayedBatches)} replayed` }] : [],
    );
    const svg = await renderSvg(spreadLineSpec({ title: 'Recovery time after a kill', yTitle: 'restart → caught up (ms)', points: recovery, color: '#8250df', labels }));
    charts.push(figure(svg, 'Time from restarting the killed engine until it reported caught up; labels: median batches replayed.'));
  }
  const totals = r.intervals.flatMap((i) => (i.expectedTotalMs === null ? [] : [{ interval: i.interval, value: i.expectedTotalMs / 60_000 }]));
  if (totals.length) {
    const predictions = [
      ...(r.prediction.young ? [{ name: 'Young', interval: r.prediction.young.batches }] : []),
      ...(r.prediction.daly ? [{ name: 'Daly', interval: r.prediction.daly.batches }] : []),
    ];
    const svg = await renderSvg(
      expectedTotalSpec({
        title: `Expected time for 1 h of work at MTBF ${formatMs(r.mtbfMs)}`,
        yTitle: 'expected wall time (min)',
        points: totals,
        recommended: r.recommended,
        predictions,
      }),
    );
    charts.push(figure(svg, 'From the measurements: work with overhead plus expected failures × (restart + half an interval replayed). The diamond marks the recommended interval; dashed lines the Young and Daly predictions.'));
  }
  return charts;
}

export async function tuneHtml(r: TuneResult): Promise<string> {
  const findings = r.notes.some((n) => n.startsWith('FINDING'));
  const charts = await tuneCharts(r);
  // the median on the first line, the (min – max) range small beneath it
  const spreadCell = (text: string): Html | string => {
    const at = text.indexOf(' (');
    return at < 0 ? text : raw(`${el('span', null, text.slice(0, at)).html}<br><small class="range">${el('span', null, text.slice(at + 1)).html}</small>`);
  };
  const rows = [baselineCells(r), ...r.intervals.map(intervalCells)].map((cells) => cells.map(spreadCell));
  const table = htmlTable(HEADERS, rows, NUMERIC);
  // highlight the recommended row
  const highlighted = r.recommended === null ? table : raw(table.html.replace(`<tr><td>${r.recommended}</td>`, `<tr class="best"><td>${r.recommended}</td>`));
  return htmlPage(`chaos tune — ${r.scenario}`, [
    el('h1', null, `Checkpoint interval tuning — ${r.scenario}`),
    el('p', { class: 'meta' }, summaryLine(r)),
    el('p', { class: `verdict ${findings ? 'fail' : 'ok'}` }, r.verdict),
    el('section', { id: 'charts' }, charts),
    el('h2', null, 'Measurements'),
    highlighted,
    el('p', { class: 'meta' }, 'Median over the repeats, with (min – max) where they differ. Intervals are in batches; overhead = 1 − throughput / throughput with checkpointing off.'),
    el('h2', null, 'Prediction and measurement'),
    htmlTable(['', 'interval (batches)', 'interval (time)', 'basis'], predictionRows(r).map((p) => [p.name, p.batches, p.time, p.how]), [false, true, true, false]),
    costFitLine(r) ? el('p', null, costFitLine(r)!) : null,
    el('p', { class: 'meta' }, r.model.description),
    r.notes.length ? [el('h2', null, 'Notes'), el('ul', { class: 'notes' }, r.notes.map((n) => el('li', null, n)))] : null,
    el('h2', null, 'Reproduce'),
    el('pre', null, r.config.command),
    el('p', { class: 'meta' }, `seed ${r.config.seed} · size ${r.config.size} · ${r.config.maxBatchRecords} records/batch · took ${formatMs(r.elapsedMs)} · ${r.startedAt}`),
  ]);
}
