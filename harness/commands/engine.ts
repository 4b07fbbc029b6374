/** `chaos engine run ...`: the engine process entry under the chaos CLI (same flags and code as engine/main.ts). */
import { Command, Option } from 'commander';
import { ENGINE_RUN_FLAGS, engineRun, reportEngineError, type EngineRunFlagValues } from '../../engine/run-command.js';
import { UserError } from '../../engine/errors.js';

export function registerEngine(program: Command): void {
  const engine = program.command('engine').description('run the engine under test (what the harness starts and kills)');
  const run = engine
    .command('run')
    .description('run a scenario to the end of its bounded input; resumes from --checkpoint when it holds a checkpoint')
    .allowExcessArguments(false);
  for (const [name, spec] of Object.entries(ENGINE_RUN_FLAGS)) {
    // Required flags are checked (with the same messages) by engineRun, so both entries agree.
    run.addOption(new Option(spec.type === 'string' ? `--${name} <value>` : `--${name}`, spec.help));
  }
  run.action(async (opts: Record<string, string | boolean | undefined>) => {
    const values: EngineRunFlagValues = {};
    for (const name of Object.keys(ENGINE_RUN_FLAGS) as Array<keyof typeof ENGINE_RUN_FLAGS>) {
      const camel = name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
      if (opts[camel] !== undefined) values[name] = opts[camel];
    }
    let code: number;
    try {
      code = await engineRun(values);
    } catch (err) {
      // Usage errors go to the CLI's own one-line handler; everything else is judged like the slim
      // entry does (a service outage is exit 1, "the attempt failed"), never a bare stack trace.
      if (err instanceof UserError) throw err;
      code = reportEngineError(err, 'chaos');
    }
    if (code !== 0) process.exitCode = code;
  });
}
