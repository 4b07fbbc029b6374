/**
 * Known-bad engine variants ("mutants") the harness must catch. Each is small and isolated: it
 * takes the correct engine parts and returns them with one thing broken, so the correct path has
 * no bug switches in its hot loop and a reader sees at once what a mutant breaks.
 *
 * Seams a mutant can replace:
 * - `protocol` (engine/streaming/protocol.ts StreamingProtocol): every step of the checkpoint
 *   protocol — readMetadata/writeMetadata (fingerprint), readLog, recoverRange (WAL on restart),
 *   discardUncommittedState (a dead attempt's state versions), loadState (which state version), planBatch, writeOffsets, runBatch (operators, watermark),
 *   commitState, addToSink (sink idempotence), writeCommit (ordering vs sink), cleanup (retention).
 *   Wrap a step: `{ ...base.protocol, writeCommit: async (ctx, c) => ... }`; ctx exposes the stores,
 *   source, sink, states, events and failpoints.
 * - `io` (engine/io/fs-io.ts FsIo): the filesystem calls under fs checkpoint and output stores in
 *   process mode (`chaos engine run`): fsync, rename and atomicity bugs (e.g. a no-op fsyncFile,
 *   caught with --lazy-fs).
 * Selected with `--mutant NAME` / env `CHAOS_MUTANT` / StreamingRunOptions.mutant.
 */
import { UserError } from '../engine/errors.js';
import { realFsIo, type FsIo } from '../engine/io/fs-io.js';
import { correctProtocol, type StreamingProtocol } from '../engine/streaming/protocol.js';
import { commitBeforeSink } from './commit-before-sink.js';
import { sinkNotIdempotent } from './sink-not-idempotent.js';
import { replanOnRestart } from './replan-on-restart.js';
import { sinkWrittenInPlace } from './sink-written-in-place.js';
import { publishErrorIgnored } from './publish-error-ignored.js';
import { stateFromNewestFile } from './state-from-newest-file.js';
import { retentionDeletesNeeded } from './retention-deletes-needed.js';
import { watermarkNotRestored } from './watermark-not-restored.js';
import { partitionsNotFingerprinted } from './partitions-not-fingerprinted.js';
import { sourcePositionOffByOne } from './source-position-off-by-one.js';
import { nonDeterministicOperator } from './non-deterministic-operator.js';
import { missingFsync } from './missing-fsync.js';
import { batchMutants, type BatchMutant } from './batch/index.js';
import { retentionIgnoresStateChain } from './retention-ignores-state-chain.js';
import { deltaChainDepthCapped } from './delta-chain-depth-capped.js';
import { emptyStateBeforeFirstCheckpoint } from './empty-state-before-first-checkpoint.js';
import { dedupStateNotRestored } from './dedup-state-not-restored.js';
import { sessionStateNotRestored } from './session-state-not-restored.js';
import { groupTimeoutNotRestored } from './group-timeout-not-restored.js';
import { sinkSkipsExistingPart } from './sink-skips-existing-part.js';
import { deadAttemptStateKept } from './dead-attempt-state-kept.js';

export interface EngineParts {
  protocol: StreamingProtocol;
  io: FsIo;
}

export interface Mutant {
  kind?: 'streaming';
  /** What is broken, one line. */
  description: string;
  /** The real bug class it reproduces (system and issue/class), one line. */
  realWorld: string;
  /** 'process': only observable with real processes (e.g. lost unsynced writes); sim cannot catch it. */
  needs?: 'process';
  /**
   * The operator the mutant breaks, as its description begins (e.g. 'dropDuplicates('): the hunt
   * attacks only jobs whose query uses it, since no other job can show the bug.
   */
  operator?: string;
  apply(base: EngineParts): EngineParts;
}

/** The registry: one entry per mutant, each in its own file; batch mutants (./batch/) break the batch engine's checkpoint instead. */
export const mutants: Record<string, Mutant | BatchMutant> = {
  ...batchMutants,
  'commit-before-sink': commitBeforeSink,
  'sink-not-idempotent': sinkNotIdempotent,
  'replan-on-restart': replanOnRestart,
  'sink-written-in-place': sinkWrittenInPlace,
  'publish-error-ignored': publishErrorIgnored,
  'state-from-newest-file': stateFromNewestFile,
  'retention-deletes-needed': retentionDeletesNeeded,
  'watermark-not-restored': watermarkNotRestored,
  'partitions-not-fingerprinted': partitionsNotFingerprinted,
  'source-position-off-by-one': sourcePositionOffByOne,
  'non-deterministic-operator': nonDeterministicOperator,
  'missing-fsync': missingFsync,
  // Reachable only under a non-default knob or after a long run (issue 15): caught because the generator draws them.
  'retention-ignores-state-chain': retentionIgnoresStateChain,
  'delta-chain-depth-capped': deltaChainDepthCapped,
  'empty-state-before-first-checkpoint': emptyStateBeforeFirstCheckpoint,
  // Operator state of the newer stateful operators lost at restore (issue 12): hunted only on jobs that use the operator.
  'dedup-state-not-restored': dedupStateNotRestored,
  'session-state-not-restored': sessionStateNotRestored,
  'group-timeout-not-restored': groupTimeoutNotRestored,
  // A dead attempt's complete files kept in place of the re-run's (issue 13): caught by the dead-attempt-files fault.
  'sink-skips-existing-part': sinkSkipsExistingPart,
  'dead-attempt-state-kept': deadAttemptStateKept,
};

export const correctParts: EngineParts = { protocol: correctProtocol, io: realFsIo };

/**
 * The engine parts for `name` (the correct ones when undefined); UserError for an unknown name.
 * `io` is the filesystem the parts run over (e.g. a lazy one): an io mutant wraps it, so an fsync
 * the mutant skips never reaches the lazy filesystem's journal.
 */
export function engineParts(name: string | undefined, io: FsIo = realFsIo): EngineParts {
  if (!name) return io === realFsIo ? correctParts : { protocol: correctProtocol, io };
  const m = mutants[name];
  if (!m) {
    const known = Object.keys(mutants);
    throw new UserError(`unknown mutant "${name}". Known mutants: ${known.length ? known.join(', ') : '(none registered)'}.`);
  }
  if (m.kind === 'batch') throw new UserError(`mutant "${name}" breaks the batch engine; run it with a batch scenario (pagerank, dictionary-join)`);
  return m.apply(io === realFsIo ? correctParts : { protocol: correctProtocol, io });
}
