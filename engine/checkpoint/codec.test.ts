import { describe, expect, it } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { CorruptCheckpointError, decodeJson, encodeJson, frame, unframe } from './codec.js';

describe('checkpoint framing', () => {
  fcTest.prop([fc.uint8Array({ maxLength: 2000 })])('round-trips any payload', (payload) => {
    expect(Buffer.from(unframe(frame(payload), 'k')).equals(Buffer.from(payload))).toBe(true);
  });

  fcTest.prop([fc.uint8Array({ minLength: 1, maxLength: 500 }), fc.nat()])('detects every truncation', (payload, cut) => {
    const framed = frame(payload);
    const torn = framed.subarray(0, cut % framed.length);
    expect(() => unframe(torn, 'offsets/3')).toThrow(CorruptCheckpointError);
  });

  fcTest.prop([fc.uint8Array({ minLength: 1, maxLength: 500 }), fc.nat(), fc.integer({ min: 1, max: 255 })])(
    'detects a flipped byte in the payload',
    (payload, at, xor) => {
      const framed = Buffer.from(frame(payload));
      const headerEnd = framed.indexOf(10) + 1;
      const i = headerEnd + (at % payload.length);
      framed[i] = framed[i]! ^ xor;
      expect(() => unframe(framed, 'k')).toThrow(/checksum mismatch/);
    },
  );

  it('names the file and the fix in the error', () => {
    const err = (() => {
      try {
        decodeJson(Buffer.from('garbage'), 'state/0/1/4.delta');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(CorruptCheckpointError);
    expect(err!.message).toContain('state/0/1/4.delta');
    expect(err!.message).toMatch(/falls back|delete the checkpoint/);
  });

  it('keeps JSON readable after the header line', () => {
    const text = Buffer.from(encodeJson({ batch: 3 })).toString();
    expect(text).toMatch(/^ccv1 [0-9a-f]{8} 11\n\{"batch":3\}$/);
  });
});
