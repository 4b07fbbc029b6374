/**
 * Checkpoint store on a local filesystem: write a temp file, fsync it, rename it over the final
 * name, fsync the directory. A crash at any instant leaves either the old object or the new one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { realFsIo, isTempName, type FsIo } from '../io/fs-io.js';
import type { Failpoints } from '../failpoints.js';
import type { CheckpointStore, PutOptions } from './store.js';

export interface FsStoreOptions {
  failpoints: Failpoints;
  /** Filesystem calls; a lazy or mutant FsIo replaces the real one. */
  io?: FsIo;
}

export class FsCheckpointStore implements CheckpointStore {
  readonly backend = 'fs' as const;
  readonly location: string;
  private readonly io: FsIo;
  private readonly failpoints: Failpoints;

  constructor(root: string, opts: FsStoreOptions) {
    this.location = path.resolve(root);
    this.io = opts.io ?? realFsIo;
    this.failpoints = opts.failpoints;
  }

  private file(key: string): string {
    if (key.includes('..') || path.isAbsolute(key)) throw new Error(`invalid checkpoint key "${key}"`);
    return path.join(this.location, key);
  }

  async put(key: string, data: Uint8Array, { kind }: PutOptions): Promise<void> {
    const file = this.file(key);
    const dir = path.dirname(file);
    if (await this.failpoints.hit(`${kind}.write`)) {
      // Torn write: the final name holds a prefix of the bytes, as after a crash on a disk that
      // does not honour the rename barrier.
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, Buffer.from(data).subarray(0, Math.floor(data.length / 2)));
      this.failpoints.crash(`${kind}.write`);
    }
    const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    this.io.writeFile(tmp, data);
    this.io.fsyncFile(tmp);
    await this.failpoints.hit(`${kind}.before-rename`);
    this.io.rename(tmp, file);
    this.io.fsyncDir(dir);
    await this.failpoints.hit(`${kind}.written`);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return fs.readFileSync(this.file(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    const walk = (dir: string, rel: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        const key = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (prefix.startsWith(key + '/') || key.startsWith(prefix) || prefix.startsWith(key)) walk(path.join(dir, e.name), key);
        } else if (!isTempName(e.name) && !e.name.startsWith('.lazyfs') && key.startsWith(prefix)) {
          out.push(key);
        }
      }
    };
    walk(this.location, '');
    return out.sort();
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) fs.rmSync(this.file(key), { force: true });
  }

  async destroy(): Promise<void> {
    fs.rmSync(this.location, { recursive: true, force: true });
  }

  async close(): Promise<void> {}
}
