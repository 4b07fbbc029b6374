/**
 * JUnit XML for `chaos run`, the format CI systems (GitHub, GitLab, Jenkins) show as test results:
 * one <testsuite> per scenario; one <testcase> per failing trial (its <failure> carries the message,
 * the diff and the replay command) plus one passing <testcase> for the trials that held.
 */
import type { FailureSummary, RunSummary } from '../harness/history.js';
import { incarnationRows } from './timeline.js';

// XML 1.0 cannot carry most control characters, not even escaped (stderr tails can contain them).
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

export function replayCommandOf(f: FailureSummary): string {
  return f.replayCommand ?? (f.replayFile ? `chaos replay ${f.replayFile}` : `chaos run --scenario ${f.scenario} --mode ${f.mode} --seed ${f.seed}`);
}

/** A failing trial in plain text: what failed, the diff, the incarnations, how to replay it. */
export function failureText(f: FailureSummary): string {
  const h = f.history;
  const lines = [f.message, ''];
  for (const v of h.verdicts.filter((x) => !x.ok)) {
    lines.push(`[${v.checker}] ${v.message}`);
    if (v.counts) lines.push(`  expected ${v.counts.expected} rows, got ${v.counts.actual}: ${v.counts.lost} lost, ${v.counts.duplicated} duplicated, ${v.counts.unexpected} wrong`);
    for (const [name, rows] of [['lost', v.lost], ['duplicated', v.duplicated], ['wrong', v.unexpected]] as const) {
      for (const row of rows ?? []) lines.push(`  ${name}: ${row}`);
    }
  }
  lines.push('', 'incarnations:');
  for (const r of incarnationRows(h)) {
    const parts = [
      `  #${r.index} pid ${r.pid ?? '-'} +${r.startMs}..${r.endMs} ms ${r.exit} (${r.outcome})`,
      r.armed ? `armed: ${r.armed}` : null,
      r.failpoints.length ? `fired: ${r.failpoints.join(', ')}` : r.hits.length ? `hit: ${r.hits.join(', ')}` : null,
      r.recovered ? `recovered: ${r.recovered}` : null,
      r.replayed ? `replayed: ${r.replayed}` : null,
      `${r.batchesCommitted} batches committed`,
    ];
    lines.push(parts.filter(Boolean).join('; '));
  }
  lines.push('', `seed ${f.seed}${f.path ? `, path ${f.path}` : ''}`, `replay: ${replayCommandOf(f)}`);
  return lines.join('\n');
}

export function junitXml(summary: RunSummary): string {
  const names = [...new Set([...summary.scenarios.map((s) => s.name), ...summary.failures.map((f) => f.scenario), ...summary.nonDeterministic])];
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const name of names) {
    const info = summary.scenarios.find((s) => s.name === name);
    const failing = summary.failures.filter((f) => f.scenario === name);
    const cases: string[] = [];
    for (const f of failing) {
      const body = failureText(f);
      cases.push(
        `    <testcase${attrs({ classname: `chaos.${name}`, name: `trial ${f.trialId}: ${f.checkers.join(', ') || 'failed'}${f.mutant ? ` (mutant ${f.mutant})` : ''}`, time: seconds(f.history.elapsedMs) })}>\n` +
          `      <failure${attrs({ message: f.message, type: f.checkers.join(',') || 'failure' })}>${xmlEscape(body)}</failure>\n` +
          `    </testcase>`,
      );
    }
    if (summary.nonDeterministic.includes(name)) {
      cases.push(
        `    <testcase${attrs({ classname: `chaos.${name}`, name: 'failure-free reference is deterministic', time: '0' })}>\n` +
          `      <failure${attrs({ message: `${name} produced different outputs in two failure-free runs of the same input; recovery cannot be judged on it`, type: 'determinism' })}/>\n` +
          `    </testcase>`,
      );
    }
    const held = Math.max(0, (info?.trials ?? failing.length) - (info?.failures ?? failing.length));
    if (info) {
      cases.push(`    <testcase${attrs({ classname: `chaos.${name}`, name: `${held} trial${held === 1 ? '' : 's'} held (${info.kills} kills, ${summary.mode} mode)`, time: '0' })}/>`);
    }
    const suiteFailures = cases.filter((c) => c.includes('<failure')).length;
    tests += cases.length;
    failures += suiteFailures;
    suites.push(
      `  <testsuite${attrs({ name, tests: cases.length, failures: suiteFailures, errors: 0, skipped: 0, timestamp: summary.startedAt.replace(/Z$/, '') })}>\n` +
        `    <properties>\n` +
        `      <property${attrs({ name: 'mode', value: summary.mode })}/>\n` +
        `      <property${attrs({ name: 'seed', value: summary.seed })}/>\n` +
        `      <property${attrs({ name: 'trials', value: info?.trials ?? failing.length })}/>\n` +
        `    </properties>\n` +
        `${cases.join('\n')}\n` +
        `  </testsuite>`,
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites${attrs({ name: 'chaos run', tests, failures, errors: 0, time: seconds(summary.elapsedMs) })}>\n` +
    `${suites.join('\n')}\n` +
    `</testsuites>\n`
  );
}
