import { crc32 } from 'node:zlib';

/**
 * Every checkpoint file is framed so that a torn, truncated or bit-flipped file is detected and
 * never read as valid: a one-line header `ccv1 <crc32 hex> <payload length>\n`, then the payload.
 * The header is text so a person can `cat` a checkpoint file.
 */
const MAGIC = 'ccv1';

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

export function frame(payload: Uint8Array): Uint8Array {
  const header = Buffer.from(`${MAGIC} ${crc32(payload).toString(16).padStart(8, '0')} ${payload.length}\n`);
  return Buffer.concat([header, payload]);
}

export function unframe(bytes: Uint8Array, key: string): Buffer {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nl = buf.indexOf(10);
  if (nl < 0 || nl > 64) throw new CorruptCheckpointError(key, 'missing header (file empty or torn)');
  const [magic, crcHex, lenText] = buf.subarray(0, nl).toString('latin1').split(' ');
  if (magic !== MAGIC) throw new CorruptCheckpointError(key, `unknown format "${magic}"`);
  const length = Number(lenText);
  const payload = buf.subarray(nl + 1);
  if (!Number.isInteger(length) || payload.length !== length) {
    throw new CorruptCheckpointError(key, `expected ${lenText} bytes of payload, found ${payload.length} (torn write)`);
  }
  const actual = crc32(payload).toString(16).padStart(8, '0');
  if (actual !== crcHex) throw new CorruptCheckpointError(key, `checksum mismatch (expected ${crcHex}, got ${actual})`);
  return payload;
}

export function encodeJson(value: unknown): Uint8Array {
  return frame(Buffer.from(JSON.stringify(value)));
}

export function decodeJson<T>(bytes: Uint8Array, key: string): T {
  const payload = unframe(bytes, key);
  try {
    return JSON.parse(payload.toString('utf8')) as T;
  } catch (err) {
    throw new CorruptCheckpointError(key, `payload is not valid JSON (${(err as Error).message})`);
  }
}
