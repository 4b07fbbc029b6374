/** Report inputs with known content, for the report builders' tests (no engine needed). */
import type { History, RunSummary } from '../../harness/history.js';
import type { EngineEvent } from '../../engine/index.js';

export { tuneFixture } from '../../harness/tune/test-support/tune-fixture.js';


const T0 = 1_764_032_400_000;

function ev(e: Record<string, unknown> & { type: string }, t: number): EngineEvent {
  return { ...e, t: T0 + t } as unknown as EngineEvent;
}

/** A trial killed at a failpoint, restarted, and found to have lost a row: the story a report must tell. */
export function failingHistory(): History {
  return {
    version: 1,
    trialId: 'wordcount-7',
    mode: 'process',
    scenario: 'wordcount',
    kind: 'streaming',
    seed: 7,
    input: { size: 500 },
    config: { partitions: 2, checkpointInterval: 5, executors: 0, maxBatchRecords: 50, store: 'fs', source: 'log', sink: 'files', mutant: 'commit-before-sink' },
    schedule: { faults: [{ kind: 'kill-failpoint', failpoint: 'sink.begin', occurrence: 3 }], lostWrites: false },
    guarantee: 'exactly-once',
    startedAt: T0,
    elapsedMs: 900,
    incarnations: [
      {
        index: 0,
        pid: 4242,
        startedAt: T0,
        endedAt: T0 + 310,
        exit: { code: null, signal: 'SIGKILL' },
        fault: { kind: 'kill-failpoint', failpoint: 'sink.begin', occurrence: 3 },
        faultsHit: [{ kind: 'kill-failpoint', where: 'sink.begin:3', at: T0 + 305 }],
        events: [
          ev({ type: 'engine.started', pid: 4242, scenario: 'wordcount', kind: 'streaming', resumed: false }, 60),
          ev({ type: 'batch.committed', batchId: 0, inputRecords: 50, outputRows: 12, ms: 40 }, 120),
          ev({ type: 'batch.committed', batchId: 1, inputRecords: 50, outputRows: 11, ms: 40 }, 200),
          ev({ type: 'failpoint.fired', name: 'sink.begin', occurrence: 3, action: 'crash' }, 305),
        ],
      },
      {
        index: 1,
        pid: 4250,
        startedAt: T0 + 330,
        endedAt: T0 + 900,
        exit: { code: 0, signal: null },
        faultsHit: [],
        events: [
          ev({ type: 'engine.started', pid: 4250, scenario: 'wordcount', kind: 'streaming', resumed: true }, 390),
          ev({ type: 'recovery.started', lastPlanned: 2, lastCommitted: 2, stateVersion: 0 }, 400),
          ev({ type: 'recovery.replayed', batches: 2, fromBatch: 1, toBatch: 2, ms: 60 }, 460),
          ev({ type: 'recovery.caught-up', batchId: 2, ms: 70 }, 470),
          ev({ type: 'batch.committed', batchId: 3, inputRecords: 50, outputRows: 12, ms: 40 }, 520),
          ev({ type: 'engine.finished', ms: 510 }, 890),
        ],
      },
    ],
    outputs: ['{"word":"a","count":3}', '{"word":"b","count":2}'],
    reference: ['{"word":"a","count":3}', '{"word":"b","count":2}', '{"word":"c","count":1}'],
    verdicts: [
      {
        checker: 'exactly-once',
        ok: false,
        message: 'output differs from the failure-free run: 1 lost (e.g. {"word":"c","count":1})',
        lost: ['{"word":"c","count":1}'],
        duplicated: [],
        unexpected: [],
        counts: { lost: 1, duplicated: 0, unexpected: 0, expected: 3, actual: 2 },
      },
    ],
    ok: false,
    kills: 1,
  };
}

export function runSummaryFixture(failing = true): RunSummary {
  const h = failingHistory();
  return {
    ok: !failing,
    mode: 'process',
    seed: 7,
    trials: 40,
    kills: 57,
    failures: failing
      ? [
          {
            trialId: h.trialId,
            scenario: h.scenario,
            mode: 'process',
            mutant: 'commit-before-sink',
            checkers: ['exactly-once'],
            message: h.verdicts[0]!.message,
            seed: 7,
            path: '3:1:0',
            replayFile: 'out/chaos/replays/wordcount-7.json',
            replayCommand: 'chaos replay out/chaos/replays/wordcount-7.json',
            history: h,
          },
        ]
      : [],
    scenarios: [
      { name: 'wordcount', kind: 'streaming', trials: 20, kills: 30, failures: failing ? 1 : 0 },
      { name: 'running-totals', kind: 'streaming', trials: 20, kills: 27, failures: 0 },
    ],
    faultKinds: [
      { kind: 'kill-random', armed: 14, struck: 12, strikes: 20, trials: 14, hits: 20 },
      { kind: 'kill-failpoint', armed: 13, struck: 13, strikes: 19, trials: 13, hits: 19 },
      { kind: 'torn-write', armed: 13, struck: 11, strikes: 18, trials: 13, hits: 18 },
    ],
    elapsedMs: 61_000,
    shrinkTrials: failing ? 12 : 0,
    nonDeterministic: [],
    outDir: 'out/chaos',
    startedAt: '2026-11-25T01:00:00.000Z',
  };
}
