import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsCheckpointStore } from './fs-store.js';
import { Failpoints, parseFailpoints, simulatedCrash } from '../failpoints.js';
import { getJson, putJson } from './checked.js';
import { CorruptCheckpointError } from './codec.js';
import { FencedWriteError } from './fenced-write.js';
import { dropUnsyncedWrites, lazyFsIo } from '../io/lazy-fs.js';
import type { FsIo } from '../io/fs-io.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-fsstore-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const armed = (spec: string) => new Failpoints(parseFailpoints(spec), simulatedCrash);

describe('fs checkpoint store', () => {
  it('publishes whole objects and lists them without temp files', async () => {
    const store = new FsCheckpointStore(tempDir(), { failpoints: Failpoints.disarmed() });
    await putJson(store, 'offsets/0', { a: 1 }, 'offsets');
    await putJson(store, 'offsets/1', { a: 2 }, 'offsets');
    await putJson(store, 'state/0/0/1.delta', { k: 1 }, 'state');
    fs.writeFileSync(path.join(store.location, 'offsets', '.2.123-abcd.tmp'), 'junk');
    expect(await store.list('offsets/')).toEqual(['offsets/0', 'offsets/1']);
    expect(await getJson(store, 'offsets/1')).toEqual({ a: 2 });
    expect(await getJson(store, 'offsets/9')).toBeUndefined();
    await store.delete(['offsets/0', 'offsets/404']);
    expect(await store.list('')).toEqual(['offsets/1', 'state/0/0/1.delta']);
  });

  it('a crash before the rename leaves the previous object intact', async () => {
    const root = tempDir();
    await putJson(new FsCheckpointStore(root, { failpoints: Failpoints.disarmed() }), 'commits/4', { v: 'old' }, 'commits');
    const store = new FsCheckpointStore(root, { failpoints: armed('commits.before-rename:crash') });
    await expect(putJson(store, 'commits/4', { v: 'new' }, 'commits')).rejects.toThrow(/simulated crash/);
    expect(await getJson(store, 'commits/4')).toEqual({ v: 'old' });
  });

  it('a torn write is detected on read, naming the file', async () => {
    const store = new FsCheckpointStore(tempDir(), { failpoints: armed('state.write:tear') });
    await expect(putJson(store, 'state/0/1/7.delta', { big: 'x'.repeat(100) }, 'state')).rejects.toThrow();
    await expect(getJson(store, 'state/0/1/7.delta')).rejects.toThrow(CorruptCheckpointError);
    await expect(getJson(store, 'state/0/1/7.delta')).rejects.toThrow(/state\/0\/1\/7\.delta/);
  });
});

describe('lazy filesystem (lost unsynced writes)', () => {
  it('keeps everything the correct write path synced', async () => {
    const root = tempDir();
    const store = new FsCheckpointStore(root, { failpoints: Failpoints.disarmed(), io: lazyFsIo(root) });
    await putJson(store, 'commits/0', { ok: true }, 'commits');
    expect(dropUnsyncedWrites(root)).toBe(0);
    expect(await getJson(store, 'commits/0')).toEqual({ ok: true });
  });

  it('loses the data of a file that was renamed without fsync', async () => {
    const root = tempDir();
    // a mutant FsIo sits above the lazy filesystem, as a buggy engine sits above a real disk
    const noFsync: FsIo = { ...lazyFsIo(root), fsyncFile() {} };
    const store = new FsCheckpointStore(root, { failpoints: Failpoints.disarmed(), io: noFsync });
    await putJson(store, 'commits/0', { ok: true }, 'commits');
    expect(dropUnsyncedWrites(root)).toBeGreaterThan(0);
    await expect(getJson(store, 'commits/0')).rejects.toThrow(CorruptCheckpointError);
  });

  it('undoes a rename whose directory was not fsynced', async () => {
    const root = tempDir();
    const noDirSync: FsIo = { ...lazyFsIo(root), fsyncDir() {} };
    const store = new FsCheckpointStore(root, { failpoints: Failpoints.disarmed(), io: noDirSync });
    await putJson(store, 'offsets/0', { r: 1 }, 'offsets');
    dropUnsyncedWrites(root);
    expect(await store.get('offsets/0')).toBeUndefined();
    expect(await store.list('')).toEqual([]);
  });
});

describe('fs checkpoint store: write-once files fence a second writer', () => {
  const fresh = () => new Failpoints([], simulatedCrash);

  it('a second writer of offsets/N with other content is fenced; the first writer’s file stays', async () => {
    const dir = tempDir();
    const first = new FsCheckpointStore(dir, { failpoints: fresh() });
    const zombie = new FsCheckpointStore(dir, { failpoints: fresh() });
    await putJson(first, 'offsets/3', { end: [10, 10] }, 'offsets');
    const err = await putJson(zombie, 'offsets/3', { end: [30, 30] }, 'offsets').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FencedWriteError);
    expect((err as Error).message).toMatch(/^fenced: another writer already published checkpoint file offsets\/3 at .* this writer is stale/);
    expect(await getJson(first, 'offsets/3')).toEqual({ end: [10, 10] });
    expect(fs.readdirSync(path.join(dir, 'offsets'))).toEqual(['3']); // no temp file left behind
  });

  it('the same content again (a replayed write) and a torn earlier file are not conflicts', async () => {
    const dir = tempDir();
    const a = new FsCheckpointStore(dir, { failpoints: fresh() });
    const b = new FsCheckpointStore(dir, { failpoints: fresh() });
    await putJson(a, 'commits/1', { b: 1 }, 'commits');
    await putJson(b, 'commits/1', { b: 1 }, 'commits');
    fs.writeFileSync(path.join(dir, 'commits', '2'), 'ccv1 0000 99\n{"b"'); // torn by a crash
    await putJson(b, 'commits/2', { b: 2 }, 'commits');
    expect(await getJson(a, 'commits/2')).toEqual({ b: 2 });
  });

  it('other kinds (state, sink parts) are still replaced by the last writer', async () => {
    const dir = tempDir();
    const a = new FsCheckpointStore(dir, { failpoints: fresh() });
    await putJson(a, 'state/0/0/1.delta', { v: 1 }, 'state');
    await putJson(a, 'state/0/0/1.delta', { v: 2 }, 'state');
    expect(await getJson(a, 'state/0/0/1.delta')).toEqual({ v: 2 });
  });

  it('over the lazy filesystem: fenced the same way, and a published write-once file is journaled like a rename', async () => {
    const dir = tempDir();
    const a = new FsCheckpointStore(dir, { failpoints: fresh(), io: lazyFsIo(dir) });
    await putJson(a, 'offsets/0', { end: [1] }, 'offsets');
    await expect(putJson(new FsCheckpointStore(dir, { failpoints: fresh(), io: lazyFsIo(dir) }), 'offsets/0', { end: [2] }, 'offsets')).rejects.toBeInstanceOf(FencedWriteError);
    expect(dropUnsyncedWrites(dir)).toBe(0); // the correct path fsynced file and directory
    expect(await getJson(a, 'offsets/0')).toEqual({ end: [1] });
  });
});
