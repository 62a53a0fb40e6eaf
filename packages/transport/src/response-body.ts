/** The most bytes of a refused handshake's response body kept for the error. */
export const MAX_ERROR_BODY_SIZE = 64 * 1024;

/**
 * Collects the first {@link MAX_ERROR_BODY_SIZE} bytes of a refused handshake's response body, for
 * the `HandshakeFailedError`; what comes after is dropped. Shared by the upgrade over a transport
 * (`readResponseBody`, loaded on a refusal only) and the adapters that receive the body in pieces
 * from elsewhere (`@wskit/node`'s proxy path).
 */
export class BodyCollector {
  readonly #parts: Uint8Array[] = [];
  #size = 0;

  /** Whether the limit is reached. */
  get full(): boolean {
    return this.#size >= MAX_ERROR_BODY_SIZE;
  }

  /** Keeps what fits of `bytes` (a view, not a copy: the caller must not reuse their memory). */
  add(bytes: Uint8Array): void {
    const room = MAX_ERROR_BODY_SIZE - this.#size;
    if (room <= 0 || bytes.byteLength === 0) return;
    const part = bytes.byteLength > room ? bytes.subarray(0, room) : bytes;
    this.#parts.push(part);
    this.#size += part.byteLength;
  }

  /** What was kept, joined into one new array. */
  bytes(): Uint8Array {
    const joined = new Uint8Array(this.#size);
    let offset = 0;
    for (const part of this.#parts) {
      joined.set(part, offset);
      offset += part.byteLength;
    }
    return joined;
  }
}
