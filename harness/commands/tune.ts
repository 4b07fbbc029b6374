import type { Command } from 'commander';
import { UserError } from '../../engine/errors.js';

// Placeholder until this command is built.
export function registerTune(program: Command): void {
  program
    .command('tune')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError('chaos tune is not built yet');
    });
}
