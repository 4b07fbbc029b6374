import type { Command } from 'commander';
import { UserError } from '../../engine/errors.js';

// Placeholder until this command is built.
export function registerMutants(program: Command): void {
  program
    .command('mutants')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError('chaos mutants is not built yet');
    });
}
