/**
 * Input of an external target: generated from the trial's seed (the same seed gives the same
 * bytes, so the failure-free reference can be cached by spec + input hash) and put where the job
 * reads it: files by atomic rename — a file source never sees a half-written file (file i gets the
 * modification time base+i seconds so a file source orders them the same way in every run) — or
 * records produced into a Kafka topic (idempotent producer, acks=all: each record exactly once).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mulberry32 } from '../../engine/index.js';
import { Admin, Producer, ProduceAcks, stringSerializers } from '@platformatic/kafka';
import type { TargetInput } from './target-spec.js';

export interface InputFile {
  name: string;
  text: string;
}

/** The files of one trial's input, in injection order. */
export function generateInput(input: TargetInput, seed: number): InputFile[] {
  const rand = mulberry32(seed ^ 0x5eed);
  const files: InputFile[] = [];
  let clock = 1_700_000_000;
  for (let f = 0; f < input.files; f++) {
    const lines: string[] = [];
    for (let l = 0; l < input.linesPerFile; l++) {
      const key = Math.floor(rand() * input.keys);
      if (input.format === 'words') lines.push(`w${key}`);
      else {
        // Event time moves forward about 3 s per record, with up to 8 s of disorder (some rows are late).
        clock += 3;
        const ts = clock - Math.floor(rand() * 9);
        lines.push(JSON.stringify({ key: `k${key}`, ts, value: 1 + Math.floor(rand() * 9) }));
      }
    }
    files.push({ name: `part-${String(f).padStart(5, '0')}.${input.format === 'words' ? 'txt' : 'json'}`, text: lines.join('\n') + '\n' });
  }
  return files;
}

export function inputHash(files: readonly InputFile[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f.name).update('\0').update(f.text).update('\0');
  return h.digest('hex');
}

/**
 * Write `file` into `dir` atomically: a temp file in `stagingDir` (same file system, outside the
 * watched directory), fsync, then rename. `mtimeSec` makes the order deterministic.
 */
export function injectFile(dir: string, stagingDir: string, file: InputFile, mtimeSec?: number): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(stagingDir, { recursive: true });
  const tmp = path.join(stagingDir, file.name);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, file.text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (mtimeSec !== undefined) fs.utimesSync(tmp, mtimeSec, mtimeSec);
  fs.renameSync(tmp, path.join(dir, file.name));
}

/** The key of one generated line: the word itself, or an event's "key". */
export function keyOfLine(line: string): string {
  if (!line.startsWith('{')) return line.trim();
  try {
    return String((JSON.parse(line) as { key?: unknown }).key ?? line);
  } catch {
    return line;
  }
}

/** A stable partition for a key (FNV-1a): the same key always lands in the same partition, in generated order. */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h % partitions;
}

const KAFKA_TIMEOUT_MS = 30_000;

/** Create `topic` with `partitions` (a fresh name per trial: it must not exist yet). */
export async function createTopic(brokers: string[], topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'chaos-target-admin', bootstrapBrokers: brokers, connectTimeout: 5_000, timeout: KAFKA_TIMEOUT_MS, retries: 3, retryDelay: 500 });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await new Promise<void>((resolve) => admin.close(() => resolve()));
  }
}

/**
 * A producer for one trial's input topic: `send(file)` appends the file's lines as records (key =
 * the line's key, partition by `partitionOf`), in order, and returns once the broker acknowledged them all.
 */
export function topicWriter(brokers: string[], topic: string, partitions: number): { send(file: InputFile): Promise<void>; close(): Promise<void> } {
  const producer = new Producer({
    clientId: 'chaos-target-input',
    bootstrapBrokers: brokers,
    connectTimeout: 5_000,
    timeout: KAFKA_TIMEOUT_MS,
    retries: 3,
    retryDelay: 500,
    serializers: stringSerializers,
    acks: ProduceAcks.ALL,
    idempotent: true,
  });
  return {
    async send(file) {
      const lines = file.text.split('\n').filter((l) => l !== '');
      await producer.send({ messages: lines.map((value) => ({ topic, key: keyOfLine(value), value, partition: partitionOf(keyOfLine(value), partitions) })) });
    },
    async close() {
      await new Promise<void>((resolve) => producer.close(false, () => resolve()));
    },
  };
}
