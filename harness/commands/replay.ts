import type { Command } from 'commander';
import { UserError } from '../../engine/errors.js';

// Placeholder until this command is built.
export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError('chaos replay is not built yet');
    });
}
