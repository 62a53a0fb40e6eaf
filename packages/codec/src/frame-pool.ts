import { type Allocate, allocateZeroed } from './allocate.js';
import { POOLED_FRAME_LIMIT, SLAB_SIZE } from './internal-constants.js';

/**
 * The pool that small frames are carved from. Allocating an `ArrayBuffer` costs far more than
 * encoding a small frame (a backing store, an allocation outside the JavaScript heap, zero-filling),
 * so frames of up to {@link POOLED_FRAME_LIMIT} bytes are views into a shared 64 KiB slab, the trade
 * Node makes for `Buffer.allocUnsafe` below 4 KiB.
 *
 * A region is handed out once and never again: the pool only moves forward through a slab and
 * starts a new slab when the current one is full, so a frame's bytes are never rewritten after it is
 * returned, however long a transport holds it before writing it. A slab stays alive while any view
 * of it does.
 */

/** A slab being carved: its bytes as words (for masking pooled payloads a word at a time) and the next free byte. */
class FramePool {
  #buffer: ArrayBufferLike = new ArrayBuffer(0);
  #words: Int32Array = new Int32Array(0);
  /** The next free byte; starts past the end, so that the first region starts the first slab. */
  #offset = SLAB_SIZE;

  /** The current slab as 32-bit words; valid for the region last handed out until the next call. */
  get words(): Int32Array {
    return this.#words;
  }

  /**
   * A region of `size` bytes (at most {@link POOLED_FRAME_LIMIT}) whose byte `payloadOffset` is
   * 8-byte aligned in the slab, so a payload placed there can be masked in whole words from its
   * first byte. The region's bytes are unspecified: the caller writes every one of them.
   */
  frame(size: number, payloadOffset: number, allocate: Allocate): Uint8Array {
    let start = ((this.#offset + payloadOffset + 7) & ~7) - payloadOffset;
    if (start + size > SLAB_SIZE) {
      this.#renew(allocate);
      start = ((payloadOffset + 7) & ~7) - payloadOffset;
    }
    this.#offset = start + size;
    return new Uint8Array(this.#buffer, start, size);
  }

  /** A region of `size` bytes (at most {@link POOLED_FRAME_LIMIT}) with no alignment, e.g. a lone header. */
  bytes(size: number, allocate: Allocate): Uint8Array {
    let start = this.#offset;
    if (start + size > SLAB_SIZE) {
      this.#renew(allocate);
      start = 0;
    }
    this.#offset = start + size;
    return new Uint8Array(this.#buffer, start, size);
  }

  /**
   * Starts a new slab; the old one lives on in the frames carved from it. The slab comes from the
   * encoder's `allocate` when that gives a buffer of its own (Node's `Buffer.allocUnsafe`, Bun's
   * `allocUnsafe`): its bytes need no zero-filling, as every byte handed out is written before it is
   * read, and zero-filling 64 KiB cost as much as encoding a few dozen small frames. Otherwise (the
   * default allocator, or one that returns views of a shared block) a plain `ArrayBuffer`.
   */
  #renew(allocate: Allocate): void {
    let buffer: ArrayBufferLike | undefined;
    if (allocate !== allocateZeroed) {
      const bytes = allocate(SLAB_SIZE);
      if (bytes instanceof Uint8Array && bytes.byteOffset === 0 && bytes.buffer.byteLength === SLAB_SIZE) {
        buffer = bytes.buffer;
      }
    }
    this.#buffer = buffer ?? new ArrayBuffer(SLAB_SIZE);
    this.#words = new Int32Array(this.#buffer);
    this.#offset = 0;
  }
}

/**
 * The pool shared by every encoder. The first slab is allocated by the first small frame, not at
 * import.
 */
export const framePool = new FramePool();
