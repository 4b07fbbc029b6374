#!/usr/bin/env node
/**
 * Slim engine process entry: `node dist/engine/main.js [engine] run --scenario ... `. The same
 * flags as `chaos engine run`, parsed with node:util (no commander, no harness) so a restart
 * costs ~50 ms. Exit 0 done; 2 bad flags/config/corrupt checkpoint (message on stderr);
 * 1 an injected `throw` failpoint; a crash failpoint ends the process with SIGKILL.
 */
import { parseArgs } from 'node:util';
import { ENGINE_RUN_FLAGS, engineRun, reportEngineError } from './run-command.js';
import { UserError } from './errors.js';
import { dieWithParent } from './parent-watch.js';

const USAGE =
  'usage: engine run --scenario NAME --seed N --size N --checkpoint DIR --output DIR [options]\n' +
  Object.entries(ENGINE_RUN_FLAGS)
    .map(([name, spec]) => `  --${name}${spec.type === 'string' ? ' VALUE' : ''}  ${spec.help}`)
    .join('\n') +
  '\n';

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  if (args[0] === 'engine') args.shift();
  if (args[0] === '--help' || args[0] === '-h' || args.length === 0) {
    process.stdout.write(USAGE);
    return args.length === 0 ? 2 : 0;
  }
  if (args[0] !== 'run') throw new UserError(`unknown command "${args[0]}"; expected \`run\`\n${USAGE}`);
  const options = Object.fromEntries(Object.entries(ENGINE_RUN_FLAGS).map(([name, spec]) => [name, { type: spec.type }])) as Record<string, { type: 'string' | 'boolean' }>;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: args.slice(1), options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n${USAGE}`);
  }
  return engineRun(values);
}

// A warm engine (harness/process/engine-process.ts pool) gets its arguments through stdin.
dieWithParent().then((message) => main(message?.argv ?? process.argv.slice(2))).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.exitCode = reportEngineError(err);
  },
);
