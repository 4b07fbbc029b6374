/**
 * The `chaos tune --target` report: report.json (everything), report.md (verdict, then the table)
 * and report.html (one self-contained file) for an external target's interval measurements.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TargetTuneResult } from '../harness/targets/target-tune.js';
import { formatBytes, formatMs, formatNumber } from '../harness/format.js';
import { el, htmlPage, htmlTable } from './html.js';
import { mdCode, mdTable } from './markdown.js';

const HEADERS = ['interval', 'batches', 'ms / batch (steady)', 'checkpoint publish / batch', 'checkpoint bytes', 'recovery (cold restart)', 'files replayed', 'recovered = failure-free', 'expected time, 1 h of input'];

function rowsOf(r: TargetTuneResult): string[][] {
  return r.runs.map((run) => {
    const rec = r.recoveries.find((x) => x.interval === run.interval);
    const exp = r.expected.find((e) => e.interval === run.interval)?.expectedMsPerHourOfInput ?? null;
    return [
      String(run.interval) + (run.interval === r.recommended ? ' (recommended)' : ''),
      String(run.batches),
      formatMs(run.batchMs),
      formatMs(run.publishMsPerBatch),
      formatBytes(run.checkpointBytes),
      rec ? formatMs(rec.recoveryMs) : '-',
      rec ? formatNumber(rec.replayedFiles, 0) : '-',
      rec ? (rec.outputMatches ? 'yes' : 'NO') : '-',
      exp === null ? '-' : formatMs(exp),
    ];
  });
}

function verdict(r: TargetTuneResult): string {
  return r.recommended === null ? `No recommendation for ${r.target}: ${r.reason}.` : `Recommended for ${r.target}: ${r.recommended} ${r.unit} — ${r.reason}.`;
}

export function targetTuneMarkdown(r: TargetTuneResult): string {
  return [
    `# chaos tune --target ${r.target}`,
    '',
    `**${verdict(r)}**`,
    '',
    `Engine: ${r.engine}. Interval unit: ${r.unit}. MTBF ${formatMs(r.mtbfMs)}.`,
    r.fit ? `Fit: batch ≈ ${formatMs(r.fit.perBatchMs)} + ${formatMs(r.fit.perFileMs)} × interval (fixed cost of one batch and its checkpoint; cost per file).` : '',
    '',
    mdTable(HEADERS, rowsOf(r), HEADERS.map((_, i) => (i === 0 ? 'l' : 'r'))),
    '',
    ...r.notes.map((n) => `- ${n}`),
    '',
    `Command: ${mdCode(r.command)} (${formatMs(r.elapsedMs)})`,
    '',
  ].join('\n');
}

export function targetTuneHtml(r: TargetTuneResult): string {
  return htmlPage(`chaos tune --target ${r.target}`, [
    el('h1', null, `chaos tune --target ${r.target}`),
    el('p', null, el('strong', null, verdict(r))),
    el('p', null, `Engine: ${r.engine}. Interval unit: ${r.unit}. MTBF ${formatMs(r.mtbfMs)}.`),
    htmlTable(HEADERS, rowsOf(r), HEADERS.map((_, i) => i > 0)),
    ...r.notes.map((n) => el('p', null, n)),
    el('p', null, `Command: ${r.command}`),
  ]);
}

export function writeTargetTuneReport(outDir: string, r: TargetTuneResult): { json: string; markdown: string; html: string } {
  fs.mkdirSync(outDir, { recursive: true });
  const files = { json: path.join(outDir, 'report.json'), markdown: path.join(outDir, 'report.md'), html: path.join(outDir, 'report.html') };
  fs.writeFileSync(files.json, JSON.stringify(r, null, 2) + '\n');
  fs.writeFileSync(files.markdown, targetTuneMarkdown(r));
  fs.writeFileSync(files.html, targetTuneHtml(r));
  return files;
}
