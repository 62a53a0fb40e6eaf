/**
 * Streaming UTF-8 validation (RFC 3629, as RFC 6455 §8.1 requires of text messages).
 *
 * The checks follow the WHATWG Encoding Standard's UTF-8 decoder: each byte either starts a
 * sequence, continues one within the bounds allowed at that position, or is invalid. So a sequence
 * is refused at the first byte that cannot belong to a valid one (an overlong form, a surrogate, a
 * code point beyond U+10FFFF, a stray continuation byte), however the stream is split, and a
 * sequence cut short is refused only when the message ends. Noncharacters are valid.
 */

import { FAST_PATH_THRESHOLD } from './internal-constants.js';
import { fatalUtf8Decoder } from './text.js';

/** A function that reports whether a complete run of bytes is valid UTF-8 (e.g. Node's `buffer.isUtf8`). */
export type Utf8Check = (bytes: Uint8Array) => boolean;

/**
 * A streaming UTF-8 validator. Feed it the pieces of one message with {@link write}, then call
 * {@link end}. Once a piece is refused the validator stays failed until {@link reset}.
 *
 * Between pieces it keeps only the lead byte of a sequence that the end of a piece cut short and
 * how many of its bytes came, all checked as far as they go; the next piece's first bytes complete
 * the sequence, each checked as it comes.
 */
export class Utf8Validator {
  /** The lead byte of a sequence cut short by the end of the last piece. */
  #lead = 0;
  /** How many bytes of that sequence came (0: the last piece ended on a sequence boundary). */
  #held = 0;
  #failed = false;
  readonly #fast: Utf8Check | undefined;

  /**
   * @param fastCheck an optional platform validator for complete runs (Node's `buffer.isUtf8`,
   *   {@link textDecoderUtf8Check}); pieces of 32 bytes and more are checked with it, all others
   *   and the ragged ends of pieces with the portable code.
   */
  constructor(fastCheck?: Utf8Check) {
    this.#fast = fastCheck;
  }

  /** Whether the bytes so far were valid and the last one ended a sequence. */
  get atBoundary(): boolean {
    return !this.#failed && this.#held === 0;
  }

  /** Validates the next piece. Returns `false` as soon as a byte cannot be part of valid UTF-8. */
  write(bytes: Uint8Array): boolean {
    if (this.#failed) return false;
    const length = bytes.length;
    let start = 0;
    let held = this.#held;
    if (held !== 0) {
      // The rest of the sequence the previous piece cut short (its bytes so far were checked).
      const lead = this.#lead;
      const size = sequenceSize(lead);
      for (; held < size && start < length; held++) {
        const byte = bytes[start++]!;
        if (held === 1 ? !secondByteValid(lead, byte) : (byte & 0xc0) !== 0x80) return this.#fail();
      }
      this.#held = held === size ? 0 : held;
    }
    if (this.#fast !== undefined && length - start >= FAST_PATH_THRESHOLD) {
      // The complete sequences go to the fast check; a sequence cut at the end to the portable code.
      const end = completeEnd(bytes, start);
      if (end > start && !this.#fast(start === 0 && end === length ? bytes : bytes.subarray(start, end))) {
        return this.#fail();
      }
      start = end;
    }
    const end = completeRun(bytes, start);
    if (end < 0) return this.#fail();
    if (end < length) {
      this.#lead = bytes[end]!;
      this.#held = length - end;
    }
    return true;
  }

  /**
   * Ends the message: returns `false` if the bytes so far were invalid or stopped inside a
   * sequence. Resets the validator for the next message either way.
   */
  end(): boolean {
    const valid = this.atBoundary;
    this.reset();
    return valid;
  }

  /** Forgets all state, ready for a new message. */
  reset(): void {
    this.#held = 0;
    this.#failed = false;
  }

  #fail(): false {
    this.#failed = true;
    return false;
  }
}

/**
 * Validates whole sequences of `bytes` from `start` (which must begin a sequence), with the bytes
 * in locals. Returns `bytes.length` when every sequence is complete and valid, the index of the lead
 * byte of a sequence that the end of `bytes` cuts short (everything before it being valid, and its
 * own bytes as far as they go), or -1 at the first byte that cannot belong to valid UTF-8.
 */
function completeRun(bytes: Uint8Array, start: number): number {
  const length = bytes.length;
  let i = start;
  while (i < length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      // A run of ASCII: four bytes at a time once it is four bytes long.
      if (i + 4 <= length && bytes[i]! < 0x80) {
        while (
          i + 4 <= length &&
          ((bytes[i]! | bytes[i + 1]! | bytes[i + 2]! | bytes[i + 3]!) & 0x80) === 0
        ) {
          i += 4;
        }
      }
    } else if (lead < 0xe0) {
      // 0x80–0xC1 never start a sequence (stray continuation, overlong two-byte form).
      if (lead < 0xc2) return -1;
      if (i + 1 >= length) return i;
      if ((bytes[i + 1]! & 0xc0) !== 0x80) return -1;
      i += 2;
    } else if (lead < 0xf0) {
      if (i + 2 >= length) return cutShort(bytes, i);
      const second = bytes[i + 1]!;
      // E0: no overlong three-byte forms; ED: no UTF-16 surrogates.
      if (
        second < (lead === 0xe0 ? 0xa0 : 0x80) ||
        second > (lead === 0xed ? 0x9f : 0xbf) ||
        (bytes[i + 2]! & 0xc0) !== 0x80
      ) {
        return -1;
      }
      i += 3;
    } else {
      // 0xF5–0xFF never start a sequence.
      if (lead > 0xf4) return -1;
      if (i + 3 >= length) return cutShort(bytes, i);
      const second = bytes[i + 1]!;
      // F0: no overlong four-byte forms; F4: nothing beyond U+10FFFF.
      if (
        second < (lead === 0xf0 ? 0x90 : 0x80) ||
        second > (lead === 0xf4 ? 0x8f : 0xbf) ||
        (bytes[i + 2]! & 0xc0) !== 0x80 ||
        (bytes[i + 3]! & 0xc0) !== 0x80
      ) {
        return -1;
      }
      i += 4;
    }
  }
  return i;
}

/**
 * For a sequence at `i` that the end of `bytes` cuts short: `i` if its bytes are valid as far as
 * they go, else -1.
 */
function cutShort(bytes: Uint8Array, i: number): number {
  const length = bytes.length;
  if (i + 1 < length && !secondByteValid(bytes[i]!, bytes[i + 1]!)) return -1;
  if (i + 2 < length && (bytes[i + 2]! & 0xc0) !== 0x80) return -1;
  return i;
}

/** The size of the sequence that `lead` starts (a lead byte of 2, 3 or 4 bytes). */
function sequenceSize(lead: number): number {
  return lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

/**
 * Whether `byte` may follow `lead` (a lead byte of 2, 3 or 4 bytes): 0x80-0xBF, but at least A0 after
 * E0 and 90 after F0 (shorter forms are overlong), at most 9F after ED (UTF-16 surrogates) and 8F
 * after F4 (beyond U+10FFFF).
 */
function secondByteValid(lead: number, byte: number): boolean {
  return (
    byte >= (lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80) &&
    byte <= (lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf)
  );
}

/**
 * The index after the last complete sequence in `bytes[start..]`: the start of a trailing lead byte
 * whose sequence runs past the end, or `bytes.length` if none does. Looks at the last 3 bytes only.
 */
function completeEnd(bytes: Uint8Array, start: number): number {
  const length = bytes.length;
  for (let back = 1; back <= 3 && length - back >= start; back++) {
    const byte = bytes[length - back]!;
    if (byte < 0x80) return length;
    if (byte >= 0xc0) {
      return sequenceSize(byte) > back ? length - back : length;
    }
  }
  return length;
}

/**
 * A complete-run validator built on the standard `TextDecoder` in fatal mode, present in every
 * runtime wskit supports. It decodes to validate, so it pays off on long runs only; Node's
 * `buffer.isUtf8` (simdutf) is faster where available.
 */
export const textDecoderUtf8Check: Utf8Check = (bytes) => {
  try {
    fatalUtf8Decoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/** Whether `bytes` is one complete, valid UTF-8 sequence (portable code, no fast path). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  return completeRun(bytes, 0) === bytes.length;
}
