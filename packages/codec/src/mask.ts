/**
 * Masking (RFC 6455 §5.3): every byte of a client-to-server payload is XORed with one of the four
 * bytes of a 32-bit masking key, cycling from the first byte of the payload.
 *
 * Keys are passed around as unsigned 32-bit numbers in wire order (the first key byte is the most
 * significant), so no key ever needs an allocation. The kernels work a 32-bit word at a time on the
 * aligned middle of a buffer and a byte at a time only on its (at most six) unaligned end bytes.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Payloads shorter than this are masked byte by byte: a typed-array view costs more than it saves. */
const WORD_THRESHOLD = 32;

/** The key byte that masks payload byte `index` when the payload starts at key position `phase`. */
function keyByte(key: number, index: number): number {
  return (key >>> (24 - ((index & 3) << 3))) & 0xff;
}

/**
 * The 32-bit word that masks four aligned payload bytes starting at key position `phase`, in the
 * platform's byte order (what a `Uint32Array` element holds).
 */
function keyWord(key: number, phase: number): number {
  const shift = (phase & 3) << 3;
  const rotated = shift === 0 ? key >>> 0 : ((key << shift) | (key >>> (32 - shift))) >>> 0;
  if (!LITTLE_ENDIAN) return rotated;
  return (
    (((rotated & 0xff) << 24) | ((rotated & 0xff00) << 8) | ((rotated >>> 8) & 0xff00) | (rotated >>> 24)) >>>
    0
  );
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
  let i = 0;
  if (length >= WORD_THRESHOLD) {
    const misalignment = data.byteOffset & 3;
    const head = misalignment === 0 ? 0 : 4 - misalignment;
    for (; i < head; i++) data[i]! ^= keyByte(key, phase + i);
    const words = (length - head) >>> 2;
    const view = new Uint32Array(data.buffer, data.byteOffset + head, words);
    const word = keyWord(key, phase + head);
    let w = 0;
    const unrolled = words & ~3;
    for (; w < unrolled; w += 4) {
      view[w]! ^= word;
      view[w + 1]! ^= word;
      view[w + 2]! ^= word;
      view[w + 3]! ^= word;
    }
    for (; w < words; w++) view[w]! ^= word;
    i = head + (words << 2);
  }
  for (; i < length; i++) data[i]! ^= keyByte(key, phase + i);
}

/**
 * Writes `source` XORed with `key` into `target` at `offset`, leaving `source` untouched: one pass
 * over the payload, for a sender that must not modify the caller's buffer.
 *
 * @param phase the key position (0–3) of `source[0]`.
 */
export function maskInto(source: Uint8Array, target: Uint8Array, offset: number, key: number, phase = 0): void {
  const length = source.length;
  if (offset < 0 || offset + length > target.length) {
    throw new RangeError(`maskInto: ${length} bytes do not fit in the target at offset ${offset}`);
  }
  const targetStart = target.byteOffset + offset;
  if (length < WORD_THRESHOLD || ((source.byteOffset ^ targetStart) & 3) !== 0) {
    if (length < WORD_THRESHOLD) {
      for (let i = 0; i < length; i++) target[offset + i] = source[i]! ^ keyByte(key, phase + i);
      return;
    }
    // Alignments differ: a native copy then an in-place pass beats a byte loop.
    const out = target.subarray(offset, offset + length);
    out.set(source);
    applyMask(out, key, phase);
    return;
  }
  const misalignment = source.byteOffset & 3;
  const head = misalignment === 0 ? 0 : 4 - misalignment;
  let i = 0;
  for (; i < head; i++) target[offset + i] = source[i]! ^ keyByte(key, phase + i);
  const words = (length - head) >>> 2;
  const from = new Uint32Array(source.buffer, source.byteOffset + head, words);
  const to = new Uint32Array(target.buffer, targetStart + head, words);
  const word = keyWord(key, phase + head);
  for (let w = 0; w < words; w++) to[w] = from[w]! ^ word;
  i = head + (words << 2);
  for (; i < length; i++) target[offset + i] = source[i]! ^ keyByte(key, phase + i);
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
