import type { Command } from 'commander';
import { UserError } from '../../engine/errors.js';

// Placeholder until this command is built.
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError('chaos run is not built yet');
    });
}
