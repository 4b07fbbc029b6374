/**
 * An independent reference model of a scenario: plain code that computes, from the scenario's
 * input records, the rows a correct engine must output. It shares nothing with the engine but the
 * input generator, so an engine bug that is not about recovery still shows up against it.
 */
import type { TrialSpec } from '../../history.js';
import type { RowShape } from '../checkers.js';

export interface ScenarioModel {
  scenario: string;
  /**
   * Expected output rows as JSON lines, fields in the order the scenario documents (the sink's
   * lines are compared byte for byte after sorting).
   */
  expected(spec: TrialSpec): Promise<string[]> | string[];
  /** Key, sequence and final value of a row, for the per-key order and final-state checkers. */
  shape?: RowShape;
  /** The scenario promises each key's updates arrive in sequence order (per-key order is checked). */
  perKeyOrder: boolean;
  /**
   * The query's output mode, which decides how its sink is judged (check.ts delivery, checkers.ts judgeOutput):
   * append = a log of final rows; update = final state per key (`shape` with seq and value);
   * complete = the newest result table (`shape.seq`). Default append.
   */
  outputMode?: 'append' | 'update' | 'complete';
}
