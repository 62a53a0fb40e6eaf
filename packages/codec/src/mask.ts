/**
 * Masking (RFC 6455 §5.3): every byte of a client-to-server payload is XORed with one of the four
 * bytes of a 32-bit masking key, cycling from the first byte of the payload.
 *
 * Keys are passed around as unsigned 32-bit numbers in wire order (the first key byte is the most
 * significant), so no key ever needs an allocation. Three kernels, picked by size:
 *
 * - short payloads (under 128 bytes): a byte loop over four precomputed key bytes;
 * - medium payloads: 32-bit words through an `Int32Array` over the whole underlying buffer, kept
 *   for the next call (creating a typed array costs as much as masking a few hundred bytes, and
 *   consecutive calls usually hit the same buffer);
 * - long payloads (512 bytes and up): WebAssembly SIMD, 16 bytes per XOR. WebAssembly cannot see
 *   a JavaScript buffer, so the payload is staged through the kernel's own memory 8 KiB at a time
 *   (copy in, XOR, copy out: two native copies of L1-resident blocks, still several times faster
 *   than the word loop). Where WebAssembly or its SIMD is missing or forbidden (Workers refuse to
 *   compile code at run time, a page's CSP may too), the word loop does the work.
 *
 * The WebAssembly kernel lives in its own module (`mask-simd.ts`), loaded by `import()` on the first
 * long payload and compiled then, never at import: the payloads masked while it loads go through
 * the word loop, and a bundle whose payloads stay short never carries it.
 */

import { CACHED_VIEW_LIMIT, SIMD_THRESHOLD, WORD_THRESHOLD } from './internal-constants.js';
import type { SimdMask } from './mask-simd.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The key byte that masks payload byte `index` when the payload starts at key position 0. */
function keyByte(key: number, index: number): number {
  return (key >>> (24 - ((index & 3) << 3))) & 0xff;
}

/**
 * The key rotated so that its most significant byte masks the byte at key position `phase`: the
 * key of a piece of payload that starts at that position, as if it started the payload.
 *
 * @internal exported for the message decoder.
 */
export function rotatedKey(key: number, phase: number): number {
  const shift = (phase & 3) << 3;
  return shift === 0 ? key >>> 0 : ((key << shift) | (key >>> (32 - shift))) >>> 0;
}

/** Reverses the byte order of a 32-bit value (as a signed 32-bit integer). */
function byteSwap(value: number): number {
  return ((value & 0xff) << 24) | ((value & 0xff00) << 8) | ((value >>> 8) & 0xff00) | (value >>> 24);
}

/**
 * The 32-bit word that masks four aligned payload bytes starting at key position `phase`, as a
 * little-endian load of those bytes reads it (what WebAssembly lanes hold). Signed 32-bit.
 */
function littleEndianKeyWord(key: number, phase: number): number {
  return byteSwap(rotatedKey(key, phase));
}

/**
 * The same word in the platform's byte order (what an `Int32Array` element holds). Signed 32-bit.
 *
 * @internal exported for the frame encoder.
 */
export function platformKeyWord(key: number, phase: number): number {
  return LITTLE_ENDIAN ? littleEndianKeyWord(key, phase) : rotatedKey(key, phase) | 0;
}

// --- WebAssembly SIMD kernel, loaded on demand -----------------------------------------------

/** The kernel once loaded; `undefined` until then (and while loading), `null` once unavailable. */
let simdMask: SimdMask | null | undefined;
/** The load of the kernel's module, once asked for (it loads once). */
let simdLoad: Promise<boolean> | undefined;

/**
 * Starts loading the kernel's module (`mask-simd.js`) unless it was already asked for, and returns
 * whether the kernel is in use once the load settled. Called by the first long payload: a bundled
 * client whose payloads stay short never fetches the module. Until it has loaded, the word loop
 * masks (results are the same); a module that fails to load leaves the word loop in charge for good.
 *
 * @internal exported for the tests, which wait for the kernel before checking it.
 */
export function loadSimd(): Promise<boolean> {
  simdLoad ??= import('./mask-simd.js').then(
    ({ loadSimdKernel }) => {
      simdMask = loadSimdKernel();
      return simdMask !== null;
    },
    () => {
      simdMask = null;
      return false;
    },
  );
  return simdLoad;
}

// --- JavaScript kernels ------------------------------------------------------------------------

/**
 * Masks `bytes[start..end)` in place, a byte at a time with the four key bytes in locals; `phase`
 * is the key position of `bytes[start]`.
 */
function maskBytes(bytes: Uint8Array, start: number, end: number, key: number, phase: number): void {
  const k0 = keyByte(key, phase);
  const k1 = keyByte(key, phase + 1);
  const k2 = keyByte(key, phase + 2);
  const k3 = keyByte(key, phase + 3);
  let i = start;
  const unrolled = start + ((end - start) & ~3);
  for (; i < unrolled; i += 4) {
    bytes[i] = bytes[i]! ^ k0;
    bytes[i + 1] = bytes[i + 1]! ^ k1;
    bytes[i + 2] = bytes[i + 2]! ^ k2;
    bytes[i + 3] = bytes[i + 3]! ^ k3;
  }
  if (i < end) bytes[i] = bytes[i]! ^ k0;
  if (i + 1 < end) bytes[i + 1] = bytes[i + 1]! ^ k1;
  if (i + 2 < end) bytes[i + 2] = bytes[i + 2]! ^ k2;
}

/**
 * Writes `source` XORed with the key into `target` at `offset`, a byte at a time; `phase` is the key
 * position of `source[0]`.
 *
 * @internal exported for the frame encoder (short payloads, where a loop beats a native copy).
 */
export function maskBytesInto(
  source: Uint8Array,
  target: Uint8Array,
  offset: number,
  key: number,
  phase: number,
): void {
  const k0 = keyByte(key, phase);
  const k1 = keyByte(key, phase + 1);
  const k2 = keyByte(key, phase + 2);
  const k3 = keyByte(key, phase + 3);
  const length = source.length;
  let i = 0;
  const unrolled = length & ~3;
  for (; i < unrolled; i += 4) {
    target[offset + i] = source[i]! ^ k0;
    target[offset + i + 1] = source[i + 1]! ^ k1;
    target[offset + i + 2] = source[i + 2]! ^ k2;
    target[offset + i + 3] = source[i + 3]! ^ k3;
  }
  if (i < length) target[offset + i] = source[i]! ^ k0;
  if (i + 1 < length) target[offset + i + 1] = source[i + 1]! ^ k1;
  if (i + 2 < length) target[offset + i + 2] = source[i + 2]! ^ k2;
}

let cachedBuffer: ArrayBufferLike | undefined;
let cachedWords: Int32Array | undefined;

/**
 * An `Int32Array` over all of `buffer`. Creating a typed array costs as much as masking a few
 * hundred bytes, and consecutive calls usually hit the same buffer (the frames of one socket
 * chunk, the frames carved from one encoder slab), so the last one is kept; only for buffers up to
 * 1 MiB, so the cache never pins much memory.
 */
function wordsOf(buffer: ArrayBufferLike): Int32Array {
  if (buffer === cachedBuffer && cachedWords!.length === buffer.byteLength >>> 2) return cachedWords!;
  const words = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
  if (buffer.byteLength <= CACHED_VIEW_LIMIT) {
    cachedBuffer = buffer;
    cachedWords = words;
  }
  return words;
}

/**
 * Masks `bytes[start..end)` in place, 32-bit words through a view of the whole underlying buffer on
 * the aligned middle; `phase` is the key position of `bytes[start]`.
 */
function maskWords(bytes: Uint8Array, start: number, end: number, key: number, phase: number): void {
  const absoluteStart = bytes.byteOffset + start;
  const head = (4 - (absoluteStart & 3)) & 3;
  maskBytes(bytes, start, start + head, key, phase);
  const words = wordsOf(bytes.buffer);
  const word = platformKeyWord(key, phase + head);
  let w = (absoluteStart + head) >>> 2;
  const last = w + ((end - start - head) >>> 2);
  const unrolled = w + ((last - w) & ~3);
  for (; w < unrolled; w += 4) {
    words[w] = words[w]! ^ word;
    words[w + 1] = words[w + 1]! ^ word;
    words[w + 2] = words[w + 2]! ^ word;
    words[w + 3] = words[w + 3]! ^ word;
  }
  for (; w < last; w++) words[w] = words[w]! ^ word;
  const tail = (last << 2) - bytes.byteOffset;
  maskBytes(bytes, tail, end, key, phase + (tail - start));
}

/** The SIMD kernel, when `length` is worth it and the runtime has one loaded. */
function simdFor(length: number): SimdMask | null | undefined {
  if (length < SIMD_THRESHOLD) return null;
  if (simdLoad === undefined) void loadSimd();
  return simdMask;
}

/**
 * XORs `data` with the masking `key` in place. Masking and unmasking are the same operation.
 *
 * @param data the bytes to mask; modified in place, so the caller must own them.
 * @param key the masking key as an unsigned 32-bit number, first key byte most significant.
 * @param phase the key position (0–3) of `data[0]`: the payload offset of `data` modulo 4, for a
 *   payload that arrives in several pieces.
 */
export function applyMask(data: Uint8Array, key: number, phase = 0): void {
  const length = data.length;
  if (length < WORD_THRESHOLD) {
    maskBytes(data, 0, length, key, phase);
    return;
  }
  const kernel = simdFor(length);
  if (kernel) kernel(data, data, 0, length, littleEndianKeyWord(key, phase));
  else maskWords(data, 0, length, key, phase);
}

/**
 * Writes `source` XORed with `key` into `target` at `offset`, leaving `source` untouched: one pass
 * over the payload, for a sender that must not modify the caller's buffer.
 *
 * @param phase the key position (0–3) of `source[0]`.
 */
export function maskInto(
  source: Uint8Array,
  target: Uint8Array,
  offset: number,
  key: number,
  phase = 0,
): void {
  const length = source.length;
  if (offset < 0 || offset + length > target.length) {
    throw new RangeError(
      `maskInto: a payload of ${length} bytes does not fit in ${target.length} bytes at offset ${offset}`,
    );
  }
  if (length < WORD_THRESHOLD) {
    maskBytesInto(source, target, offset, key, phase);
    return;
  }
  const kernel = simdFor(length);
  if (kernel) {
    kernel(source, target, offset, length, littleEndianKeyWord(key, phase));
    return;
  }
  // A native copy, then the in-place word kernel on the target: whatever the two alignments, and
  // with no view of the caller's buffer to create.
  target.set(source, offset);
  maskWords(target, offset, offset + length, key, phase);
}

/** A source of cryptographically random bytes, shaped like `crypto.getRandomValues`. */
export type RandomSource = <T extends Uint8Array | Uint32Array>(array: T) => T;

function defaultRandomSource(): RandomSource {
  const webCrypto = (globalThis as { crypto?: { getRandomValues?: RandomSource } }).crypto;
  if (typeof webCrypto?.getRandomValues !== 'function') {
    throw new Error(
      'No crypto.getRandomValues in this runtime: pass MaskKeyPool a cryptographically secure random source',
    );
  }
  return (array) => webCrypto.getRandomValues!(array);
}

/**
 * Hands out masking keys drawn in bulk from `crypto.getRandomValues`: one call per `size` keys
 * instead of one per frame. Keys are unpredictable as RFC 6455 §5.3 and §10.3 require.
 */
export class MaskKeyPool {
  readonly #random: RandomSource;
  readonly #keys: Uint32Array;
  #next: number;

  /**
   * @param size how many keys to draw per refill (default 1024, i.e. 4 KiB of randomness).
   * @param random the random source; defaults to the standard `crypto.getRandomValues`.
   */
  constructor(size = 1024, random?: RandomSource) {
    if (!Number.isInteger(size) || size < 1 || size > 16384) {
      throw new RangeError('MaskKeyPool size must be an integer from 1 to 16384');
    }
    this.#random = random ?? defaultRandomSource();
    this.#keys = new Uint32Array(size);
    this.#next = size;
  }

  /** The next masking key, as an unsigned 32-bit number. */
  next(): number {
    if (this.#next === this.#keys.length) {
      this.#random(this.#keys);
      this.#next = 0;
    }
    return this.#keys[this.#next++]!;
  }
}
