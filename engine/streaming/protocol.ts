/**
 * The checkpoint protocol, one named function per step (Spark's MicroBatchExecution). The engine
 * loop (execution.ts) calls these through a StreamingProtocol object, so a mutant
 * (mutants/) replaces exactly one step and the correct path carries no bug switches.
 */
import { getJson, putJson } from '../checkpoint/checked.js';
import { CorruptCheckpointError } from '../checkpoint/codec.js';
import { UserError } from '../errors.js';
import { batchIdsOf, commitKey, fingerprintChange, METADATA_KEY, offsetsKey, recordsIn, type CommitFile, type MetadataFile, type OffsetsFile } from './checkpoint-files.js';
import { reach, type ExecutionContext, type StatelessPartRunner } from './context.js';
import { applyStages, NO_STATE, type Element } from './query.js';
import { readRangeInto } from './executors/partition-task.js';
import type { Row } from './sink.js';
import { listStateVersions, loadPartition, MissingStateError, parseStateKey, writeStateVersion, type LoadedPartition } from './state-store.js';

/** What the checkpoint says on start. */
export interface CheckpointLog {
  /** Highest batch with a readable offsets file (a torn newest one counts as not planned); -1 none. */
  lastPlanned: number;
  /** Highest batch with a readable commit; -1 none. */
  lastCommitted: number;
  /** commits/<lastCommitted>, when there is one. */
  lastCommit: CommitFile | undefined;
}

export interface BatchResult {
  rows: Row[];
  inputRecords: number;
  nextWatermarkMs: number;
}

export interface StreamingProtocol {
  /** The stored metadata, refusing (UserError) when the fingerprint changed; undefined for a new query. */
  readMetadata(ctx: ExecutionContext): Promise<MetadataFile | undefined>;
  writeMetadata(ctx: ExecutionContext): Promise<void>;
  readLog(ctx: ExecutionContext): Promise<CheckpointLog>;
  /** The logged plan of batch `batchId` (the WAL), to re-run it exactly. */
  recoverRange(ctx: ExecutionContext, batchId: number): Promise<OffsetsFile>;
  /** Removes state versions after `maxVersion` (the last commit's): a dead attempt's, which the re-run writes again. */
  discardUncommittedState(ctx: ExecutionContext, maxVersion: number): Promise<void>;
  /** Restores the newest complete state version <= maxVersion whose replay range is still logged; returns it. */
  loadState(ctx: ExecutionContext, maxVersion: number, lastCommitted: number): Promise<number>;
  planBatch(ctx: ExecutionContext, batchId: number, previousEnd: number[], watermarkMs: number): Promise<OffsetsFile>;
  writeOffsets(ctx: ExecutionContext, plan: OffsetsFile): Promise<void>;
  runBatch(ctx: ExecutionContext, plan: OffsetsFile): Promise<BatchResult>;
  /** Makes state version batchId+1 durable when the checkpoint interval says so; returns whether it did. */
  commitState(ctx: ExecutionContext, batchId: number): Promise<boolean>;
  addToSink(ctx: ExecutionContext, batchId: number, rows: Row[]): Promise<void>;
  writeCommit(ctx: ExecutionContext, commit: CommitFile): Promise<void>;
  /** Retention after batch `lastCommitted` committed. */
  cleanup(ctx: ExecutionContext, lastCommitted: number): Promise<void>;
}

async function readMetadata(ctx: ExecutionContext): Promise<MetadataFile | undefined> {
  let meta: MetadataFile | undefined;
  try {
    meta = await getJson<MetadataFile>(ctx.checkpoint, METADATA_KEY);
  } catch (err) {
    if (!(err instanceof CorruptCheckpointError)) throw err;
    // Metadata is written once, before the first offsets: torn with no offsets = a crash while creating.
    if ((await ctx.checkpoint.list('offsets/')).length === 0) {
      ctx.events.emit({ type: 'recovery.fallback', file: METADATA_KEY, reason: `${err.reason}; no batch was planned yet, so the query starts fresh` });
      ctx.coverage.hit('recovery.torn-metadata-fresh-start');
      return undefined;
    }
    throw new UserError(`${ctx.checkpoint.location}: ${err.message}`);
  }
  if (!meta) {
    if ((await ctx.checkpoint.list('offsets/')).length > 0) {
      throw new UserError(`checkpoint ${ctx.checkpoint.location} has offsets but no metadata file: it is damaged or not a checkpoint of this tool; use a new --checkpoint directory`);
    }
    return undefined;
  }
  const change = fingerprintChange(meta.fingerprint, ctx.fingerprint);
  if (change) {
    throw new UserError(
      `checkpoint ${ctx.checkpoint.location} belongs to a different query: ${change}. ` +
        'Restart with the original settings, or use a new --checkpoint directory (and --output directory) to start over.',
    );
  }
  return meta;
}

async function writeMetadata(ctx: ExecutionContext): Promise<void> {
  const meta: MetadataFile = { format: 1, queryId: crypto.randomUUID(), fingerprint: ctx.fingerprint };
  await putJson(ctx.checkpoint, METADATA_KEY, meta, 'metadata');
}

async function readLog(ctx: ExecutionContext): Promise<CheckpointLog> {
  const commitIds = batchIdsOf(await ctx.checkpoint.list('commits/'), 'commits');
  const offsetIds = batchIdsOf(await ctx.checkpoint.list('offsets/'), 'offsets');
  let lastCommitted = -1;
  let lastCommit: CommitFile | undefined;
  for (let i = commitIds.length - 1; i >= 0 && lastCommitted < 0; i--) {
    const key = commitKey(commitIds[i]!);
    try {
      lastCommit = await getJson<CommitFile>(ctx.checkpoint, key);
      if (lastCommit) lastCommitted = commitIds[i]!;
    } catch (err) {
      if (!(err instanceof CorruptCheckpointError)) throw err;
      ctx.events.emit({ type: 'recovery.fallback', file: key, reason: `${err.reason}; the batch is treated as not committed and runs again` });
      ctx.coverage.hit('recovery.torn-commit-ignored');
    }
  }
  let lastPlanned = -1;
  for (let i = offsetIds.length - 1; i >= 0 && lastPlanned < 0; i--) {
    const id = offsetIds[i]!;
    if (id <= lastCommitted) {
      lastPlanned = id; // read (and checked) when its range is needed
      break;
    }
    try {
      if (await getJson<OffsetsFile>(ctx.checkpoint, offsetsKey(id))) lastPlanned = id;
    } catch (err) {
      if (!(err instanceof CorruptCheckpointError)) throw err;
      ctx.events.emit({ type: 'recovery.fallback', file: offsetsKey(id), reason: `${err.reason}; the batch is treated as not planned and is planned again` });
      ctx.coverage.hit('recovery.torn-offsets-ignored');
    }
  }
  // Retention deletes the oldest batches first: a log that no longer starts at batch 0 was cleaned before this restart.
  if (ctx.coverage.armed && offsetIds.length > 0 && offsetIds[0]! > 0) ctx.coverage.hit('retention.deleted-then-restart');
  return { lastPlanned: Math.max(lastPlanned, lastCommitted), lastCommitted, lastCommit };
}

async function recoverRange(ctx: ExecutionContext, batchId: number): Promise<OffsetsFile> {
  const key = offsetsKey(batchId);
  let plan: OffsetsFile | undefined;
  try {
    plan = await getJson<OffsetsFile>(ctx.checkpoint, key);
  } catch (err) {
    if (!(err instanceof CorruptCheckpointError)) throw err;
    throw new UserError(`cannot recover: ${ctx.checkpoint.location}/${key} is corrupt (${err.reason}) and batch ${batchId} must be re-run from it; no older copy exists. Delete the checkpoint and output directories to start over.`);
  }
  if (!plan) {
    throw new UserError(`cannot recover: ${ctx.checkpoint.location}/${key} (the write-ahead log of batch ${batchId}) is missing. Delete the checkpoint and output directories to start over.`);
  }
  if (plan.batchId !== batchId || plan.end.length !== ctx.opts.partitions) {
    throw new UserError(`cannot recover: ${ctx.checkpoint.location}/${key} describes batch ${plan.batchId} over ${plan.end.length} partitions, expected batch ${batchId} over ${ctx.opts.partitions}`);
  }
  return plan;
}

async function loadState(ctx: ExecutionContext, maxVersion: number, lastCommitted: number): Promise<number> {
  if (ctx.states.length === 0) return maxVersion; // stateless: nothing to rebuild
  const candidates = (await listStateVersions(ctx.checkpoint)).filter((v) => v <= maxVersion);
  if (candidates[candidates.length - 1] !== 0) candidates.push(0);
  let firstProblem: string | undefined;
  for (const v of candidates) {
    // Replaying from v needs the WAL of batches v..lastCommitted.
    if (v <= lastCommitted && (await ctx.checkpoint.get(offsetsKey(v))) === undefined) {
      const reason = `state version ${v} cannot be used: offsets/${v}, needed to replay from it, was already removed by retention`;
      firstProblem ??= reason;
      ctx.events.emit({ type: 'recovery.fallback', file: offsetsKey(v), reason });
      ctx.coverage.hit('recovery.fallback-wal-removed');
      continue;
    }
    try {
      const loaded: LoadedPartition[][] = [];
      for (const op of ctx.states) {
        const parts: LoadedPartition[] = [];
        for (let p = 0; p < op.partitions; p++) parts.push(await loadPartition(ctx.checkpoint, op.operator, p, v));
        loaded.push(parts);
      }
      ctx.states.forEach((op, i) => {
        const parts = loaded[i]!;
        op.restore(
          parts.map((x) => x.map),
          v,
          Math.min(...parts.map((x) => x.chainStart)),
          Math.max(...parts.map((x) => x.deltas)),
        );
      });
      if (firstProblem !== undefined) ctx.coverage.hit('recovery.fallback-older-state');
      if (v === 0 && lastCommitted >= 0) ctx.coverage.hit('recovery.state-from-scratch');
      if (loaded.some((parts) => parts.some((x) => x.deltas > 0))) ctx.coverage.hit('recovery.state-from-delta-chain');
      return v;
    } catch (err) {
      if (!(err instanceof CorruptCheckpointError) && !(err instanceof MissingStateError)) throw err;
      const file = err.key;
      const reason = `${err instanceof CorruptCheckpointError ? err.reason : 'missing'}; state version ${v} is incomplete, falling back to an older version`;
      firstProblem ??= `${ctx.checkpoint.location}/${file}: ${reason}`;
      ctx.events.emit({ type: 'recovery.fallback', file, reason });
    }
  }
  throw new UserError(`cannot recover state: no complete state version can be replayed (first problem: ${firstProblem}). Delete the checkpoint and output directories to start over.`);
}

/**
 * State versions newer than `maxVersion` (the state after the last committed batch) were written by
 * an attempt that died before its commit — possibly under another plan, when its offsets never
 * became durable. They are never loaded, but left in place one of them can outlive the re-run: the
 * re-run writes its version as a delta where the dead attempt wrote a snapshot (or the other way
 * round), and a later recovery, which prefers a snapshot, would read the dead attempt's. The re-run
 * owns these versions: remove them before it writes its own. A crash in between leaves them
 * missing, which recovery handles (an older version and a replay).
 */
async function discardUncommittedState(ctx: ExecutionContext, maxVersion: number): Promise<void> {
  if (ctx.states.length === 0) return;
  const doomed = (await ctx.checkpoint.list('state/')).filter((key) => (parseStateKey(key)?.version ?? -1) > maxVersion);
  if (doomed.length === 0) return;
  await ctx.checkpoint.delete(doomed);
  ctx.events.emit({ type: 'recovery.discarded', files: doomed.length, fromVersion: maxVersion + 1, reason: `state versions from ${maxVersion + 1} on were written by an attempt that did not commit (first: ${doomed[0]}); the re-run writes them again` });
}

/**
 * Splits `budget` records over partitions in proportion to what each has pending (like Spark's
 * maxOffsetsPerTrigger over Kafka partitions), so skewed partitions advance through event time
 * together; the rounding remainder goes to partitions in order. Deterministic.
 */
export function allocate(previousEnd: readonly number[], available: readonly number[], budget: number): number[] {
  const pending = available.map((a, p) => Math.max(0, a - previousEnd[p]!));
  const total = pending.reduce((a, b) => a + b, 0);
  if (total <= budget) return previousEnd.map((e, p) => e + pending[p]!);
  const take = pending.map((n) => Math.floor((n * budget) / total));
  let left = budget - take.reduce((a, b) => a + b, 0);
  for (let p = 0; left > 0; p = (p + 1) % pending.length) {
    if (take[p]! < pending[p]!) {
      take[p]!++;
      left--;
    }
  }
  return previousEnd.map((e, p) => e + take[p]!);
}

async function planBatch(ctx: ExecutionContext, batchId: number, previousEnd: number[], watermarkMs: number): Promise<OffsetsFile> {
  const available = await ctx.source.availableOffsets(batchId);
  const final = await ctx.source.finalOffsets();
  const end = allocate(previousEnd, available, ctx.opts.maxBatchRecords);
  const endOfInput = end.every((e, p) => e >= final[p]!);
  return { batchId, start: [...previousEnd], end, batchTimestampMs: Date.now(), watermarkMs, endOfInput };
}

async function writeOffsets(ctx: ExecutionContext, plan: OffsetsFile): Promise<void> {
  await putJson(ctx.checkpoint, offsetsKey(plan.batchId), plan, 'offsets');
}

/** The batch's input: read in the driver, or after the leading stateless stages on executors. */
interface BatchInput {
  elements: Element[];
  inputRecords: number;
  maxEventTimeMs: number;
  /** Leading stages already applied to `elements`. */
  stagesDone: number;
}

async function readInDriver(ctx: ExecutionContext, plan: OffsetsFile): Promise<BatchInput> {
  const elements: Element[] = [];
  let maxEventTimeMs = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < plan.end.length; p++) {
    const partitionMax = await readRangeInto(ctx.source, p, plan.start[p]!, plan.end[p]!, elements);
    if (partitionMax > maxEventTimeMs) maxEventTimeMs = partitionMax;
  }
  return { elements, inputRecords: elements.length, maxEventTimeMs, stagesDone: 0 };
}

/** Partition outputs concatenated in partition order: what readInDriver + the same stages give. */
async function runOnExecutors(ctx: ExecutionContext, runner: StatelessPartRunner, plan: OffsetsFile): Promise<BatchInput> {
  const outputs = await runner.run(plan);
  const elements: Element[] = [];
  let inputRecords = 0;
  let maxEventTimeMs = Number.NEGATIVE_INFINITY;
  const late = new Map<string, number>();
  for (const o of outputs) {
    for (const e of o.elements) elements.push(e);
    inputRecords += o.inputRecords;
    if (o.maxEventTimeMs > maxEventTimeMs) maxEventTimeMs = o.maxEventTimeMs;
    for (const [operator, count] of Object.entries(o.lateDropped)) late.set(operator, (late.get(operator) ?? 0) + count);
  }
  for (const [operator, count] of late) ctx.events.emit({ type: 'late.dropped', batchId: plan.batchId, operator, count });
  return { elements, inputRecords, maxEventTimeMs, stagesDone: runner.stagesDone };
}

async function runBatch(ctx: ExecutionContext, plan: OffsetsFile): Promise<BatchResult> {
  const input = ctx.executors ? await runOnExecutors(ctx, ctx.executors, plan) : await readInDriver(ctx, plan);
  let elements = input.elements;
  const { inputRecords, maxEventTimeMs: maxEventTime } = input;
  // State goes to stateful stages in stage order (stages before input.stagesDone are all stateless).
  const stages = ctx.query.stages.slice(input.stagesDone);
  const statefulIndex = new Map(ctx.query.stages.filter((s) => s.stateful).map((s, i) => [s, i]));
  elements = applyStages(stages, elements, (stage) => ({
    batchId: plan.batchId,
    watermarkMs: plan.watermarkMs,
    endOfInput: plan.endOfInput,
    state: stage.stateful ? ctx.states[statefulIndex.get(stage)!]! : NO_STATE,
    lateDropped: (count) => ctx.events.emit({ type: 'late.dropped', batchId: plan.batchId, operator: stage.name, count }),
  }));
  const rows = elements.map((e) => ctx.query.toRow(e, plan.batchId));
  const delay = ctx.query.watermarkDelayMs;
  const nextWatermarkMs = delay === undefined || inputRecords === 0 ? plan.watermarkMs : Math.max(plan.watermarkMs, maxEventTime - delay);
  return { rows, inputRecords, nextWatermarkMs };
}

async function commitState(ctx: ExecutionContext, batchId: number): Promise<boolean> {
  const version = batchId + 1;
  const k = ctx.opts.checkpointInterval;
  if (k <= 0 || ctx.states.length === 0 || version % k !== 0) return false;
  await reach(ctx, 'state.begin');
  for (const op of ctx.states) {
    const t0 = performance.now();
    const changed = op.changedKeys();
    const format = op.deltasSinceSnapshot + 1 >= ctx.opts.snapshotEvery || (op.size > 0 && changed >= op.size) ? 'snapshot' : 'delta';
    const bytes = await writeStateVersion(ctx.checkpoint, op, version, format);
    ctx.coverage.hit(format === 'snapshot' ? 'state.snapshot-written' : 'state.delta-written');
    ctx.events.emit({ type: 'state.checkpointed', batchId, version, operator: op.operator, format, partitions: op.partitions, bytes, ms: performance.now() - t0, keys: op.size, changedKeys: changed });
  }
  await reach(ctx, 'state.committed');
  return true;
}

async function addToSink(ctx: ExecutionContext, batchId: number, rows: Row[]): Promise<void> {
  await reach(ctx, 'sink.begin');
  await ctx.sink.addBatch(batchId, rows);
  await reach(ctx, 'sink.done');
}

async function writeCommit(ctx: ExecutionContext, commit: CommitFile): Promise<void> {
  await putJson(ctx.checkpoint, commitKey(commit.batchId), commit, 'commits');
}

/**
 * Keeps: the newest complete state version and the whole chain it loads from (its snapshot), the
 * last `retainBatches` versions and batches, and the WAL from the oldest kept version on. Deletes
 * everything older. Runs only once a newer complete state exists, so it never takes what recovery needs.
 */
async function cleanup(ctx: ExecutionContext, lastCommitted: number): Promise<void> {
  await reach(ctx, 'retention.begin');
  const chainStart = ctx.states.length === 0 ? lastCommitted + 1 : Math.min(...ctx.states.map((s) => s.chainStart));
  const window = lastCommitted + 1 - ctx.opts.retainBatches;
  const floor = Math.min(chainStart, window);
  if (ctx.coverage.armed) {
    if (chainStart < window) ctx.coverage.hit('retention.kept-for-chain');
    if (ctx.opts.retainBatches === 0 && floor === lastCommitted + 1) ctx.coverage.hit('retention.window-empty');
  }
  if (floor > ctx.cleanedBelow) {
    const doomed: string[] = [];
    for (const key of await ctx.checkpoint.list('state/')) {
      const parsed = parseStateKey(key);
      if (parsed && parsed.version < floor) doomed.push(key);
    }
    for (const dir of ['offsets', 'commits'] as const) {
      for (const id of batchIdsOf(await ctx.checkpoint.list(`${dir}/`), dir)) if (id < floor - 1) doomed.push(`${dir}/${id}`);
    }
    if (doomed.length > 0) {
      await ctx.checkpoint.delete(doomed);
      ctx.events.emit({ type: 'retention.cleaned', upToBatch: floor - 2, files: doomed.length });
    }
    ctx.cleanedBelow = floor;
  }
  await reach(ctx, 'retention.done');
}

export const correctProtocol: StreamingProtocol = {
  readMetadata,
  writeMetadata,
  readLog,
  recoverRange,
  discardUncommittedState,
  loadState,
  planBatch,
  writeOffsets,
  runBatch,
  commitState,
  addToSink,
  writeCommit,
  cleanup,
};

export { recordsIn };
