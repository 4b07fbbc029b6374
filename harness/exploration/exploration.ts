/**
 * What a chaos run explored, beside what it found: coverage points reached, knob values and run
 * lengths drawn, and where in the protocol each fault kind struck. One tally fed every trial's
 * History (shrink candidates excluded); its `summary()` is the RunSummary's `exploration`.
 */
import type { History } from '../history.js';
import { CoverageTally, type CoverageCount } from './coverage-tally.js';
import { FaultSpaceTally, type FaultSpaceCell } from './fault-space.js';
import { KnobSpreadTally, type KnobSpread, type RunLengths } from './knob-spread.js';

export interface ExplorationSummary {
  /** Every coverage point the engine declares, with its counts; `neverHit` lists those at 0. */
  coverage: CoverageCount[];
  neverHit: string[];
  /** `--until-covered N`: the goal and whether every point reached it. */
  untilCovered?: { min: number; reached: boolean; below: string[] };
  knobs: KnobSpread[];
  runLengths: RunLengths;
  faultSpace: FaultSpaceCell[];
}

export class Exploration {
  private readonly coverage = new CoverageTally();
  private readonly knobs = new KnobSpreadTally();
  private readonly faults = new FaultSpaceTally();

  add(h: History): void {
    this.coverage.add(h);
    this.knobs.add(h);
    this.faults.add(h);
  }

  /** Coverage points reached by fewer than `min` incarnations. */
  below(min: number): string[] {
    return this.coverage.below(min);
  }

  summary(untilCovered?: number): ExplorationSummary {
    const below = untilCovered !== undefined ? this.coverage.below(untilCovered) : undefined;
    return {
      coverage: this.coverage.points(),
      neverHit: this.coverage.below(1),
      ...(untilCovered !== undefined ? { untilCovered: { min: untilCovered, reached: below!.length === 0, below: below! } } : {}),
      knobs: this.knobs.knobs(),
      runLengths: this.knobs.runLengths(),
      faultSpace: this.faults.cellsInOrder(),
    };
  }
}
