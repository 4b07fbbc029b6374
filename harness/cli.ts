#!/usr/bin/env node
/**
 * `chaos` — the command line. Each subcommand lives in harness/commands/<name>.ts and registers
 * itself here. Exit codes: 0 all held; 1 a property failed (a real finding); 2 bad usage or
 * configuration (a clear message on stderr, never a stack trace).
 */
import { Command, CommanderError } from 'commander';
import { UserError } from '../engine/index.js';
import { registerEngine } from './commands/engine.js';
import { registerScenarios } from './commands/scenarios.js';
import { registerRun } from './commands/run.js';
import { registerReplay } from './commands/replay.js';
import { registerCheck } from './commands/check.js';
import { registerMutants } from './commands/mutants.js';
import { registerTune } from './commands/tune.js';

export function buildProgram(): Command {
  const program = new Command('chaos')
    .description('Kill checkpointing pipelines at random and exact points; prove recovery equals a failure-free run.')
    // One line per usage error, like every other exit 2 (set before the subcommands: they inherit it).
    .configureOutput({ outputError: (str, write) => write(`chaos: ${str.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')} (run with --help for usage)\n`) })
    .exitOverride();
  registerEngine(program);
  registerScenarios(program);
  registerRun(program);
  registerReplay(program);
  registerCheck(program);
  registerMutants(program);
  registerTune(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" with exit code 0 in commander's exitOverride mode
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UserError) {
      process.stderr.write(`chaos: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`chaos: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return 3;
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
