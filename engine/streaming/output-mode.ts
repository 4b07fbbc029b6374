/** Output modes and the late-data predicate every event-time operator shares. */
/**
 * Spark's output modes for a stateful aggregation (OutputMode.Append / Update / Complete):
 * - append: a result row is emitted once, when it is final (the watermark passed its window's end);
 *   it is never changed afterwards. A sink of an append query is judged as a log of final rows.
 * - update: each batch emits the rows whose aggregate changed in that batch. A sink is judged on
 *   its final state per key (the newest row of each key), not as a log.
 * - complete: each batch emits the whole result table. A sink is judged on the last table.
 */
export type OutputMode = 'append' | 'update' | 'complete';

export const OUTPUT_MODES: readonly OutputMode[] = ['append', 'update', 'complete'];

/**
 * Spark's late-data predicate (WatermarkSupport.watermarkExpression): a row, or a window it falls
 * in, is behind the watermark when its event time (for a window: its end) is <= the watermark.
 * `watermarkMs` 0 means no watermark yet: nothing is late.
 */
export function behindWatermark(timeMs: number, watermarkMs: number): boolean {
  return watermarkMs > 0 && timeMs <= watermarkMs;
}
