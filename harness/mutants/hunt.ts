/**
 * Mutant hunting: run the chaos property against each known-bad engine variant until it fails (or
 * the budget runs out), then let fast-check shrink the failure. A mutant the harness cannot catch
 * means the harness has a blind spot; the correct engine must never fail.
 */
import { trialSpecOf, type FailureSummary, type FaultKind, type Mode, type TrialSpec } from '../history.js';
import { runChaos, type ChaosScenario } from '../properties/run-chaos.js';
import { loadJob } from '../../runtime/jobs.js';

export interface MutantInfo {
  name: string;
  description: string;
  realWorld?: string;
  needs?: 'process';
  /** The operator the mutant breaks (a query description prefix): only jobs using it are attacked. */
  operator?: string;
  /** 'batch': it breaks the batch engine, so it is hunted on batch scenarios (default streaming). */
  kind?: 'streaming' | 'batch';
  /** Fault kinds that expose it (process mode spends its budget on these). */
  faultKinds?: FaultKind[];
}

/**
 * The jobs whose query has a stage that `operator` begins (all of them when the mutant names none,
 * or when none has it: then the hunt runs, and reports the mutant not caught).
 */
export async function scenariosFor(m: MutantInfo, scenarios: ChaosScenario[]): Promise<ChaosScenario[]> {
  if (!m.operator) return scenarios;
  const using: ChaosScenario[] = [];
  for (const s of scenarios) {
    if (s.kind !== 'streaming') continue;
    const job = await loadJob(s.name);
    if (job.kind === 'streaming' && job.buildQuery(0, job.defaults).stages.some((stage) => stage.describe.startsWith(m.operator!))) using.push(s);
  }
  return using.length > 0 ? using : scenarios;
}

export interface MutantResult {
  name: string;
  description: string;
  realWorld?: string;
  mode: Mode;
  caught: boolean;
  /** Trials until the first failing one (inclusive), or all trials run when not caught. */
  trials: number;
  /** Milliseconds to the first failing trial (or the whole hunt when not caught). */
  ms: number;
  /** The failure after shrinking: the minimal trial and what the checkers said. */
  minimal?: { trial: TrialSpec; message: string; seed: number; path: string | null; replayFile?: string };
  shrinkTrials: number;
}

export interface HuntOptions {
  mutants: MutantInfo[];
  scenarios: ChaosScenario[];
  /** Budget per mutant. */
  budgetMs: number;
  /**
   * A total budget instead: each mutant gets an equal share of what is left, so the time a quickly
   * caught mutant did not need goes to the ones after it (those that need a long run or a rare knob).
   */
  totalBudgetMs?: number;
  /**
   * Trials per mutant instead of a time budget (each still stops at its first catch): the same
   * trials on any machine, so a test's verdict does not depend on how loaded the machine is.
   */
  runsPerMutant?: number;
  seed: number;
  /** sim for mutants sim can expose; process for those that need real processes (or all, when forced). */
  mode?: Mode;
  outDir?: string;
  maxSize?: number;
  onResult?: (r: MutantResult) => void;
  onTrial?: (mutant: string) => void;
}

export async function huntMutants(o: HuntOptions): Promise<MutantResult[]> {
  const results: MutantResult[] = [];
  const huntStarted = Date.now();
  for (const [i, m] of o.mutants.entries()) {
    const budgetMs = o.totalBudgetMs !== undefined ? Math.max(1000, (huntStarted + o.totalBudgetMs - Date.now()) / (o.mutants.length - i)) : o.budgetMs;
    const mode: Mode = o.mode ?? (m.needs === 'process' ? 'process' : 'sim');
    const started = Date.now();
    const failures: FailureSummary[] = [];
    const kind = m.kind ?? 'streaming';
    const scenarios = o.scenarios.filter((s) => s.kind === kind);
    if (scenarios.length === 0) throw new Error(`mutant ${m.name} breaks the ${kind} engine, but the hunt was given no ${kind} scenario`);
    const summary = await runChaos({
      mode,
      scenarios: await scenariosFor(m, scenarios),
      ...(o.runsPerMutant !== undefined ? { runs: o.runsPerMutant } : { budgetMs }),
      seed: o.seed,
      mutant: m.name,
      interleave: true,
      ...(o.outDir ? { outDir: o.outDir } : {}),
      ...(o.maxSize ? { maxSize: o.maxSize } : {}),
      // Process time goes to the faults only processes can inject, where the mutant needs them.
      ...(m.needs === 'process' && mode === 'process' ? { faultKinds: m.faultKinds ?? ['lost-writes' as const] } : {}),
      onTrial: () => o.onTrial?.(m.name),
      onFailure: (f) => failures.push(f),
    });
    const caught = !summary.ok;
    const minimal = failures[0];
    const r: MutantResult = {
      name: m.name,
      description: m.description,
      ...(m.realWorld ? { realWorld: m.realWorld } : {}),
      mode,
      caught,
      trials: caught ? (summary.trialsToFirstFailure ?? summary.trials) : summary.trials,
      ms: caught ? (summary.firstFailureMs ?? Date.now() - started) : Date.now() - started,
      shrinkTrials: summary.shrinkTrials,
      ...(minimal
        ? {
            minimal: {
              trial: trialSpecOf(minimal.history),
              message: minimal.message,
              seed: minimal.seed,
              path: minimal.path,
              ...(minimal.replayFile ? { replayFile: minimal.replayFile } : {}),
            },
          }
        : {}),
    };
    results.push(r);
    o.onResult?.(r);
  }
  return results;
}

