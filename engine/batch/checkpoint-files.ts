/**
 * The layout of a reliable dataset checkpoint in a CheckpointStore:
 *
 *   <run id>/ds-<id>/part-00000 ... part-NNNNN   one per partition, checksummed (codec.ts), each put atomically
 *   <run id>/ds-<id>/manifest                    written LAST: the checkpoint exists only once this exists
 *   names/<name>/<fingerprint>                   for a named dataset: points at the manifest, so a later run finds it
 *
 * Nothing is renamed and no object is rewritten with other content, so the layout works on S3 as
 * on a filesystem; readers trust the manifest, never a listing of part objects.
 */
import { createHash } from 'node:crypto';
import { frame, unframe, CorruptCheckpointError } from '../checkpoint/codec.js';
import { getJson, putJson } from '../checkpoint/checked.js';
import type { CheckpointStore } from '../checkpoint/store.js';
import { UserError } from '../errors.js';

export interface DatasetManifest {
  version: 1;
  /** Where the parts are: `<run id>/ds-<id>`. */
  where: string;
  datasetId: number;
  name: string | null;
  fingerprint: string;
  parts: number;
  bytes: number;
  rows: number;
}

interface NamePointer {
  manifest: string;
}

export function checkpointDir(runId: string, datasetId: number): string {
  return `${runId}/ds-${datasetId}`;
}

export function partKey(where: string, partition: number): string {
  return `${where}/part-${String(partition).padStart(5, '0')}`;
}

export function manifestKey(where: string): string {
  return `${where}/manifest`;
}

/**
 * Identity of a named dataset across runs: its name, the job it belongs to (scenario, seed, size,
 * params) and its partition count. A name promises the same content in every run of that job.
 */
export function fingerprint(name: string, jobKey: string, numPartitions: number): string {
  return createHash('sha256').update(JSON.stringify([name, jobKey, numPartitions])).digest('hex').slice(0, 16);
}

function nameKey(name: string, fp: string): string {
  return `names/${name}/${fp}`;
}

/** A part framed and bound to its key (codec.ts): a valid part of another dataset or run found under this key is detected. */
export function encodePart(rows: readonly unknown[], key?: string): Uint8Array {
  return frame(Buffer.from(JSON.stringify(rows)), key);
}

/** Missing part: the checkpoint claims it exists, so this is damage, never "empty". */
export class MissingCheckpointPartError extends UserError {
  constructor(readonly file: string) {
    super(`checkpoint part ${file} is missing although its manifest lists it; the checkpoint directory was damaged. Delete it to recompute from the source.`);
    this.name = 'MissingCheckpointPartError';
  }
}

/** Decode one stored part; throws CorruptCheckpointError naming `file` when torn or damaged. */
export function decodePart(bytes: Uint8Array, file: string, key?: string): unknown[] {
  const payload = unframe(bytes, file, key);
  let rows: unknown;
  try {
    rows = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new CorruptCheckpointError(file, `payload is not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(rows)) throw new CorruptCheckpointError(file, 'payload is not an array of rows');
  return rows;
}

export async function readPart(store: CheckpointStore, key: string): Promise<unknown[]> {
  const file = describeFile(store, key);
  const bytes = await store.get(key);
  if (bytes === undefined) throw new MissingCheckpointPartError(file);
  return decodePart(bytes, file, key);
}

/** A path a person can open: the store's location joined with the key. */
export function describeFile(store: CheckpointStore, key: string): string {
  return `${store.location.replace(/\/+$/, '')}/${key}`;
}

export async function writeManifest(store: CheckpointStore, manifest: DatasetManifest): Promise<void> {
  await putJson(store, manifestKey(manifest.where), manifest, 'manifest');
  if (manifest.name !== null) {
    const pointer: NamePointer = { manifest: manifestKey(manifest.where) };
    await putJson(store, nameKey(manifest.name, manifest.fingerprint), pointer, 'manifest');
  }
}

export type ReuseLookup =
  | { found: true; manifest: DatasetManifest }
  | { found: false; reason: string | undefined };

/**
 * Find a complete checkpoint of the named dataset from an earlier run: its manifest must exist and
 * every part must be present with a valid checksum. Anything less is reported and not reused.
 */
export async function findNamedCheckpoint(store: CheckpointStore, name: string, fp: string, numPartitions: number): Promise<ReuseLookup> {
  let pointer: NamePointer | undefined;
  let manifest: DatasetManifest | undefined;
  try {
    pointer = await getJson<NamePointer>(store, nameKey(name, fp));
    if (pointer === undefined) return { found: false, reason: undefined };
    manifest = await getJson<DatasetManifest>(store, pointer.manifest);
  } catch (err) {
    return { found: false, reason: (err as Error).message };
  }
  if (manifest === undefined) return { found: false, reason: `manifest ${describeFile(store, pointer.manifest)} is missing` };
  if (manifest.fingerprint !== fp || manifest.parts !== numPartitions) {
    return { found: false, reason: `manifest ${describeFile(store, pointer.manifest)} belongs to another job or partitioning` };
  }
  for (let p = 0; p < manifest.parts; p++) {
    try {
      await readPart(store, partKey(manifest.where, p));
    } catch (err) {
      return { found: false, reason: (err as Error).message };
    }
  }
  return { found: true, manifest };
}
