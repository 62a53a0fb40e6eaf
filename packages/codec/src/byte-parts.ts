/**
 * The payload pieces of one message, kept as views until the message ends, then joined with one
 * copy (or none, when there is a single piece). Once a message has more than 8 pieces, pieces under
 * 4 KiB are packed into shared blocks (one extra copy of those small pieces only), so a peer that
 * trickles a message a byte per chunk cannot make the number of retained views (and the chunks
 * behind them) grow with the message size.
 */
export class ByteParts {
  #parts: Uint8Array[] = [];
  #length = 0;
  #block: Uint8Array | undefined;
  #blockFill = 0;

  /** Total bytes held. */
  get length(): number {
    return this.#length;
  }

  push(data: Uint8Array): void {
    if (data.length === 0) return;
    this.#length += data.length;
    if (this.#parts.length < PACK_AFTER_PARTS || data.length >= SMALL_PART) {
      this.#sealBlock();
      this.#parts.push(data);
      return;
    }
    if (this.#block === undefined || this.#blockFill + data.length > this.#block.length) {
      this.#sealBlock();
      // Size a block to the piece that opens it (4x, 1–16 KiB), so a lone small piece between large
      // ones cannot pin a mostly empty 16 KiB block: retained memory stays within 1.25x of the data.
      this.#block = new Uint8Array(Math.min(BLOCK_SIZE, Math.max(MIN_BLOCK_SIZE, data.length * 4)));
    }
    this.#block.set(data, this.#blockFill);
    this.#blockFill += data.length;
  }

  /** Returns all bytes as one array and empties the list. */
  take(): Uint8Array {
    this.#sealBlock();
    const parts = this.#parts;
    const length = this.#length;
    this.#parts = [];
    this.#length = 0;
    if (parts.length === 1) return parts[0]!;
    const joined = new Uint8Array(length);
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    return joined;
  }

  clear(): void {
    this.#parts = [];
    this.#length = 0;
    this.#block = undefined;
    this.#blockFill = 0;
  }

  #sealBlock(): void {
    if (this.#block !== undefined && this.#blockFill > 0) {
      this.#parts.push(this.#block.subarray(0, this.#blockFill));
    }
    this.#block = undefined;
    this.#blockFill = 0;
  }
}

const PACK_AFTER_PARTS = 8;
const SMALL_PART = 4096;
const BLOCK_SIZE = 16384;
const MIN_BLOCK_SIZE = 1024;
