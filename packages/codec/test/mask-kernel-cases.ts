/**
 * Masking checked at the lengths where the kernels change hands: the byte loop below 128 bytes, the
 * word loop below 512, the WebAssembly SIMD kernel from 512 (staged 8 KiB at a time), and past
 * 1 MiB, where the word loop stops caching its view. Shared by the normal run and the run without
 * WebAssembly. Not a test file (no `.test.ts` suffix).
 */
import type { applyMask as ApplyMask, maskInto as MaskInto } from '@wskit/codec';
import { randomBytes } from './helpers.js';

/** The lengths around every threshold of the kernels. */
export const kernelLengths = [
  127,
  128,
  511,
  512,
  513,
  8191,
  8192,
  8193,
  16_384 + 15,
  65_536,
  131_056,
  131_072,
  131_073,
  1024 * 1024 + 3,
];

/** The reference: byte i is XORed with key byte (phase + i) mod 4, the first key byte most significant. */
export function naiveMask(data: Uint8Array, key: number, phase = 0): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    out[i] = data[i]! ^ ((key >>> (24 - 8 * ((phase + i) % 4))) & 0xff);
  }
  return out;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Runs `applyMask` (in place, on a view at an odd offset) and `maskInto` (at target offsets of a
 * frame header) at every length of {@link kernelLengths}, every phase; returns what went wrong.
 */
export function checkKernels(applyMask: typeof ApplyMask, maskInto: typeof MaskInto): string[] {
  const failures: string[] = [];
  const key = 0x9e3779b9;
  for (const length of kernelLengths) {
    const original = randomBytes(length + 8, length);
    for (let phase = 0; phase < 4; phase++) {
      for (const offset of [0, 3]) {
        const backing = original.slice();
        const view = backing.subarray(offset, offset + length);
        const expected = naiveMask(view, key, phase);
        applyMask(view, key, phase);
        if (
          !same(view, expected) ||
          !same(backing.subarray(0, offset), original.subarray(0, offset)) ||
          !same(backing.subarray(offset + length), original.subarray(offset + length))
        ) {
          failures.push(`applyMask length ${length} offset ${offset} phase ${phase}`);
        }
      }
      const source = original.subarray(1, 1 + length);
      const expected = naiveMask(source, key, phase);
      for (const at of [0, 6, 14, 5]) {
        const target = new Uint8Array(at + length + 3).fill(0xee);
        maskInto(source, target, at, key, phase);
        if (
          !same(target.subarray(at, at + length), expected) ||
          !target.subarray(0, at).every((byte) => byte === 0xee) ||
          !target.subarray(at + length).every((byte) => byte === 0xee)
        ) {
          failures.push(`maskInto length ${length} at ${at} phase ${phase}`);
        }
      }
      // Source and target the same bytes: masking in place through maskInto.
      const inPlace = original.slice(2, 2 + length);
      maskInto(inPlace, inPlace, 0, key, phase);
      if (!same(inPlace, naiveMask(original.subarray(2, 2 + length), key, phase))) {
        failures.push(`maskInto in place length ${length} phase ${phase}`);
      }
    }
  }
  return failures;
}
