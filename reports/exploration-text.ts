/**
 * What a chaos run explored, as text: every coverage point with its count (never-hit points named),
 * the knob values drawn against their defaults and edges, run lengths, and the fault space. The
 * same lines end `chaos run`'s terminal summary; report.md and report.html render the same data
 * (run-report.ts).
 */
import type { ExplorationSummary } from '../harness/exploration/exploration.js';
import type { KnobSpread } from '../harness/exploration/knob-spread.js';

export function coverageHeadline(x: ExplorationSummary): string {
  const hit = x.coverage.filter((p) => p.hits > 0).length;
  const goal = x.untilCovered ? ` — goal: every point ≥ ${x.untilCovered.min}: ${x.untilCovered.reached ? 'reached' : `NOT reached (${x.untilCovered.below.join(', ')})`}` : '';
  return `coverage: ${hit}/${x.coverage.length} points hit${x.neverHit.length ? `; never hit: ${x.neverHit.join(', ')}` : ''}${goal}`;
}

/** `value` with the engine's sentinels for "longer than any run" spelled out. */
export function knobValueText(v: number): string {
  return v >= 100_000 ? `${v / 1000}k` : String(v);
}

export function knobLine(k: KnobSpread): string {
  const values = k.values.map((v) => v.value);
  if (values.length === 0) return `${k.flag}: not drawn`;
  if (values.length === 1) return `${k.flag} ${knobValueText(values[0]!)} only (${k.why})`;
  const range = values.length === 1 ? knobValueText(values[0]!) : `${knobValueText(values[0]!)}–${knobValueText(values[values.length - 1]!)}`;
  const edges = k.edges.filter((e) => e.value !== k.engineDefault).map((e) => `${knobValueText(e.value)} ×${e.trials}`);
  return `${k.flag} ${range} (${values.length} values; default ${k.engineDefault} ×${k.atDefault}${edges.length ? `; edges ${edges.join(', ')}` : ''})`;
}

export function explorationLines(x: ExplorationSummary): string[] {
  const lines = [coverageHeadline(x)];
  const points = x.coverage.map((p) => `${p.point} ${p.hits}`);
  for (let i = 0; i < points.length; i += 4) lines.push(`  ${points.slice(i, i + 4).join(' · ')}`);
  lines.push(`knobs drawn (streaming trials): ${x.knobs.map(knobLine).join('; ')}`);
  const r = x.runLengths;
  lines.push(`run lengths: ${r.trials} streaming trials, max ${r.maxBatches} batches, median ${r.medianBatches}, ${r.atLeast100} with ≥ 100 batches, ${r.threeOrMoreIncarnations} with ≥ 3 incarnations`);
  const struck = x.faultSpace.filter((c) => c.trials > 0);
  if (struck.length) {
    const steps = [...new Set(struck.map((c) => c.step))];
    lines.push(`fault space (steps struck, trials): ${steps.map((s) => `${s} ${struck.filter((c) => c.step === s).reduce((n, c) => n + c.trials, 0)}`).join(', ')}`);
  }
  return lines;
}
