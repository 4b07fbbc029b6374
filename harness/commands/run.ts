/**
 * `chaos run`: the chaos property over scenarios, in process or simulation mode, for a number of
 * trials or a time budget. Heavy modules are imported inside the action so `chaos engine run`
 * (the process every trial starts) does not pay for them.
 */
import type { Command } from 'commander';
import { UserError, checkOutputDir } from '../../engine/index.js';
import { parseChoice, parseDuration, parsePositiveInt, parseSeed } from './options.js';
import type { FaultKind, RunSummary } from '../history.js';

export interface RunCommandOptions {
  scenario?: string;
  job?: string;
  input?: string;
  runs?: string;
  budget?: string;
  seed?: string;
  mode: string;
  out: string;
  json?: boolean;
  services: string;
  store?: string;
  source: string;
  sink: string;
  kafkaDelivery?: string;
  maxSize?: string;
  mutant?: string;
  trialTimeout?: string;
  path?: string;
  requireFaults?: boolean;
  target?: string;
  master?: string;
  prestart?: boolean;
  untilCovered?: string | boolean;
  keepHistories?: boolean;
  /** Library callers (checkRecovery): only these fault kinds. */
  faultKinds?: FaultKind[];
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run chaos trials: kill the engine at random and exact points, restart it, check the output equals a failure-free run')
    .option('--scenario <name|all>', 'bundled job(s) to attack, comma separated, or all (default all)')
    .option('--job <path|name>', 'a job module of your own (compiled .js/.mjs, or .ts with tsx installed), instead of --scenario')
    .option('--input <file|dir>', "recorded input records (JSON lines: key, value, eventTimeMs, optional partition and arrivalBatch) instead of the job's generator")
    .option('--runs <n>', 'number of trials (split over the scenarios)')
    .option('--budget <duration>', 'time budget instead of --runs, e.g. 30s, 5m')
    .option('--seed <n>', 'fast-check seed (random when absent; printed)')
    .option('--mode <mode>', 'process (real processes, real SIGKILL) or sim (in-process simulation)', 'process')
    .option('--out <dir>', 'where report and replay files go', 'out/chaos')
    .option('--json', 'print one JSON summary on stdout')
    .option('--services <where>', 'auto | local | containers | external', 'auto')
    .option('--store <kind>', 'checkpoint store: fs | s3 | memory (default fs; memory in sim mode)')
    .option('--source <kind>', 'log | kafka', 'log')
    .option('--sink <kind>', 'files | s3 | kafka | append', 'files')
    .option('--kafka-delivery <guarantee>', 'with --sink kafka: exactly-once (transactional, default) | at-least-once (judged by the at-least-once checker)')
    .option('--max-size <n>', 'largest generated input (records)')
    .option('--mutant <name>', 'attack a known-bad engine variant instead of the correct engine')
    .option('--trial-timeout <duration>', 'a trial that has not finished by then is a liveness failure')
    .option('--until-covered [n]', 'keep running (within --budget / --runs, default budget 5m) until every coverage point was reached at least N times (default 1)')
    .option('--keep-histories', "write every trial's History to <out>/histories/ (failing trials' are always written; `chaos check FILE` re-judges one)")
    .option('--path <path>', "fast-check path of a reported failure (with its --seed and one --scenario): re-run that trial first")
    .option('--require-faults', 'fail the run (exit 1) when a fault kind it armed never struck in any trial')
    .option('--target <spec.json>', 'attack an external target (e.g. a Spark job) described by a target spec instead of a scenario')
    .option('--master <url>', 'Spark master for --target (default: the spec\'s, local[2])')
    .option('--no-prestart', 'with --target: start every incarnation cold (no pre-started driver waiting for go)')
    .action(async (o: RunCommandOptions) => {
      const code = await runCommand(o);
      process.exitCode = code;
    });
}

export async function runCommand(o: RunCommandOptions): Promise<number> {
  if (o.runs !== undefined && o.budget !== undefined) throw new UserError('give either --runs or --budget, not both');
  if (o.target !== undefined) return (await import('./run-target.js')).runTargetCommand(o);
  return (await runAndReport(o)).code;
}

/**
 * `chaos run` as a function: runs the trials, writes the reports, prints the summary lines, and
 * returns the exit code with the run summary `--json` prints (what checkRecovery returns).
 */
export async function runAndReport(o: RunCommandOptions): Promise<{ code: number; summary: RunSummary }> {
  if (o.runs !== undefined && o.budget !== undefined) throw new UserError('give either --runs or --budget, not both');
  if (o.target !== undefined) throw new UserError('--target runs through `chaos run --target SPEC`; checkRecovery takes a job');
  if (o.master !== undefined) throw new UserError('--master needs --target SPEC (the built-in engine has no Spark master)');
  const mode = parseChoice(o.mode, '--mode', ['process', 'sim'] as const);
  const untilCovered = o.untilCovered === undefined || o.untilCovered === false ? undefined : o.untilCovered === true ? 1 : parsePositiveInt(o.untilCovered, '--until-covered');
  if (untilCovered !== undefined && o.path !== undefined) throw new UserError('--path re-runs one reported trial; drop --until-covered');
  const runs = o.runs !== undefined ? parsePositiveInt(o.runs, '--runs') : o.budget === undefined && untilCovered === undefined ? 100 : undefined;
  // --until-covered without a limit: 5 minutes, so a point no trial can reach never runs forever.
  const budgetMs = o.budget !== undefined ? parseDuration(o.budget, '--budget') : untilCovered !== undefined && runs === undefined ? 5 * 60_000 : undefined;
  const seed = parseSeed(o.seed);
  const services = parseChoice(o.services, '--services', ['auto', 'local', 'containers', 'external'] as const);
  const store = parseChoice(o.store ?? (mode === 'sim' ? 'memory' : 'fs'), '--store', ['fs', 's3', 'memory'] as const);
  const source = parseChoice(o.source, '--source', ['log', 'kafka'] as const);
  const sink = parseChoice(o.sink, '--sink', ['files', 's3', 'kafka', 'append'] as const);
  const kafkaDelivery = o.kafkaDelivery === undefined ? undefined : parseChoice(o.kafkaDelivery, '--kafka-delivery', ['exactly-once', 'at-least-once'] as const);
  if (kafkaDelivery && sink !== 'kafka') throw new UserError(`--kafka-delivery applies to --sink kafka; this run writes to --sink ${sink}`);
  if (mode === 'sim' && store !== 'memory') throw new UserError(`--mode sim runs over the in-memory store; drop --store ${store} or use --mode process`);
  if (mode === 'process' && store === 'memory') throw new UserError('--store memory needs --mode sim (a memory store does not survive a real process kill)');
  const maxSize = o.maxSize !== undefined ? parsePositiveInt(o.maxSize, '--max-size', 10) : undefined;
  const trialTimeoutMs = o.trialTimeout !== undefined ? parseDuration(o.trialTimeout, '--trial-timeout') : undefined;
  checkOutputDir(o.out, '--out');

  if (o.job !== undefined && o.scenario !== undefined) throw new UserError('give either --scenario NAME or --job PATH, not both');
  const registry = await import('../process/registry.js');
  registry.cleanUpOnUncaughtError();
  registry.sweepAndReport('chaos run');
  const { chaosScenarios } = await import('../chaos-scenarios.js');
  const scenarios = await chaosScenarios(o.scenario ?? 'all', mode, o.job);
  let records: { path: string; count: number; minPartitions: number } | undefined;
  if (o.input !== undefined) {
    if (scenarios.length !== 1 || scenarios[0]!.kind !== 'streaming') throw new UserError('--input feeds recorded records to one streaming job: give --job PATH or --scenario NAME with it');
    const { readRecords } = await import('../../runtime/records.js');
    const { default: nodePath } = await import('node:path');
    const p = nodePath.resolve(o.input);
    const events = readRecords(p).events;
    records = { path: p, count: events.length, minPartitions: 1 + Math.max(0, ...events.map((e) => e.partition ?? 0)) };
  }
  if (o.path !== undefined && (!/^\d+(:\d+)*$/.test(o.path) || o.seed === undefined)) {
    throw new UserError('--path needs the seed it was printed with (--seed N) and looks like 0:3:1, as printed after a failure');
  }
  if (o.mutant) {
    const { mutants } = await import('../mutants-registry.js');
    if (!(o.mutant in (await mutants()))) throw new UserError(`unknown mutant "${o.mutant}"; run \`chaos mutants --list\` to see them`);
  }
  const { resolveTrialServices, trialServiceOptions } = await import('../trial/trial-services.js');
  // In process mode the nemesis may cut S3 off mid-run: put the fault proxy in front of it.
  const resolved = await resolveTrialServices({ services, store, source, sink, ...(mode === 'process' && store === 's3' ? { proxy: true } : {}) });
  const { runChaos } = await import('../properties/run-chaos.js');
  const { Progress } = await import('../progress.js');
  const { writeRunReport } = await import('../../reports/run-report.js');
  const { explorationLines } = await import('../../reports/exploration-text.js');
  const progress = new Progress(`chaos run (${mode}, seed ${seed})`);
  if (!o.json || process.stderr.isTTY) {
    process.stderr.write(`chaos run: mode ${mode}, seed ${seed}, scenarios ${scenarios.map((s) => s.name).join(', ')}, ${runs !== undefined ? `${runs} trials` : `budget ${o.budget ?? '5m'}`}${untilCovered !== undefined ? `, until every coverage point is hit ${untilCovered}x` : ''}${resolved.description ? `, services: ${resolved.description}` : ''}\n`);
  }
  let summary;
  let live: RunSummary | undefined;
  // Ctrl-C / SIGTERM: the engines are killed first (registry), then this writes what ran so far.
  const writePartial = registry.onShutdown(async () => {
    if (!live) return;
    live.interrupted = { signal: registry.interruptSignal() ?? 'unknown' };
    live.ok = false;
    live.elapsedMs = Date.now() - Date.parse(live.startedAt);
    const files = await writeRunReport(o.out, live);
    process.stderr.write(`chaos run: interrupted after ${live.trials} trials; partial report: ${files.join(', ')}\n`);
  });
  try {
    summary = await runChaos({
      mode,
      scenarios,
      ...(runs !== undefined ? { runs } : {}),
      ...(budgetMs !== undefined ? { budgetMs } : {}),
      seed,
      outDir: o.out,
      ...(o.mutant ? { mutant: o.mutant } : {}),
      ...(maxSize ? { maxSize } : {}),
      ...(records ? { records } : {}),
      ...(o.keepHistories ? { keepHistories: true } : {}),
      ...(o.faultKinds ? { faultKinds: o.faultKinds } : {}),
      ...(trialTimeoutMs ? { trialTimeoutMs } : {}),
      ...(o.path ? { path: o.path, interleave: scenarios.length > 1 } : {}),
      ...(untilCovered !== undefined ? { untilCovered } : {}),
      store: resolved.store,
      source: resolved.source,
      sink: resolved.sink,
      ...(kafkaDelivery ? { kafkaDelivery } : {}),
      // What auto picked, so a replay file resolves the same kind of services again.
      services: (resolved.summary?.picked as typeof services | undefined) ?? services,
      ...trialServiceOptions(resolved),
      ...(o.requireFaults ? { requireFaults: true } : {}),
      onStart: (s) => {
        live = s;
      },
      ...(resolved.summary?.s3 ? { s3ConditionalWrites: resolved.summary.s3.conditionalWrites } : {}),
      onTrial: (h, info) => progress.trial(h, info),
      onFailure: (f) => progress.failure(f),
    });
  } finally {
    progress.done();
    live = undefined;
    registry.dropShutdown(writePartial);
    await resolved.close();
  }
  if (resolved.summary !== undefined) summary.services = resolved.summary;
  const { zombieFencingNote } = await import('../properties/run-chaos.js');
  const zombieNote = zombieFencingNote({ mode, store: resolved.store, sink: resolved.sink, ...(resolved.summary?.s3 ? { s3ConditionalWrites: resolved.summary.s3.conditionalWrites } : {}) });
  if (zombieNote && summary.services) summary.services.notes.push(zombieNote);
  // What the engines opened must be what was asked: a run that tested something else is not a pass.
  const notAsked = (summary.servicesOpened ?? []).filter((t) => t.mismatches.length > 0);
  if (notAsked.length > 0) {
    summary.ok = false;
    if (summary.services) summary.services.notes.push(`${notAsked.length} trial(s) did not run against the asked services: ${notAsked[0]!.mismatches[0]}`);
  }
  const written = await writeRunReport(o.out, summary);
  if (o.json) {
    process.stdout.write(JSON.stringify(summary) + '\n');
  }
  const perScenario = summary.scenarios.map((s) => `${s.name} ${s.trials}/${s.kills}${s.failures ? ` (${s.failures} failed)` : ''}`).join(', ');
  const perKind = summary.faultKinds.filter((k) => k.armed > 0).map((k) => `${k.kind} ${k.armed}/${k.struck}`).join(', ');
  const unstruck = summary.unstruck ?? [];
  const verdict =
    summary.trials === 0
      ? 'NO TRIAL RAN'
      : summary.failures.length
        ? `${summary.failures.length} FAILED`
        : summary.requireFaults && unstruck.length
          ? `FAILED --require-faults: armed but never struck: ${unstruck.join(', ')}`
          : 'all properties held';
  process.stderr.write(
    `chaos run: ${verdict} — ${summary.trials} trials, ${summary.kills} kills in ${(summary.elapsedMs / 1000).toFixed(1)}s (seed ${seed})\n` +
      `  scenarios (trials/kills): ${perScenario || '-'}\n  fault kinds (trials armed/struck): ${perKind || '-'}\n` +
      (unstruck.length && !summary.requireFaults ? `  armed but never struck: ${unstruck.join(', ')} (--require-faults makes this fail the run)\n` : '') +
      (summary.exploration ? explorationLines(summary.exploration).map((l) => `  ${l}\n`).join('') : '') +
      `  report: ${written.join(', ')}\n`,
  );
  if (summary.trials === 0) {
    throw new UserError(`no trial ran (budget ${o.budget ?? '-'}): a run that executed nothing proves nothing; give a longer --budget or --runs N`);
  }
  if (notAsked.length > 0) {
    process.stderr.write(
      `chaos run: the engines did not run against the asked services (store ${store}, source ${source}, sink ${sink}) in ${notAsked.length} of ${summary.servicesOpened!.length} trials — ` +
        `${notAsked[0]!.trialId}: ${notAsked[0]!.mismatches[0]}. Nothing was tested as asked (exit 2); see servicesOpened in the report\n`,
    );
    return { code: 2, summary };
  }
  return { code: summary.ok ? 0 : 1, summary };
}
