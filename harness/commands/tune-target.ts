/**
 * `chaos tune --target SPEC`: the knobs the spec's "tune" section declares, measured on the real
 * job and fitted (harness/targets/target-tune.ts), into report.json / report.md / report.html under --out.
 */
import { UserError } from '../../engine/index.js';
import { parseCount, parseDuration, parseIntervals, type RawTuneFlags } from '../tune/options.js';

export async function tuneTargetCommand(
  flags: RawTuneFlags & { json?: boolean; target?: string; master?: string; files?: string; knob?: string },
  isDefault: (option: string) => boolean,
): Promise<number> {
  for (const o of ['scenario', 'size', 'maxBatchRecords'] as const) {
    if (!isDefault(o)) throw new UserError(`--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} does not apply to --target (the job and its spec decide)`);
  }
  const mtbfMs = parseDuration(String(flags.mtbf), '--mtbf');
  const budgetMs = parseDuration(String(flags.budget), '--budget');
  const repeat = isDefault('repeat') ? 1 : parseCount(String(flags.repeat), '--repeat', 1, 20);
  const seed = parseCount(String(flags.seed), '--seed', 0, 2 ** 31 - 1);
  const files = flags.files !== undefined ? parseCount(flags.files, '--files', 1, 1000) : 8;
  // The spec and the knob flags are checked before anything needs Spark (exit 2 in milliseconds).
  const spec = (await import('../targets/target-spec.js')).loadTargetSpec(flags.target!);
  if (!spec.tune) throw new UserError(`${spec.file}: target ${spec.name} has no "tune" section: declare the knobs chaos tune may vary (tune.knobs: name, means, unit, role, via, values, default)`);
  let knobs = spec.tune.knobs;
  if (flags.knob !== undefined) {
    const names = flags.knob.split(',').map((s) => s.trim());
    for (const n of names) if (!knobs.some((k) => k.name === n)) throw new UserError(`bad --knob "${n}": ${spec.name} declares ${knobs.map((k) => k.name).join(', ')}`);
    knobs = knobs.filter((k) => names.includes(k.name));
  }
  if (!isDefault('intervals') && knobs.length !== 1) throw new UserError(`--intervals sets the values of one knob; ${spec.name} has ${knobs.map((k) => k.name).join(', ')}: pick one with --knob NAME`);
  const chosen = knobs.map((k) => ({ knob: k, values: isDefault('intervals') ? k.values : parseIntervals(String(flags.intervals)) }));
  const { resolveTarget } = await import('../targets/run-target.js');
  const base = resolveTarget(flags.target!, { ...(flags.master ? { master: flags.master } : {}), prestart: false });
  const target = { ...base, spec: { ...spec, input: { ...spec.input, files } } };
  (await import('../process/registry.js')).cleanUpOnUncaughtError();
  const { runTargetTune } = await import('../targets/target-tune.js');
  const { writeTargetTuneReport } = await import('../../reports/target-tune-report.js');
  const command = `chaos tune ${process.argv.slice(process.argv.indexOf('tune') + 1).join(' ')}`.trim();
  process.stderr.write(`chaos tune: target ${spec.name}, ${chosen.map((c) => `${c.knob.name} ∈ {${c.values.join(',')}} (${c.knob.unit})`).join('; ')}, ${files} input files, MTBF ${flags.mtbf}, budget ${flags.budget}\n`);
  const { withTargetServices } = await import('../targets/target-services.js');
  const result = await withTargetServices(target, (t) => runTargetTune(t, {
    knobs: chosen,
    mtbfMs,
    seed,
    recovery: flags.recovery !== false,
    repeat,
    budgetMs,
    command,
    progress: (line) => process.stderr.write(`chaos tune: ${line}\n`),
  }));
  const out = String(flags.out);
  const written = await writeTargetTuneReport(out, result);
  if (flags.json) process.stdout.write(JSON.stringify({ ...result, reports: written }, null, 2) + '\n');
  for (const k of result.knobs) {
    process.stderr.write(`chaos tune: ${k.knob.name}: ${k.recommended === null ? 'no recommendation' : `recommended ${k.recommended} ${k.knob.unit} (${k.confidence})`} — ${k.reason}\n`);
  }
  process.stderr.write(`chaos tune: ${result.rounds.count} round(s): ${result.rounds.stopped}\n  report: ${written.json}, ${written.markdown}, ${written.html}\n`);
  return result.notes.some((n) => n.startsWith('FINDING')) ? 1 : 0;
}
