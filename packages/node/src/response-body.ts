/** The most bytes of a refused handshake's response body kept for the error (as `@wskit/transport` keeps). */
export const MAX_ERROR_BODY_SIZE = 64 * 1024;

/**
 * Collects at most {@link MAX_ERROR_BODY_SIZE} bytes of a response body that undici hands over in
 * pieces (the proxy path; the direct path reads bodies in `@wskit/transport`'s `upgradeClient`).
 */
export class BodyCollector {
  readonly #parts: Uint8Array[] = [];
  #size = 0;

  add(bytes: Uint8Array): void {
    const room = MAX_ERROR_BODY_SIZE - this.#size;
    if (room <= 0 || bytes.byteLength === 0) return;
    const part = bytes.byteLength > room ? bytes.subarray(0, room) : bytes;
    this.#parts.push(part);
    this.#size += part.byteLength;
  }

  bytes(): Uint8Array {
    return Buffer.concat(this.#parts, this.#size);
  }
}
