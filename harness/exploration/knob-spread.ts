/**
 * Which engine knob values a run's trials actually used (streaming trials: the batch engine takes
 * its own parameters), next to the engine default and the edge values the generator weights up
 * (harness/properties/knobs.ts), and how long the runs were. A user sees that retention 0, a
 * snapshot every version or a run of hundreds of batches was really tried, not only possible.
 */
import { KNOBS, knobValue, type KnobName } from '../properties/knobs.js';
import type { History } from '../history.js';

export interface KnobSpread {
  knob: KnobName;
  flag: string;
  engineDefault: number;
  /** What the knob changes (and where it is drawn), from harness/properties/knobs.ts. */
  why: string;
  /** Trials per value, ascending by value. */
  values: Array<{ value: number; trials: number }>;
  /** Trials at the engine default, and at each edge value. */
  atDefault: number;
  edges: Array<{ value: number; trials: number }>;
}

export interface RunLengths {
  /** Streaming trials counted. */
  trials: number;
  /** Highest batch id committed + 1 over the trial (its length in batches). */
  maxBatches: number;
  medianBatches: number;
  /** Trials of at least 100 batches. */
  atLeast100: number;
  /** Trials that ran 3 or more incarnations (several crashes and recoveries). */
  threeOrMoreIncarnations: number;
}

export class KnobSpreadTally {
  private readonly values = new Map<KnobName, Map<number, number>>(KNOBS.map((k) => [k.name, new Map()]));
  private readonly lengths: number[] = [];
  private manyIncarnations = 0;

  add(h: History): void {
    if (h.kind !== 'streaming') return;
    for (const k of KNOBS) {
      const v = knobValue(h.config, k);
      const m = this.values.get(k.name)!;
      m.set(v, (m.get(v) ?? 0) + 1);
    }
    let last = -1;
    for (const inc of h.incarnations) for (const e of inc.events) if (e.type === 'batch.committed' && e.batchId > last) last = e.batchId;
    this.lengths.push(last + 1);
    if (h.incarnations.length >= 3) this.manyIncarnations++;
  }

  knobs(): KnobSpread[] {
    return KNOBS.map((k) => {
      const m = this.values.get(k.name)!;
      const values = [...m].sort(([a], [b]) => a - b).map(([value, trials]) => ({ value, trials }));
      return {
        knob: k.name,
        flag: k.flag,
        engineDefault: k.engineDefault,
        why: k.why,
        values,
        atDefault: m.get(k.engineDefault) ?? 0,
        edges: k.edges.map((value) => ({ value, trials: m.get(value) ?? 0 })),
      };
    });
  }

  runLengths(): RunLengths {
    const sorted = [...this.lengths].sort((a, b) => a - b);
    return {
      trials: sorted.length,
      maxBatches: sorted.length ? sorted[sorted.length - 1]! : 0,
      medianBatches: sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0,
      atLeast100: sorted.filter((n) => n >= 100).length,
      threeOrMoreIncarnations: this.manyIncarnations,
    };
  }
}
