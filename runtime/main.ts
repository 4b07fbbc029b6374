#!/usr/bin/env node
/**
 * Slim engine process entry: `node dist/runtime/main.js [engine] run --scenario NAME|--job PATH ...`.
 * The same flags as `chaos engine run`, parsed by the one codec (engine-run.ts; no commander, no
 * harness) so a restart costs ~50 ms. Exit 0 done; 2 bad flags/config/job/corrupt checkpoint
 * (message on stderr); 1 an injected `throw` failpoint; a crash failpoint ends the process with SIGKILL.
 */
import { ENGINE_RUN_FLAGS, fromFlags, parseEngineArgv } from './engine-run.js';
import { engineRun, reportEngineError } from './run-command.js';
import { UserError } from '../engine/errors.js';
import { dieWithParent } from './parent-watch.js';

const USAGE =
  'usage: engine run (--scenario NAME | --job PATH) --seed N --size N --checkpoint DIR --output DIR [options]\n' +
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
  let values;
  try {
    values = parseEngineArgv(args.slice(1));
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n${USAGE}`);
  }
  return engineRun(fromFlags(values));
}

// A warm engine (harness/process/engine-process.ts pool) gets its arguments (built by the codec's toArgv) through stdin.
dieWithParent().then((message) => main(message?.argv ?? process.argv.slice(2))).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.exitCode = reportEngineError(err);
  },
);
