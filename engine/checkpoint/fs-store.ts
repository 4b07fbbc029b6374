/**
 * Checkpoint store on a local filesystem: write a temp file, fsync it, rename it over the final
 * name, fsync the directory. A crash at any instant leaves either the old object or the new one.
 *
 * Fencing: write-once files (metadata, offsets/N, commits/N) are published without overwrite
 * (FsIo.renameNoReplace). When the name already holds other intact content, another writer got
 * there first and this one is stale: FencedWriteError, like Spark's HDFSMetadataLog refusing a
 * second concurrent writer. The same content (a replayed write) or a torn/corrupt previous file
 * (the crash the checksum exists for) is not a conflict: the former is kept, the latter replaced.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { realFsIo, isTempName, type FsIo } from '../io/fs-io.js';
import type { Failpoints } from '../failpoints.js';
import type { CheckpointStore, FileKind, PutOptions } from './store.js';
import { FencedWriteError, WRITE_ONCE_KINDS } from './fenced-write.js';
import { CorruptCheckpointError, unframe } from './codec.js';

export interface FsStoreOptions {
  failpoints: Failpoints;
  /** Filesystem calls; a lazy or mutant FsIo replaces the real one. */
  io?: FsIo;
  /** Kinds published without overwrite (default metadata, offsets, commits); [] turns fencing off. */
  createOnlyKinds?: readonly FileKind[];
}

export class FsCheckpointStore implements CheckpointStore {
  readonly backend = 'fs' as const;
  readonly location: string;
  private readonly io: FsIo;
  private readonly failpoints: Failpoints;
  private readonly createOnly: ReadonlySet<FileKind>;

  constructor(root: string, opts: FsStoreOptions) {
    this.location = path.resolve(root);
    this.io = opts.io ?? realFsIo;
    this.failpoints = opts.failpoints;
    this.createOnly = new Set(opts.createOnlyKinds ?? WRITE_ONCE_KINDS);
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
    if (this.createOnly.has(kind)) this.publishOnce(key, tmp, file, data);
    else this.io.rename(tmp, file);
    this.io.fsyncDir(dir);
    await this.failpoints.hit(`${kind}.written`);
  }

  /** Publish a write-once file; see the class comment for what counts as a conflict. */
  private publishOnce(key: string, tmp: string, file: string, data: Uint8Array): void {
    const published = this.io.renameNoReplace ? this.io.renameNoReplace(tmp, file) : !fs.existsSync(file) && (this.io.rename(tmp, file), true);
    if (published) return;
    let existing: Buffer | undefined;
    try {
      existing = fs.readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (existing === undefined) {
      // Removed in between (retention): publish as a create again.
      return this.publishOnce(key, tmp, file, data);
    }
    if (Buffer.compare(existing, Buffer.from(data.buffer, data.byteOffset, data.byteLength)) === 0) {
      fs.rmSync(tmp, { force: true });
      return;
    }
    if (!intact(existing, key)) {
      this.io.rename(tmp, file); // a torn or damaged earlier write: replace exactly that
      return;
    }
    fs.rmSync(tmp, { force: true });
    throw new FencedWriteError(key, this.location);
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

/** Does `bytes` hold a complete, checksummed checkpoint file? */
function intact(bytes: Uint8Array, key: string): boolean {
  try {
    unframe(bytes, key);
    return true;
  } catch (err) {
    if (err instanceof CorruptCheckpointError) return false;
    throw err;
  }
}
