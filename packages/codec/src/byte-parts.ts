import { type Allocate, allocateChecked, checkAllocate } from './allocate.js';
import { applyMask, maskInto } from './mask.js';

/**
 * The payload pieces of one message, kept as views until the message ends, then joined with one
 * copy (or none, when there is a single piece). A piece may still be masked: it is unmasked as it is
 * copied into the joined array, so a masked payload costs one pass, not an unmasking pass and a copy.
 *
 * A peer that trickles a message a byte per chunk must not make the number of retained views (and
 * the chunks behind them) grow with the number of chunks, so once more than 8 pieces are held and
 * they average under 4 KiB, pieces under 4 KiB are packed into shared blocks (one extra copy of
 * those small pieces only). Pieces of a message sent in large frames are never packed (the small
 * piece at each chunk boundary stays a view), so such a message is copied exactly once. Either way
 * the number of views grows with the bytes held, not with the number of pieces.
 */
export class ByteParts {
  readonly #allocate: Allocate;
  #parts: Uint8Array[] = [];
  /** The masking key of each part (first key byte masks its first byte); 0 for plain bytes. */
  #keys: number[] = [];
  #length = 0;
  #block: Uint8Array | undefined;
  #blockFill = 0;

  /**
   * @param allocate allocates the joined array (and packing blocks); the default is
   *   `new Uint8Array(length)`. Every byte is written before use, so it need not zero the memory.
   */
  constructor(allocate?: Allocate) {
    this.#allocate = checkAllocate(allocate);
  }

  /** Total bytes held. */
  get length(): number {
    return this.#length;
  }

  /**
   * Adds a piece. The view is kept (not copied) until {@link take}, so its bytes must not change
   * until then.
   *
   * @param maskKey when the piece is still masked, its masking key rotated so that the first key
   *   byte (most significant) masks `data[0]`; the default 0 means plain bytes. A masked piece is
   *   unmasked by {@link take} (in place when it is the only one, since masking keys come with
   *   chunks the decoder owns).
   */
  push(data: Uint8Array, maskKey = 0): void {
    const length = data.length;
    if (length === 0) return;
    const held = this.#parts.length;
    const before = this.#length;
    this.#length = before + length;
    // A view when few are held, when the piece is large, or when the parts held average 4 KiB or more
    // (so a small view adds at most one part per 4 KiB held).
    if (held < PACK_AFTER_PARTS || length >= SMALL_PART || before >= held * SMALL_PART) {
      if (this.#block !== undefined) this.#sealBlock();
      this.#parts.push(data);
      this.#keys.push(maskKey);
      return;
    }
    let block = this.#block;
    if (block === undefined || this.#blockFill + length > block.length) {
      this.#sealBlock();
      // Size a block to the piece that opens it (4x, 1–16 KiB), so a lone small piece between large
      // ones cannot pin a mostly empty 16 KiB block: retained memory stays within 1.25x of the data.
      block = allocateChecked(this.#allocate, Math.min(BLOCK_SIZE, Math.max(MIN_BLOCK_SIZE, length * 4)));
      this.#block = block;
    }
    if (maskKey === 0) block.set(data, this.#blockFill);
    else maskInto(data, block, this.#blockFill, maskKey);
    this.#blockFill += length;
  }

  /** Returns all bytes as one array (unmasked) and empties the list. */
  take(): Uint8Array {
    if (this.#block !== undefined) this.#sealBlock();
    const parts = this.#parts;
    const keys = this.#keys;
    const length = this.#length;
    this.#parts = [];
    this.#keys = [];
    this.#length = 0;
    if (parts.length <= 1) {
      if (parts.length === 0) return new Uint8Array(0);
      const only = parts[0]!;
      // The decoder owns the chunk this is a view of: unmask it where it is.
      if (keys[0] !== 0) applyMask(only, keys[0]!);
      return only;
    }
    const joined = allocateChecked(this.#allocate, length);
    let offset = 0;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const key = keys[i]!;
      if (key === 0) joined.set(part, offset);
      else maskInto(part, joined, offset, key);
      offset += part.length;
    }
    return joined;
  }

  clear(): void {
    this.#parts = [];
    this.#keys = [];
    this.#length = 0;
    this.#block = undefined;
    this.#blockFill = 0;
  }

  #sealBlock(): void {
    if (this.#block !== undefined && this.#blockFill > 0) {
      this.#parts.push(this.#block.subarray(0, this.#blockFill));
      this.#keys.push(0);
    }
    this.#block = undefined;
    this.#blockFill = 0;
  }
}

const PACK_AFTER_PARTS = 8;
const SMALL_PART = 4096;
const BLOCK_SIZE = 16384;
const MIN_BLOCK_SIZE = 1024;
