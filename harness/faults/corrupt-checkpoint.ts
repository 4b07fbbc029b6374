/**
 * The corrupt-checkpoint fault: bit rot at rest. While the engine is down the nemesis flips bytes
 * in committed state files — one file of the newest state version, or every state file — as a disk
 * that returns garbage would. The engine's checksums must catch it: recovery falls back to an
 * older complete version and replays the WAL, or stops with a clear "cannot recover" error (exit 2).
 * It must never read the damaged bytes as state.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseStateKey } from '../../engine/index.js';

export type CorruptScope = 'newest-state' | 'every-state' | 'stale-state';

/** Which of `keys` (a checkpoint's keys) the fault damages. */
export function keysToCorrupt(keys: readonly string[], scope: CorruptScope): string[] {
  if (scope === 'stale-state') return staleCopies(keys).map((c) => c.target);
  const state = keys.flatMap((key) => {
    const parsed = parseStateKey(key);
    return parsed ? [{ key, ...parsed }] : [];
  });
  if (scope === 'every-state') return state.map((s) => s.key);
  const newest = Math.max(...state.map((s) => s.version));
  const file = state.filter((s) => s.version === newest).sort((a, b) => a.key.localeCompare(b.key))[0];
  return file ? [file.key] : [];
}

/**
 * stale-state: the newest state file and the older file of the same operator, partition and
 * format whose complete bytes replace it — what a stale file of an earlier attempt looks like:
 * valid framing, valid checksum, the wrong content for this key.
 */
export function staleCopies(keys: readonly string[]): Array<{ target: string; source: string }> {
  const state = keys.flatMap((key) => {
    const parsed = parseStateKey(key);
    return parsed ? [{ key, ...parsed }] : [];
  });
  const [target] = keysToCorrupt(keys, 'newest-state');
  const t = state.find((s) => s.key === target);
  if (!t) return [];
  const older = state
    .filter((s) => s.operator === t.operator && s.partition === t.partition && s.format === t.format && s.version < t.version)
    .sort((a, b) => b.version - a.version)[0];
  const other = older ?? state.find((s) => s.key !== t.key && s.format === t.format);
  return other ? [{ target: t.key, source: other.key }] : [];
}

/** The damaged bytes for every key the fault touches, given a reader of the current bytes. */
export function damage(keys: readonly string[], scope: CorruptScope, read: (key: string) => Uint8Array): Array<{ key: string; bytes: Uint8Array }> {
  if (scope === 'stale-state') return staleCopies(keys).map((c) => ({ key: c.target, bytes: read(c.source) }));
  return keysToCorrupt(keys, scope).map((key) => ({ key, bytes: rot(read(key)) }));
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
  const doomed = damage(keys, scope, (key) => fs.readFileSync(path.join(dir, key)));
  for (const { key, bytes } of doomed) fs.writeFileSync(path.join(dir, key), bytes);
  return doomed.map((d) => d.key);
}
