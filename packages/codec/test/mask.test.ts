/**
 * Masking (RFC 6455 §5.3): applyMask and maskInto against a naive byte loop, for every length up to
 * 300, every key phase, and unaligned views; and MaskKeyPool.
 */
import { applyMask, MaskKeyPool, maskInto, type RandomSource } from '@wskit/codec';
import { describe, expect, it } from 'vitest';
import { loadSimd } from '../src/mask.js';
import { fixedRandom, randomBytes, seededRandom } from './helpers.js';
import { checkKernels, kernelLengths } from './mask-kernel-cases.js';

/** The reference: byte i is XORed with key byte (phase + i) mod 4, the first key byte most significant. */
function naiveMask(data: Uint8Array, key: number, phase = 0): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const position = (phase + i) % 4;
    out[i] = data[i]! ^ ((key >>> (24 - 8 * position)) & 0xff);
  }
  return out;
}

/** Whether two byte arrays hold the same bytes (cheaper than a deep-equality matcher in hot loops). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const keys = [0x00000000, 0xffffffff, 0x37fa213d, 0x01020304, 0x80000001, 0xdeadbeef];

describe('applyMask', () => {
  it('matches the naive loop for every length 0..300, every offset 0..7 and every phase', () => {
    const random = seededRandom(1);
    const backing = randomBytes(320, 42);
    const failures: string[] = [];
    for (let length = 0; length <= 300; length++) {
      for (let offset = 0; offset < 8; offset++) {
        for (let phase = 0; phase < 4; phase++) {
          const key = Math.floor(random() * 2 ** 32) >>> 0;
          const buffer = new Uint8Array(length + 16);
          buffer.set(backing.subarray(0, buffer.length));
          const view = buffer.subarray(offset, offset + length);
          const expected = naiveMask(view, key, phase);
          const before = buffer.slice();
          applyMask(view, key, phase);
          // The view is masked and the bytes around it are untouched.
          if (
            !same(view, expected) ||
            !same(buffer.subarray(0, offset), before.subarray(0, offset)) ||
            !same(buffer.subarray(offset + length), before.subarray(offset + length))
          ) {
            failures.push(`length ${length} offset ${offset} phase ${phase} key ${key.toString(16)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('works in place on the caller’s bytes and is its own inverse', () => {
    for (const key of keys) {
      const original = randomBytes(1000, key);
      const data = original.slice();
      applyMask(data, key);
      expect(data).toEqual(naiveMask(original, key));
      applyMask(data, key);
      expect(data).toEqual(original);
    }
  });

  it('masking a payload in pieces with the running phase equals masking it whole', () => {
    const original = randomBytes(777, 7);
    const whole = naiveMask(original, 0x37fa213d);
    for (const cuts of [
      [1, 2, 3, 4],
      [5, 40, 41, 300, 301, 302],
      [33, 66, 99, 132, 700],
      [3, 36, 69, 102],
    ]) {
      const data = original.slice();
      let start = 0;
      for (const end of [...cuts, data.length]) {
        applyMask(data.subarray(start, end), 0x37fa213d, start & 3);
        start = end;
      }
      expect(data).toEqual(whole);
    }
  });

  it('accepts views over any ArrayBuffer offset, including odd ones in a large buffer', () => {
    const buffer = new ArrayBuffer(4096 + 7);
    const bytes = new Uint8Array(buffer);
    bytes.set(randomBytes(bytes.length, 3));
    for (const offset of [1, 2, 3, 5, 6, 7]) {
      const view = new Uint8Array(buffer, offset, 4096);
      const expected = naiveMask(view, 0xa1b2c3d4, offset & 3);
      applyMask(view, 0xa1b2c3d4, offset & 3);
      expect(view).toEqual(expected);
    }
  });
});

describe('maskInto', () => {
  it('matches the naive loop for every length 0..300, source/target alignments and phases', () => {
    const random = seededRandom(2);
    const failures: string[] = [];
    for (let length = 0; length <= 300; length++) {
      for (const [sourceOffset, targetOffset] of [
        [0, 0],
        [1, 1],
        [0, 3],
        [3, 0],
        [2, 5],
        [1, 6],
      ] as const) {
        const phase = Math.floor(random() * 4);
        const key = Math.floor(random() * 2 ** 32) >>> 0;
        const sourceBacking = randomBytes(length + 8, length + sourceOffset);
        const source = sourceBacking.subarray(sourceOffset, sourceOffset + length);
        const sourceBefore = sourceBacking.slice();
        const targetBacking = new Uint8Array(length + 16).fill(0xee);
        const target = targetBacking.subarray(targetOffset);
        const at = (length * 7) % 5;
        maskInto(source, target, at, key, phase);
        // The source is untouched, and so are target bytes outside the written range.
        if (
          !same(target.subarray(at, at + length), naiveMask(source, key, phase)) ||
          !same(sourceBacking, sourceBefore) ||
          !target.subarray(0, at).every((byte) => byte === 0xee) ||
          !target.subarray(at + length).every((byte) => byte === 0xee)
        ) {
          failures.push(
            `length ${length} source +${sourceOffset} target +${targetOffset} at ${at} phase ${phase}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('writes at the very end of the target, and refuses what does not fit', () => {
    const source = randomBytes(40, 9);
    const target = new Uint8Array(50);
    maskInto(source, target, 10, 0x12345678);
    expect(target.subarray(10)).toEqual(naiveMask(source, 0x12345678));
    expect(() => maskInto(source, target, 11, 0x12345678)).toThrow(RangeError);
    expect(() => maskInto(source, target, -1, 0x12345678)).toThrow(RangeError);
    expect(() => maskInto(new Uint8Array(0), new Uint8Array(0), 0, 1)).not.toThrow();
  });

  it('agrees with applyMask on a copy', () => {
    for (const key of keys) {
      const source = randomBytes(1500, key ^ 5);
      const copy = source.slice();
      applyMask(copy, key, 1);
      const target = new Uint8Array(1500);
      maskInto(source, target, 0, key, 1);
      expect(target).toEqual(copy);
    }
  });
});

describe('kernel thresholds', () => {
  it(`applyMask and maskInto at ${kernelLengths.join(', ')} bytes, every phase and alignment`, async () => {
    // The SIMD kernel loads on demand: wait for it, so that lengths from 512 bytes go through it.
    expect(await loadSimd()).toBe(true);
    expect(checkKernels(applyMask, maskInto)).toEqual([]);
  });
});

describe('MaskKeyPool', () => {
  it('hands out the keys its random source produced, refilling in bulk', () => {
    let calls = 0;
    let counter = 0;
    const random: RandomSource = (array) => {
      calls++;
      for (let i = 0; i < array.length; i++) array[i] = ++counter;
      return array;
    };
    const pool = new MaskKeyPool(3, random);
    expect(calls).toBe(0);
    expect([pool.next(), pool.next(), pool.next()]).toEqual([1, 2, 3]);
    expect(calls).toBe(1);
    expect([pool.next(), pool.next()]).toEqual([4, 5]);
    expect(calls).toBe(2);
  });

  it('returns unsigned 32-bit keys', () => {
    const pool = new MaskKeyPool(2, fixedRandom(0xfedcba98));
    expect(pool.next()).toBe(0xfedcba98);
    expect(pool.next()).toBe(0xfedcba98);
    expect(pool.next()).toBe(0xfedcba98);
  });

  it('refuses to make keys without crypto.getRandomValues and no random source given', () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true, writable: true });
    try {
      expect(() => new MaskKeyPool()).toThrow(/No crypto\.getRandomValues .*secure random source/);
      // A source of the caller's is enough.
      const sevens: RandomSource = (array) => {
        array.fill(7);
        return array;
      };
      expect(new MaskKeyPool(1, sevens).next()).toBe(7);
    } finally {
      if (descriptor) Object.defineProperty(globalThis, 'crypto', descriptor);
      else delete (globalThis as { crypto?: unknown }).crypto;
    }
    expect(() => new MaskKeyPool()).not.toThrow();
  });

  it('draws from crypto.getRandomValues by default', () => {
    const pool = new MaskKeyPool();
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const key = pool.next();
      expect(Number.isInteger(key) && key >= 0 && key < 2 ** 32).toBe(true);
      seen.add(key);
    }
    // 2000 random 32-bit keys: a collision is astronomically unlikely, a constant source is not.
    expect(seen.size > 1990).toBe(true);
  });

  it('refuses a bad size', () => {
    expect(() => new MaskKeyPool(0)).toThrow(RangeError);
    expect(() => new MaskKeyPool(1.5)).toThrow(RangeError);
    expect(() => new MaskKeyPool(16385)).toThrow(RangeError);
    expect(() => new MaskKeyPool(1)).not.toThrow();
    expect(() => new MaskKeyPool(16384)).not.toThrow();
  });
});
