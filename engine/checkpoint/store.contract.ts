/**
 * The one contract every CheckpointStore backend must keep, as a vitest suite:
 * `describeStoreContract(name, factory)` is called by each backend's test file (fs, memory, s3 on
 * s3rver, s3 on MinIO). Crashes are simulated at the store's failpoints (SimulatedCrash), then a
 * fresh store on the same location plays the restarted process.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedCrash } from '../errors.js';
import { Failpoints, parseFailpoints, simulatedCrash } from '../failpoints.js';
import { CorruptCheckpointError } from './codec.js';
import { getJson, putJson } from './checked.js';
import type { CheckpointStore } from './store.js';

export interface StoreUnderTest {
  /** A store on this test's location; each call plays a new process incarnation with these failpoints. */
  open(failpoints: Failpoints): Promise<CheckpointStore>;
  /** Remove the location and release what open() created. */
  cleanup(): Promise<void>;
}

/** A backend that cannot run here says why instead of pretending to pass. */
export type StoreFactory = (() => Promise<StoreUnderTest>) | { skip: string };

const armed = (spec: string) => new Failpoints(parseFailpoints(spec), simulatedCrash);
/** Armed with a failpoint that is never reached, so the store counts every failpoint it passes. */
const counting = () => armed('never.reached:crash');

export function describeStoreContract(name: string, factory: StoreFactory): void {
  if ('skip' in factory) {
    // The default reporter does not print skipped tests' names off a TTY: say why in the log too.
    console.warn(`SKIPPED CheckpointStore contract: ${name} — ${factory.skip}`);
    describe.skip(`CheckpointStore contract: ${name} — skipped: ${factory.skip}`, () => {
      it('round trip, overwrite, list, delete, torn write, crash before publish, large object', () => {});
    });
    return;
  }

  describe(`CheckpointStore contract: ${name}`, () => {
    let sut: StoreUnderTest;
    const opened: CheckpointStore[] = [];
    const open = async (fp: Failpoints = Failpoints.disarmed()) => {
      const s = await sut.open(fp);
      opened.push(s);
      return s;
    };

    beforeEach(async () => {
      sut = await factory();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      await sut.cleanup();
    });

    it('returns exactly the bytes that were put, and undefined for a key never put', async () => {
      const store = await open();
      const data = Buffer.from('ccv1 payload \u00e9\n\u0000 with every byte kind');
      await store.put('offsets/0', data, { kind: 'offsets' });
      expect(Buffer.from((await store.get('offsets/0'))!)).toEqual(data);
      expect(await store.get('offsets/1')).toBeUndefined();
      expect(await store.get('commits/0')).toBeUndefined();
    });

    it('keeps nested keys apart, also keys that share a dotted stem', async () => {
      const store = await open();
      await putJson(store, 'state/0/3/40.delta', { v: 'delta' }, 'state');
      await putJson(store, 'state/0/3/40.snapshot', { v: 'snapshot' }, 'snapshot');
      await putJson(store, 'state/0/3/4', { v: 'four' }, 'state');
      expect(await getJson(store, 'state/0/3/40.delta')).toEqual({ v: 'delta' });
      expect(await getJson(store, 'state/0/3/40.snapshot')).toEqual({ v: 'snapshot' });
      expect(await getJson(store, 'state/0/3/4')).toEqual({ v: 'four' });
      await store.delete(['state/0/3/40.delta']);
      expect(await getJson(store, 'state/0/3/40.snapshot')).toEqual({ v: 'snapshot' });
      expect(await store.list('state/')).toEqual(['state/0/3/4', 'state/0/3/40.snapshot']);
    });

    it('an overwrite replaces the object; the key is listed once', async () => {
      const store = await open();
      await putJson(store, 'metadata', { v: 1 }, 'state');
      await putJson(store, 'metadata', { v: 2 }, 'state');
      expect(await getJson(store, 'metadata')).toEqual({ v: 2 });
      expect(await store.list('meta')).toEqual(['metadata']);
      const again = await open();
      expect(await getJson(again, 'metadata')).toEqual({ v: 2 });
    });

    it('lists keys by prefix, sorted, and nothing else', async () => {
      const store = await open();
      for (const key of ['offsets/10', 'offsets/2', 'offsets/1', 'commits/1', 'state/0/0/1.delta']) {
        await putJson(store, key, { key }, 'offsets');
      }
      expect(await store.list('offsets/')).toEqual(['offsets/1', 'offsets/10', 'offsets/2']);
      expect(await store.list('offsets/1')).toEqual(['offsets/1', 'offsets/10']);
      expect(await store.list('commits/')).toEqual(['commits/1']);
      expect(await store.list('nothing/')).toEqual([]);
      expect(await store.list('')).toEqual(['commits/1', 'offsets/1', 'offsets/10', 'offsets/2', 'state/0/0/1.delta']);
    });

    it('deletes the given keys and ignores absent ones', async () => {
      const store = await open();
      await putJson(store, 'commits/1', { b: 1 }, 'commits');
      await putJson(store, 'commits/2', { b: 2 }, 'commits');
      await store.delete(['commits/1', 'commits/7']);
      expect(await store.get('commits/1')).toBeUndefined();
      expect(await store.list('commits/')).toEqual(['commits/2']);
      await store.delete([]);
      expect(await getJson(store, 'commits/2')).toEqual({ b: 2 });
    });

    it('passes <kind>.write, <kind>.before-rename and <kind>.written once per put, in that order', async () => {
      const fp = counting();
      const order: string[] = [];
      const store = await open(fp);
      const hit = fp.hit.bind(fp);
      fp.hit = async (n: string) => {
        order.push(n);
        return hit(n);
      };
      await putJson(store, 'offsets/3', { b: 3 }, 'offsets');
      expect(order).toEqual(['offsets.write', 'offsets.before-rename', 'offsets.written']);
    });

    it('a torn write at <kind>.write crashes and is detected by the codec on the next get, never read as valid', async () => {
      const store = await open(armed('offsets.write:tear'));
      await expect(putJson(store, 'offsets/5', { batch: 5, ranges: [[0, 100]] }, 'offsets')).rejects.toBeInstanceOf(SimulatedCrash);
      const restarted = await open();
      await expect(getJson(restarted, 'offsets/5')).rejects.toBeInstanceOf(CorruptCheckpointError);
      // the torn file can be replaced by a complete one
      await putJson(restarted, 'offsets/5', { batch: 5, ranges: [[0, 100]] }, 'offsets');
      expect(await getJson(restarted, 'offsets/5')).toEqual({ batch: 5, ranges: [[0, 100]] });
    });

    it('a crash before publish leaves no visible object, and an older version intact', async () => {
      const first = await open(armed('commits.before-rename:crash'));
      await expect(putJson(first, 'commits/4', { b: 4 }, 'commits')).rejects.toBeInstanceOf(SimulatedCrash);
      const second = await open(armed('state.before-rename:2:crash'));
      expect(await second.get('commits/4')).toBeUndefined();
      expect(await second.list('')).toEqual([]);
      await putJson(second, 'state/0/0/1.snapshot', { v: 'old' }, 'state');
      await expect(putJson(second, 'state/0/0/1.snapshot', { v: 'new' }, 'state')).rejects.toBeInstanceOf(SimulatedCrash);
      const third = await open();
      expect(await getJson(third, 'state/0/0/1.snapshot')).toEqual({ v: 'old' });
      expect(await third.list('')).toEqual(['state/0/0/1.snapshot']);
    });

    it('a crash at <kind>.written keeps the object: it was durable when put returned', async () => {
      const store = await open(armed('commits.written:crash'));
      await expect(putJson(store, 'commits/9', { b: 9 }, 'commits')).rejects.toBeInstanceOf(SimulatedCrash);
      expect(await getJson(await open(), 'commits/9')).toEqual({ b: 9 });
    });

    it('round-trips a large-ish object (3 MiB) intact', async () => {
      const store = await open();
      const data = randomBytes(3 * 1024 * 1024);
      await store.put('state/1/2/3.snapshot', data, { kind: 'snapshot' });
      const back = await (await open()).get('state/1/2/3.snapshot');
      expect(back?.length).toBe(data.length);
      expect(Buffer.from(back!).equals(data)).toBe(true);
    });

    it('destroy removes everything under the root', async () => {
      const store = await open();
      await putJson(store, 'metadata', { id: 'q' }, 'metadata');
      await putJson(store, 'offsets/0', { b: 0 }, 'offsets');
      await store.destroy();
      expect(await (await open()).list('')).toEqual([]);
    });
  });
}
