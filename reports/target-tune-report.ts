/**
 * The `chaos tune --target` report: report.json (everything), report.md and report.html (one
 * self-contained file) — per knob the verdict with how sure it is, the fit with 95 % intervals,
 * Young/Daly, the candidates' table and (HTML) the expected-time chart the built-in tune draws.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KnobResult, TargetTuneResult } from '../harness/targets/target-tune.js';
import { formatBytes, formatMs } from '../harness/format.js';
import { markOf } from '../harness/tune/decision.js';
import { expectedTotalSpec, renderSvg } from './charts.js';
import { el, figure, htmlPage, htmlTable } from './html.js';
import { mdCode, mdTable } from './markdown.js';

const HEADERS = ['value', 'runs', 'ms / batch (steady)', 'checkpoints / run', 'ms / checkpoint', 'recovery (cold restart)', 'expected time, 1 h of work (95 % interval)'];

function rowsOf(k: KnobResult): string[][] {
  return k.candidates.map((c) => [
    String(c.value) + (c.value === k.recommended ? ' (recommended)' : ''),
    String(c.runs),
    c.batchMs === null ? '-' : formatMs(c.batchMs),
    c.checkpoints === null ? '-' : String(c.checkpoints),
    c.checkpointMs === null ? '-' : formatMs(c.checkpointMs),
    c.recoveryMs === null ? '-' : formatMs(c.recoveryMs),
    c.expectedMs === null ? '-' : `${formatMs(c.expectedMs)}${c.expectedCi ? ` (${formatMs(c.expectedCi.lo)}–${formatMs(c.expectedCi.hi)})` : ''}`,
  ]);
}

function verdict(r: TargetTuneResult, k: KnobResult): string {
  return k.recommended === null
    ? `No recommendation for ${k.knob.name} of ${r.target}: ${k.reason}.`
    : `Recommended for ${r.target}: ${k.knob.name} = ${k.recommended} ${k.knob.unit} — ${k.reason}.`;
}

function markFor(r: TargetTuneResult, k: KnobResult) {
  return markOf(r.notes.some((n) => n.startsWith('FINDING')), k.decision ? k.decision.status : 'none');
}

function fitLine(k: KnobResult): string {
  if (!k.fit) return 'Fit: none (see the verdict).';
  const parts = Object.entries(k.fit).map(([name, e]) => `${name} ${formatMs(e.value)} (95 %: ${formatMs(e.lo)}–${formatMs(e.hi)})`);
  return `Fit (${k.model}): ${parts.join(', ')}.` + (k.young !== null ? ` Young ${k.young.toFixed(1)}, Daly ${k.daly!.toFixed(1)} ${k.knob.unit}; the model's optimum ${k.optimum}.` : '');
}

function knobMd(r: TargetTuneResult, k: KnobResult): string[] {
  const m = markFor(r, k);
  return [
    `## ${k.knob.name}: ${k.knob.means}`,
    '',
    `${m.icon} **${verdict(r, k)}**${k.decision ? ` (${k.confidence})` : ''}`,
    '',
    `Unit: ${k.knob.unit}. Reaches the job as the ${k.knob.reaches}; default ${k.knob.default}. Role: ${k.knob.role}${k.knob.checkpointPoint ? ` (checkpoint: ${k.knob.checkpointPoint})` : ''}.`,
    '',
    fitLine(k),
    '',
    mdTable(HEADERS, rowsOf(k), HEADERS.map((_, i) => (i === 0 ? 'l' : 'r'))),
    '',
  ];
}

export function targetTuneMarkdown(r: TargetTuneResult): string {
  return [
    `# chaos tune --target ${r.target}`,
    '',
    `Engine: ${r.engine}. MTBF ${formatMs(r.mtbfMs)}. ${r.rounds.count} round(s), budget ${formatMs(r.budgetMs)}: ${r.rounds.stopped}.`,
    '',
    ...r.knobs.flatMap((k) => knobMd(r, k)),
    ...r.notes.map((n) => `- ${n}`),
    '',
    `Checkpoint bytes at the end of a run: ${r.runs.map((x) => `${x.knob}=${x.value}: ${formatBytes(x.checkpointBytes)}`).join(', ') || '-'}.`,
    '',
    `Command: ${mdCode(r.command)} (${formatMs(r.elapsedMs)})`,
    '',
  ].join('\n');
}

async function chartOf(k: KnobResult) {
  const pts = k.candidates.filter((c) => c.expectedMs !== null);
  if (!pts.length) return null;
  const toH = (ms: number) => ms / 3_600_000;
  const curve = pts.map((c) => ({ interval: c.value, value: toH(c.expectedMs!), lo: toH(c.expectedCi?.lo ?? c.expectedMs!), hi: toH(c.expectedCi?.hi ?? c.expectedMs!) }));
  const rec = pts.find((c) => c.value === k.recommended);
  const predictions = [
    ...(k.young !== null && Number.isFinite(k.young) ? [{ name: 'Young', interval: k.young }] : []),
    ...(k.daly !== null && Number.isFinite(k.daly) ? [{ name: 'Daly', interval: k.daly }] : []),
  ];
  const svg = await renderSvg(
    expectedTotalSpec({
      title: `Expected time for 1 h of work against ${k.knob.name}`,
      yTitle: 'expected time (h)',
      curve,
      points: curve.map((c) => ({ interval: c.interval, value: c.value })),
      recommended: rec ? { interval: rec.value, value: toH(rec.expectedMs!) } : null,
      predictions,
    }),
  );
  return figure(svg, `Fitted expected time at each measured ${k.knob.unit} value with its 95 % bootstrap band; dashed: Young and Daly; ◆ the pick.`);
}

export async function targetTuneHtml(r: TargetTuneResult): Promise<string> {
  const body = [
    el('h1', null, `chaos tune --target ${r.target}`),
    el('p', null, `Engine: ${r.engine}. MTBF ${formatMs(r.mtbfMs)}. ${r.rounds.count} round(s), budget ${formatMs(r.budgetMs)}: ${r.rounds.stopped}.`),
  ];
  for (const k of r.knobs) {
    const m = markFor(r, k);
    body.push(
      el('h2', null, `${k.knob.name}: ${k.knob.means}`),
      el('p', { class: m.cls }, el('strong', null, `${m.glyph} ${verdict(r, k)}`), k.decision ? ` (${k.confidence})` : ''),
      el('p', null, `Unit: ${k.knob.unit}. Reaches the job as the ${k.knob.reaches}; default ${k.knob.default}.`),
      el('p', null, fitLine(k)),
      htmlTable(HEADERS, rowsOf(k), HEADERS.map((_, i) => i > 0)),
    );
    const chart = await chartOf(k);
    if (chart) body.push(chart);
  }
  body.push(...r.notes.map((n) => el('p', null, n)), el('p', null, `Command: ${r.command}`));
  return htmlPage(`chaos tune --target ${r.target}`, body);
}

export async function writeTargetTuneReport(outDir: string, r: TargetTuneResult): Promise<{ json: string; markdown: string; html: string }> {
  fs.mkdirSync(outDir, { recursive: true });
  const files = { json: path.join(outDir, 'report.json'), markdown: path.join(outDir, 'report.md'), html: path.join(outDir, 'report.html') };
  fs.writeFileSync(files.json, JSON.stringify(r, null, 2) + '\n');
  fs.writeFileSync(files.markdown, targetTuneMarkdown(r));
  fs.writeFileSync(files.html, await targetTuneHtml(r));
  return files;
}
