/**
 * `npm run bench`: runs every bench/<name>.bench.ts module (compiled to dist/bench) and prints its
 * figures, then writes them all to out/bench.json as { "figures": { "<name>": number } }.
 * A module exports `async function figures(log: (line: string) => void): Promise<Record<string, number>>`.
 * Figures are ratios measured within one run, so they compare across machines.
 *
 * Each module runs in its own child process (`node run.js --module <file>`), so one module's heap
 * (inputs, caches, garbage the collector has not returned) never adds to the next one's and the
 * bench's own peak memory is the largest module's, not the sum.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';

type FigureModule = { figures(log: (line: string) => void): Promise<Record<string, number>> };

async function runModule(file: string): Promise<Record<string, number>> {
  const mod = (await import(pathToFileURL(file).href)) as FigureModule;
  return mod.figures((line) => process.stderr.write(`  ${line}\n`));
}

async function main(): Promise<void> {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  if (process.argv[2] === '--module') {
    // child: one module; figures as one JSON line on stdout
    process.stdout.write(JSON.stringify(await runModule(process.argv[3]!)) + '\n');
    return;
  }
  const only = process.argv[2];
  const modules = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => !only || f.startsWith(only))
    .sort();
  const figures: Record<string, number> = {};
  for (const file of modules) {
    process.stderr.write(`bench: ${file.replace(/\.bench\.js$/, '')}\n`);
    const child = await execa(process.execPath, [fileURLToPath(import.meta.url), '--module', path.join(dir, file)], { stderr: 'inherit', reject: false });
    if (child.exitCode !== 0) throw new Error(`bench module ${file} failed (exit ${child.exitCode})`);
    const got = JSON.parse(String(child.stdout).trim().split('\n').pop()!) as Record<string, number>;
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
