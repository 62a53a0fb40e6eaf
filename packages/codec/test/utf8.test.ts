/**
 * UTF-8 validation (RFC 3629, as RFC 6455 §8.1 requires): Utf8Validator, isValidUtf8 and
 * textDecoderUtf8Check; code point boundaries, every class of invalid sequence, noncharacters, the
 * BOM, streaming at every split point, and the fast path agreeing with the portable one.
 */
/// <reference types="node" />
import * as nodeBuffer from 'node:buffer';
import { isValidUtf8, textDecoderUtf8Check, type Utf8Check, Utf8Validator } from '@wskit/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, fromHex, splitAt, toHex } from './helpers.js';

/** Node's simdutf validator where the runtime has it (Node ≥ 18.14, Bun); `undefined` elsewhere. */
const nodeIsUtf8: Utf8Check | undefined =
  typeof (nodeBuffer as { isUtf8?: unknown }).isUtf8 === 'function'
    ? (bytes) => nodeBuffer.isUtf8(bytes)
    : undefined;

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The reference verdict: the standard decoder in fatal mode, on the whole input. */
function referenceValid(bytes: Uint8Array): boolean {
  try {
    fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Second bytes that hit every range a sequence's second byte may be restricted to. */
const SECOND_BYTES = [0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf];

/** Whether `prefix` can still be completed into valid UTF-8 (reference: the whole-input decoder). */
function isValidPrefix(prefix: Uint8Array): boolean {
  if (referenceValid(prefix)) return true;
  for (let missing = 1; missing <= 3; missing++) {
    for (const second of SECOND_BYTES) {
      const completed = new Uint8Array(prefix.length + missing);
      completed.set(prefix);
      completed[prefix.length] = second;
      for (let i = 1; i < missing; i++) completed[prefix.length + i] = 0x80;
      if (referenceValid(completed)) return true;
    }
  }
  return false;
}

/**
 * The index of the first byte after which the input can no longer be valid UTF-8, or `length` when
 * every prefix can (the input is valid, or is cut short at its end). Prefix validity is monotone,
 * so a binary search finds it.
 */
function firstBadByte(bytes: Uint8Array): number {
  let low = 0; // bytes[0..low) is a valid prefix
  let high = bytes.length; // answer is in [low, high]
  if (isValidPrefix(bytes)) return bytes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isValidPrefix(bytes.subarray(0, middle + 1))) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Feeds `pieces` to a validator and returns the index of the first piece refused, `pieces.length`
 * when `end()` refused, or -1 when all was valid.
 */
function failingPiece(validator: Utf8Validator, pieces: readonly Uint8Array[]): number {
  for (let i = 0; i < pieces.length; i++) if (!validator.write(pieces[i]!)) return i;
  return validator.end() ? -1 : pieces.length;
}

/** The piece index that should fail, from the reference: the one holding the first bad byte. */
function expectedFailingPiece(
  bytes: Uint8Array,
  pieces: readonly Uint8Array[],
  bad = firstBadByte(bytes),
): number {
  if (bad === bytes.length) return referenceValid(bytes) ? -1 : pieces.length;
  let end = 0;
  for (let i = 0; i < pieces.length; i++) {
    end += pieces[i]!.length;
    if (bad < end) return i;
  }
  throw new Error('unreachable');
}

const encoder = new TextEncoder();
const encode = (codePoint: number) => encoder.encode(String.fromCodePoint(codePoint));

const boundaries: [string, number, string][] = [
  ['U+0000', 0x0000, '00'],
  ['U+007F', 0x007f, '7f'],
  ['U+0080', 0x0080, 'c280'],
  ['U+07FF', 0x07ff, 'dfbf'],
  ['U+0800', 0x0800, 'e0a080'],
  ['U+D7FF', 0xd7ff, 'ed9fbf'],
  ['U+E000', 0xe000, 'ee8080'],
  ['U+FFFD', 0xfffd, 'efbfbd'],
  ['U+FFFF', 0xffff, 'efbfbf'],
  ['U+10000', 0x10000, 'f0908080'],
  ['U+10FFFF', 0x10ffff, 'f48fbfbf'],
];

const invalid: [string, string][] = [
  ['overlong 2-byte NUL', 'c080'],
  ['overlong 2-byte U+007F', 'c1bf'],
  ['overlong 3-byte NUL', 'e08080'],
  ['overlong 3-byte U+07FF', 'e09fbf'],
  ['overlong 4-byte NUL', 'f0808080'],
  ['overlong 4-byte U+FFFF', 'f08fbfbf'],
  ['surrogate U+D800', 'eda080'],
  ['surrogate U+DBFF', 'edafbf'],
  ['surrogate U+DC00', 'edb080'],
  ['surrogate U+DFFF', 'edbfbf'],
  ['surrogate pair (CESU-8)', 'eda0bdedb2a9'],
  ['U+110000 (f4 90)', 'f4908080'],
  ['f4 bf', 'f4bfbfbf'],
  ['lead f5', 'f5808080'],
  ['lead f7', 'f7bfbfbf'],
  ['lead f8', 'f888808080'],
  ['lead fc', 'fc8480808080'],
  ['byte fe', 'fe'],
  ['byte ff', 'ff'],
  ['stray continuation 80', '80'],
  ['stray continuation bf', 'bf'],
  ['continuation after ASCII', '6180'],
  ['continuation after a complete sequence', 'c3a980'],
  ['lead c0', 'c0'],
  ['lead c1', 'c1'],
  ['C0 with ASCII after', 'c041'],
  ['truncated 2-byte at end', 'c3'],
  ['truncated 3-byte at end', 'e282'],
  ['truncated 4-byte at end', 'f09f98'],
  ['truncated 4-byte lead only', 'f0'],
  ['truncated 3-byte before ASCII', 'e28241'],
  ['truncated 2-byte before a new lead', 'c3c3a9'],
  ['ASCII then truncated', '616263e2'],
];

const nonCharacters: [string, string][] = [
  ['U+FFFE', 'efbfbe'],
  ['U+FFFF', 'efbfbf'],
  ['U+FDD0', 'efb790'],
  ['U+FDEF', 'efb7af'],
  ['U+1FFFE', 'f09fbfbe'],
  ['U+10FFFF', 'f48fbfbf'],
];

/** Every validator under test, as a function of the pieces, returning the failing piece index. */
const validators: [string, () => Utf8Validator][] = [
  ['portable', () => new Utf8Validator()],
  ['textDecoderUtf8Check fast path', () => new Utf8Validator(textDecoderUtf8Check)],
  ...(nodeIsUtf8
    ? [['buffer.isUtf8 fast path', () => new Utf8Validator(nodeIsUtf8)] as [string, () => Utf8Validator]]
    : []),
];

/** Padding that forces the fast path: 300 bytes of mixed ASCII and multi-byte text. */
const padding = encoder.encode(
  'a'.repeat(100) + 'é'.repeat(50) + '€'.repeat(30) + '😀'.repeat(2) + 'b'.repeat(2),
);

function withPadding(hex: string): Uint8Array {
  const middle = fromHex(hex);
  const out = new Uint8Array(padding.length * 2 + middle.length);
  out.set(padding);
  out.set(middle, padding.length);
  out.set(padding, padding.length + middle.length);
  return out;
}

describe('code point boundaries', () => {
  it.each(boundaries)('%s is valid', (_name, codePoint, hex) => {
    const bytes = encode(codePoint);
    expect(toHex(bytes)).toBe(hex);
    expect(isValidUtf8(bytes)).toBe(true);
    expect(textDecoderUtf8Check(bytes)).toBe(true);
    for (const [, make] of validators) {
      expect(failingPiece(make(), [bytes])).toBe(-1);
      expect(failingPiece(make(), [withPadding(hex)])).toBe(-1);
    }
  });

  it('all boundaries in one run, split at every point, for every validator', () => {
    const bytes = fromHex(boundaries.map(([, , hex]) => hex).join(''));
    for (let cut = 0; cut <= bytes.length; cut++) {
      for (const [, make] of validators) expect(failingPiece(make(), splitAt(bytes, [cut]))).toBe(-1);
    }
  });

  it('every code point of the Unicode range, sampled, encodes to valid UTF-8', () => {
    const validator = new Utf8Validator();
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint += codePoint < 0x800 ? 1 : 97) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const bytes = encode(codePoint);
      if (!validator.write(bytes)) throw new Error(`U+${codePoint.toString(16)} refused`);
    }
    expect(validator.end()).toBe(true);
  });
});

describe('invalid sequences', () => {
  it.each(invalid)('%s (%s) is refused by every check', (_name, hex) => {
    const bytes = fromHex(hex);
    expect(referenceValid(bytes)).toBe(false);
    expect(isValidUtf8(bytes)).toBe(false);
    expect(textDecoderUtf8Check(bytes)).toBe(false);
    if (nodeIsUtf8) expect(nodeIsUtf8(bytes)).toBe(false);
    for (const [, make] of validators) {
      expect(failingPiece(make(), [bytes])).toBe(expectedFailingPiece(bytes, [bytes]));
      const padded = withPadding(hex);
      expect(failingPiece(make(), [padded])).toBe(0);
    }
  });

  it.each(invalid)('%s (%s): same verdict, at the same piece, for every split point', (_name, hex) => {
    for (const bytes of [fromHex(`6162${hex}6364`), fromHex(hex), withPadding(hex)]) {
      const points = bytes.length > 40 ? [padding.length - 1, padding.length, padding.length + 1] : [];
      const cuts =
        bytes.length > 40
          ? [
              0,
              1,
              31,
              32,
              33,
              255,
              256,
              257,
              ...points.flatMap((p) => [p, p + 2, p + 3, p + 4, p + 6]),
              bytes.length - 1,
            ]
          : Array.from({ length: bytes.length + 1 }, (_, i) => i);
      const bad = firstBadByte(bytes);
      for (const first of cuts) {
        for (const second of [first + 1, first + 2, first + 33, first + 257]) {
          const pieces = splitAt(bytes, [first, second]);
          const expected = expectedFailingPiece(bytes, pieces, bad);
          if (expected === -1) throw new Error(`${hex} should be invalid`);
          for (const [name, make] of validators) {
            const got = failingPiece(make(), pieces);
            if (got !== expected)
              throw new Error(`${name}: ${hex} cut at ${first},${second}: ${got} ≠ ${expected}`);
          }
        }
      }
    }
  });

  it('sequences cut short are refused only at end()', () => {
    for (const hex of ['c3', 'e2', 'e282', 'f0', 'f09f', 'f09f98', 'f48f', 'eda0']) {
      for (const [, make] of validators) {
        const validator = make();
        expect(validator.write(fromHex(`61${hex}`))).toBe(hex !== 'eda0');
        if (hex === 'eda0') continue;
        expect(validator.atBoundary).toBe(false);
        expect(validator.end()).toBe(false);
      }
    }
  });
});

describe('noncharacters and the BOM', () => {
  it.each(nonCharacters)('noncharacter %s is valid', (_name, hex) => {
    const bytes = fromHex(hex);
    expect(isValidUtf8(bytes)).toBe(true);
    expect(textDecoderUtf8Check(bytes)).toBe(true);
    for (const [, make] of validators) {
      expect(failingPiece(make(), [bytes])).toBe(-1);
      expect(failingPiece(make(), [withPadding(hex)])).toBe(-1);
    }
  });

  it('a BOM is valid UTF-8 and is preserved in decoded text', () => {
    expect(isValidUtf8(fromHex('efbbbf61'))).toBe(true);
    const options = { role: 'client' } as const;
    expect(decode([fromHex('8104efbbbf61')], options).events).toEqual([{ event: 'text', text: '\ufeffa' }]);
    // Split inside the BOM, across chunks and across frames.
    expect(decode([fromHex('8104ef'), fromHex('bbbf61')], options).events).toEqual([
      { event: 'text', text: '\ufeffa' },
    ]);
    expect(decode([fromHex('0101ef'), fromHex('8003bbbf61')], options).events).toEqual([
      { event: 'text', text: '\ufeffa' },
    ]);
    // A BOM in the middle of the text, and two BOMs.
    expect(decode([fromHex('8107efbbbfefbbbf61')], options).events).toEqual([
      { event: 'text', text: '\ufeff\ufeffa' },
    ]);
    // Close reasons keep it too.
    expect(decode([fromHex('880503e8efbbbf')], options).events).toEqual([
      { event: 'close', code: 1000, reason: '\ufeff' },
    ]);
  });
});

describe('Utf8Validator', () => {
  it('stays failed until reset, and end() resets it', () => {
    const validator = new Utf8Validator();
    expect(validator.write(fromHex('ff'))).toBe(false);
    expect(validator.atBoundary).toBe(false);
    expect(validator.write(fromHex('61'))).toBe(false);
    expect(validator.end()).toBe(false);
    expect(validator.write(fromHex('61'))).toBe(true);
    expect(validator.atBoundary).toBe(true);
    expect(validator.write(fromHex('c3'))).toBe(true);
    expect(validator.atBoundary).toBe(false);
    validator.reset();
    expect(validator.atBoundary).toBe(true);
    expect(validator.write(fromHex('a9'))).toBe(false);
    validator.reset();
    expect(validator.end()).toBe(true);
  });

  it('hands complete runs of 32 bytes and more to the fast check, and nothing shorter', () => {
    const calls: string[] = [];
    const spy: Utf8Check = (bytes) => {
      calls.push(`${toHex(bytes.subarray(0, 2))}:${bytes.length}`);
      return textDecoderUtf8Check(bytes);
    };
    const validator = new Utf8Validator(spy);
    expect(validator.write(new Uint8Array(31).fill(0x61))).toBe(true);
    expect(calls).toEqual([]);
    expect(validator.write(new Uint8Array(32).fill(0x62))).toBe(true);
    expect(calls).toEqual(['6262:32']);
    // A piece that ends inside a sequence: the fast check sees the complete part only.
    const piece = new Uint8Array(300).fill(0x63);
    piece.set([0xf0, 0x9f], 298);
    expect(validator.write(piece)).toBe(true);
    expect(calls[1]).toBe('6363:298');
    expect(validator.atBoundary).toBe(false);
    // The next piece finishes the sequence with the state machine, then the rest goes fast.
    const next = new Uint8Array(300).fill(0x64);
    next.set([0x98, 0x80], 0);
    expect(validator.write(next)).toBe(true);
    expect(calls[2]).toBe('6464:298');
    expect(validator.end()).toBe(true);
  });

  it('a fast check that refuses fails the validator', () => {
    const validator = new Utf8Validator(() => false);
    expect(validator.write(new Uint8Array(10).fill(0x61))).toBe(true);
    expect(validator.write(new Uint8Array(256).fill(0x61))).toBe(false);
    expect(validator.write(new Uint8Array(1).fill(0x61))).toBe(false);
    expect(validator.end()).toBe(false);
  });

  it('textDecoderUtf8Check validates complete runs only', () => {
    expect(textDecoderUtf8Check(new Uint8Array(0))).toBe(true);
    expect(textDecoderUtf8Check(fromHex('e282ac'))).toBe(true);
    expect(textDecoderUtf8Check(fromHex('e282'))).toBe(false);
    expect(textDecoderUtf8Check(fromHex('efbbbf'))).toBe(true);
  });

  it('isValidUtf8 is reentrant-safe across calls', () => {
    expect(isValidUtf8(fromHex('e2'))).toBe(false);
    expect(isValidUtf8(fromHex('82ac'))).toBe(false);
    expect(isValidUtf8(fromHex('e282ac'))).toBe(true);
    expect(isValidUtf8(new Uint8Array(0))).toBe(true);
  });
});

/** Byte strings that are mostly UTF-8, with invalid bytes and sequences mixed in. */
const utf8ish = (maxItems: number) =>
  fc
    .array(
      fc.oneof(
        {
          weight: 6,
          arbitrary: fc.string({ unit: 'binary', maxLength: 8 }).map((text) => encoder.encode(text)),
        },
        { weight: 2, arbitrary: fc.constantFrom(...boundaries.map(([, , hex]) => fromHex(hex))) },
        { weight: 1, arbitrary: fc.constantFrom(...invalid.map(([, hex]) => fromHex(hex))) },
        { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 3 }) },
      ),
      { maxLength: maxItems },
    )
    .map((parts) => {
      const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
      let offset = 0;
      for (const part of parts) {
        out.set(part, offset);
        offset += part.length;
      }
      return out;
    });

/** Mostly-valid long text: valid runs with at most one defect, long enough for the fast path. */
const longUtf8ish = fc
  .tuple(
    fc.string({ unit: 'binary', minLength: 100, maxLength: 400 }),
    fc.option(fc.constantFrom(...invalid.map(([, hex]) => hex)), { nil: undefined }),
    fc.string({ unit: 'binary', maxLength: 400 }),
  )
  .map(([before, defect, after]) =>
    fromHex(toHex(encoder.encode(before)) + (defect ?? '') + toHex(encoder.encode(after))),
  );

describe('property: every validator agrees with the reference, at the same piece', () => {
  const check = (bytes: Uint8Array, cuts: number[]) => {
    const pieces = splitAt(bytes, cuts);
    const expected = expectedFailingPiece(bytes, pieces);
    expect(isValidUtf8(bytes)).toBe(expected === -1);
    expect(textDecoderUtf8Check(bytes)).toBe(expected === -1);
    if (nodeIsUtf8) expect(nodeIsUtf8(bytes)).toBe(expected === -1);
    for (const [name, make] of validators) {
      const got = failingPiece(make(), pieces);
      if (got !== expected) throw new Error(`${name}: ${toHex(bytes)} cut at ${cuts}: ${got} ≠ ${expected}`);
    }
  };

  it('short byte strings, arbitrary splits', () => {
    fc.assert(
      fc.property(utf8ish(12), fc.array(fc.nat(80), { maxLength: 6 }), (bytes, cuts) => check(bytes, cuts)),
      { numRuns: 300 },
    );
  });

  it('long byte strings (fast path), arbitrary splits', () => {
    fc.assert(
      fc.property(longUtf8ish, fc.array(fc.nat(2000), { maxLength: 3 }), (bytes, cuts) => check(bytes, cuts)),
      { numRuns: 150 },
    );
  });

  it('the decoder fails at the chunk holding the first bad byte, in both delivery modes', () => {
    fc.assert(
      fc.property(
        fc.oneof(utf8ish(12), longUtf8ish),
        fc.array(fc.nat(2000), { maxLength: 4 }),
        (payload, cuts) => {
          // An unmasked text frame with a 16-bit length (payloads stay under 64 KiB).
          const frame = new Uint8Array(4 + payload.length);
          frame.set([0x81, 126, payload.length >>> 8, payload.length & 0xff]);
          frame.set(payload, 4);
          const chunkCuts = [4, ...cuts.map((cut) => cut + 4)];
          const chunks = splitAt(frame, chunkCuts);
          // The header is chunk 0; payload pieces follow.
          const expected = expectedFailingPiece(payload, chunks.slice(1));
          for (const options of [
            { role: 'client', delivery: 'whole' },
            { role: 'client', delivery: 'pieces' },
            { role: 'client', delivery: 'pieces', utf8Check: textDecoderUtf8Check },
          ] as const) {
            const result = decode(
              chunks.map((chunk) => chunk.slice()),
              options,
            );
            if (expected === -1) {
              expect(result.error).toBeUndefined();
            } else {
              expect(result.error?.code).toBe('WS_ERR_INVALID_UTF8');
              expect(result.error?.closeCode).toBe(1007);
              // A cut-short sequence is refused with the last chunk.
              expect(result.errorAt).toBe(Math.min(expected, chunks.length - 2) + 1);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
