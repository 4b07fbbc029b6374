/**
 * Chaos harness throughput and mutant-catching speed:
 * - chaos.process.trialsPerMin / chaos.sim.trialsPerMin: word count, 1000 records, 1–3 kills per
 *   trial (driver kills at random failpoints or random instants), the same trials in both modes;
 * - chaos.sim.speedupVsProcess: process time per trial / sim time per trial (goal >= 30);
 * - chaos.mutants.medianSecondsToCatch: median over all mutants of the time to the first failing
 *   trial (sim for those sim can expose, process for the rest); goal <= 30 s.
 */
import { huntMutants } from '../harness/mutants/hunt.js';
import { chaosScenarios } from '../harness/chaos-scenarios.js';
import { killFailpoints } from '../harness/faults/failpoint-names.js';
import type { Fault, Mode, TrialSpec } from '../harness/history.js';
import { runTrial } from '../harness/trial/run-trial.js';
import { mutants } from '../mutants/index.js';
import { execa } from 'execa';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function wordcountTrials(n: number, mode: Mode, seed = 1): TrialSpec[] {
  const next = rng(seed);
  const points = killFailpoints().filter((p) => !p.startsWith('source.') && !p.startsWith('metadata.'));
  return Array.from({ length: n }, (_, i) => {
    const kills = 1 + Math.floor(next() * 3);
    const faults: Fault[] = Array.from({ length: kills }, () =>
      next() < 0.5
        ? { kind: 'kill-failpoint', failpoint: points[Math.floor(next() * points.length)]!, occurrence: 1 + Math.floor(next() * 4) }
        : { kind: 'kill-random', afterEvents: 1 + Math.floor(next() * (mode === 'sim' ? 60 : 20)), delayMs: 0 },
    );
    return {
      scenario: 'wordcount',
      kind: 'streaming',
      seed: 1000 + i,
      input: { size: 1000 },
      config: { partitions: 4, checkpointInterval: 1 + (i % 3), executors: 0, maxBatchRecords: 100, store: mode === 'sim' ? 'memory' : 'fs', source: 'log', sink: 'files' },
      schedule: { faults, lostWrites: false },
      checkDeterminism: false,
    };
  });
}

/** Median wall time of a bare `node -e 0` spawn on this machine right now: the floor of any process start. */
async function nodeSpawnMs(n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await execa(process.execPath, ['-e', '0']);
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function trialsPerMinute(mode: Mode, n: number, log: (l: string) => void): Promise<{ perMin: number; msPerTrial: number; msPerIncarnation: number }> {
  const specs = wordcountTrials(n, mode);
  // Warm the reference cache and module loading so both modes measure trials, not start-up.
  await runTrial(specs[0]!, 'sim');
  let kills = 0;
  let failed = 0;
  let incarnations = 0;
  const t0 = performance.now();
  for (const spec of specs) {
    const h = await runTrial(spec, mode);
    kills += h.kills;
    incarnations += h.incarnations.length;
    if (!h.ok) failed++;
  }
  const ms = performance.now() - t0;
  log(`${mode}: ${n} trials, ${incarnations} incarnations, ${kills} kills, ${failed} failed, ${(ms / n).toFixed(1)} ms/trial, ${(ms / incarnations).toFixed(1)} ms/incarnation`);
  if (failed > 0) throw new Error(`${failed} ${mode} trials failed on the correct engine`);
  return { perMin: (60_000 * n) / ms, msPerTrial: ms / n, msPerIncarnation: ms / incarnations };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function figures(log: (line: string) => void): Promise<Record<string, number>> {
  const spawnBefore = await nodeSpawnMs(5);
  const proc = await trialsPerMinute('process', Number(process.env['CHAOS_BENCH_PROCESS_TRIALS'] ?? 20), log);
  // Measured on both sides of the process trials: the machine's load moves both alike.
  const spawnMs = (spawnBefore + (await nodeSpawnMs(5))) / 2;
  log(`bare node -e 0 spawn: ${spawnMs.toFixed(1)} ms (median of 5, before and after the process trials)`);
  const sim = await trialsPerMinute('sim', Number(process.env['CHAOS_BENCH_SIM_TRIALS'] ?? 600), log);
  const budgetMs = Number(process.env['CHAOS_BENCH_MUTANT_BUDGET_MS'] ?? 60_000);
  const results = await huntMutants({
    mutants: Object.entries(mutants).map(([name, m]) => ({ name, ...m })),
    // Every scenario: the hunt gives each mutant the scenarios of the engine it breaks (batch mutants: batch jobs).
    scenarios: await chaosScenarios('all'),
    budgetMs,
    seed: 1,
    onResult: (r) => log(`mutant ${r.name}: ${r.caught ? 'caught' : 'NOT caught'} in ${(r.ms / 1000).toFixed(2)} s, ${r.trials} trials (${r.mode})`),
  });
  const seconds = results.map((r) => (r.caught ? r.ms : budgetMs) / 1000);
  return {
    'chaos.process.trialsPerMin': proc.perMin,
    'chaos.sim.trialsPerMin': sim.perMin,
    'chaos.sim.speedupVsProcess': proc.msPerTrial / sim.msPerTrial,
    'chaos.process.msPerIncarnation': proc.msPerIncarnation,
    'chaos.process.nodeSpawnMs': spawnMs,
    'chaos.process.incarnationVsNodeSpawn': proc.msPerIncarnation / spawnMs,
    'chaos.mutants.medianSecondsToCatch': median(seconds),
    'chaos.mutants.maxSecondsToCatch': Math.max(...seconds),
    'chaos.mutants.caught': results.filter((r) => r.caught).length,
    'chaos.mutants.total': results.length,
    'chaos.mutants.uncaught': results.filter((r) => !r.caught).length,
  };
}
