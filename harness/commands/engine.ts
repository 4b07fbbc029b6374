/** `chaos engine run ...`: the engine process entry under the chaos CLI (same flags, codec and code as runtime/main.ts). */
import { Command, Option } from 'commander';
import { ENGINE_RUN_FLAGS, fromFlags, type EngineRun, type EngineRunFlagValues } from '../../runtime/engine-run.js';
import { engineRun, reportEngineError } from '../../runtime/run-command.js';
import { UserError } from '../../engine/index.js';

/** `run` is what executes the parsed run (the engine; tests pass a recorder to see what commander parsed). */
export function registerEngine(program: Command, run: (r: EngineRun) => Promise<number> = engineRun): void {
  const engine = program.command('engine').description('run the engine under test (what the harness starts and kills)');
  const command = engine
    .command('run')
    .description('run a job (--scenario NAME or --job PATH) to the end of its bounded input; resumes from --checkpoint when it holds a checkpoint')
    .allowExcessArguments(false);
  for (const [name, spec] of Object.entries(ENGINE_RUN_FLAGS)) {
    // Required flags are checked (with the same messages) by the codec, so both entries agree.
    command.addOption(new Option(spec.type === 'string' ? `--${name} <value>` : `--${name}`, spec.help));
  }
  command.action(async (opts: Record<string, string | boolean | undefined>) => {
    const values: EngineRunFlagValues = {};
    for (const name of Object.keys(ENGINE_RUN_FLAGS)) {
      const camel = name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
      if (opts[camel] !== undefined) values[name] = opts[camel];
    }
    let code: number;
    try {
      code = await run(fromFlags(values));
    } catch (err) {
      // Usage errors go to the CLI's own one-line handler; everything else is judged like the slim
      // entry does (a service outage is exit 1, "the attempt failed"), never a bare stack trace.
      if (err instanceof UserError) throw err;
      code = reportEngineError(err, 'chaos');
    }
    if (code !== 0) process.exitCode = code;
  });
}
