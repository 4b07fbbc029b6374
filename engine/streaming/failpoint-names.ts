/**
 * Every failpoint the streaming engine reaches, in protocol order, with what a crash there means.
 * The harness picks from this list; names are stable (add, never rename).
 * `tear` is meaningful only at `<kind>.write` points (the file is left half written, then the
 * process crashes); at other points a tear acts as a crash.
 */
export interface FailpointInfo {
  name: string;
  description: string;
  /** A `tear` action leaves a half-written file here. */
  tearable: boolean;
}

const put = (kind: string, what: string): FailpointInfo[] => [
  { name: `${kind}.write`, description: `before writing ${what} (tear: ${what} left half written under its final name)`, tearable: true },
  { name: `${kind}.before-rename`, description: `${what} written and fsynced under a temp name, not yet published`, tearable: false },
  { name: `${kind}.written`, description: `${what} published (renamed, directory fsynced)`, tearable: false },
];

export const STREAMING_FAILPOINTS: readonly FailpointInfo[] = [
  ...put('source', 'a generated source-log file'),
  ...put('metadata', 'the checkpoint metadata (query id, fingerprint)'),
  { name: 'metadata.checked', description: 'metadata read and fingerprint accepted on start', tearable: false },
  { name: 'recovery.begin', description: 'checkpoint read (last planned/committed known), state not yet loaded', tearable: false },
  ...put('recovery-attempts', 'the recovery-attempts counter (recovery begun, not yet caught up)'),
  { name: 'recovery.state-loaded', description: 'state version loaded, before replaying batches from the WAL', tearable: false },
  { name: 'recovery.replayed-batch', description: 'one committed batch re-run from its WAL range to rebuild state', tearable: false },
  { name: 'batch.planned', description: 'batch range, watermark and timestamp decided, offsets not yet written', tearable: false },
  ...put('offsets', 'offsets/<batch> (the write-ahead log entry)'),
  { name: 'batch.ran', description: 'batch computed in memory, nothing of it durable yet except offsets', tearable: false },
  { name: 'state.begin', description: 'before writing a state version (every K batches)', tearable: false },
  ...put('state', 'a state delta file'),
  ...put('snapshot', 'a full state snapshot file'),
  { name: 'state.committed', description: 'all partitions of a state version written', tearable: false },
  { name: 'sink.begin', description: 'before handing the batch output to the sink', tearable: false },
  ...put('sink', "the files sink's part file of the batch"),
  { name: 'sink.done', description: 'sink accepted the batch, commit not yet written', tearable: false },
  ...put('commits', 'commits/<batch>'),
  { name: 'retention.begin', description: 'batch committed, before deleting old checkpoint files', tearable: false },
  { name: 'retention.done', description: 'old checkpoint files deleted', tearable: false },
];

export const STREAMING_FAILPOINT_NAMES: readonly string[] = STREAMING_FAILPOINTS.map((f) => f.name);
