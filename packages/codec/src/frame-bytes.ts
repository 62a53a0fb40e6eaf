/**
 * The byte-level writers of the frame encoder: header fields, masking key, and short payloads copied
 * a byte at a time (for a few dozen bytes, a loop beats the fixed cost of a native copy; short
 * payloads are masked a byte at a time by the masking module's `maskBytesInto`).
 */
import { MAX_7BIT_LENGTH, MAX_16BIT_LENGTH } from './constants.js';
import { framePool } from './frame-pool.js';
import { SHORT_PAYLOAD } from './internal-constants.js';
import { platformKeyWord } from './mask.js';

/** The size of a header for a `length`-byte payload without its masking key (RFC 6455 §5.2). */
export function baseHeaderSize(length: number): number {
  return length <= MAX_7BIT_LENGTH ? 2 : length <= MAX_16BIT_LENGTH ? 4 : 10;
}

/**
 * Writes the first two bytes and the extended length of a header (the minimal length form, RFC
 * 6455 §5.2) into `frame` at `at`; returns the offset after them (where a masking key goes).
 */
export function writeHeaderStart(
  frame: Uint8Array,
  at: number,
  first: number,
  maskBit: number,
  length: number,
): number {
  frame[at] = first;
  if (length <= MAX_7BIT_LENGTH) {
    frame[at + 1] = maskBit | length;
    return at + 2;
  }
  if (length <= MAX_16BIT_LENGTH) {
    frame[at + 1] = maskBit | 126;
    frame[at + 2] = length >>> 8;
    frame[at + 3] = length & 0xff;
    return at + 4;
  }
  frame[at + 1] = maskBit | 127;
  writeUint32(frame, at + 2, Math.floor(length / 0x1_0000_0000));
  writeUint32(frame, at + 6, length >>> 0);
  return at + 10;
}

/**
 * Writes an unsigned 32-bit `value` at `at`, most significant byte first: a masking key (first key
 * byte most significant), or half of a 64-bit payload length.
 */
export function writeUint32(frame: Uint8Array, at: number, value: number): void {
  frame[at] = value >>> 24;
  frame[at + 1] = (value >>> 16) & 0xff;
  frame[at + 2] = (value >>> 8) & 0xff;
  frame[at + 3] = value & 0xff;
}

/** Copies `payload` into `frame` at `at`: a byte loop for short payloads, a native copy otherwise. */
export function copyPayload(payload: Uint8Array, frame: Uint8Array, at: number): void {
  const length = payload.length;
  if (length > SHORT_PAYLOAD) {
    frame.set(payload, at);
    return;
  }
  for (let i = 0; i < length; i++) frame[at + i] = payload[i]!;
}

/**
 * Masks, in place, the `length`-byte payload at `at` of the pooled frame just carved out of
 * {@link framePool} with its payload 8-byte aligned: whole words through the slab's word view, then
 * the last few bytes one by one. After a native copy of the payload, this beats a byte loop from
 * source to target several times over on payloads of a few hundred bytes.
 */
export function maskPooled(frame: Uint8Array, at: number, length: number, key: number): void {
  const words = framePool.words;
  const word = platformKeyWord(key, 0);
  let w = (frame.byteOffset + at) >>> 2;
  const end = w + (length >>> 2);
  for (; w < end; w++) words[w] = words[w]! ^ word;
  for (let i = length & ~3; i < length; i++) {
    frame[at + i] = frame[at + i]! ^ ((key >>> (24 - ((i & 3) << 3))) & 0xff);
  }
}
