/**
 * In-memory checkpoint store for simulation mode: the Map is "the disk". It outlives the engine
 * instance that a simulated crash throws away, so only what `put` completed survives a crash.
 */
import type { Failpoints } from '../failpoints.js';
import type { CheckpointStore, PutOptions } from './store.js';

export class MemoryCheckpointStore implements CheckpointStore {
  readonly backend = 'memory' as const;
  readonly objects = new Map<string, Uint8Array>();
  /** Rebound by the simulator for each engine incarnation. */
  failpoints: Failpoints;

  constructor(readonly location = 'memory://', opts: { failpoints: Failpoints }) {
    this.failpoints = opts.failpoints;
  }

  async put(key: string, data: Uint8Array, { kind }: PutOptions): Promise<void> {
    if (await this.failpoints.hit(`${kind}.write`)) {
      this.objects.set(key, data.slice(0, Math.floor(data.length / 2)));
      this.failpoints.crash(`${kind}.write`);
    }
    await this.failpoints.hit(`${kind}.before-rename`);
    this.objects.set(key, data.slice());
    await this.failpoints.hit(`${kind}.written`);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key);
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.objects.delete(k);
  }

  async destroy(): Promise<void> {
    this.objects.clear();
  }

  async close(): Promise<void> {}
}
