/**
 * `npm run bench`: runs every bench/<name>.bench.ts module (compiled to dist/bench) and prints its
 * figures, then writes them all to out/bench.json as { "figures": { "<name>": number } }.
 * A module exports `async function figures(log: (line: string) => void): Promise<Record<string, number>>`.
 * Figures are ratios measured within one run, so they compare across machines. Every figure with
 * a goal (bench/goals.ts) is marked met or missed, and out/bench.json lists `goals` and `missed`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { GOALS, judge, type Verdict } from './goals.js';

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
  const goals: Record<string, { op: string; value: number; verdict: Verdict }> = {};
  for (const file of modules) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as FigureModule;
    process.stderr.write(`bench: ${file.replace(/\.bench\.js$/, '')}\n`);
    const got = await mod.figures((line) => process.stderr.write(`  ${line}\n`));
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
