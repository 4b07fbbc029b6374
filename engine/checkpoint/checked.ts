/** Typed, checksummed JSON objects on any CheckpointStore. */
import { decodeJson, encodeJson } from './codec.js';
import type { CheckpointStore, FileKind } from './store.js';

export async function putJson(store: CheckpointStore, key: string, value: unknown, kind: FileKind): Promise<number> {
  // Bound to its key: a valid file of another key found here is detected (codec.ts).
  const bytes = encodeJson(value, key);
  await store.put(key, bytes, { kind });
  return bytes.length;
}

/** The decoded object, undefined when absent; throws CorruptCheckpointError when torn or damaged. */
export async function getJson<T>(store: CheckpointStore, key: string): Promise<T | undefined> {
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : decodeJson<T>(bytes, key, key);
}
