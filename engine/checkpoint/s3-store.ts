/**
 * Checkpoint store on S3 (MinIO, s3rver, AWS). S3 has no rename, so a write cannot be made atomic
 * by renaming a temp object. Instead:
 *
 *   <root>/objects/<key>~<uuid>   the bytes, under a name used exactly once and never rewritten
 *   <root>/pointers/<key>         a small checksummed manifest naming that object, its size and CRC
 *
 * `put` uploads the object first and publishes it by writing the pointer last (a PUT of one small
 * object is atomic in S3). Readers trust pointers only, never listings of objects; `get` verifies
 * the object against the pointer's size and CRC, so a torn or damaged object is reported as a
 * CorruptCheckpointError, never returned as valid. Objects left behind by killed attempts (uploaded,
 * never published) are invisible and removed later by `cleanOrphans()`.
 *
 * Fencing: keys of the write-once kinds (metadata, offsets, commits) are published with
 * `If-None-Match: *` where the server supports it (probed at open, `conditionalWrites`). If another
 * writer — e.g. a zombie of an earlier attempt — published the key first with different content,
 * this writer stops with FencedWriteError. Identical content, or a corrupt previous pointer, is not
 * a conflict. s3rver ignores the header: there, the last writer wins and the run report says so.
 */
import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Failpoints } from '../failpoints.js';
import { CorruptCheckpointError, decodeJson, encodeJson } from './codec.js';
import { normalizePrefix, s3Location, validateS3Config, type S3Config } from './s3-config.js';
import { isPreconditionFailed, S3Objects } from './s3-objects.js';
import type { CheckpointStore, FileKind, PutOptions } from './store.js';
import { FencedWriteError, WRITE_ONCE_KINDS } from './fenced-write.js';
import type { RetryHooks } from '../io/retry.js';

export interface S3StoreOptions extends RetryHooks {
  failpoints: Failpoints;
  /** Kinds written once per key; published create-only where the server supports it. */
  createOnlyKinds?: readonly FileKind[];
  /** Probe the server for `If-None-Match` support at open (default true). */
  probeConditionalWrites?: boolean;
}

interface Pointer {
  v: 1;
  key: string;
  /** Object name relative to the root. */
  object: string;
  size: number;
  crc32: number;
  kind: FileKind;
  writer: string;
}

export { FencedWriteError } from './fenced-write.js';

const KEY_SEGMENT = /^[A-Za-z0-9_.=-]+$/;

function checkKey(key: string): void {
  const segments = key.split('/');
  if (!key || segments.some((s) => !KEY_SEGMENT.test(s) || s === '.' || s === '..')) {
    throw new Error(`invalid checkpoint key "${key}" (segments of letters, digits, _ . = - separated by /)`);
  }
}

export class S3CheckpointStore implements CheckpointStore {
  readonly backend = 's3' as const;
  readonly location: string;
  readonly endpoint: string;
  readonly bucket: string;
  readonly prefix: string;
  /** Region and retry policy as configured (not secrets): what an executor process needs to open the same store. */
  readonly region: string | undefined;
  readonly retry: S3Config['retry'];
  /** True when the server enforces `If-None-Match: *` (MinIO, AWS); false on s3rver. */
  conditionalWrites = false;
  readonly objects: S3Objects;
  private readonly failpoints: Failpoints;
  private readonly createOnly: ReadonlySet<FileKind>;
  private readonly writer = randomUUID().slice(0, 8);

  private constructor(config: S3Config, opts: S3StoreOptions) {
    const valid = validateS3Config(config);
    this.objects = new S3Objects(valid, { onRetry: opts.onRetry });
    this.endpoint = valid.endpoint;
    this.bucket = valid.bucket;
    this.prefix = normalizePrefix(valid.prefix);
    this.location = s3Location(valid);
    this.region = valid.region;
    this.retry = valid.retry;
    this.failpoints = opts.failpoints;
    this.createOnly = new Set(opts.createOnlyKinds ?? WRITE_ONCE_KINDS);
  }

  /** Reach the endpoint, ensure the bucket, probe conditional writes. Configuration problems throw UserError (exit 2). */
  static async open(config: S3Config, opts: S3StoreOptions): Promise<S3CheckpointStore> {
    const store = new S3CheckpointStore(config, opts);
    try {
      await store.objects.open(config.createBucket ?? true);
      if (opts.probeConditionalWrites ?? true) {
        store.conditionalWrites = await store.objects.probeConditionalWrites(store.name(`.probe/${randomUUID()}`));
      }
      return store;
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  private name(rel: string): string {
    return this.prefix ? `${this.prefix}/${rel}` : rel;
  }

  private pointerName(key: string): string {
    return this.name(`pointers/${key}`);
  }

  async put(key: string, data: Uint8Array, { kind }: PutOptions): Promise<void> {
    checkKey(key);
    const pointer: Pointer = {
      v: 1,
      key,
      object: `objects/${key}~${randomUUID()}`,
      size: data.length,
      crc32: crc32(data),
      kind,
      writer: this.writer,
    };
    if (await this.failpoints.hit(`${kind}.write`)) {
      // Torn write: the pointer is published but its object holds only a prefix of the bytes — the
      // worst a crash could leave; `get` must detect it through the pointer's size and CRC.
      await this.objects.put(this.name(pointer.object), data.subarray(0, Math.floor(data.length / 2)));
      await this.objects.put(this.pointerName(key), encodeJson(pointer));
      this.failpoints.crash(`${kind}.write`);
    }
    await this.objects.put(this.name(pointer.object), data);
    // The object is uploaded but invisible: a crash here leaves an orphan, never a visible file.
    await this.failpoints.hit(`${kind}.before-rename`);
    await this.publish(key, pointer);
    await this.failpoints.hit(`${kind}.written`);
  }

  private async publish(key: string, pointer: Pointer): Promise<void> {
    const bytes = encodeJson(pointer);
    if (!this.conditionalWrites || !this.createOnly.has(pointer.kind)) {
      await this.objects.put(this.pointerName(key), bytes);
      return;
    }
    try {
      await this.objects.put(this.pointerName(key), bytes, { 'If-None-Match': '*' });
    } catch (err) {
      if (!isPreconditionFailed(err)) throw err;
      await this.resolveCreateConflict(key, pointer, bytes);
    }
  }

  /** A create-only pointer already exists: decide whether that is our own retried write, a harmless repeat, or a zombie. */
  private async resolveCreateConflict(key: string, ours: Pointer, bytes: Uint8Array): Promise<void> {
    const existingStat = await this.objects.stat(this.pointerName(key));
    if (!existingStat) {
      // Deleted in between: try again as a create.
      return this.publish(key, ours);
    }
    let existing: Pointer | undefined;
    let intact = false;
    try {
      existing = decodeJson<Pointer>((await this.objects.get(this.pointerName(key))) ?? new Uint8Array(), key);
      intact = (await this.readVerified(key, existing)) !== undefined;
    } catch (err) {
      if (!(err instanceof CorruptCheckpointError)) throw err;
    }
    if (existing && existing.object === ours.object) return; // our own PUT succeeded; its response was lost
    if (existing && intact && existing.size === ours.size && existing.crc32 === ours.crc32) {
      // Same content already published (a replayed attempt): keep theirs, drop our unpublished copy.
      await this.objects.remove([this.name(ours.object)]).catch(() => {});
      return;
    }
    if (!intact) {
      // The published pointer is torn or points to a damaged object: replace exactly that version.
      try {
        await this.objects.put(this.pointerName(key), bytes, { 'If-Match': existingStat.etag });
        return;
      } catch (err) {
        if (!isPreconditionFailed(err)) throw err;
      }
    }
    throw new FencedWriteError(key, this.location);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkKey(key);
    for (let tries = 0; ; tries++) {
      const bytes = await this.objects.get(this.pointerName(key));
      if (bytes === undefined) return undefined;
      const pointer = decodeJson<Pointer>(bytes, key);
      const data = await this.readVerified(key, pointer);
      if (data !== undefined) return data;
      // The object is gone: a concurrent delete or overwrite may have moved the pointer on.
      if (tries >= 1) throw new CorruptCheckpointError(key, `its manifest points to ${pointer.object}, which does not exist`);
    }
  }

  /** The pointed object's bytes after checking size and CRC; undefined when the object is missing. */
  private async readVerified(key: string, pointer: Pointer): Promise<Uint8Array | undefined> {
    if (typeof pointer.object !== 'string' || typeof pointer.size !== 'number') {
      throw new CorruptCheckpointError(key, 'its manifest is not a pointer manifest');
    }
    const data = await this.objects.get(this.name(pointer.object));
    if (data === undefined) return undefined;
    if (data.length !== pointer.size) {
      throw new CorruptCheckpointError(key, `object ${pointer.object} holds ${data.length} bytes, its manifest says ${pointer.size} (torn write)`);
    }
    const actual = crc32(data);
    if (actual !== pointer.crc32) {
      throw new CorruptCheckpointError(key, `object ${pointer.object} checksum ${actual.toString(16)} differs from its manifest (${pointer.crc32.toString(16)})`);
    }
    return data;
  }

  async list(prefix: string): Promise<string[]> {
    const base = this.pointerName('');
    const objects = await this.objects.list(base + prefix);
    return objects.map((o) => o.name.slice(base.length)).sort();
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    keys.forEach(checkKey);
    const targets: string[] = [];
    for (const key of keys) {
      const bytes = await this.objects.get(this.pointerName(key));
      if (bytes === undefined) continue;
      try {
        targets.push(this.name(decodeJson<Pointer>(bytes, key).object));
      } catch (err) {
        if (!(err instanceof CorruptCheckpointError)) throw err;
        // a torn pointer names nothing reliably; its object becomes an orphan for cleanOrphans
      }
    }
    // Pointers first: a crash in between leaves orphans (harmless), never a pointer to nothing.
    await this.objects.remove(keys.map((k) => this.pointerName(k)));
    await this.objects.remove(targets);
  }

  /**
   * Remove objects no pointer names (uploads of killed attempts, overwritten versions). Objects
   * younger than `graceMs` are kept: they may belong to a writer that has not published yet.
   * Two listings, plus one pointer read per key that has more than one old object — cheap enough
   * to run at every start.
   */
  async cleanOrphans(opts: { graceMs?: number } = {}): Promise<{ removed: string[] }> {
    const graceMs = opts.graceMs ?? 10 * 60_000;
    const cutoff = Date.now() - graceMs;
    const pointerBase = this.pointerName('');
    const objectBase = this.name('objects/');
    const published = new Set((await this.objects.list(pointerBase)).map((o) => o.name.slice(pointerBase.length)));
    const byKey = new Map<string, { name: string; old: boolean }[]>();
    for (const o of await this.objects.list(objectBase)) {
      const rel = o.name.slice(objectBase.length);
      const cut = rel.lastIndexOf('~');
      if (cut <= 0) continue; // not ours
      const key = rel.slice(0, cut);
      const list = byKey.get(key) ?? [];
      list.push({ name: o.name, old: o.lastModified.getTime() <= cutoff });
      byKey.set(key, list);
    }
    const removed: string[] = [];
    for (const [key, objects] of byKey) {
      const old = objects.filter((o) => o.old);
      if (old.length === 0) continue;
      if (!published.has(key)) {
        removed.push(...old.map((o) => o.name)); // never published: every old upload is an orphan
        continue;
      }
      if (objects.length === 1) continue; // the one object of a published key
      let referenced: string | undefined;
      try {
        const bytes = await this.objects.get(this.pointerName(key));
        if (bytes) referenced = this.name(decodeJson<Pointer>(bytes, key).object);
      } catch (err) {
        if (!(err instanceof CorruptCheckpointError)) throw err;
        continue; // a torn pointer names nothing reliably: keep its objects until it is replaced
      }
      if (referenced === undefined) continue;
      removed.push(...old.filter((o) => o.name !== referenced).map((o) => o.name));
    }
    await this.objects.remove(removed);
    return { removed };
  }

  async destroy(): Promise<void> {
    const all = await this.objects.list(this.prefix ? `${this.prefix}/` : '');
    await this.objects.remove(all.map((o) => o.name));
  }

  async close(): Promise<void> {
    await this.objects.close();
  }
}
