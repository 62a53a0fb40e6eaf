/**
 * A received text message kept as its UTF-8 bytes: what a `WebSocket` delivers for text with
 * `decodeText: false`.
 */

const decoder = /* @__PURE__ */ new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * A text message as its UTF-8 bytes, validated but not decoded (the `decodeText: false` option): a
 * `Uint8Array` that `send()` sends back as text, byte for byte, without decoding and re-encoding
 * it. `toString()` decodes it (as Node's `Buffer` does); `instanceof EncodedText` tells it from a
 * binary message. Arrays derived from it (`subarray`, `slice`, …) are plain `Uint8Array`s, so a
 * piece cut out of it is never sent as text by mistake.
 */
export class EncodedText extends Uint8Array {
  // Derived arrays are plain bytes: a cut may split a character. A data property rather than a
  // `static get [Symbol.species]()`: with an accessor there, V8 leaves its fast path for
  // `instanceof EncodedText`, which then costs about 20 ns instead of 6 (a check every send makes).
  static {
    Object.defineProperty(EncodedText, Symbol.species, { value: Uint8Array, configurable: true });
  }

  /** The text, decoded from the bytes (again on every call). */
  override toString(): string {
    return decoder.decode(this);
  }
}

/** The received bytes of a text message as an {@link EncodedText} view over the same memory. */
export function encodedText(utf8: Uint8Array): EncodedText {
  return new EncodedText(utf8.buffer as ArrayBuffer, utf8.byteOffset, utf8.byteLength);
}
