/**
 * `npm run bench`: runs every bench/<name>.bench.ts module (compiled to dist/bench) and prints its
 * figures, then writes them all to out/bench.json as { "figures": { "<name>": number } }.
 * A module exports `async function figures(log: (line: string) => void): Promise<Record<string, number>>`.
 * Figures are ratios measured within one run, so they compare across machines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type FigureModule = { figures(log: (line: string) => void): Promise<Record<string, number>> };

async function main(): Promise<void> {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const only = process.argv[2];
  const modules = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => !only || f.startsWith(only))
    .sort();
  const figures: Record<string, number> = {};
  for (const file of modules) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as FigureModule;
    process.stderr.write(`bench: ${file.replace(/\.bench\.js$/, '')}\n`);
    const got = await mod.figures((line) => process.stderr.write(`  ${line}\n`));
    for (const [name, value] of Object.entries(got)) {
      figures[name] = value;
      process.stdout.write(`${name.padEnd(44)} ${Number.isInteger(value) ? value : value.toFixed(3)}\n`);
    }
  }
  const outDir = path.resolve('out');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'bench.json'), JSON.stringify({ figures }, null, 2) + '\n');
  process.stdout.write(`wrote ${path.join('out', 'bench.json')}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
