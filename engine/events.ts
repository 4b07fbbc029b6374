/**
 * The engine reports what it does as one JSON object per line. These types are the contract the
 * harness and the reports read (they never look at engine internals). Every event has `type` and
 * `t` (ms since the epoch). Field names are stable: add fields, never rename or remove them.
 *
 * In a process that may be SIGKILLed the writer is synchronous, so an event that was emitted is
 * on its way even if the next instruction kills the process.
 */
import { writeSync } from 'node:fs';

export type EngineEvent =
  // --- life cycle ---
  | { type: 'engine.started'; t: number; pid: number; scenario: string; kind: 'batch' | 'streaming'; resumed: boolean; mutant?: string }
  | { type: 'engine.finished'; t: number; ms: number }
  | { type: 'failpoint.fired'; t: number; name: string; occurrence: number; action: string }
  | { type: 'warning'; t: number; code: string; message: string }
  /** A coverage point (engine/coverage.ts) reached for the first time in this incarnation (only when coverage is armed). */
  | { type: 'coverage.hit'; t: number; point: string }
  // --- services (S3 store, Kafka): where the engine's parts live, and retries against them ---
  | { type: 'services.opened'; t: number; store: 'fs' | 's3' | 'memory'; location: string; conditionalWrites?: boolean; orphansRemoved?: number; source: string; sink: string; sinkGuarantee: string }
  | { type: 'service.retry'; t: number; service: 's3' | 'kafka'; what: string; attempt: number; delayMs: number; error: string }
  // --- streaming: one micro-batch ---
  | { type: 'batch.planned'; t: number; batchId: number; records: number; watermarkMs: number; batchTimestampMs: number; replay: boolean }
  | { type: 'batch.committed'; t: number; batchId: number; inputRecords: number; outputRows: number; ms: number }
  | { type: 'state.checkpointed'; t: number; batchId: number; version: number; operator: string; format: 'delta' | 'snapshot'; partitions: number; bytes: number; ms: number; keys?: number; changedKeys?: number }
  | { type: 'late.dropped'; t: number; batchId: number; operator: string; count: number }
  | { type: 'retention.cleaned'; t: number; upToBatch: number; files: number }
  // --- streaming: recovery ---
  | { type: 'recovery.started'; t: number; lastPlanned: number; lastCommitted: number; stateVersion: number; /** 1 = the first recovery since progress was made; n = n-1 recoveries before it died before catching up */ attempt?: number }
  | { type: 'recovery.fallback'; t: number; file: string; reason: string }
  /** State files of versions after the last commit (a dead attempt's) removed before the re-run writes its own. */
  | { type: 'recovery.discarded'; t: number; files: number; fromVersion: number; reason: string }
  | { type: 'recovery.replayed'; t: number; batches: number; fromBatch: number; toBatch: number; ms: number }
  | { type: 'recovery.caught-up'; t: number; batchId: number; ms: number }
  // --- batch engine ---
  | { type: 'job.started'; t: number; jobId: number; action: string; stages: number }
  | { type: 'job.finished'; t: number; jobId: number; ms: number; tasks: number; rerunTasks: number }
  | { type: 'stage.resubmitted'; t: number; stageId: number; missingPartitions: number[]; reason: string }
  | { type: 'task.failed'; t: number; stageId: number; partition: number; attempt: number; reason: string; /** streaming: the micro-batch (stageId is the batch id too); partition = source partition */ batchId?: number }
  | { type: 'executor.lost'; t: number; executorId: number; pid: number; reason: string }
  | { type: 'executor.started'; t: number; executorId: number; pid: number }
  | { type: 'dataset.checkpointed'; t: number; dataset: string; parts: number; bytes: number; ms: number; reused: boolean };

export type EngineEventType = EngineEvent['type'];
type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;
export type EventInput = DistributiveOmit<EngineEvent, 't'>;

export interface EventSink {
  emit(event: EventInput): void;
}

/** Writes NDJSON synchronously to a file descriptor (stdout by default). */
export class FdEventSink implements EventSink {
  constructor(private readonly fd = 1) {}
  emit(event: EventInput): void {
    writeSync(this.fd, JSON.stringify({ ...event, t: Date.now() }) + '\n');
  }
}

/** Keeps events in memory (simulation mode, tests). */
export class MemoryEventSink implements EventSink {
  readonly events: EngineEvent[] = [];
  emit(event: EventInput): void {
    this.events.push({ ...event, t: Date.now() } as EngineEvent);
  }
}

export const nullEventSink: EventSink = { emit() {} };

/** Parse NDJSON output of an engine process; lines that are not events (or a line torn by SIGKILL) are skipped. */
export function parseEvents(text: string): EngineEvent[] {
  const out: EngineEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const value = JSON.parse(line) as EngineEvent;
      if (typeof value.type === 'string') out.push(value);
    } catch {
      // a half-written last line of a killed process
    }
  }
  return out;
}
