/**
 * Builds sources and sinks by kind. The one place to extend: add an entry to `sourceFactories` or
 * `sinkFactories` (e.g. kafka, s3) and select it with `--source` / `--sink`.
 */
import type { CheckpointStore } from '../checkpoint/store.js';
import type { Failpoints } from '../failpoints.js';
import { UserError } from '../errors.js';
import { FilesSink } from '../sinks/files-sink.js';
import { AppendSink } from '../sinks/append-sink.js';
import { LogSource } from '../sources/log-source.js';
import { MemorySource } from '../sources/memory-source.js';
import { describeGeneratedInput, generatedInput, generatedLog, type GeneratedInputSpec } from '../sources/generated.js';
import type { StreamSink } from './sink.js';
import type { StreamSource } from './source.js';

export interface WiringContext {
  input: GeneratedInputSpec;
  output: CheckpointStore;
  failpoints: Failpoints;
}

export type SourceFactory = (w: WiringContext) => Promise<StreamSource>;
export type SinkFactory = (w: WiringContext) => Promise<StreamSink>;

/** Private copy of the generated log under the output directory ('.'-named: not output). */
export const SOURCE_LOG_PREFIX = '.source-log/';

export const sourceFactories: Record<string, SourceFactory> = {
  /** The local partitioned log: files under <output>/.source-log/ (memory stores: the same records in memory). */
  async log(w) {
    const description = describeGeneratedInput(w.input);
    if (w.output.backend === 'memory') return new MemorySource(generatedLog(w.input), description);
    return LogSource.open({
      store: w.output,
      prefix: SOURCE_LOG_PREFIX,
      description,
      partitions: w.input.partitions,
      generate: () => generatedInput(w.input),
      onMismatch: 'regenerate',
    });
  },
};

export const sinkFactories: Record<string, SinkFactory> = {
  async files(w) {
    return new FilesSink(w.output);
  },
  async append(w) {
    return new AppendSink(w.output);
  },
  /** The files sink on S3: the engine process opens `output` as an S3 store for --sink s3 (service-wiring.ts); in process it is the same files sink over whatever store `output` is. */
  async s3(w) {
    return new FilesSink(w.output);
  },
};

export async function createSource(kind: string, w: WiringContext): Promise<StreamSource> {
  const f = sourceFactories[kind];
  if (!f) throw new UserError(`unknown source "${kind}". Known sources: ${Object.keys(sourceFactories).join(', ')}`);
  return f(w);
}

export async function createSink(kind: string, w: WiringContext): Promise<StreamSink> {
  const f = sinkFactories[kind];
  if (!f) throw new UserError(`unknown sink "${kind}". Known sinks: ${Object.keys(sinkFactories).join(', ')}`);
  return f(w);
}

/** The log source over a user-given directory (`--input DIR`): generated there once; a different log there is refused. */
export async function openInputDirSource(store: CheckpointStore, w: WiringContext): Promise<StreamSource> {
  return LogSource.open({
    store,
    prefix: '',
    description: describeGeneratedInput(w.input),
    partitions: w.input.partitions,
    generate: () => generatedInput(w.input),
    onMismatch: 'refuse',
  });
}
