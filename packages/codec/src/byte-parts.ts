import { type Allocate, allocateChecked, checkAllocate } from './allocate.js';
import { BLOCK_SIZE, MIN_BLOCK_SIZE, PACK_AFTER_PARTS, SMALL_PART } from './internal-constants.js';
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
  /** The first part and its key, kept apart: most messages are one piece, and need no array. */
  #first: Uint8Array | undefined;
  #firstKey = 0;
  /** The parts after the first. */
  #rest: Uint8Array[] = NO_PARTS;
  /** The masking key of each part of {@link #rest} (first key byte masks its first byte); 0 for plain bytes. */
  #restKeys: number[] = NO_KEYS;
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
   *   unmasked by {@link take}, in place when it is the only one: the caller must own its bytes.
   */
  push(data: Uint8Array, maskKey = 0): void {
    const length = data.length;
    if (length === 0) return;
    const before = this.#length;
    this.#length = before + length;
    if (this.#first === undefined) {
      this.#first = data;
      this.#firstKey = maskKey;
      return;
    }
    const held = this.#rest.length + 1;
    // A view when few are held, when the piece is large, or when the parts held average 4 KiB or more
    // (so a small view adds at most one part per 4 KiB held).
    if (held < PACK_AFTER_PARTS || length >= SMALL_PART || before >= held * SMALL_PART) {
      if (this.#block !== undefined) this.#sealBlock();
      this.#hold(data, maskKey);
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
    copyUnmasked(data, maskKey, block, this.#blockFill);
    this.#blockFill += length;
  }

  /** Returns all bytes as one array (unmasked) and empties the list. */
  take(): Uint8Array {
    const first = this.#first;
    if (first === undefined) return new Uint8Array(0);
    const firstKey = this.#firstKey;
    const length = this.#length;
    this.#first = undefined;
    this.#length = 0;
    if (length === first.length) {
      // The decoder owns the chunk this is a view of: unmask it where it is.
      if (firstKey !== 0) applyMask(first, firstKey);
      return first;
    }
    if (this.#block !== undefined) this.#sealBlock();
    const rest = this.#rest;
    const keys = this.#restKeys;
    this.#rest = NO_PARTS;
    this.#restKeys = NO_KEYS;
    const joined = allocateChecked(this.#allocate, length);
    copyUnmasked(first, firstKey, joined, 0);
    let offset = first.length;
    for (let i = 0; i < rest.length; i++) {
      copyUnmasked(rest[i]!, keys[i]!, joined, offset);
      offset += rest[i]!.length;
    }
    return joined;
  }

  /** Keeps a part after the first, with its key; the lists are allocated on first use. */
  #hold(data: Uint8Array, maskKey: number): void {
    if (this.#rest === NO_PARTS) {
      this.#rest = [];
      this.#restKeys = [];
    }
    this.#rest.push(data);
    this.#restKeys.push(maskKey);
  }

  /** Drops every part held and the block being filled, without copying: the next message starts empty. */
  clear(): void {
    this.#first = undefined;
    this.#rest = NO_PARTS;
    this.#restKeys = NO_KEYS;
    this.#length = 0;
    this.#block = undefined;
    this.#blockFill = 0;
  }

  #sealBlock(): void {
    if (this.#block !== undefined && this.#blockFill > 0)
      this.#hold(this.#block.subarray(0, this.#blockFill), 0);
    this.#block = undefined;
    this.#blockFill = 0;
  }
}

/** Copies `part` into `target` at `offset`, unmasking it on the way when `maskKey` is not 0. */
function copyUnmasked(part: Uint8Array, maskKey: number, target: Uint8Array, offset: number): void {
  if (maskKey === 0) target.set(part, offset);
  else maskInto(part, target, offset, maskKey);
}

/**
 * The empty part lists every idle `ByteParts` shares (never written to): a connection at rest holds
 * no arrays of its own; the first part after {@link ByteParts.push}'s first allocates them.
 */
const NO_PARTS: Uint8Array[] = [];
const NO_KEYS: number[] = [];
