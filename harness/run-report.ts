/**
 * Write a run's summary under --out: the report builders from reports/run-report.ts when they
 * exist (report.json, .md, .html, JUnit XML), otherwise report.json alone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunSummary } from './history.js';

type ReportModule = { writeRunReport?: (outDir: string, summary: RunSummary) => Promise<string[] | void> | string[] | void };

export async function writeRunOutputs(outDir: string, summary: RunSummary): Promise<string[]> {
  fs.mkdirSync(outDir, { recursive: true });
  let mod: ReportModule | undefined;
  try {
    mod = (await import(new URL('../reports/run-report.js', import.meta.url).href)) as ReportModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
  }
  if (mod?.writeRunReport) {
    const files = await mod.writeRunReport(outDir, summary);
    return Array.isArray(files) && files.length > 0 ? files : [path.join(outDir, 'report.json')];
  }
  const file = path.join(outDir, 'report.json');
  fs.writeFileSync(file, JSON.stringify(summary, null, 2) + '\n');
  return [file];
}
