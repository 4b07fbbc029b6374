/**
 * A user's own job module, by path, wherever a scenario name works — `chaos engine run`, `chaos run`,
 * `chaos replay`, `chaos tune`, `chaos mutants` — and recorded input (`--input` / `--records`).
 * The modules live in a temp directory inside this package (out/, git-ignored) and import
 * `checkpoint-chaos` by its package name, as an installed package's user would (self-reference).
 * Real processes run the compiled CLI (build first).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { distEntry, repoRoot } from '../services/dist-entry.js';

const CLI = () => distEntry('harness/cli.js');
let dir: string;

const chaos = (args: string[], timeout = 120_000) => execa(process.execPath, [CLI(), ...args], { reject: false, timeout, env: { NO_COLOR: '1' } });

/** Clicks per user session: a running click count per user. Its model says what the engine must output. */
const CLICKS_JOB = (modelOffset = 0) => `
import { defineStreamingJob, runningAggregate, filter, rng, randInt } from 'checkpoint-chaos';

export default defineStreamingJob({
  name: 'user-clicks',
  description: 'running click count per user (bots filtered out)',
  defaults: { keys: 12, growthBatches: 2 },
  generate(seed, size, knobs) {
    const next = rng(seed);
    return Array.from({ length: size }, (_, i) => ({ key: 'user-' + randInt(next, knobs.keys), value: { page: '/p' + randInt(next, 5), bot: next() < 0.1 }, eventTimeMs: i * 100 }));
  },
  buildQuery() {
    return {
      stages: [
        filter('humans', (e) => !e.value.bot, 'filter(not bot)'),
        runningAggregate('clicks', { init: () => 0, update: (s) => s + 1, emit: (_k, s) => s }, 'aggregate(clicks per user)'),
      ],
      toRow: (e, batchId) => ({ batchId, user: e.key, clicks: e.value }),
    };
  },
  model: {
    perKeyOrder: true,
    shape: { key: (r) => r.user, seq: (r) => r.batchId, value: (r) => r.clicks },
    expected({ batches }) {
      const counts = new Map();
      const rows = [];
      for (const b of batches) {
        const touched = new Set();
        for (const r of b.records) {
          if (r.value.bot) continue;
          counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
          touched.add(r.key);
        }
        for (const u of touched) rows.push({ batchId: b.batchId, user: u, clicks: counts.get(u) + ${modelOffset} });
      }
      return rows;
    },
  },
});
`;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  // Inside the package, so `import ... from 'checkpoint-chaos'` resolves to this build (package self-reference).
  const base = path.join(repoRoot(), 'out', 'test-jobs');
  fs.mkdirSync(base, { recursive: true });
  dir = fs.mkdtempSync(path.join(base, 'jobs-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('bad job modules: exit 2, one line naming the module and what is wrong, no stack trace', () => {
  const cases: Array<[string, () => string, RegExp]> = [
    ['not found', () => path.join(dir, 'missing.mjs'), /job module .*missing\.mjs not found/],
    ['no definition exported', () => write('empty.mjs', 'export const x = 1;\n'), /job module .*empty\.mjs exports no job definition/],
    ['invalid definition', () => write('invalid.mjs', "export default { name: 'x', kind: 'streaming' };\n"), /job module .*invalid\.mjs exports an invalid job definition: generate is not a function/],
    ['defineStreamingJob refuses it', () => write('refused.mjs', "import { defineStreamingJob } from 'checkpoint-chaos';\nexport default defineStreamingJob({ name: 'bad name!', description: 'x', generate() { return []; }, buildQuery() { return { stages: [], toRow: (e) => e }; } });\n"), /job module .*refused\.mjs throws at load: UserError: invalid streaming job "bad name!": name must be/],
    ['throws at load', () => write('throws.mjs', "throw new Error('boom at load');\n"), /job module .*throws\.mjs throws at load: Error: boom at load/],
  ];
  for (const [what, file, message] of cases) {
    it(`${what}: chaos engine run --job and chaos run --job`, async () => {
      const f = file();
      const engine = await chaos(['engine', 'run', '--job', f, '--seed', '1', '--size', '10', '--checkpoint', path.join(dir, 'c'), '--output', path.join(dir, 'o')]);
      expect(engine.exitCode).toBe(2);
      expect(engine.stderr).toMatch(message);
      expect(engine.stderr).not.toMatch(/\n\s+at /);
      expect(engine.stderr.trim().split('\n')).toHaveLength(1);
      const run = await chaos(['run', '--job', f, '--mode', 'sim', '--runs', '1', '--out', path.join(dir, 'out-bad')]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

describe('a job of ones own by path', () => {
  it('chaos run --job: trials in sim and process mode, judged by the job\'s own model', async () => {
    const job = write('clicks.mjs', CLICKS_JOB());
    for (const mode of ['sim', 'process']) {
      const r = await chaos(['run', '--job', job, '--mode', mode, '--runs', mode === 'sim' ? '30' : '4', '--seed', '3', '--max-size', '120', '--out', path.join(dir, `out-${mode}`), '--json'], 200_000);
      expect(r.exitCode, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout) as { ok: boolean; trials: number; scenarios: { name: string; trials: number }[] };
      expect(summary.ok).toBe(true);
      expect(summary.scenarios.map((s) => s.name)).toEqual([job]);
      expect(summary.trials).toBe(mode === 'sim' ? 30 : 4);
    }
  });

  it('a model that disagrees with the engine fails the run (exit 1): the job\'s model is what judges it; the replay file re-runs it and refuses a changed module', async () => {
    const job = write('clicks-wrong-model.mjs', CLICKS_JOB(1));
    const out = path.join(dir, 'out-wrong');
    const r = await chaos(['run', '--job', job, '--mode', 'sim', '--runs', '3', '--seed', '4', '--max-size', '60', '--out', out, '--json']);
    expect(r.exitCode).toBe(1);
    const summary = JSON.parse(r.stdout) as { failures: { message: string; replayFile?: string; replayCommand?: string }[] };
    expect(summary.failures[0]!.message).toMatch(/model/);
    const replayFile = summary.failures[0]!.replayFile!;
    const replay = JSON.parse(fs.readFileSync(replayFile, 'utf8')) as { jobModule?: { path: string; sha256: string } };
    expect(replay.jobModule?.path).toBe(job);
    expect(replay.jobModule?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(summary.failures[0]!.replayCommand).toContain('replay');

    const again = await chaos(['replay', replayFile, '--json']);
    expect(again.exitCode, again.stderr).toBe(1);

    fs.appendFileSync(job, '\n// edited after the run\n');
    const changed = await chaos(['replay', replayFile]);
    expect(changed.exitCode).toBe(2);
    expect(changed.stderr).toMatch(/job module .*clicks-wrong-model\.mjs changed since .* was written \(sha256/);
    expect(changed.stderr).not.toMatch(/\n\s+at /);
  });

  it('executor processes load the same module: --executors 2 writes the same output as --executors 0', async () => {
    const job = write('clicks-exec.mjs', CLICKS_JOB());
    const run = async (executors: number) => {
      const out = path.join(dir, `exec-out-${executors}`);
      const r = await chaos(['engine', 'run', '--job', job, '--seed', '5', '--size', '300', '--max-batch-records', '40', '--checkpoint', path.join(dir, `exec-ckpt-${executors}`), '--output', out, '--executors', String(executors)]);
      expect(r.exitCode, r.stderr).toBe(0);
      const parts = fs.readdirSync(out).filter((f) => f.endsWith('.jsonl')).sort();
      return { parts, rows: parts.map((p) => fs.readFileSync(path.join(out, p), 'utf8')).join(''), started: r.stdout.split('\n').filter((l) => l.includes('"executor.started"')).length };
    };
    const inDriver = await run(0);
    const withExecutors = await run(2);
    expect(withExecutors.started).toBeGreaterThanOrEqual(2);
    expect(inDriver.rows.length).toBeGreaterThan(0);
    expect(withExecutors.rows).toEqual(inDriver.rows);
  });

  it('a TypeScript job runs through tsx (installed here)', async () => {
    const ts = write('clicks-ts.ts', CLICKS_JOB().replace("export default defineStreamingJob({", "const job: ReturnType<typeof defineStreamingJob> = defineStreamingJob({").replace(/\}\);\n$/, '});\nexport default job;\n'));
    const r = await chaos(['engine', 'run', '--job', ts, '--seed', '1', '--size', '50', '--checkpoint', path.join(dir, 'ts-c'), '--output', path.join(dir, 'ts-o')]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('"engine.finished"');
  });
});

describe('recorded input', () => {
  it('--records feeds JSON lines (with pinned partitions and arrival batches) instead of the generator; chaos run --input judges it', async () => {
    const job = write('clicks-rec.mjs', CLICKS_JOB());
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) lines.push(JSON.stringify({ key: `user-${i % 7}`, value: { page: `/p${i % 3}`, bot: i % 11 === 0 }, eventTimeMs: 1_700_000_000_000 + i * 1000, ...(i % 2 === 0 ? { partition: 1 } : {}), arrivalBatch: Math.floor(i / 20) }));
    const records = write('clicks.jsonl', lines.join('\n') + '\n');
    const out = path.join(dir, 'rec-out');
    const r = await chaos(['engine', 'run', '--job', job, '--records', records, '--seed', '1', '--size', '0', '--partitions', '2', '--checkpoint', path.join(dir, 'rec-c'), '--output', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = fs.readdirSync(out).filter((f) => f.endsWith('.jsonl')).flatMap((f) => fs.readFileSync(path.join(out, f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l) as { batchId: number; user: string; clicks: number });
    const finalClicks = new Map<string, number>();
    for (const row of rows.sort((a, b) => a.batchId - b.batchId)) finalClicks.set(row.user, row.clicks);
    const expected = new Map<string, number>();
    lines.map((l) => JSON.parse(l) as { key: string; value: { bot: boolean } }).filter((x) => !x.value.bot).forEach((x) => expected.set(x.key, (expected.get(x.key) ?? 0) + 1));
    expect(Object.fromEntries(finalClicks)).toEqual(Object.fromEntries(expected));
    // Records pinned to arrive at batch 2 cannot be in batches 0 or 1: at least 3 batches ran.
    expect(Math.max(...rows.map((x) => x.batchId))).toBeGreaterThanOrEqual(2);

    const run = await chaos(['run', '--job', job, '--input', records, '--mode', 'sim', '--runs', '15', '--seed', '2', '--out', path.join(dir, 'rec-run'), '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { ok: boolean }).ok).toBe(true);

    const bad = write('bad.jsonl', '{"key": 1, "value": 2, "eventTimeMs": 3}\n');
    const refused = await chaos(['engine', 'run', '--job', job, '--records', bad, '--seed', '1', '--size', '0', '--checkpoint', path.join(dir, 'bad-c'), '--output', path.join(dir, 'bad-o')]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/bad\.jsonl:1: "key" must be a string/);
  });
});

describe('tune and mutants take --job', () => {
  it('chaos tune --job refuses a batch job and a missing module before measuring (exit 2)', async () => {
    const batch = await chaos(['tune', '--job', 'pagerank', '--out', path.join(dir, 'tune-out')]);
    expect(batch.exitCode).toBe(2);
    expect(batch.stderr).toMatch(/job pagerank is a batch job; chaos tune .* needs a streaming job/);
    const missing = await chaos(['tune', '--job', path.join(dir, 'nope.mjs'), '--out', path.join(dir, 'tune-out')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/nope\.mjs not found/);
  });

  it('chaos mutants --job: a planted engine bug is caught on a job of ones own', async () => {
    const job = write('clicks-mutants.mjs', CLICKS_JOB());
    const r = await chaos(['mutants', '--job', job, '--only', 'sink-not-idempotent', '--mode', 'sim', '--budget', '60s', '--seed', '1', '--out', path.join(dir, 'mutants-out'), '--json'], 150_000);
    expect(r.exitCode, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { mutants: { name: string; caught: boolean; minimal?: { trial: { scenario: string } } }[] };
    expect(result.mutants).toHaveLength(1);
    expect(result.mutants[0]).toMatchObject({ name: 'sink-not-idempotent', caught: true });
    expect(result.mutants[0]!.minimal?.trial.scenario).toBe(job);
  });
});
