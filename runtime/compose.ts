/**
 * The only place a known-bad engine variant (mutants/) is composed into a run: the engine exposes
 * the seams (its checkpoint protocol's steps, the batch engine's checkpoint steps, the filesystem
 * under fs stores) and knows no mutant by name; the runtime picks the parts by name and hands them over.
 */
import type { FsIo } from '../engine/io/fs-io.js';
import { realFsIo } from '../engine/io/fs-io.js';
import type { BatchCheckpointSteps } from '../engine/batch/checkpoint-steps.js';
import { engineParts, mutants, type EngineParts } from '../mutants/index.js';
import { batchSteps } from '../mutants/batch/index.js';

/** The engine parts of `mutant` (the correct ones when undefined), over `io`; UserError for an unknown name. */
export function partsFor(mutant: string | undefined, io: FsIo = realFsIo): EngineParts {
  return engineParts(mutant, io);
}

/** The batch engine's checkpoint steps of batch mutant `mutant` (the correct ones when undefined or not a batch mutant). */
export function batchStepsFor(mutant: string | undefined): BatchCheckpointSteps {
  return batchSteps(mutant);
}

/** Which engine mutant `name` breaks ('streaming' | 'batch'), or undefined for an unknown name. */
export function mutantKindOf(name: string): 'streaming' | 'batch' | undefined {
  const m = mutants[name];
  return m === undefined ? undefined : m.kind === 'batch' ? 'batch' : 'streaming';
}

/** Every registered mutant name (for messages). */
export function mutantNames(): string[] {
  return Object.keys(mutants);
}
