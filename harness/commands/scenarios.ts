import type { Command } from 'commander';
import { UserError } from '../../engine/errors.js';

// Placeholder until this command is built.
export function registerScenarios(program: Command): void {
  program
    .command('scenarios')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError('chaos scenarios is not built yet');
    });
}
