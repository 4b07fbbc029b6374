/**
 * `chaos tune --target SPEC`: interval measurements of an external target (harness/targets/
 * target-tune.ts) into report.json / report.md / report.html under --out.
 */
import { UserError } from '../../engine/index.js';
import { parseCount, parseDuration, parseIntervals, type RawTuneFlags } from '../tune/options.js';

export async function tuneTargetCommand(
  flags: RawTuneFlags & { json?: boolean; target?: string; master?: string; files?: string },
  isDefault: (option: string) => boolean,
): Promise<number> {
  for (const o of ['scenario', 'repeat', 'size', 'maxBatchRecords'] as const) {
    if (!isDefault(o)) throw new UserError(`--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} does not apply to --target (the job and its spec decide)`);
  }
  const intervals = isDefault('intervals') ? [1, 2, 3] : parseIntervals(String(flags.intervals));
  const mtbfMs = parseDuration(String(flags.mtbf), '--mtbf');
  const seed = parseCount(String(flags.seed), '--seed', 0, 2 ** 31 - 1);
  const files = flags.files !== undefined ? parseCount(flags.files, '--files', 1, 1000) : 8;
  const { resolveTarget } = await import('../targets/run-target.js');
  const base = resolveTarget(flags.target!, { ...(flags.master ? { master: flags.master } : {}), prestart: false });
  const target = { ...base, spec: { ...base.spec, input: { ...base.spec.input, files } } };
  (await import('../process/registry.js')).cleanUpOnUncaughtError();
  const { runTargetTune } = await import('../targets/target-tune.js');
  const { writeTargetTuneReport } = await import('../../reports/target-tune-report.js');
  const command = `chaos tune ${process.argv.slice(process.argv.indexOf('tune') + 1).join(' ')}`.trim();
  process.stderr.write(`chaos tune: target ${target.spec.name}, intervals ${intervals.join(',')} (${target.spec.tune?.unit ?? '?'}), ${files} input files, MTBF ${flags.mtbf}\n`);
  const result = await runTargetTune(target, {
    intervals,
    mtbfMs,
    seed,
    recovery: flags.recovery !== false,
    command,
    progress: (line) => process.stderr.write(`chaos tune: ${line}\n`),
  });
  const out = String(flags.out);
  const written = writeTargetTuneReport(out, result);
  if (flags.json) process.stdout.write(JSON.stringify({ ...result, reports: written }, null, 2) + '\n');
  process.stderr.write(`chaos tune: ${result.recommended === null ? 'no recommendation' : `recommended ${result.recommended}`} — ${result.reason}\n  report: ${written.json}, ${written.markdown}, ${written.html}\n`);
  return result.notes.some((n) => n.startsWith('FINDING')) ? 1 : 0;
}
