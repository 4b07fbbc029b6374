/**
 * Entry point of the streaming engine: `runStreamingQuery` = getOrCreate the checkpoint, then run
 * micro-batches until the bounded input is fully processed. Safe to call again on the same stores
 * after a SimulatedCrash escaped from it: every call builds a fresh engine; only the stores persist.
 */
import type { CheckpointStore } from '../checkpoint/store.js';
import type { Failpoints } from '../failpoints.js';
import type { EventSink } from '../events.js';
import type { StreamSource } from './source.js';
import type { StreamSink } from './sink.js';
import { UserError } from '../errors.js';
import { findStreamingScenario } from '../../scenarios/streaming/index.js';
import { engineParts } from '../mutants/index.js';
import { readOutputRows } from '../sinks/read-output.js';
import type { ExecutionContext } from './context.js';
import { execute } from './execution.js';
import { resolveKnobs, resolveOptions, STREAMING_DEFAULTS } from './options.js';
import { describeQuery, statefulStages } from './query.js';
import { OperatorState } from './state-store.js';
import { createSink, createSource, type WiringContext } from './wiring.js';

export interface StreamingInputKnobs {
  /** Distinct keys in the generated input. */
  keys?: number;
  /** Maximum event-time disorder (ms) of on-time records. */
  disorderMs?: number;
  /** Fraction of records whose event time is far behind (late data). */
  lateFraction?: number;
  /** Input becomes available over this many batches (a growing source); 1 = all there at batch 0. */
  growthBatches?: number;
}

export interface StreamingRunOptions {
  scenario: string;
  seed: number;
  size: number;
  /** Source and state partitions (default 4); part of the fingerprint: changing it is refused. */
  partitions?: number;
  /** K: make state durable every K batches (default 1); 0 = checkpointing off entirely (no WAL, no state). */
  checkpointInterval?: number;
  /** Records per batch over all partitions (default 100). */
  maxBatchRecords?: number;
  /** M: a full snapshot every M state versions, deltas between (default 10). */
  snapshotEvery?: number;
  /** Batches of offsets/commits/state kept behind the newest complete state (default 20). */
  retainBatches?: number;
  input?: StreamingInputKnobs;
  /** Name of a known-bad variant from engine/mutants (default: the correct engine). */
  mutant?: string;
  /** Remove the checkpoint after a successful bounded run. */
  cleanCheckpoint?: boolean;
  /** 'files' (exactly-once, default) or 'append' (at-least-once); used when rt.sink is not given. */
  sink?: string;
}

export interface StreamingRuntime {
  /** The checkpoint "directory" (fs store in process mode, memory store in simulation). */
  checkpoint: CheckpointStore;
  /** Where the files sink writes its part files (fs store rooted at --output, or memory). */
  output: CheckpointStore;
  /** sigkillSelf crash handler in a process, simulatedCrash in simulation. */
  failpoints: Failpoints;
  events: EventSink;
  /** Default: the local partitioned log generated from (scenario, seed, size, input). */
  source?: StreamSource;
  /** Default: files sink over `output`. */
  sink?: StreamSink;
}

export async function runStreamingQuery(
  opts: StreamingRunOptions,
  rt: StreamingRuntime,
): Promise<{ batches: number; lastBatchId: number }> {
  const scenario = findStreamingScenario(opts.scenario);
  const resolved = resolveOptions(opts);
  const knobs = resolveKnobs(scenario, opts.input);
  const parts = engineParts(resolved.mutant);
  const wiring: WiringContext = {
    input: { scenario, seed: resolved.seed, size: resolved.size, knobs, partitions: resolved.partitions },
    output: rt.output,
    failpoints: rt.failpoints,
  };
  const sink = rt.sink ?? (await createSink(opts.sink ?? STREAMING_DEFAULTS.sink, wiring));
  const source = rt.source ?? (await createSource('log', wiring));
  try {
    if (source.partitions !== resolved.partitions) {
      throw new UserError(`the source has ${source.partitions} partitions but --partitions is ${resolved.partitions}; they must match`);
    }
    const query = scenario.buildQuery(resolved.seed, knobs);
    for (const stage of query.stages) await stage.prepare?.();
    const trackChanges = resolved.checkpointInterval > 0;
    const ctx: ExecutionContext = {
      opts: resolved,
      checkpoint: rt.checkpoint,
      output: rt.output,
      failpoints: rt.failpoints,
      events: rt.events,
      source,
      sink,
      query,
      states: statefulStages(query).map((s) => new OperatorState(s.name, resolved.partitions, trackChanges)),
      fingerprint: { scenario: scenario.name, operators: describeQuery(query), source: source.describe(), partitions: resolved.partitions },
      cleanedBelow: 0,
    };
    const result = await execute(ctx, parts.protocol);
    if (resolved.cleanCheckpoint) await rt.checkpoint.destroy();
    return result;
  } finally {
    // Not on a simulated crash: a crashed engine runs no more code (its sink and source are simply dropped).
    await sink.close();
    await source.close();
  }
}

export { readOutputRows };
