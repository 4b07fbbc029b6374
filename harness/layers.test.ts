/**
 * The walls between the layers (DESIGN.md "Layers"), checked on every .ts file's imports — static,
 * `export ... from`, dynamic `import()` and `new URL('...', import.meta.url)` module paths:
 *
 *   reports/ -> harness/ -> runtime/ -> mutants/ -> scenarios/ -> engine/
 *
 * A file imports only from its own layer and the layers below it (engine imports nothing above
 * it). Besides the order:
 * - The harness reaches the engine only through its public faces (engine/index.ts for runners,
 *   engine/clients.ts for the S3/Kafka clients, engine/job/index.ts for job types). Tests may look
 *   inside lower layers (they test them), but never above their own layer.
 * - The scenarios are ordinary jobs: they import the engine only through the job-author API
 *   (engine/job/index.ts, the package root's face), exactly as a user's job does.
 * - harness/cli.ts and harness/commands/ are the `chaos` command (DESIGN puts the CLI in harness/);
 *   `chaos run` and `chaos tune` write the reports DESIGN says they write, so these files — and only
 *   these — may import reports/.
 * Files outside the layers (bench/, examples/, the package root index.ts) may import any layer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const LAYERS = ['engine', 'scenarios', 'mutants', 'runtime', 'harness', 'reports'] as const;
type Layer = (typeof LAYERS)[number];
const JOB_API = 'engine/job/index.ts';
const ENGINE_FACES = ['engine/index.ts', 'engine/clients.ts', JOB_API];

function layerOf(rel: string): Layer | undefined {
  const top = rel.split('/')[0]!;
  return (LAYERS as readonly string[]).includes(top) ? (top as Layer) : undefined;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist') out.push(...tsFiles(rel));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Every module specifier a file names: imports, re-exports, import(), and new URL(x, import.meta.url). */
export function moduleSpecifiers(text: string): string[] {
  const specs = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  for (const m of text.matchAll(/new URL\(\s*'([^']+)'\s*,\s*import\.meta\.url\s*\)/g)) specs.push(m[1]!);
  return specs;
}

/** The repository file a relative specifier names (`.js` in sources means the `.ts` file). */
function resolve(fromRel: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const abs = path.resolve(path.dirname(path.join(ROOT, fromRel)), spec);
  return path.relative(ROOT, abs).split(path.sep).join('/').replace(/\.js$/, '.ts');
}

/** The broken rules of one import, in words ([] when it is allowed). */
export function violations(fromRel: string, targetRel: string): string[] {
  const from = layerOf(fromRel);
  const to = layerOf(targetRel);
  if (from === undefined || to === undefined || from === to) return [];
  const isTest = /\.test\.ts$|\/test-support\//.test(fromRel);
  const out: string[] = [];
  const cliFile = fromRel === 'harness/cli.ts' || fromRel.startsWith('harness/commands/');
  if (LAYERS.indexOf(to) > LAYERS.indexOf(from) && !(cliFile && to === 'reports')) out.push(`${from}/ must not import ${to}/ (a layer above it)`);
  if (from === 'harness' && to === 'engine' && !isTest && !ENGINE_FACES.includes(targetRel)) {
    out.push(`harness/ reaches the engine only through ${ENGINE_FACES.join(', ')}`);
  }
  if (from === 'scenarios' && to === 'engine' && !isTest && targetRel !== JOB_API) {
    out.push(`scenarios/ are ordinary jobs: they use only the job-author API ${JOB_API}, as a user's job does`);
  }
  return out;
}

describe('layer walls', () => {
  it('no file imports a layer above its own, and the harness uses only the engine public faces', () => {
    const found: string[] = [];
    let files = 0;
    let imports = 0;
    for (const dir of LAYERS) {
      for (const rel of tsFiles(dir)) {
        files++;
        for (const spec of moduleSpecifiers(fs.readFileSync(path.join(ROOT, rel), 'utf8'))) {
          const target = resolve(rel, spec);
          if (target === undefined) continue;
          imports++;
          for (const v of violations(rel, target)) found.push(`${rel} imports ${spec}: ${v}`);
        }
      }
    }
    expect(files).toBeGreaterThan(200);
    expect(imports).toBeGreaterThan(800);
    expect(found).toEqual([]);
  });

  it('the rules catch what they must (so an empty list above means something)', () => {
    expect(violations('engine/streaming/run.ts', 'scenarios/streaming/index.ts')).toHaveLength(1);
    expect(violations('engine/x.test.ts', 'harness/services/s3rver-server.ts')).toHaveLength(1);
    expect(violations('scenarios/a.ts', 'runtime/jobs.ts')).toHaveLength(1);
    expect(violations('mutants/a.ts', 'runtime/jobs.ts')).toHaveLength(1);
    expect(violations('runtime/a.ts', 'harness/history.ts')).toHaveLength(1);
    expect(violations('harness/trial/a.ts', 'reports/run-report.ts')).toHaveLength(1);
    expect(violations('harness/trial/a.ts', 'engine/streaming/run.ts')).toHaveLength(1);
    expect(violations('harness/trial/a.ts', 'engine/index.ts')).toEqual([]);
    expect(violations('harness/trial/a.test.ts', 'engine/streaming/run.ts')).toEqual([]);
    expect(violations('harness/commands/run.ts', 'reports/run-report.ts')).toEqual([]);
    expect(violations('reports/run-report.ts', 'harness/history.ts')).toEqual([]);
    expect(violations('runtime/jobs.ts', 'scenarios/index.ts')).toEqual([]);
    expect(violations('scenarios/streaming/wordcount.ts', 'engine/streaming/operators.ts')).toHaveLength(1);
    expect(violations('scenarios/streaming/wordcount.ts', 'engine/job/index.ts')).toEqual([]);
    expect(moduleSpecifiers(`const m = await import('../x.js'); import a from './y.js'; export { b } from "./z.js"; new URL('../w.js', import.meta.url)`).sort()).toEqual(
      ['../w.js', '../x.js', './y.js', './z.js'],
    );
  });
});
