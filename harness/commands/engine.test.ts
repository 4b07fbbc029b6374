/** `chaos engine run` parses with commander: every field of a drawn EngineRun reaches the engine unchanged, as through the slim entry. */
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { Command } from 'commander';
import { toArgv, type EngineRun } from '../../runtime/engine-run.js';
import { engineRunArb } from '../../runtime/test-support/engine-run-arb.js';
import { registerEngine } from './engine.js';

/** What `chaos engine run` (commander) hands the engine for these arguments. */
async function viaCommander(argv: string[]): Promise<EngineRun> {
  let got: EngineRun | undefined;
  const program = new Command('chaos').exitOverride();
  registerEngine(program, async (r) => {
    got = r;
    return 0;
  });
  await program.parseAsync(['engine', ...argv], { from: 'user' });
  return got!;
}

describe('chaos engine run', () => {
  test.prop([engineRunArb], { numRuns: 80 })('toArgv -> commander -> fromFlags gives back every field', async (run) => {
    expect(await viaCommander(toArgv(run))).toEqual(run);
  });
});
