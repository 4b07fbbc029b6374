/** `chaos scenarios [--json]`: every scenario (batch and streaming) with its kind and one-line description. */
import type { Command } from 'commander';
import { bundledJobs } from '../../runtime/jobs.js';

export function registerScenarios(program: Command): void {
  program
    .command('scenarios')
    .description('list scenarios with a one-line description')
    .option('--json', 'one JSON document on stdout: [{ "name", "kind", "description" }]')
    .action((opts: { json?: boolean }) => {
      const list = bundledJobs.map((s) => ({ name: s.name, kind: s.kind, description: s.description }));
      if (opts.json) {
        process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        return;
      }
      const width = Math.max(4, ...list.map((s) => s.name.length));
      for (const s of list) process.stdout.write(`${s.name.padEnd(width)}  ${s.kind.padEnd(9)}  ${s.description}\n`);
    });
}
