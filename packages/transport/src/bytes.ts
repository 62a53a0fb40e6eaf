/** Byte helpers shared by the driver and the APIs. */

/** What `send` accepts as binary data. */
export type BinaryData = Uint8Array | ArrayBuffer | ArrayBufferView;

/**
 * The number of bytes of `text` in UTF-8, without encoding it. Lone surrogates count 3 bytes, as
 * `TextEncoder` replaces them with U+FFFD.
 */
export function utf8Length(text: string): number {
  let length = text.length;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) continue;
    if (unit < 0x800) {
      length += 1;
    } else if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        // A surrogate pair: 2 UTF-16 units, 4 bytes.
        length += 2;
        index++;
      } else {
        length += 2;
      }
    } else {
      length += 2;
    }
  }
  return length;
}

/** A `Uint8Array` view of binary data (no copy), or a `TypeError` for anything else. */
export function toBytes(data: BinaryData, what: string): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (typeof SharedArrayBuffer !== 'undefined' && (data as unknown) instanceof SharedArrayBuffer) {
    return new Uint8Array(data as unknown as SharedArrayBuffer);
  }
  throw new TypeError(`${what} expects a string, Uint8Array, ArrayBuffer or ArrayBufferView`);
}
