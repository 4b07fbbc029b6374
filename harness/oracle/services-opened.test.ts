/**
 * The check that makes "chaos run --source kafka tested the local log" impossible to repeat: what
 * each incarnation reports in `services.opened` against what its trial asked for.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../engine/events.js';
import type { History, Incarnation } from '../history.js';
import { checkServicesOpened } from './services-opened.js';

const opened = (source: string, sink: string, store: 'fs' | 's3' = 'fs'): EngineEvent =>
  ({ type: 'services.opened', t: 1, store, location: '/x', source, sink, sinkGuarantee: 'exactly-once' }) as EngineEvent;

function history(config: Partial<History['config']>, incarnations: EngineEvent[][]): History {
  return {
    trialId: 't-1',
    ok: true,
    kind: 'streaming',
    config: { partitions: 2, checkpointInterval: 1, executors: 0, maxBatchRecords: 10, store: 'fs', source: 'log', sink: 'files', ...config },
    incarnations: incarnations.map((events, index) => ({ index, events }) as unknown as Incarnation),
  } as unknown as History;
}

describe('services actually opened vs asked', () => {
  it('the old bug: --source kafka asked, the engine opened the local log → a mismatch naming both', () => {
    const r = checkServicesOpened(history({ source: 'kafka', sink: 'kafka' }, [[opened('log', 'kafka')]]));
    expect(r.mismatches).toEqual(['incarnation 0 opened source log, the trial asked for kafka']);
  });

  it('a Kafka source is recognised by its description (kafka:<topic>:<partitions>); matching trials have no mismatch', () => {
    const r = checkServicesOpened(history({ source: 'kafka', sink: 'kafka' }, [[opened('kafka:chaos-in-ab:2', 'kafka')], []]));
    expect(r.mismatches).toEqual([]);
    expect(r.incarnations).toEqual([{ store: 'fs', source: 'kafka', sink: 'kafka', sinkGuarantee: 'exactly-once' }, null]);
  });

  it('a trial that asked for a service but no incarnation said what it opened is a mismatch too', () => {
    const r = checkServicesOpened(history({ store: 's3' }, [[], []]));
    expect(r.mismatches[0]).toMatch(/^no incarnation reported which services it opened/);
  });

  it('store and sink are checked as well', () => {
    const r = checkServicesOpened(history({ store: 's3', sink: 's3' }, [[opened('log', 'files', 'fs')]]));
    expect(r.mismatches).toEqual(['incarnation 0 opened store fs, the trial asked for s3', 'incarnation 0 opened sink files, the trial asked for s3']);
  });
});
