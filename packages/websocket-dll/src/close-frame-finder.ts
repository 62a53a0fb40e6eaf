/**
 * Finds where the peer's close frame starts in the received byte stream, reading only frame headers
 * (RFC 6455 §5.2) to step from one frame to the next. It decodes nothing: the engine does.
 *
 * Why: the engine answers a close frame the moment it decodes it (RFC 6455 §5.5.1), and then
 * refuses to send. websocket.dll leaves the reply to the application, which can still answer the
 * messages received before the close. So a handle feeds the engine the bytes before the close
 * frame, and holds the rest back until the application has taken every indication before it.
 */
export class CloseFrameFinder {
  /** The header of the frame being read, as far as it arrived. */
  readonly #header = new Uint8Array(14);
  #headerLength = 0;
  /** Payload bytes of the current frame still to skip. */
  #payloadLeft = 0;
  #found = false;

  /**
   * The offset in `chunk` where a close frame starts, or -1 if none starts in it. After a close
   * frame was found, always -1 (nothing after it matters).
   */
  find(chunk: Uint8Array): number {
    if (this.#found) return -1;
    let at = 0;
    while (at < chunk.length) {
      if (this.#payloadLeft > 0) {
        const skip = Math.min(this.#payloadLeft, chunk.length - at);
        this.#payloadLeft -= skip;
        at += skip;
        continue;
      }
      if (this.#headerLength === 0 && (chunk[at]! & 0x0f) === 0x8) {
        this.#found = true;
        return at;
      }
      this.#header[this.#headerLength++] = chunk[at++]!;
      const needed = this.#headerLength < 2 ? 2 : headerSize(this.#header[1]!);
      if (this.#headerLength === needed) {
        this.#payloadLeft = payloadLength(this.#header);
        this.#headerLength = 0;
      }
    }
    return -1;
  }
}

/** The header size given its second byte: 2, plus 2 or 8 length bytes, plus 4 for a mask key. */
function headerSize(second: number): number {
  const length = second & 0x7f;
  return 2 + (length === 126 ? 2 : length === 127 ? 8 : 0) + (second & 0x80 ? 4 : 0);
}

/** The payload length of a complete header. */
function payloadLength(header: Uint8Array): number {
  const length = header[1]! & 0x7f;
  if (length < 126) return length;
  if (length === 126) return (header[2]! << 8) | header[3]!;
  let value = 0;
  for (let index = 2; index < 10; index++) value = value * 256 + header[index]!;
  return value;
}
