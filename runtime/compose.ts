/**
 * The only place a known-bad engine variant (mutants/) is composed into a run: the engine exposes
 * the seams (its checkpoint protocol's steps, the filesystem under fs stores) and knows no mutant
 * by name; the runtime picks the parts by name and hands them over.
 */
import type { FsIo } from '../engine/io/fs-io.js';
import { realFsIo } from '../engine/io/fs-io.js';
import { engineParts, type EngineParts } from '../mutants/index.js';

/** The engine parts of `mutant` (the correct ones when undefined), over `io`; UserError for an unknown name. */
export function partsFor(mutant: string | undefined, io: FsIo = realFsIo): EngineParts {
  return engineParts(mutant, io);
}
