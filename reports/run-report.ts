/**
 * The `chaos run` report: report.json (the whole RunSummary with every failing History),
 * report.md (verdict first — fits a CI job summary), report.html (charts and a timeline per failing
 * trial) and junit.xml (CI test results).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FailureSummary, RunSummary, Verdict } from '../harness/history.js';
import { faultKindBarsSpec, faultSpaceHeatmapSpec, renderSvg, scenarioBarsSpec, timelineSpec } from './charts.js';
import { coverageHeadline, knobValueText } from './exploration-text.js';
import { PROTOCOL_STEPS } from '../harness/exploration/fault-space.js';
import type { ExplorationSummary } from '../harness/exploration/exploration.js';
import { formatMs } from '../harness/format.js';
import { el, figure, htmlPage, htmlTable, type Html } from './html.js';
import { junitXml, replayCommandOf } from './junit.js';
import { mdCode, mdCodeBlock, mdTable } from './markdown.js';
import { incarnationRows, timelineData, type IncarnationRow } from './timeline.js';


/** Failing trials shown in full; the rest are counted (report.json has them all). */
export const MAX_DETAILED_FAILURES = 20;

/** Writes report.json, report.md, report.html and junit.xml; returns their paths in that order. */
export async function writeRunReport(outDir: string, summary: RunSummary): Promise<string[]> {
  fs.mkdirSync(outDir, { recursive: true });
  const files = {
    json: path.join(outDir, 'report.json'),
    markdown: path.join(outDir, 'report.md'),
    html: path.join(outDir, 'report.html'),
    junit: path.join(outDir, 'junit.xml'),
  };
  fs.writeFileSync(files.json, JSON.stringify(summary, null, 2) + '\n');
  fs.writeFileSync(files.markdown, runMarkdown(summary));
  fs.writeFileSync(files.html, await runHtml(summary));
  fs.writeFileSync(files.junit, junitXml(summary));
  return [files.json, files.markdown, files.html, files.junit];
}

export function runVerdict(s: RunSummary): string {
  const scope = `${s.trials} trial${s.trials === 1 ? '' : 's'}, ${s.kills} kill${s.kills === 1 ? '' : 's'}, ${s.scenarios.length} scenario${s.scenarios.length === 1 ? '' : 's'}, ${s.mode} mode, seed ${s.seed}, ${formatMs(s.elapsedMs)}`;
  const unstruck = s.unstruck ?? [];
  if (s.trials === 0) return `NO TRIAL RAN — nothing was tested (${scope}).`;
  const interrupted = s.interrupted ? `INTERRUPTED by ${s.interrupted.signal} — partial report of the trials so far; ` : '';
  if (s.ok) return `All properties held: ${scope}.${unstruck.length ? ` Armed but never struck: ${unstruck.join(', ')}.` : ''}`;
  const failed = s.scenarios.reduce((n, x) => n + x.failures, 0) || s.failures.length;
  const parts = failed || !s.interrupted ? [`${failed} failing trial${failed === 1 ? '' : 's'}`] : [];
  if (s.nonDeterministic.length) parts.push(`not deterministic: ${s.nonDeterministic.join(', ')}`);
  if (s.requireFaults && unstruck.length) parts.push(`armed but never struck (--require-faults): ${unstruck.join(', ')}`);
  return `${interrupted}${s.interrupted && !parts.length ? '' : 'FAILED — '}${parts.join('; ')} (${scope}).`;
}

/** Fault table columns: armed and struck count trials (struck <= armed); strikes counts every strike. */
const FAULT_HEADERS = ['fault kind', 'trials armed', 'trials struck', 'strikes'];

function faultRows(s: RunSummary): string[][] {
  return s.faultKinds.filter((k) => k.armed > 0).map((k) => [k.kind, String(k.armed), k.struck === 0 ? `${k.struck} (never struck)` : String(k.struck), String(k.strikes)]);
}

const TIMELINE_HEADERS = ['#', 'pid', 'ran (ms)', 'ended', 'armed fault', 'struck at', 'recovered', 'replayed', 'caught up', 'batches committed'];

function timelineCells(r: IncarnationRow): string[] {
  return [
    String(r.index),
    r.pid === null ? '–' : String(r.pid),
    `${r.startMs} – ${r.endMs}`,
    `${r.outcome} (${r.exit})`,
    r.armed ?? '–',
    [...r.failpoints, ...(r.failpoints.length ? [] : r.hits)].join(', ') || '–',
    [r.recovered, ...r.fallbacks.map((f) => `fallback ${f}`), r.lostWrites ? `${r.lostWrites} unsynced writes lost` : null].filter(Boolean).join('; ') || '–',
    r.replayed ?? '–',
    r.caughtUpMs === null ? '–' : `${r.caughtUpMs} ms`,
    String(r.batchesCommitted),
  ];
}

function diffLines(v: Verdict): string[] {
  const out: string[] = [];
  if (v.counts) out.push(`expected ${v.counts.expected} rows, got ${v.counts.actual}: ${v.counts.lost} lost, ${v.counts.duplicated} duplicated, ${v.counts.unexpected} wrong`);
  for (const [name, rows] of [['lost', v.lost], ['duplicated', v.duplicated], ['wrong', v.unexpected]] as const) {
    for (const row of rows ?? []) out.push(`${name}: ${row}`);
  }
  return out;
}

function failureTitle(f: FailureSummary): string {
  return `${f.scenario} · trial ${f.trialId} · ${f.checkers.join(', ') || 'failed'}${f.mutant ? ` · mutant ${f.mutant}` : ''}`;
}

/**
 * Which services ran and what they do not guarantee, one line each: `--services` picked what and why,
 * the S3 server and whether it enforces conditional writes (s3rver does not: zombie writers are not
 * fenced by the store), and the services' own notes.
 */
export function servicesLines(s: RunSummary): string[] {
  const svc = s.services;
  if (!svc) return [];
  const lines = [`Services: ${svc.picked} — ${svc.reason}${svc.store ? ` (store ${svc.store}, source ${svc.source ?? '?'}, sink ${svc.sink ?? '?'})` : ''}.`];
  if (svc.s3) {
    lines.push(
      svc.s3.conditionalWrites
        ? `S3 server ${svc.s3.server}: conditional writes (If-None-Match) enforced — zombie writers are fenced.`
        : `S3 server ${svc.s3.server}: conditional writes (If-None-Match) NOT enforced — zombie writers are not fenced by the store; correctness rests on one engine per checkpoint at a time.`,
    );
  }
  if (svc.kafka) lines.push(`Kafka: ${svc.kafka.server}${svc.kafka.brokers?.length ? ` (${svc.kafka.brokers.join(', ')})` : ''}.`);
  for (const note of svc.notes ?? []) lines.push(`Note: ${note}`);
  return lines;
}

// ---------- Markdown ----------

export function runMarkdown(s: RunSummary): string {
  const lines = [`## Chaos run`, '', `${s.ok ? '✅' : '❌'} **${runVerdict(s)}**`, ''];
  lines.push(
    mdTable(
      ['scenario', 'kind', 'trials', 'kills', 'failures'],
      s.scenarios.map((x) => [x.name, x.kind, String(x.trials), String(x.kills), x.failures ? `**${x.failures}**` : '0']),
      ['l', 'l', 'r', 'r', 'r'],
    ),
    '',
  );
  if (faultRows(s).length) {
    lines.push(mdTable(FAULT_HEADERS, faultRows(s), ['l', 'r', 'r', 'r']), '');
  }
  if (s.engine) lines.push(`External target on ${s.engine}.`, '');
  if (s.failpoints?.length) {
    lines.push(mdTable(['named failpoint', 'trials armed', 'hits'], s.failpoints.map((f) => [f.name, String(f.armed), String(f.hits)]), ['l', 'r', 'r']), '');
  }
  const services = servicesLines(s);
  if (services.length) lines.push(...services.map((l) => `- ${l}`), '');
  if (s.exploration) lines.push(...explorationMarkdown(s.exploration));
  const extra = [`${s.shrinkTrials} shrink trials`, s.outDir ? `reports in ${mdCode(s.outDir)}` : null, s.startedAt].filter(Boolean);
  lines.push(`<sub>${extra.join(' · ')}</sub>`, '');
  const shown = s.failures.slice(0, MAX_DETAILED_FAILURES);
  if (shown.length) lines.push('### Failing trials', '');
  for (const f of shown) {
    lines.push(`#### ${failureTitle(f)}`, '', f.message, '', 'Replay:', '', mdCodeBlock(replayCommandOf(f), 'sh'), '');
    lines.push(`seed ${f.seed}${f.path ? ` · path ${mdCode(f.path)}` : ''}`, '');
    lines.push(mdTable(TIMELINE_HEADERS, incarnationRows(f.history).map(timelineCells)), '');
    const diffs = f.history.verdicts.filter((v) => !v.ok).flatMap((v) => [`[${v.checker}] ${v.message}`, ...diffLines(v).map((d) => `  ${d}`)]);
    if (diffs.length) lines.push(mdCodeBlock(diffs.join('\n')), '');
  }
  if (s.failures.length > shown.length) lines.push(`… and ${s.failures.length - shown.length} more failing trials in report.json.`, '');
  return lines.join('\n');
}

/** Coverage points, knobs and run lengths (report.md): the tables of explorationTables. */
function explorationMarkdown(x: ExplorationSummary): string[] {
  const t = explorationTables(x);
  return [
    '### What the run explored',
    '',
    `**${coverageHeadline(x)}**`,
    '',
    mdTable(t.coverage.headers, t.coverage.rows, ['l', 'r', 'r', 'l']),
    '',
    mdTable(t.knobs.headers, t.knobs.rows, ['l', 'r', 'l', 'l']),
    '',
    t.runLengths,
    '',
  ];
}

/** The exploration tables, shared by report.md and report.html. */
export function explorationTables(x: ExplorationSummary) {
  return {
    coverage: {
      headers: ['coverage point', 'incarnations', 'trials', 'path'],
      rows: x.coverage.map((p) => [p.hits === 0 ? `${p.point} (never hit)` : p.point, String(p.hits), String(p.trials), p.description]),
    },
    knobs: {
      headers: ['knob', 'default (trials)', 'edges (trials)', 'values drawn (trials)'],
      rows: x.knobs.map((k) => [
        k.flag,
        `${k.engineDefault} (${k.atDefault})`,
        k.edges.map((e) => `${knobValueText(e.value)} (${e.trials})`).join(', '),
        k.values.length > 12
          ? `${k.values.length} values, ${knobValueText(k.values[0]!.value)}–${knobValueText(k.values[k.values.length - 1]!.value)}`
          : k.values.map((v) => `${knobValueText(v.value)} (${v.trials})`).join(', '),
      ]),
    },
    runLengths: `Run lengths: ${x.runLengths.trials} streaming trials, longest ${x.runLengths.maxBatches} batches, median ${x.runLengths.medianBatches}, ${x.runLengths.atLeast100} trials of ≥ 100 batches, ${x.runLengths.threeOrMoreIncarnations} trials with ≥ 3 incarnations.`,
  };
}

// ---------- HTML ----------

async function failureSection(f: FailureSummary): Promise<Html> {
  const h = f.history;
  const rows = incarnationRows(h);
  const svg = await renderSvg(timelineSpec(`Trial ${f.trialId}: incarnations`, timelineData(h)));
  const verdicts = h.verdicts.filter((v) => !v.ok);
  return el(
    'section',
    { class: 'trial', id: `trial-${f.trialId}` },
    el('h3', null, failureTitle(f)),
    el('p', null, f.message),
    el('pre', null, replayCommandOf(f)),
    el('p', { class: 'meta' }, `seed ${f.seed}${f.path ? ` · path ${f.path}` : ''} · ${h.mode} mode · ${h.incarnations.length} incarnation${h.incarnations.length === 1 ? '' : 's'} · ${h.kills} kill${h.kills === 1 ? '' : 's'}`),
    figure(svg, 'Each bar is one process; crosses mark where a fault struck (failpoint names), triangles the replay, circles the moment it caught up; the dark ticks crossing a bar are its committed batches.'),
    htmlTable(TIMELINE_HEADERS, rows.map(timelineCells)),
    verdicts.map((v) => [el('h4', null, `${v.checker}: ${v.ok ? 'held' : 'failed'}`), el('p', null, v.message), el('pre', null, diffLines(v).join('\n') || '(no row samples)')]),
    rows.some((r) => r.stderrTail) ? [el('h4', null, 'stderr'), rows.filter((r) => r.stderrTail).map((r) => el('pre', null, `#${r.index}: ${r.stderrTail}`))] : null,
  );
}

export async function runCharts(s: RunSummary): Promise<Html[]> {
  const charts: Html[] = [];
  if (s.scenarios.length) {
    const rows = s.scenarios.flatMap((x) => [
      { scenario: x.name, outcome: 'held' as const, trials: x.trials - x.failures },
      { scenario: x.name, outcome: 'failed' as const, trials: x.failures },
    ]);
    charts.push(figure(await renderSvg(scenarioBarsSpec(rows)), 'Trials per scenario that held and that failed.'));
  }
  if (s.faultKinds.some((k) => k.armed > 0)) {
    const rows = s.faultKinds.filter((k) => k.armed > 0).flatMap((k) => [
      { kind: k.kind, measure: 'armed' as const, count: k.armed },
      { kind: k.kind, measure: 'struck' as const, count: k.struck },
    ]);
    charts.push(figure(await renderSvg(faultKindBarsSpec(rows)), 'How many trials armed each fault kind, and in how many of them it struck.'));
  }
  const armed = s.faultKinds.filter((k) => k.trials > 0).map((k) => k.kind);
  if (s.exploration && armed.length) {
    const cells = s.exploration.faultSpace;
    const known = PROTOCOL_STEPS as readonly string[];
    const steps = [...known.filter((st) => cells.some((c) => c.step === st) || STREAMING_STEPS.includes(st)), ...new Set(cells.map((c) => c.step).filter((st) => !known.includes(st)))];
    const kinds = [...new Set([...armed, ...cells.map((c) => c.kind)])];
    charts.push(figure(await renderSvg(faultSpaceHeatmapSpec(cells, steps, kinds)), 'Where each fault kind struck: trials per protocol step. White cells are places this run never attacked.'));
  }
  return charts;
}

/** Steps every streaming run passes, shown in the heat map even when nothing struck there. */
const STREAMING_STEPS = ['start', 'metadata', 'recovery', 'batch', 'offsets', 'state', 'sink', 'commits', 'retention'];

function explorationHtml(x: ExplorationSummary): Html {
  const t = explorationTables(x);
  return el(
    'section',
    { id: 'exploration' },
    el('h2', null, 'What the run explored'),
    el('p', { class: `verdict ${x.neverHit.length === 0 && (x.untilCovered?.reached ?? true) ? 'ok' : 'fail'}` }, coverageHeadline(x)),
    htmlTable(t.coverage.headers, t.coverage.rows, [false, true, true, false]),
    el('h3', null, 'Knobs drawn'),
    htmlTable(t.knobs.headers, t.knobs.rows),
    el('p', null, t.runLengths),
  );
}

export async function runHtml(s: RunSummary): Promise<string> {
  const shown = s.failures.slice(0, MAX_DETAILED_FAILURES);
  const sections: Html[] = [];
  for (const f of shown) sections.push(await failureSection(f));
  return htmlPage('chaos run', [
    el('h1', null, 'Chaos run'),
    el('p', { class: `verdict ${s.ok ? 'ok' : 'fail'}` }, runVerdict(s)),
    el('section', { id: 'charts' }, await runCharts(s)),
    el('h2', null, 'Scenarios'),
    htmlTable(['scenario', 'kind', 'trials', 'kills', 'failures'], s.scenarios.map((x) => [x.name, x.kind, String(x.trials), String(x.kills), String(x.failures)]), [false, false, true, true, true]),
    faultRows(s).length ? [el('h2', null, 'Faults'), htmlTable(FAULT_HEADERS, faultRows(s), [false, true, true, true])] : null,
    s.exploration ? explorationHtml(s.exploration) : null,
    s.services ? [el('h2', null, 'Services'), el('ul', null, servicesLines(s).map((l) => el('li', null, l)))] : null,
    s.nonDeterministic.length ? el('p', { class: 'verdict fail' }, `Not deterministic (cannot be judged): ${s.nonDeterministic.join(', ')}`) : null,
    shown.length ? el('h2', null, 'Failing trials') : null,
    sections,
    s.failures.length > shown.length ? el('p', null, `… and ${s.failures.length - shown.length} more failing trials in report.json.`) : null,
    el('p', { class: 'meta' }, `${s.shrinkTrials} shrink trials · started ${s.startedAt}`),
  ]);
}
