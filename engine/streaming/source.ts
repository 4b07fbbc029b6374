/**
 * A replayable source: partitions with offsets. The engine decides batch ranges itself and keeps
 * them in its own write-ahead log (like Spark's direct Kafka stream), so a source never tracks
 * consumer positions.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export interface SourceRecord {
  partition: number;
  offset: number;
  key: string;
  value: JsonValue;
  /** Event time, for windows and the watermark (ms, from the input generator; never wall clock). */
  eventTimeMs: number;
}

export interface StreamSource {
  /** 'log' | 'kafka' | ... */
  readonly kind: string;
  readonly partitions: number;
  /** What identifies this source in the checkpoint fingerprint (kind, location/topic, partitions). */
  describe(): string;
  /**
   * End offsets (exclusive) per partition that are available when batch `batchId` is planned.
   * For the local log this is a pure function of batchId (a growing source modelled
   * deterministically); for Kafka it is the partitions' high watermarks.
   */
  availableOffsets(batchId: number): Promise<number[]>;
  /** End offsets (exclusive) once all bounded input has arrived: the run is finished when a plan reaches them. */
  finalOffsets(): Promise<number[]>;
  /** Records with offsets in [from, to) of one partition, in offset order. */
  read(partition: number, from: number, to: number): Promise<SourceRecord[]>;
  close(): Promise<void>;
}
