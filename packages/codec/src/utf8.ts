/**
 * Streaming UTF-8 validation (RFC 3629, as RFC 6455 §8.1 requires of text messages).
 *
 * The state machine follows the WHATWG Encoding Standard's UTF-8 decoder: each byte either starts a
 * sequence, continues one within the bounds allowed at that position, or is invalid. So a sequence
 * is refused at the first byte that cannot belong to a valid one (an overlong form, a surrogate, a
 * code point beyond U+10FFFF, a stray continuation byte), however the stream is split, and a
 * sequence cut short is refused only when the message ends. Noncharacters are valid.
 */

import { fatalUtf8Decoder } from './text.js';

/** A function that reports whether a complete run of bytes is valid UTF-8 (e.g. Node's `buffer.isUtf8`). */
export type Utf8Check = (bytes: Uint8Array) => boolean;

/** Runs at least this long go to the fast validator, when one was given. */
const FAST_PATH_THRESHOLD = 32;

/**
 * A streaming UTF-8 validator. Feed it the pieces of one message with {@link write}, then call
 * {@link end}. Once a piece is refused the validator stays failed until {@link reset}.
 */
export class Utf8Validator {
  #needed = 0;
  #seen = 0;
  #lower = 0x80;
  #upper = 0xbf;
  #failed = false;
  readonly #fast: Utf8Check | undefined;

  /**
   * @param fastCheck an optional platform validator for complete runs (Node's `buffer.isUtf8`,
   *   {@link textDecoderUtf8Check}); pieces of 32 bytes and more are checked with it, all others
   *   and the ragged ends of pieces with the portable state machine.
   */
  constructor(fastCheck?: Utf8Check) {
    this.#fast = fastCheck;
  }

  /** Whether the bytes so far were valid and the last one ended a sequence. */
  get atBoundary(): boolean {
    return !this.#failed && this.#needed === 0;
  }

  /** Validates the next piece. Returns `false` as soon as a byte cannot be part of valid UTF-8. */
  write(bytes: Uint8Array): boolean {
    if (this.#failed) return false;
    let start = 0;
    const length = bytes.length;
    if (this.#fast !== undefined && length >= FAST_PATH_THRESHOLD) {
      // Finish a sequence left open by the previous piece with the state machine, hand the complete
      // middle to the fast check, and keep a sequence cut at the end for the state machine.
      while (this.#needed !== 0 && start < length) {
        if (!this.#step(bytes[start]!)) return false;
        start++;
      }
      const cut = completeEnd(bytes, start);
      if (cut > start) {
        if (!this.#fast(start === 0 && cut === length ? bytes : bytes.subarray(start, cut))) {
          this.#failed = true;
          return false;
        }
        if (cut === length) return true;
        start = cut;
      }
    }
    return this.#run(bytes, start);
  }

  /**
   * Ends the message: returns `false` if the bytes so far were invalid or stopped inside a
   * sequence. Resets the validator for the next message either way.
   */
  end(): boolean {
    const valid = !this.#failed && this.#needed === 0;
    this.reset();
    return valid;
  }

  /** Forgets all state, ready for a new message. */
  reset(): void {
    this.#needed = 0;
    this.#seen = 0;
    this.#lower = 0x80;
    this.#upper = 0xbf;
    this.#failed = false;
  }

  /**
   * Validates `bytes[start..]`: a sequence left open by the previous piece byte by byte, then whole
   * sequences at a time ({@link completeRun}), then a sequence cut by the end of this piece byte by
   * byte again, so a bad byte fails this piece however the stream is split.
   */
  #run(bytes: Uint8Array, start: number): boolean {
    const length = bytes.length;
    let i = start;
    while (this.#needed !== 0) {
      if (i === length) return true;
      if (!this.#step(bytes[i]!)) return false;
      i++;
    }
    i = completeRun(bytes, i);
    if (i < 0) return this.#fail();
    for (; i < length; i++) if (!this.#step(bytes[i]!)) return false;
    return true;
  }

  #fail(): false {
    this.#failed = true;
    return false;
  }

  #step(byte: number): boolean {
    if (this.#needed === 0) {
      if (byte < 0x80) return true;
      if (byte >= 0xc2 && byte <= 0xdf) {
        this.#needed = 1;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) this.#lower = 0xa0; // overlong three-byte forms
        if (byte === 0xed) this.#upper = 0x9f; // UTF-16 surrogates
        this.#needed = 2;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) this.#lower = 0x90; // overlong four-byte forms
        if (byte === 0xf4) this.#upper = 0x8f; // beyond U+10FFFF
        this.#needed = 3;
      } else {
        // 0x80–0xC1 (stray continuation, overlong two-byte lead) and 0xF5–0xFF never start a sequence.
        this.#failed = true;
        return false;
      }
      return true;
    }
    if (byte < this.#lower || byte > this.#upper) {
      this.#failed = true;
      return false;
    }
    this.#lower = 0x80;
    this.#upper = 0xbf;
    if (++this.#seen === this.#needed) {
      this.#needed = 0;
      this.#seen = 0;
    }
    return true;
  }
}

/**
 * Validates whole sequences of `bytes` from `start` (which must begin a sequence), with the bytes
 * in locals. Returns `bytes.length` when every sequence is complete and valid, the index of the lead
 * byte of a sequence that the end of `bytes` cuts short (everything before it being valid; its own
 * bytes are not checked), or -1 at the first byte that cannot belong to valid UTF-8.
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
      if (i + 2 >= length) return i;
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
      if (i + 3 >= length) return i;
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
 * The index after the last complete sequence in `bytes[start..]`: the start of a trailing lead byte
 * whose sequence runs past the end, or `bytes.length` if none does. Looks at the last 3 bytes only.
 */
function completeEnd(bytes: Uint8Array, start: number): number {
  const length = bytes.length;
  for (let back = 1; back <= 3 && length - back >= start; back++) {
    const byte = bytes[length - back]!;
    if (byte < 0x80) return length;
    if (byte >= 0xc0) {
      const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return size > back ? length - back : length;
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
