/** The mutant registry (mutants/index.ts): names, descriptions, needs, engine kind and exposing fault kinds of the known-bad engine variants. */
import { mutants as registry } from '../mutants/index.js';

type Registry = Record<string, { description: string; realWorld?: string; needs?: 'process'; operator?: string; kind?: 'streaming' | 'batch'; faultKinds?: import('./history.js').FaultKind[] }>;

export async function mutants(): Promise<Registry> {
  return registry;
}
