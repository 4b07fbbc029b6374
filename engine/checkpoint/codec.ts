import { crc32 } from 'node:zlib';

/**
 * Every checkpoint file is framed so that a torn, truncated or bit-flipped file is detected and
 * never read as valid: a one-line header, then the payload. The header is text so a person can
 * `cat` a checkpoint file.
 *
 *   ccv2 <crc32 hex> <payload length> <identity>\n   identity: the key the file was written under;
 *                                                     the CRC covers identity and payload
 *   ccv1 <crc32 hex> <payload length>\n              older files, no identity (still read)
 *
 * The identity binds a file to its place: a complete, well-framed file of another batch or state
 * version copied or left over under this key (a stale file of an earlier attempt, a restore that
 * put files back in the wrong place) is detected, not read as this key's content.
 */
const MAGIC = 'ccv1';
const MAGIC_BOUND = 'ccv2';

export class CorruptCheckpointError extends Error {
  readonly key: string;
  readonly reason: string;
  constructor(key: string, reason: string) {
    super(
      `corrupt checkpoint file ${key}: ${reason}. ` +
        'It was torn by a crash or damaged on disk; recovery falls back to the previous complete checkpoint, ' +
        'or delete the checkpoint directory to start over.',
    );
    this.name = 'CorruptCheckpointError';
    this.key = key;
    this.reason = reason;
  }
}

/** An identity is a store key: printable, no spaces or newlines (those would break the header line). */
function checkIdentity(identity: string): void {
  if (!/^[\x21-\x7e]{1,400}$/.test(identity)) throw new Error(`checkpoint file identity must be a key without spaces, got ${JSON.stringify(identity)}`);
}

function crcOf(identity: string | undefined, payload: Uint8Array): string {
  const crc = identity === undefined ? crc32(payload) : crc32(payload, crc32(Buffer.from(identity + '\n')));
  return crc.toString(16).padStart(8, '0');
}

/** Frames `payload`; with `identity` (the key it is written under) the file is bound to that key. */
export function frame(payload: Uint8Array, identity?: string): Uint8Array {
  if (identity !== undefined) checkIdentity(identity);
  const header = Buffer.from(identity === undefined ? `${MAGIC} ${crcOf(undefined, payload)} ${payload.length}\n` : `${MAGIC_BOUND} ${crcOf(identity, payload)} ${payload.length} ${identity}\n`);
  return Buffer.concat([header, payload]);
}

/**
 * The payload of a framed file read under `key`. With `identity`, a bound file must have been
 * written under exactly that identity (an unbound ccv1 file is accepted as before).
 */
export function unframe(bytes: Uint8Array, key: string, identity?: string): Buffer {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nl = buf.indexOf(10);
  if (nl < 0 || nl > 512) throw new CorruptCheckpointError(key, 'missing header (file empty or torn)');
  const [magic, crcHex, lenText, written] = buf.subarray(0, nl).toString('latin1').split(' ');
  if (magic !== MAGIC && magic !== MAGIC_BOUND) throw new CorruptCheckpointError(key, `unknown format "${magic}"`);
  const length = Number(lenText);
  const payload = buf.subarray(nl + 1);
  if (!Number.isInteger(length) || payload.length !== length) {
    throw new CorruptCheckpointError(key, `expected ${lenText} bytes of payload, found ${payload.length} (torn write)`);
  }
  const actual = crcOf(magic === MAGIC_BOUND ? written : undefined, payload);
  if (actual !== crcHex) throw new CorruptCheckpointError(key, `checksum mismatch (expected ${crcHex}, got ${actual})`);
  if (magic === MAGIC_BOUND && identity !== undefined && written !== identity) {
    throw new CorruptCheckpointError(key, `it is a complete file written as ${written}, not as ${identity} (a stale or misplaced file of another batch, version or attempt)`);
  }
  return payload;
}

export function encodeJson(value: unknown, identity?: string): Uint8Array {
  return frame(Buffer.from(JSON.stringify(value)), identity);
}

export function decodeJson<T>(bytes: Uint8Array, key: string, identity?: string): T {
  const payload = unframe(bytes, key, identity);
  try {
    return JSON.parse(payload.toString('utf8')) as T;
  } catch (err) {
    throw new CorruptCheckpointError(key, `payload is not valid JSON (${(err as Error).message})`);
  }
}
