/**
 * `chaos mutants`: prove the harness catches known-bad engines. Each mutant (mutants/) is
 * attacked until the first failing trial, which fast-check then shrinks to a minimal trial.
 */
import type { Command } from 'commander';
import { UserError, checkOutputDir } from '../../engine/index.js';
import { parseChoice, parseDuration, parsePositiveInt, parseSeed } from './options.js';

interface MutantsOptions {
  budget: string;
  json?: boolean;
  seed?: string;
  only?: string;
  mode?: string;
  out: string;
  list?: boolean;
  maxSize?: string;
  job?: string;
}

export function registerMutants(program: Command): void {
  program
    .command('mutants')
    .description('attack each known-bad engine variant; every one must be caught (exit 1 if one is not)')
    .option('--budget <duration>', 'total time budget, split over the mutants (each stops at its first catch)', '2m')
    .option('--json', 'print { mutants: [{ name, caught, trials, ms, ... }] } on stdout')
    .option('--seed <n>', 'fast-check seed (random when absent)')
    .option('--only <names>', 'comma-separated mutant names')
    .option('--mode <mode>', 'force process or sim for all (default: sim, process for mutants only real processes expose)')
    .option('--out <dir>', 'where replay files of the minimal failing trials go', 'out/mutants')
    .option('--max-size <n>', 'largest generated input (records)')
    .option('--job <path|name>', 'attack the mutants of this job\'s engine (streaming or batch) with this job (a module of your own) instead of every bundled scenario')
    .option('--list', 'list the mutants and the real bug class each reproduces')
    .action(async (o: MutantsOptions) => {
      process.exitCode = await mutantsCommand(o);
    });
}

type Kind = 'streaming' | 'batch';

/**
 * Every bundled job (each mutant is hunted on the jobs of the engine it breaks: streaming or batch),
 * or the one `--job` names; with --job, only the mutants of that job's engine can be attacked.
 */
async function mutantScenarios(chaosScenarios: (selector: string, mode?: 'sim' | 'process', job?: string) => Promise<{ name: string; kind: Kind }[]>, job: string | undefined) {
  return chaosScenarios('all', 'sim', job);
}

/** The mutants `names` that the scenarios can attack; with --job, a named mutant of the other engine is a UserError. */
function attackable(names: string[], registry: Record<string, { kind?: Kind }>, scenarios: { kind: Kind }[], job: string | undefined, only: boolean): string[] {
  const kinds = new Set(scenarios.map((s) => s.kind));
  const kindOf = (n: string): Kind => registry[n]!.kind ?? 'streaming';
  const out = names.filter((n) => kinds.has(kindOf(n)));
  if (job !== undefined) {
    const jobKind = [...kinds][0] ?? 'streaming';
    const other = names.filter((n) => !kinds.has(kindOf(n)));
    if (only && other.length) throw new UserError(`--job ${job} is a ${jobKind} job; mutant${other.length > 1 ? 's' : ''} ${other.join(', ')} break${other.length > 1 ? '' : 's'} the ${jobKind === 'batch' ? 'streaming' : 'batch'} engine and need${other.length > 1 ? '' : 's'} a ${jobKind === 'batch' ? 'streaming' : 'batch'} job`);
    if (out.length === 0) throw new UserError(`--job ${job} is a ${jobKind} job and no mutant breaks the ${jobKind} engine`);
  }
  return out;
}

async function mutantsCommand(o: MutantsOptions): Promise<number> {
  const { mutants } = await import('../mutants-registry.js');
  const registry = await mutants();
  let names = Object.keys(registry);
  if (o.list) {
    // One write: a reader that stops early (| head) then gets no partial stream to choke on.
    process.stdout.write(names.map((n) => `${n.padEnd(30)} ${registry[n]!.description}\n${' '.repeat(31)}real world: ${registry[n]!.realWorld ?? '-'}\n`).join(''));
    return 0;
  }
  if (names.length === 0) throw new UserError('this build has no mutants (mutants/index.ts is empty)');
  if (o.only) {
    const wanted = o.only.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = wanted.filter((w) => !(w in registry));
    if (unknown.length) throw new UserError(`unknown mutant ${unknown.join(', ')}; known: ${names.join(', ')}`);
    names = wanted;
  }
  const budgetMs = parseDuration(o.budget, '--budget');
  checkOutputDir(o.out, '--out');
  const seed = parseSeed(o.seed);
  const mode = o.mode ? parseChoice(o.mode, '--mode', ['process', 'sim'] as const) : undefined;
  const maxSize = o.maxSize ? parsePositiveInt(o.maxSize, '--max-size', 10) : undefined;
  (await import('../process/registry.js')).cleanUpOnUncaughtError();
  const { chaosScenarios } = await import('../chaos-scenarios.js');
  const { huntMutants } = await import('../mutants/hunt.js');
  const started = Date.now();
  // Each mutant is hunted on the scenarios of the engine it breaks (streaming or batch).
  const scenarios = await mutantScenarios(chaosScenarios, o.job);
  names = attackable(names, registry, scenarios, o.job, o.only !== undefined);
  process.stderr.write(`chaos mutants: ${names.length} mutants, budget ${o.budget} (${Math.round(budgetMs / names.length / 1000)}s each, plus what earlier ones leave over), seed ${seed}\n`);
  const results = await huntMutants({
    mutants: names.map((name) => ({ name, ...registry[name]! })),
    scenarios,
    budgetMs: Math.max(1000, Math.floor(budgetMs / names.length)),
    // Time a quickly caught mutant leaves over goes to the ones after it.
    totalBudgetMs: budgetMs,
    seed,
    outDir: o.out,
    ...(mode ? { mode } : {}),
    ...(maxSize ? { maxSize } : {}),
    onResult: (r) =>
      process.stderr.write(
        `${r.caught ? 'caught    ' : 'NOT CAUGHT'} ${r.name.padEnd(30)} ${r.mode.padEnd(7)} ${String(r.trials).padStart(5)} trials ${(r.ms / 1000).toFixed(1).padStart(6)}s` +
          (r.minimal ? `\n           minimal: ${r.minimal.trial.scenario} size ${r.minimal.trial.input.size}, faults ${JSON.stringify(r.minimal.trial.schedule.faults)}\n           ${r.minimal.message.slice(0, 240)}` : '') +
          '\n',
      ),
  });
  const caught = results.filter((r) => r.caught).length;
  if (o.json) process.stdout.write(JSON.stringify({ ok: caught === results.length, seed, mutants: results, elapsedMs: Date.now() - started }) + '\n');
  process.stderr.write(`chaos mutants: ${caught}/${results.length} caught in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  return caught === results.length ? 0 : 1;
}
