/**
 * The goal of every bench figure that has one (the README's benchmark table), so `npm run bench`
 * says for each whether it was met or missed in this run — a missed goal is never silent.
 * Figures without an entry are informational (spreads, breakdowns).
 */
export interface Goal {
  op: '>=' | '<=';
  value: number;
  /** One line: why the goal is what it is. */
  why: string;
}

export const GOALS: Record<string, Goal> = {
  'engine.aggregation.ratioToPlainLoop': { op: '>=', value: 0.3, why: 'keyed aggregation within ~3x of a hand-written loop' },
  'streaming.overheadPct.k10': { op: '<=', value: 5, why: 'checkpointing every 10 batches costs at most 5 % throughput' },
  'streaming.failpoints.disarmedOverheadPct': { op: '<=', value: 0.1, why: 'disarmed failpoints cost nothing measurable' },
  'chaos.process.trialsPerMin': { op: '>=', value: 100, why: 'process mode (real SIGKILL) is fast enough for minutes-long CI runs' },
  'chaos.sim.trialsPerMin': { op: '>=', value: 3000, why: 'simulation runs thousands of trials a minute' },
  'chaos.sim.speedupVsProcess': { op: '>=', value: 30, why: 'simulation finds bugs much faster than process mode' },
  'chaos.process.incarnationVsNodeSpawn': { op: '<=', value: 3, why: 'an engine incarnation costs at most 3 bare `node -e 0` spawns' },
  'chaos.mutants.medianSecondsToCatch': { op: '<=', value: 30, why: 'a planted bug is caught within half a minute' },
  'memory.peakRssRatio.largestToSmallest': { op: '<=', value: 1.5, why: 'peak memory of an engine run grows little with input size (2M vs 20k records)' },
  'spark.trialsPerMinute': { op: '>=', value: 6, why: 'Spark trials (each with a kill) fast enough for a CI chaos run' },
  'chaos.mutants.uncaught': { op: '<=', value: 0, why: 'every mutant is caught' },
};

export type Verdict = 'met' | 'missed' | 'no goal';

export function judge(name: string, value: number): Verdict {
  const goal = GOALS[name];
  if (goal === undefined) return 'no goal';
  return (goal.op === '>=' ? value >= goal.value : value <= goal.value) ? 'met' : 'missed';
}
