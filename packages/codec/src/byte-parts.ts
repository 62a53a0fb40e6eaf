/**
 * The payload pieces of one message, kept as views until the message ends, then joined with one
 * copy (or none, when there is a single piece). Once a message has many pieces, small ones are
 * packed into shared blocks, so a peer that trickles a message a byte per chunk cannot make the
 * number of retained views (and the chunks behind them) grow with the message size.
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
      this.#block = new Uint8Array(BLOCK_SIZE);
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
