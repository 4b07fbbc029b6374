/**
 * The generated input of a scenario as a partitioned log. A pure function of
 * (scenario, seed, size, knobs, partitions), cached per process (a pure cache: simulation mode
 * rebuilds engines thousands of times over the same input).
 */
import type { InputKnobs, StreamingScenario } from '../../scenarios/streaming/types.js';
import { buildPartitionedLog, type InputEvent, type PartitionedLog } from './partitioned-log.js';

export interface GeneratedInputSpec {
  scenario: StreamingScenario;
  seed: number;
  size: number;
  knobs: InputKnobs;
  partitions: number;
}

/** What identifies the generated input (the source part of the checkpoint fingerprint). */
export function describeGeneratedInput(spec: GeneratedInputSpec): string {
  const k = spec.knobs;
  return `log(scenario=${spec.scenario.name} seed=${spec.seed} size=${spec.size} keys=${k.keys} disorderMs=${k.disorderMs} lateFraction=${k.lateFraction} growthBatches=${k.growthBatches})`;
}

const cache = new Map<string, PartitionedLog>();
const CACHE_ENTRIES = 16;

export function generatedLog(spec: GeneratedInputSpec): PartitionedLog {
  const id = `${describeGeneratedInput(spec)} partitions=${spec.partitions}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const log = buildPartitionedLog(Array.from(spec.scenario.generate(spec.seed, spec.size, spec.knobs)), spec.partitions, spec.knobs.growthBatches);
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(id, log);
  return log;
}

/** The generated input in arrival order, for writing a log (not cached: a log is written once). */
export function generatedInput(spec: GeneratedInputSpec): { records: Iterable<InputEvent>; size: number; growthBatches: number } {
  return { records: spec.scenario.generate(spec.seed, spec.size, spec.knobs), size: spec.size, growthBatches: spec.knobs.growthBatches };
}
