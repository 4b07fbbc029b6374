/**
 * The micro-batch loop (Spark's MicroBatchExecution): getOrCreate the checkpoint, recover, then
 * plan -> write offsets -> run -> commit state -> sink -> commit -> retention, until the bounded
 * input is done. Every protocol step goes through `protocol`, so a mutant swaps exactly one.
 *
 * Events, in order (engine/events.ts has the types):
 *   engine.started (resumed = a valid metadata file existed)
 *   on restart: recovery.fallback* (each unreadable file skipped, with the reason), recovery.discarded (state
 *     versions after the last commit, a dead attempt's, removed before the re-run writes them), recovery.started
 *     { lastPlanned, lastCommitted, stateVersion; -1 = the query had already finished; attempt: recoveries
     in a row, counted in <checkpoint>/recovery-attempts until one catches up },
 *     batch.planned { replay: true } per committed batch re-run to rebuild state (no batch.committed:
 *     its output is already committed), recovery.replayed { batches, fromBatch, toBatch }, then each
 *     planned-but-uncommitted batch re-run like a new one (batch.planned replay: true ... batch.committed),
 *     recovery.caught-up
 *   per batch: batch.planned, late.dropped (also when re-run: same batchId, same count),
 *     state.checkpointed per stateful operator every K batches { format, bytes, keys, changedKeys },
 *     batch.committed, retention.cleaned (when files were deleted)
 *   engine.finished
 *   coverage.hit { point } the first time this incarnation takes a named path (engine/coverage.ts; armed runs only)
 */
import { UserError } from '../errors.js';
import { FencedWriteError } from '../checkpoint/fenced-write.js';
import { isOutputKey } from '../sinks/read-output.js';
import { recordsIn, type OffsetsFile } from './checkpoint-files.js';
import { reach, type ExecutionContext } from './context.js';
import type { StreamingProtocol } from './protocol.js';
import { beginRecoveryAttempt, endRecoveryAttempt } from './recovery-attempts.js';

export interface ExecutionResult {
  /** Batches committed by this incarnation (re-runs of uncommitted batches included). */
  batches: number;
  lastBatchId: number;
}

interface Position {
  /** Next batch id to plan. */
  nextBatchId: number;
  previousEnd: number[];
  watermarkMs: number;
  done: boolean;
}

export async function execute(ctx: ExecutionContext, protocol: StreamingProtocol): Promise<ExecutionResult> {
  const started = performance.now();
  if (ctx.opts.checkpointInterval <= 0) return executeUncheckpointed(ctx, protocol, started);

  const meta = await protocol.readMetadata(ctx);
  const resumed = meta !== undefined;
  ctx.events.emit({ type: 'engine.started', pid: process.pid, scenario: ctx.opts.scenario, kind: 'streaming', resumed, ...(ctx.opts.mutant ? { mutant: ctx.opts.mutant } : {}) });
  if (!resumed) {
    if ((await ctx.output.list('')).some(isOutputKey)) {
      // The checkpoint was new when this engine looked, and now has output: another engine created
      // it meanwhile (this one was paused — a zombie — or started beside it). That engine owns it.
      if ((await protocol.readMetadata(ctx)) !== undefined) {
        throw new FencedWriteError(
          'metadata',
          ctx.checkpoint.location,
          `fenced: checkpoint ${ctx.checkpoint.location} was created, and output committed, by another writer after this one found it new; ` +
            'this writer is stale (a zombie of an earlier attempt, or a second engine on the same checkpoint) and stops. Run one query per checkpoint location at a time.',
        );
      }
      throw new UserError(
        `output ${ctx.output.location} already holds committed output, but checkpoint ${ctx.checkpoint.location} is new: ` +
          'the new run would mix its rows with an earlier run. Use an empty --output directory, or the --checkpoint directory of that run.',
      );
    }
    await protocol.writeMetadata(ctx);
  }
  await reach(ctx, 'metadata.checked');

  let committedHere = 0;
  let lastBatchId = -1;
  const runAndCommit = async (plan: OffsetsFile): Promise<number> => {
    const t0 = performance.now();
    const result = await protocol.runBatch(ctx, plan);
    await reach(ctx, 'batch.ran');
    await protocol.commitState(ctx, plan.batchId);
    await protocol.addToSink(ctx, plan.batchId, result.rows);
    await protocol.writeCommit(ctx, { batchId: plan.batchId, nextBatchWatermarkMs: result.nextWatermarkMs, outputRows: result.rows.length });
    ctx.events.emit({ type: 'batch.committed', batchId: plan.batchId, inputRecords: result.inputRecords, outputRows: result.rows.length, ms: performance.now() - t0 });
    await protocol.cleanup(ctx, plan.batchId);
    committedHere++;
    lastBatchId = plan.batchId;
    return result.nextWatermarkMs;
  };

  const pos: Position = { nextBatchId: 0, previousEnd: new Array(ctx.opts.partitions).fill(0), watermarkMs: 0, done: false };
  if (resumed) {
    const recoveryStart = performance.now();
    const log = await protocol.readLog(ctx);
    await checkSinkHoldsCommits(ctx, log.lastCommitted);
    const attempt = await beginRecoveryAttempt(ctx);
    await reach(ctx, 'recovery.begin');
    lastBatchId = log.lastCommitted;
    const lastCommittedPlan = log.lastCommitted >= 0 ? await protocol.recoverRange(ctx, log.lastCommitted) : undefined;
    if (lastCommittedPlan?.endOfInput && log.lastPlanned === log.lastCommitted) {
      // Finished before: nothing to rebuild or run.
      await endRecoveryAttempt(ctx);
      ctx.events.emit({ type: 'recovery.started', lastPlanned: log.lastPlanned, lastCommitted: log.lastCommitted, stateVersion: -1, attempt });
      ctx.events.emit({ type: 'recovery.caught-up', batchId: log.lastCommitted, ms: performance.now() - recoveryStart });
      ctx.coverage.hit('recovery.already-finished');
      pos.done = true;
    } else {
      await protocol.discardUncommittedState(ctx, log.lastCommitted + 1);
      const version = await protocol.loadState(ctx, log.lastCommitted + 1, log.lastCommitted);
      ctx.events.emit({ type: 'recovery.started', lastPlanned: log.lastPlanned, lastCommitted: log.lastCommitted, stateVersion: version, attempt });
      await reach(ctx, 'recovery.state-loaded');
      // Before the replay below rewrites versions: whether the loaded version came from a delta chain.
      const loadedFromDeltas = ctx.coverage.armed && ctx.states.some((s) => s.deltasSinceSnapshot > 0);
      // Rebuild state: re-run committed batches after the loaded version from their WAL ranges.
      // Their output is already committed, so it is not handed to the sink again.
      let watermark = log.lastCommit?.nextBatchWatermarkMs ?? 0;
      const replayStart = performance.now();
      for (let b = version; b <= log.lastCommitted; b++) {
        const plan = await protocol.recoverRange(ctx, b);
        ctx.events.emit({ type: 'batch.planned', batchId: b, records: recordsIn(plan), watermarkMs: plan.watermarkMs, batchTimestampMs: plan.batchTimestampMs, replay: true });
        const result = await protocol.runBatch(ctx, plan);
        await protocol.commitState(ctx, b);
        watermark = result.nextWatermarkMs;
        await reach(ctx, 'recovery.replayed-batch');
      }
      const replayed = Math.max(0, log.lastCommitted - version + 1);
      ctx.events.emit({ type: 'recovery.replayed', batches: replayed, fromBatch: version, toBatch: log.lastCommitted, ms: performance.now() - replayStart });
      if (replayed > 0 && ctx.states.length > 0) {
        ctx.coverage.hit('recovery.replay-from-wal');
        if (loadedFromDeltas) ctx.coverage.hit('recovery.replay-beyond-snapshot');
        if (replayed > ctx.opts.retainBatches) ctx.coverage.hit('recovery.replay-beyond-retention');
      }
      if (watermark > 0) ctx.coverage.hit('recovery.watermark-restored');
      pos.nextBatchId = log.lastCommitted + 1;
      pos.watermarkMs = watermark;
      if (lastCommittedPlan) pos.previousEnd = lastCommittedPlan.end;
      // Batches planned but not committed: re-run with exactly the logged range, watermark and timestamp.
      for (let b = log.lastCommitted + 1; b <= log.lastPlanned; b++) {
        const plan = await protocol.recoverRange(ctx, b);
        ctx.events.emit({ type: 'batch.planned', batchId: b, records: recordsIn(plan), watermarkMs: plan.watermarkMs, batchTimestampMs: plan.batchTimestampMs, replay: true });
        ctx.coverage.hit('recovery.rerun-uncommitted');
        pos.watermarkMs = await runAndCommit(plan);
        pos.previousEnd = plan.end;
        pos.nextBatchId = b + 1;
        pos.done = plan.endOfInput;
      }
      await endRecoveryAttempt(ctx);
      ctx.events.emit({ type: 'recovery.caught-up', batchId: pos.nextBatchId - 1, ms: performance.now() - recoveryStart });
    }
  }

  while (!pos.done) {
    const plan = await protocol.planBatch(ctx, pos.nextBatchId, pos.previousEnd, pos.watermarkMs);
    ctx.events.emit({ type: 'batch.planned', batchId: plan.batchId, records: recordsIn(plan), watermarkMs: plan.watermarkMs, batchTimestampMs: plan.batchTimestampMs, replay: false });
    await reach(ctx, 'batch.planned');
    await protocol.writeOffsets(ctx, plan);
    pos.watermarkMs = await runAndCommit(plan);
    pos.previousEnd = plan.end;
    pos.nextBatchId = plan.batchId + 1;
    pos.done = plan.endOfInput;
  }
  ctx.events.emit({ type: 'engine.finished', ms: performance.now() - started });
  return { batches: committedHere, lastBatchId };
}

/**
 * populateStartOffsets trusts that every committed batch's output is in the sink. When the sink's
 * own record says otherwise (its output directory was deleted or emptied while the checkpoint was
 * kept), going on would re-create only the batches after the last commit: a silent partial output.
 * Stop instead, naming both places. A sink without a record (append, Kafka) is not checked.
 */
async function checkSinkHoldsCommits(ctx: ExecutionContext, lastCommitted: number): Promise<void> {
  if (lastCommitted < 0 || !ctx.sink.committedThrough) return;
  const recorded = await ctx.sink.committedThrough();
  if (recorded >= lastCommitted) return;
  throw new UserError(
    `checkpoint ${ctx.checkpoint.location} has committed batches 0..${lastCommitted}, but output ${ctx.output.location} holds ` +
      (recorded < 0 ? 'none of them' : `only batches 0..${recorded}`) +
      ': the output was deleted or changed while the checkpoint was kept, and a restart would rebuild only the rest. ' +
      'Restore the output, or delete both the checkpoint and the output directory to start over.',
  );
}

/** Checkpointing off (K = 0): no metadata, WAL, state or commits; a restart starts over. The tuning baseline. */
async function executeUncheckpointed(ctx: ExecutionContext, protocol: StreamingProtocol, started: number): Promise<ExecutionResult> {
  ctx.events.emit({ type: 'engine.started', pid: process.pid, scenario: ctx.opts.scenario, kind: 'streaming', resumed: false, ...(ctx.opts.mutant ? { mutant: ctx.opts.mutant } : {}) });
  let previousEnd: number[] = new Array(ctx.opts.partitions).fill(0);
  let watermarkMs = 0;
  let batches = 0;
  for (let batchId = 0; ; batchId++) {
    const t0 = performance.now();
    const plan = await protocol.planBatch(ctx, batchId, previousEnd, watermarkMs);
    ctx.events.emit({ type: 'batch.planned', batchId, records: recordsIn(plan), watermarkMs, batchTimestampMs: plan.batchTimestampMs, replay: false });
    await reach(ctx, 'batch.planned');
    const result = await protocol.runBatch(ctx, plan);
    await reach(ctx, 'batch.ran');
    await protocol.addToSink(ctx, batchId, result.rows);
    ctx.events.emit({ type: 'batch.committed', batchId, inputRecords: result.inputRecords, outputRows: result.rows.length, ms: performance.now() - t0 });
    batches++;
    previousEnd = plan.end;
    watermarkMs = result.nextWatermarkMs;
    if (plan.endOfInput) {
      ctx.events.emit({ type: 'engine.finished', ms: performance.now() - started });
      return { batches, lastBatchId: batchId };
    }
  }
}
