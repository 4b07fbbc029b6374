/**
 * `chaos mutants`: prove the harness catches known-bad engines. Each mutant (engine/mutants) is
 * attacked until the first failing trial, which fast-check then shrinks to a minimal trial.
 */
import type { Command } from 'commander';
import { checkOutputDir } from '../../engine/io/output-path.js';
import { UserError } from '../../engine/errors.js';
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
    .option('--list', 'list the mutants and the real bug class each reproduces')
    .action(async (o: MutantsOptions) => {
      process.exitCode = await mutantsCommand(o);
    });
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
  if (names.length === 0) throw new UserError('this build has no mutants (engine/mutants/index.ts is empty)');
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
  process.stderr.write(`chaos mutants: ${names.length} mutants, budget ${o.budget} (${Math.round(budgetMs / names.length / 1000)}s each, plus what earlier ones leave over), seed ${seed}\n`);
  const results = await huntMutants({
    mutants: names.map((name) => ({ name, ...registry[name]! })),
    // Each mutant is hunted on the scenarios of the engine it breaks (streaming or batch).
    scenarios: chaosScenarios('all'),
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
