/** The versioned state store: deltas against the previous durable version, snapshots, chains, fallback. */
import { describe, expect, it } from 'vitest';
import { Failpoints } from '../failpoints.js';
import { MemoryCheckpointStore } from '../checkpoint/memory-store.js';
import { CorruptCheckpointError } from '../checkpoint/codec.js';
import { listStateVersions, loadPartition, MissingStateError, OperatorState, stateKey, writeStateVersion } from './state-store.js';

const store = () => new MemoryCheckpointStore('memory://s', { failpoints: Failpoints.disarmed() });
const contents = (op: OperatorState) => Object.fromEntries([...op.keys()].sort().map((k) => [k, op.get(k)]));

describe('OperatorState persistence', () => {
  it('a delta holds only what changed since its base; loading follows the chain to the snapshot', async () => {
    const s = store();
    const op = new OperatorState('agg', 2, true);
    for (let i = 0; i < 20; i++) op.set(`k${i}`, i);
    await writeStateVersion(s, op, 2, 'snapshot');
    op.set('k1', 100);
    op.delete('k2');
    await writeStateVersion(s, op, 4, 'delta');
    op.set('k30', 30);
    await writeStateVersion(s, op, 6, 'delta');

    // deltas are small: only the changed keys
    let deltaKeys = 0;
    for (let p = 0; p < 2; p++) {
      const bytes = (await s.get(stateKey('agg', p, 4, 'delta')))!;
      const body = JSON.parse(Buffer.from(bytes).toString().split('\n')[1]!);
      expect(body.base).toBe(2);
      deltaKeys += body.set.length + body.del.length;
    }
    expect(deltaKeys).toBe(2);

    const again = new OperatorState('agg', 2, true);
    const parts = await Promise.all([0, 1].map((p) => loadPartition(s, 'agg', p, 6)));
    again.restore(parts.map((x) => x.map), 6, 2, 2);
    expect(contents(again)).toEqual(contents(op));
    expect(parts.every((x) => x.chainStart === 2 && x.deltas === 2)).toBe(true);
    expect(await listStateVersions(s)).toEqual([6, 4, 2]);

    // version 4 is still loadable on its own (without k30)
    const v4 = await loadPartition(s, 'agg', 0, 4);
    expect(v4.map.has('k30')).toBe(false);
  });

  it('a chain starting at version 0 needs no snapshot', async () => {
    const s = store();
    const op = new OperatorState('agg', 1, true);
    op.set('a', 1);
    await writeStateVersion(s, op, 1, 'delta');
    op.set('b', 2);
    await writeStateVersion(s, op, 2, 'delta');
    const loaded = await loadPartition(s, 'agg', 0, 2);
    expect([...loaded.map]).toEqual([['a', 1], ['b', 2]]);
    expect(loaded.chainStart).toBe(0);
  });

  it('a torn file in the chain is detected, never read as valid', async () => {
    const s = store();
    const op = new OperatorState('agg', 1, true);
    op.set('a', 1);
    await writeStateVersion(s, op, 1, 'snapshot');
    op.set('a', 2);
    await writeStateVersion(s, op, 2, 'delta');
    const key = stateKey('agg', 0, 2, 'delta');
    const bytes = s.objects.get(key)!;
    s.objects.set(key, bytes.slice(0, bytes.length - 3));
    await expect(loadPartition(s, 'agg', 0, 2)).rejects.toThrow(CorruptCheckpointError);
    await expect(loadPartition(s, 'agg', 0, 2)).rejects.toThrow(/state\/agg\/0\/2\.delta/);
    expect((await loadPartition(s, 'agg', 0, 1)).map.get('a')).toBe(1);
  });

  it('a corrupt snapshot falls back to a delta of the same version when there is one', async () => {
    const s = store();
    const op = new OperatorState('agg', 1, true);
    op.set('a', 1);
    await writeStateVersion(s, op, 1, 'delta');
    const delta = s.objects.get(stateKey('agg', 0, 1, 'delta'))!;
    await writeStateVersion(s, op, 1, 'snapshot');
    s.objects.set(stateKey('agg', 0, 1, 'delta'), delta);
    s.objects.set(stateKey('agg', 0, 1, 'snapshot'), new Uint8Array([1, 2, 3]));
    expect((await loadPartition(s, 'agg', 0, 1)).map.get('a')).toBe(1);
  });

  it('a missing link is reported as missing', async () => {
    const s = store();
    const op = new OperatorState('agg', 1, true);
    op.set('a', 1);
    await writeStateVersion(s, op, 3, 'delta');
    s.objects.clear();
    await expect(loadPartition(s, 'agg', 0, 3)).rejects.toThrow(MissingStateError);
  });

  it('without change tracking (checkpointing off) nothing is remembered', () => {
    const op = new OperatorState('agg', 4, false);
    op.set('a', 1);
    expect(op.changedKeys()).toBe(0);
    expect(op.size).toBe(1);
  });
});

describe('OperatorState change tracking', () => {
  it('counts each changed key once and puts it in set or del by its final value', async () => {
    const s = store();
    const op = new OperatorState('agg', 1, true);
    for (const k of ['a', 'b', 'c', 'd']) op.set(k, 1);
    await writeStateVersion(s, op, 1, 'snapshot');
    expect(op.changedKeys()).toBe(0);
    op.set('a', 2);
    op.set('a', 3); // same key twice
    op.delete('b');
    op.set('b', 9); // deleted, then set again: a set
    op.set('c', 5);
    op.delete('c'); // set, then deleted: a delete
    op.delete('zz'); // absent: no change
    op.set('e', 7); // new key
    expect(op.changedKeys()).toBe(4);
    await writeStateVersion(s, op, 2, 'delta');
    const body = JSON.parse(Buffer.from((await s.get(stateKey('agg', 0, 2, 'delta')))!).toString().split('\n')[1]!);
    expect(Object.fromEntries(body.set)).toEqual({ a: 3, b: 9, e: 7 });
    expect(body.del).toEqual(['c']);
    expect(op.changedKeys()).toBe(0);
    const loaded = await loadPartition(s, 'agg', 0, 2);
    expect(Object.fromEntries(loaded.map)).toEqual({ a: 3, b: 9, d: 1, e: 7 });
  });
});
