/**
 * `npm run bench`: runs every bench/<name>.bench.ts module (compiled to dist/bench) and prints its
 * figures, then writes them all to out/bench.json as { "figures": { "<name>": number } }.
 * A module exports `async function figures(log: (line: string) => void): Promise<Record<string, number>>`.
 * Figures are ratios measured within one run, so they compare across machines. Every figure with
 * a goal (bench/goals.ts) is marked met or missed, and out/bench.json lists `goals` and `missed`.
 *
 * Each module runs in its own child process (`node run.js --module <file>`), so one module's heap
 * (inputs, caches, garbage the collector has not returned) never adds to the next one's and the
 * bench's own peak memory is the largest module's, not the sum.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';

import { GOALS, judge, type Verdict } from './goals.js';

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
  const goals: Record<string, { op: string; value: number; verdict: Verdict }> = {};
  for (const file of modules) {
    process.stderr.write(`bench: ${file.replace(/\.bench\.js$/, '')}\n`);
    const child = await execa(process.execPath, [fileURLToPath(import.meta.url), '--module', path.join(dir, file)], { stderr: 'inherit', reject: false });
    if (child.exitCode !== 0) throw new Error(`bench module ${file} failed (exit ${child.exitCode})`);
    const got = JSON.parse(String(child.stdout).trim().split('\n').pop()!) as Record<string, number>;
    for (const [name, value] of Object.entries(got)) {
      figures[name] = value;
      const verdict = judge(name, value);
      const goal = GOALS[name];
      if (goal) goals[name] = { op: goal.op, value: goal.value, verdict };
      const shown = Number.isInteger(value) ? String(value) : value.toFixed(3);
      process.stdout.write(`${name.padEnd(44)} ${shown.padStart(12)}${goal ? `   goal ${goal.op} ${goal.value}: ${verdict.toUpperCase()}` : ''}\n`);
    }
  }
  const outDir = path.resolve('out');
  fs.mkdirSync(outDir, { recursive: true });
  const missed = Object.entries(goals).filter(([, g]) => g.verdict === 'missed').map(([name]) => name);
  fs.writeFileSync(path.join(outDir, 'bench.json'), JSON.stringify({ figures, goals, missed }, null, 2) + '\n');
  const judged = Object.keys(goals).length;
  process.stdout.write(`goals: ${judged - missed.length} of ${judged} met${missed.length ? `; MISSED: ${missed.join(', ')}` : ''}\n`);
  process.stdout.write(`wrote ${path.join('out', 'bench.json')}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
