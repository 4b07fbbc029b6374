/** The mutant registry (mutants/index.ts): names, descriptions and needs of the known-bad engine variants. */
import { mutants as registry } from '../mutants/index.js';

type Registry = Record<string, { description: string; realWorld?: string; needs?: 'process'; operator?: string }>;

export async function mutants(): Promise<Registry> {
  return registry;
}
