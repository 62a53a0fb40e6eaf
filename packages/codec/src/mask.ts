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
 * The WebAssembly module is compiled on first use by a long payload, never at import.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Payloads shorter than this are masked byte by byte. */
const WORD_THRESHOLD = 128;

/**
 * Payloads at least this long go to the WebAssembly SIMD kernel, when there is one.
 *
 * @internal exported for the frame encoder.
 */
export const SIMD_THRESHOLD = 512;

/**
 * Bytes staged through the SIMD kernel's memory per call (a multiple of 16, at most 64 KiB): small
 * enough that the source block, the staging block and the target block all stay in L1 cache.
 */
const SIMD_BLOCK = 8 * 1024;

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

// --- WebAssembly SIMD kernel -------------------------------------------------------------------

/**
 * The kernel, hand-assembled (202 bytes). Its text form:
 *
 * ```wat
 * (module
 *   (memory (export "memory") 2 2)            ;; two fixed 64 KiB pages: never grows, never detaches
 *   (func (export "xor") (param $at i32) (param $length i32) (param $word i32)
 *     (local $key v128)
 *     (local.set $key (i32x4.splat (local.get $word)))
 *     (block $end (loop $wide                  ;; 64 bytes per iteration
 *       (br_if $end (i32.lt_u (local.get $length) (i32.const 64)))
 *       (v128.store offset=0 (local.get $at) (v128.xor (v128.load offset=0 (local.get $at)) (local.get $key)))
 *       ;; … the same at offsets 16, 32 and 48
 *       (local.set $at (i32.add (local.get $at) (i32.const 64)))
 *       (local.set $length (i32.sub (local.get $length) (i32.const 64)))
 *       (br $wide)))
 *     (block $end (loop $narrow                ;; then 16 bytes per iteration
 *       (br_if $end (i32.lt_u (local.get $length) (i32.const 16)))
 *       (v128.store (local.get $at) (v128.xor (v128.load (local.get $at)) (local.get $key)))
 *       (local.set $at (i32.add (local.get $at) (i32.const 16)))
 *       (local.set $length (i32.sub (local.get $length) (i32.const 16)))
 *       (br $narrow)))))
 * ```
 *
 * `xor(at, length, word)` masks `length` bytes (a multiple of 16) at `at` in its memory in place.
 */
// biome-ignore format: one row per 16 bytes
const SIMD_MODULE = [
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f,
  0x00, 0x03, 0x02, 0x01, 0x00, 0x05, 0x04, 0x01, 0x01, 0x02, 0x02, 0x07, 0x10, 0x02, 0x06, 0x6d,
  0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x03, 0x78, 0x6f, 0x72, 0x00, 0x00, 0x0a, 0x9a, 0x01,
  0x01, 0x97, 0x01, 0x01, 0x01, 0x7b, 0x20, 0x02, 0xfd, 0x11, 0x21, 0x03, 0x02, 0x40, 0x03, 0x40,
  0x20, 0x01, 0x41, 0xc0, 0x00, 0x49, 0x0d, 0x01, 0x20, 0x00, 0x20, 0x00, 0xfd, 0x00, 0x04, 0x00,
  0x20, 0x03, 0xfd, 0x51, 0xfd, 0x0b, 0x04, 0x00, 0x20, 0x00, 0x20, 0x00, 0xfd, 0x00, 0x04, 0x10,
  0x20, 0x03, 0xfd, 0x51, 0xfd, 0x0b, 0x04, 0x10, 0x20, 0x00, 0x20, 0x00, 0xfd, 0x00, 0x04, 0x20,
  0x20, 0x03, 0xfd, 0x51, 0xfd, 0x0b, 0x04, 0x20, 0x20, 0x00, 0x20, 0x00, 0xfd, 0x00, 0x04, 0x30,
  0x20, 0x03, 0xfd, 0x51, 0xfd, 0x0b, 0x04, 0x30, 0x20, 0x00, 0x41, 0xc0, 0x00, 0x6a, 0x21, 0x00,
  0x20, 0x01, 0x41, 0xc0, 0x00, 0x6b, 0x21, 0x01, 0x0c, 0x00, 0x0b, 0x0b, 0x02, 0x40, 0x03, 0x40,
  0x20, 0x01, 0x41, 0x10, 0x49, 0x0d, 0x01, 0x20, 0x00, 0x20, 0x00, 0xfd, 0x00, 0x04, 0x00, 0x20,
  0x03, 0xfd, 0x51, 0xfd, 0x0b, 0x04, 0x00, 0x20, 0x00, 0x41, 0x10, 0x6a, 0x21, 0x00, 0x20, 0x01,
  0x41, 0x10, 0x6b, 0x21, 0x01, 0x0c, 0x00, 0x0b, 0x0b, 0x0b,
];

/** What the kernel exports, bound for calls from JavaScript. */
interface SimdKernel {
  /** Masks `length` bytes (a multiple of 16) at `at` in `memory`, in place. */
  readonly xor: (at: number, length: number, word: number) => void;
  /** The kernel's memory: 128 KiB, fixed, so this view never detaches. */
  readonly memory: Uint8Array;
  /** The first {@link SIMD_BLOCK} bytes of `memory`, so a full block needs no new view. */
  readonly block: Uint8Array;
}

/** The slice of the WebAssembly JS API the kernel needs (declared here: no DOM or runtime types). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/** `undefined` until first needed; `null` once known to be unavailable. */
let simdKernel: SimdKernel | null | undefined;

function loadSimdKernel(): SimdKernel | null {
  simdKernel = null;
  try {
    const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    const bytes = new Uint8Array(SIMD_MODULE);
    // `validate` is false where the engine lacks SIMD; compiling throws where code generation is
    // forbidden (workerd, a strict CSP). Either way the word loop stays in charge.
    if (api === undefined || !api.validate(bytes)) return null;
    const exports = new api.Instance(new api.Module(bytes)).exports;
    const memory = new Uint8Array((exports.memory as { buffer: ArrayBuffer }).buffer);
    const xor = exports.xor as SimdKernel['xor'];
    const kernel: SimdKernel = { xor, memory, block: memory.subarray(0, SIMD_BLOCK) };
    // Self-test once: a miscompiled or misassembled kernel must never corrupt payloads.
    kernel.memory.fill(0x5a, 0, 80);
    xor(0, 80, 0x01020304);
    if (memory[0] !== 0x5e || memory[1] !== 0x59 || memory[79] !== 0x5b) return null;
    simdKernel = kernel;
  } catch {
    simdKernel = null;
  }
  return simdKernel;
}

/**
 * Masks `length` bytes of `source` into `target` at `targetOffset` through the SIMD kernel, a block
 * at a time; `source` and `target` may be the same bytes. Blocks are multiples of 16 bytes, so the
 * key phase is the same at the start of every block; the last block is XORed up to the next
 * multiple of 16 (bytes past the payload in the kernel's memory are scratch) and copied out exactly.
 */
function simdMask(
  kernel: SimdKernel,
  source: Uint8Array,
  target: Uint8Array,
  targetOffset: number,
  length: number,
  word: number,
): void {
  const memory = kernel.memory;
  if (length <= SIMD_BLOCK) {
    memory.set(source);
    kernel.xor(0, (length + 15) & ~15, word);
    target.set(length === SIMD_BLOCK ? kernel.block : memory.subarray(0, length), targetOffset);
    return;
  }
  // Blocks of the source as plain views: `subarray` would go through the species constructor of a
  // subclass such as Node's Buffer, several times slower.
  const buffer = source.buffer;
  const base = source.byteOffset;
  for (let at = 0; at < length; at += SIMD_BLOCK) {
    const size = Math.min(length - at, SIMD_BLOCK);
    memory.set(new Uint8Array(buffer, base + at, size));
    kernel.xor(0, (size + 15) & ~15, word);
    target.set(size === SIMD_BLOCK ? kernel.block : memory.subarray(0, size), targetOffset + at);
  }
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

/** Buffers up to this size keep a cached word view (see {@link wordsOf}). */
const CACHED_VIEW_LIMIT = 1024 * 1024;
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

/** The SIMD kernel, when `length` is worth it and the runtime has one. */
function simdFor(length: number): SimdKernel | null {
  if (length < SIMD_THRESHOLD) return null;
  return simdKernel === undefined ? loadSimdKernel() : simdKernel;
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
  if (kernel !== null) simdMask(kernel, data, data, 0, length, littleEndianKeyWord(key, phase));
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
    throw new RangeError(`maskInto: ${length} bytes do not fit in the target at offset ${offset}`);
  }
  if (length < WORD_THRESHOLD) {
    maskBytesInto(source, target, offset, key, phase);
    return;
  }
  const kernel = simdFor(length);
  if (kernel !== null) {
    simdMask(kernel, source, target, offset, length, littleEndianKeyWord(key, phase));
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
      'No crypto.getRandomValues in this runtime: pass a random source to MaskKeyPool (masking keys must be unpredictable, RFC 6455 §5.3)',
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
