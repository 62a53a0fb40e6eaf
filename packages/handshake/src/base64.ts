/**
 * Base64 with the standard alphabet and padding (RFC 4648 §4), our own so that no runtime global
 * (`btoa`, `Buffer`) is needed. Decoding is strict: it is applied to the peer's `Sec-WebSocket-Key`.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * The 6-bit value of each alphabet char, -1 for any other char code below 128. Built by a pure call,
 * so that a bundle that only encodes (a client's key) leaves it out.
 */
const VALUES = /* @__PURE__ */ decodingTable();

function decodingTable(): Int8Array {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) values[ALPHABET.charCodeAt(i)] = i;
  return values;
}

/** `bytes` as padded base64 (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('encodeBase64: bytes must be a Uint8Array');
  let out = '';
  const length = bytes.length;
  let i = 0;
  for (; i + 2 < length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const remaining = length - i;
  if (remaining === 1) {
    const n = bytes[i]! << 16;
    out += `${ALPHABET[n >>> 18]!}${ALPHABET[(n >>> 12) & 63]!}==`;
  } else if (remaining === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += `${ALPHABET[n >>> 18]!}${ALPHABET[(n >>> 12) & 63]!}${ALPHABET[(n >>> 6) & 63]!}=`;
  }
  return out;
}

/**
 * The 6-bit value of the base64 char at `index` of `text`, or -1 for any other char.
 *
 * @internal
 */
export function valueAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? VALUES[code]! : -1;
}

/**
 * Decodes padded base64 (RFC 4648 §4) strictly: the length must be a multiple of 4, only the
 * alphabet may appear, `=` only as final padding, no whitespace, and the unused bits before the
 * padding must be zero (the canonical encoding, RFC 4648 §3.5).
 *
 * @returns the bytes, or `undefined` when `text` is not canonical base64.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (typeof text !== 'string') throw new TypeError('decodeBase64: text must be a string');
  const length = text.length;
  if (length % 4 !== 0) return undefined;
  if (length === 0) return new Uint8Array(0);
  let padding = 0;
  if (text.charCodeAt(length - 1) === 0x3d) padding = text.charCodeAt(length - 2) === 0x3d ? 2 : 1;
  const out = new Uint8Array((length / 4) * 3 - padding);
  let o = 0;
  const fullEnd = padding === 0 ? length : length - 4;
  for (let i = 0; i < fullEnd; i += 4) {
    const a = valueAt(text, i);
    const b = valueAt(text, i + 1);
    const c = valueAt(text, i + 2);
    const d = valueAt(text, i + 3);
    if ((a | b | c | d) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  if (padding > 0) {
    const a = valueAt(text, length - 4);
    const b = valueAt(text, length - 3);
    if ((a | b) < 0) return undefined;
    if (padding === 2) {
      if ((b & 0x0f) !== 0) return undefined;
      out[o] = (a << 2) | (b >>> 4);
    } else {
      const c = valueAt(text, length - 2);
      if (c < 0 || (c & 0x03) !== 0) return undefined;
      out[o++] = (a << 2) | (b >>> 4);
      out[o] = ((b & 0x0f) << 4) | (c >>> 2);
    }
  }
  return out;
}
