/**
 * Coverage over a chaos run: for every coverage point the engine declares (engine/coverage.ts),
 * how many incarnations and how many trials reached it, read from the `coverage.hit` events in
 * each History. Points never reached are listed as such, so "the property held" is never read as
 * "every recovery path was tried".
 */
import { COVERAGE_POINTS } from '../../engine/index.js';
import type { History } from '../history.js';

export interface CoverageCount {
  point: string;
  description: string;
  /** Incarnations that reached the point (each counts once, however often it passed there). */
  hits: number;
  /** Trials in which some incarnation reached it. */
  trials: number;
}

export class CoverageTally {
  private readonly counts = new Map<string, { hits: number; trials: number }>(COVERAGE_POINTS.map((p) => [p.name, { hits: 0, trials: 0 }]));

  add(h: History): void {
    const inTrial = new Set<string>();
    for (const inc of h.incarnations) {
      for (const e of inc.events) {
        if (e.type !== 'coverage.hit') continue;
        let c = this.counts.get(e.point);
        // A point this harness build does not know (a newer engine): still counted, never dropped.
        if (!c) this.counts.set(e.point, (c = { hits: 0, trials: 0 }));
        c.hits++;
        inTrial.add(e.point);
      }
    }
    for (const p of inTrial) this.counts.get(p)!.trials++;
  }

  /** Every point, in the engine's order, with its counts (0 for never reached). */
  points(): CoverageCount[] {
    const described = new Map<string, string>(COVERAGE_POINTS.map((p) => [p.name, p.description]));
    return [...this.counts].map(([point, c]) => ({ point, description: described.get(point) ?? '(not declared by this build)', ...c }));
  }

  /** Points reached by fewer than `min` incarnations. */
  below(min: number): string[] {
    return [...this.counts].filter(([, c]) => c.hits < min).map(([p]) => p);
  }
}
