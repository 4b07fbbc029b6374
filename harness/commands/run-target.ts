/**
 * `chaos run --target SPEC`: the chaos property over an external target (harness/targets), with
 * the same summary, replay files and reports as a scenario run.
 */
import { UserError } from '../../engine/index.js';
import type { RunCommandOptions } from './run.js';
import { parseDuration, parsePositiveInt, parseSeed } from './options.js';

export async function runTargetCommand(o: RunCommandOptions): Promise<number> {
  if (o.scenario !== 'all') throw new UserError('give either --target or --scenario, not both');
  if (o.mode !== 'process') throw new UserError('--target runs real processes only: drop --mode sim');
  if (o.mutant) throw new UserError('--mutant applies to the built-in engine, not to --target (plant the bug in the job itself, like examples/spark/wordcount-foreachbatch-bug.json)');
  for (const [flag, v, dflt] of [['--store', o.store, undefined], ['--source', o.source, 'log'], ['--sink', o.sink, 'files'], ['--max-size', o.maxSize, undefined]] as const) {
    if (v !== undefined && v !== dflt) throw new UserError(`${flag} does not apply to --target: the target spec says where input, output and checkpoint go`);
  }
  const runs = o.runs !== undefined ? parsePositiveInt(o.runs, '--runs') : o.budget === undefined ? 3 : undefined;
  const budgetMs = o.budget !== undefined ? parseDuration(o.budget, '--budget') : undefined;
  const seed = parseSeed(o.seed);
  if (o.path !== undefined && (!/^\d+(:\d+)*$/.test(o.path) || o.seed === undefined)) {
    throw new UserError('--path needs the seed it was printed with (--seed N) and looks like 0:3:1, as printed after a failure');
  }
  const { resolveTarget, runTargetChaos } = await import('../targets/run-target.js');
  const target = resolveTarget(o.target!, { ...(o.master ? { master: o.master } : {}), prestart: o.prestart !== false });
  (await import('../process/registry.js')).cleanUpOnUncaughtError();
  const { Progress } = await import('../progress.js');
  const { writeRunReport } = await import('../../reports/run-report.js');
  const progress = new Progress(`chaos run --target ${target.spec.name} (seed ${seed})`);
  process.stderr.write(
    `chaos run: target ${target.spec.name} (${target.spec.file}), ${target.spark ? `spark ${target.spark.version} on Java ${target.spark.java}, ` : ''}master ${target.master}, seed ${seed}, ${runs !== undefined ? `${runs} trials` : `budget ${o.budget}`}${target.prestart && target.spec.prestart ? ', pre-started drivers' : ''}\n` +
      '  (the failure-free reference runs first; it is cached under out/.cache/references)\n',
  );
  let summary;
  try {
    summary = await runTargetChaos(target, {
      ...(runs !== undefined ? { runs } : {}),
      ...(budgetMs !== undefined ? { budgetMs } : {}),
      seed,
      outDir: o.out,
      ...(o.path ? { path: o.path } : {}),
      onTrial: (h, info) => progress.trial(h, info),
      onFailure: (f) => progress.failure(f),
    });
  } finally {
    progress.done();
  }
  const written = await writeRunReport(o.out, summary);
  if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
  const perKind = summary.faultKinds.filter((k) => k.trials > 0).map((k) => `${k.kind} ${k.trials}/${k.hits}`).join(', ');
  const perPoint = (summary.failpoints ?? []).map((f) => `${f.name} ${f.armed}/${f.hits}`).join(', ');
  process.stderr.write(
    `chaos run: ${summary.ok ? 'all properties held' : `${summary.failures.length} FAILED`} — ${summary.trials} trials, ${summary.kills} kills in ${(summary.elapsedMs / 1000).toFixed(1)}s (${summary.engine ?? target.spec.engine})\n` +
      `  fault kinds (trials armed/hits): ${perKind || '-'}\n` +
      (perPoint ? `  failpoints (trials armed/hits): ${perPoint}\n` : '') +
      `  report: ${written.join(', ')}\n`,
  );
  return summary.ok ? 0 : 1;
}
