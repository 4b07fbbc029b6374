/** What a streaming scenario module provides: its input generator and its query. */
import type { ScenarioInfo } from '../types.js';
import type { InputEvent } from '../../engine/sources/partitioned-log.js';
import type { StreamingQuery } from '../../engine/streaming/query.js';

export interface InputKnobs {
  /** Distinct keys in the input. */
  keys: number;
  /** Maximum event-time disorder (ms) of on-time records. */
  disorderMs: number;
  /** Fraction of records whose event time lags far behind (late data). */
  lateFraction: number;
  /** The input arrives over this many batches (growing source); 1 = all available at batch 0. */
  growthBatches: number;
}

export interface StreamingScenario extends ScenarioInfo {
  kind: 'streaming';
  defaults: InputKnobs;
  /**
   * Deterministic input in arrival order: the same (seed, size, knobs) always gives the same
   * records. Consumed once, record by record (a generator keeps a large input out of memory).
   */
  generate(seed: number, size: number, knobs: InputKnobs): Iterable<InputEvent>;
  /** The query; `seed` and `knobs` build static data (e.g. the join's table). */
  buildQuery(seed: number, knobs: InputKnobs): StreamingQuery;
}
