/**
 * The corrupt-checkpoint fault: bit rot at rest. While the engine is down the nemesis flips bytes
 * in committed state files — one file of the newest state version, or every state file — as a disk
 * that returns garbage would. The engine's checksums must catch it: recovery falls back to an
 * older complete version and replays the WAL, or stops with a clear "cannot recover" error (exit 2).
 * It must never read the damaged bytes as state.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseStateKey } from '../../engine/streaming/state-store.js';

export type CorruptScope = 'newest-state' | 'every-state';

/** Which of `keys` (a checkpoint's keys) the fault damages. */
export function keysToCorrupt(keys: readonly string[], scope: CorruptScope): string[] {
  const state = keys.flatMap((key) => {
    const parsed = parseStateKey(key);
    return parsed ? [{ key, ...parsed }] : [];
  });
  if (scope === 'every-state') return state.map((s) => s.key);
  const newest = Math.max(...state.map((s) => s.version));
  const file = state.filter((s) => s.version === newest).sort((a, b) => a.key.localeCompare(b.key))[0];
  return file ? [file.key] : [];
}

/** The same bytes with one flipped in the middle: same length, wrong checksum. */
export function rot(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  if (out.length === 0) return new Uint8Array([0x21]);
  out[Math.floor(out.length / 2)]! ^= 0x5a;
  return out;
}

/** Damages `scope` in a checkpoint directory on the local filesystem (the fs store: key = relative path). */
export function corruptCheckpointDir(dir: string, scope: CorruptScope): string[] {
  const stateDir = path.join(dir, 'state');
  if (!fs.existsSync(stateDir)) return [];
  const keys = (fs.readdirSync(stateDir, { recursive: true }) as string[])
    .map((rel) => `state/${rel.split(path.sep).join('/')}`)
    .filter((key) => parseStateKey(key) !== undefined);
  const doomed = keysToCorrupt(keys, scope);
  for (const key of doomed) {
    const file = path.join(dir, key);
    fs.writeFileSync(file, rot(fs.readFileSync(file)));
  }
  return doomed;
}
