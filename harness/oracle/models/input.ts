/** The scenario's input, from its own generator: the one thing a model shares with the engine. */
import { streamingScenarios } from '../../../scenarios/streaming/index.js';
import type { InputKnobs, StreamingScenario } from '../../../scenarios/streaming/types.js';
import type { TrialSpec } from '../../history.js';
import type { ModelRecord } from './micro-batches.js';

export function scenarioInput(spec: TrialSpec): { records: ModelRecord[]; knobs: InputKnobs } {
  const scenario = (streamingScenarios as readonly StreamingScenario[]).find((s) => s.name === spec.scenario);
  if (!scenario) throw new Error(`no streaming scenario ${spec.scenario}`);
  const knobs: InputKnobs = { ...scenario.defaults };
  for (const k of ['keys', 'disorderMs', 'lateFraction', 'growthBatches'] as const) {
    const v = spec.input[k];
    if (v !== undefined) knobs[k] = v;
  }
  return { records: Array.from(scenario.generate(spec.seed, spec.input.size, knobs)), knobs };
}
