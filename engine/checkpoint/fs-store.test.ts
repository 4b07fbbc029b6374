import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsCheckpointStore } from './fs-store.js';
import { Failpoints, parseFailpoints, simulatedCrash } from '../failpoints.js';
import { getJson, putJson } from './checked.js';
import { CorruptCheckpointError } from './codec.js';
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
