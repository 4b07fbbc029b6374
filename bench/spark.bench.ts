/**
 * Spark target speed (examples/spark/windowed.json, local[2]): JVM start-up dominates a Spark
 * trial. Figures: cold start to the first batch (spawn to offsets/0 written), time per incarnation
 * with and without a pre-started driver (a JVM + SparkSession already up, waiting for "go"), and
 * Spark trials per minute, each trial with one kill (a halt at commits.before). Goal: ≥ 6 trials
 * per minute on 2 cores — printed as met or missed. Skipped (no figures) when Spark is not installed.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findSpark, NOT_INSTALLED } from '../harness/targets/spark/spark-install.js';
import { resolveTarget } from '../harness/targets/run-target.js';
import { runTargetTrial, targetReference, targetTrialSpec } from '../harness/targets/target-trial.js';
import { TargetDriver } from '../harness/targets/target-driver.js';
import { GOALS } from './goals.js';

const GOAL_TRIALS_PER_MINUTE = GOALS['spark.trialsPerMinute']!.value;

export async function figures(log: (line: string) => void): Promise<Record<string, number>> {
  const spark = findSpark();
  if (!spark) {
    log(`skipped: Spark ${NOT_INSTALLED}`);
    return {};
  }
  const spec = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'spark', 'windowed.json');
  const warm = resolveTarget(spec, { prestart: true });
  const cold = { ...warm, prestart: false };
  log(`spark ${spark.version} on Java ${spark.java}, ${warm.spec.name}, master ${warm.master}`);

  // Cold start: one failure-free run, spawn to the first offsets/N written.
  const d = new TargetDriver(cold, targetTrialSpec(cold, 11, []), Date.now() + 600_000);
  let coldToFirstBatch = NaN;
  let coldRun = NaN;
  try {
    const r = await d.run(0, undefined);
    const first = (d.points[0] ?? []).find((p) => p.point === 'offsets.written');
    if (first) coldToFirstBatch = first.t - r.startedAt;
    coldRun = r.endedAt - r.startedAt;
  } finally {
    await d.dispose();
  }
  log(`cold start to first batch ${Math.round(coldToFirstBatch)} ms; whole failure-free run ${Math.round(coldRun)} ms`);
  await targetReference(warm, 11);

  const kill = [{ kind: 'kill-failpoint' as const, failpoint: 'commits.before', occurrence: 1 }];
  const incarnationMs = (h: Awaited<ReturnType<typeof runTargetTrial>>) => h.incarnations.slice(1).map((i) => i.endedAt - i.startedAt);
  const coldTrial = await runTargetTrial(cold, targetTrialSpec(cold, 11, kill));
  const coldRestart = incarnationMs(coldTrial)[0] ?? NaN;
  log(`cold: trial ${coldTrial.elapsedMs} ms (${coldTrial.kills} kill, ok ${coldTrial.ok}), restarted incarnation ${coldRestart} ms`);

  const started = Date.now();
  const n = 2;
  const warmRestarts: number[] = [];
  let kills = 0;
  for (let i = 0; i < n; i++) {
    const h = await runTargetTrial(warm, targetTrialSpec(warm, 11, kill));
    kills += h.kills;
    warmRestarts.push(...incarnationMs(h));
    log(`pre-started: trial ${h.elapsedMs} ms (${h.kills} kill, ok ${h.ok}), restarted incarnation ${incarnationMs(h).join(', ')} ms`);
  }
  const perMinute = n / ((Date.now() - started) / 60_000);
  const warmRestart = warmRestarts.reduce((s, x) => s + x, 0) / Math.max(1, warmRestarts.length);
  log(`Spark trials per minute (each with ≥ 1 kill: ${kills} kills in ${n}): ${perMinute.toFixed(2)} — goal ≥ ${GOAL_TRIALS_PER_MINUTE}: ${perMinute >= GOAL_TRIALS_PER_MINUTE ? 'met' : 'MISSED'}`);
  return {
    'spark.coldStartToFirstBatchMs': Math.round(coldToFirstBatch),
    'spark.coldRunMs': Math.round(coldRun),
    'spark.restartedIncarnationColdMs': Math.round(coldRestart),
    'spark.restartedIncarnationPrestartedMs': Math.round(warmRestart),
    'spark.trialsPerMinute': Number(perMinute.toFixed(2)),
  };
}
