/**
 * One composed `check(history)`: every checker is a function of a History, and they are composed
 * into one, as Jepsen's `checker/compose` does. A History is plain JSON, so a stored one (a
 * History file, a replay file's history) is re-judged by the same function without re-running
 * anything (`chaos check FILE`).
 *
 * Like Jepsen's `check-safe`, a checker that throws does not crash the judgement: it becomes an
 * `unknown` verdict (not ok, marked `unknown: true`, the error in its message) beside the others.
 *
 * Two kinds of verdicts make up a trial's judgement:
 * - observed while the trial ran (clean exits, a refused config change or corruption, liveness):
 *   facts about the processes, kept in `history.observed` and carried over as recorded;
 * - judged from the data (`outputs`, `reference`, `model`, `determinismOutput`): recomputed here.
 * What a checker must NOT do: run the engine, read files or clocks — only the History and the
 * job's row shape (key/sequence/value functions from the job's model) go in.
 */
import type { CheckerName, History, Verdict } from '../history.js';
import { checkDeterminism, checkExactlyOnce, checkFinalState, checkModel, checkPerKeyOrder, judgeOutput, type RowShape } from './checkers.js';

/** What a job's model says about its rows (absent for jobs without a model, or when the job cannot be loaded). */
export interface CheckContext {
  shape?: RowShape;
  perKeyOrder?: boolean;
}

export interface Checker {
  name: CheckerName;
  /** The verdicts for this History; none when the checker does not apply to it. */
  check(h: History, ctx: CheckContext): Verdict[];
}

/** The checker, but a throw becomes an `unknown` verdict instead of an exception (Jepsen's check-safe). */
export function checkSafe(c: Checker): Checker {
  return {
    name: c.name,
    check(h, ctx) {
      try {
        return c.check(h, ctx);
      } catch (err) {
        const e = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        return [{ checker: c.name, ok: false, unknown: true, message: `the ${c.name} checker could not judge this history (it threw ${e}); the result is unknown` }];
      }
    },
  };
}

/** Many checkers as one: each runs safely, their verdicts in order. */
export function compose(checkers: readonly Checker[]): (h: History, ctx: CheckContext) => Verdict[] {
  const safe = checkers.map(checkSafe);
  return (h, ctx) => safe.flatMap((c) => c.check(h, ctx));
}

/** Checkers whose verdicts are observations of the run, not judgements of its data. */
export const OBSERVED_CHECKERS: readonly CheckerName[] = ['clean-exit', 'config-change-refused', 'corruption-refused', 'torn-write-refused', 'dead-attempt-refused', 'zombie-fenced', 'liveness'];

/** The observed verdicts of a History (also of one written before `observed` existed). */
export function observedVerdicts(h: History): Verdict[] {
  return h.observed ?? h.verdicts.filter((v) => OBSERVED_CHECKERS.includes(v.checker));
}

/** Whether the engine processed all input (so its output can be judged). */
export function finishedRun(h: History): boolean {
  return h.finished ?? !observedVerdicts(h).some((v) => !v.ok && (v.checker === 'liveness' || v.checker === 'clean-exit' || v.checker === 'config-change-refused'));
}

/** Output verdicts are computed to explain a difference: when the multiset equals the reference they hold. */
function implied(h: History): boolean {
  return h.guarantee === 'exactly-once' && h.outputs.length === h.reference.length && checkExactlyOnce(h.reference, h.outputs).ok;
}

export const observed: Checker = { name: 'clean-exit', check: (h) => observedVerdicts(h) };

export const determinism: Checker = {
  name: 'determinism',
  check: (h) => (h.determinismOutput ? [checkDeterminism(h.reference, h.determinismOutput)] : []),
};

export const model: Checker = { name: 'model', check: (h) => (h.model ? [checkModel(h.model, h.reference)] : []) };

/**
 * What the sink is judged on follows the query's output mode (`history.outputMode`, absent =
 * append; checkers.ts judgeOutput): append, a log of final rows (exactly-once, or at-least-once for
 * an at-least-once sink); update, the final state per key (plus the log for an exactly-once sink);
 * complete, the newest result table (plus the log for an exactly-once sink). Update and complete
 * need the job's row shape: without it (the job could not be loaded) the verdict is unknown.
 */
export const delivery: Checker = {
  name: 'exactly-once',
  check(h, ctx) {
    if (!finishedRun(h)) return [];
    const mode = h.outputMode ?? 'append';
    if (mode !== 'append' && !ctx.shape?.seq) throw new Error(`an ${mode}-mode output is judged per key, and the job's row shape (key, sequence) is unknown`);
    return judgeOutput(mode, h.guarantee, h.reference, h.outputs, ctx.shape);
  },
};

export const perKeyOrder: Checker = {
  name: 'per-key-order',
  check(h, ctx) {
    if (!finishedRun(h) || h.guarantee !== 'exactly-once' || !ctx.perKeyOrder || !ctx.shape?.seq) return [];
    if (implied(h)) return [{ checker: 'per-key-order', ok: true, message: 'implied: the output multiset equals the reference' }];
    return [checkPerKeyOrder(h.reference, h.outputs, ctx.shape)];
  },
};

export const finalState: Checker = {
  name: 'final-state',
  check(h, ctx) {
    // An update-mode output is judged on its final state by `delivery` already.
    if (!finishedRun(h) || !ctx.shape?.value || h.outputMode === 'update') return [];
    if (implied(h)) return [{ checker: 'final-state', ok: true, message: 'implied: the output multiset equals the reference' }];
    return [checkFinalState(h.reference, h.outputs, ctx.shape)];
  },
};

/** The composed checker every trial is judged by, and `chaos check` re-judges with. */
export const check = compose([observed, determinism, model, delivery, perKeyOrder, finalState]);
