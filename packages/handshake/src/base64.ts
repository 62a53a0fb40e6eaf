/**
 * Base64 with the standard alphabet and padding (RFC 4648 §4), our own so that no runtime global
 * (`btoa`, `Buffer`) is needed. Decoding is strict: it is applied to the peer's `Sec-WebSocket-Key`.
 */

/**
 * The char code of the base64 digit `value` (0 to 63): A-Z, a-z, 0-9, `+`, `/` (RFC 4648 §4, table 1),
 * computed rather than looked up in a 64-char literal (which weighs more in a client's bundle).
 */
function digitCode(value: number): number {
  if (value < 26) return value + 0x41;
  if (value < 52) return value + 0x61 - 26;
  if (value < 62) return value + 0x30 - 52;
  return value === 62 ? 0x2b : 0x2f;
}

/**
 * The 6-bit value of each alphabet char, -1 for any other char code below 128. Built by a pure call,
 * so that a bundle that only encodes (a client's key) leaves it out.
 */
const VALUES = /* @__PURE__ */ decodingTable();

function decodingTable(): Int8Array {
  const values = new Int8Array(128).fill(-1);
  for (let value = 0; value < 64; value++) values[digitCode(value)] = value;
  return values;
}

/**
 * The char codes of up to 128 chars, reused by every call (it never yields): `String.fromCharCode`
 * applied to a plain array of codes makes the string and nothing else, where appending the chars
 * four at a time made a dozen intermediate strings (about 650 bytes for a `Sec-WebSocket-Accept`, on
 * every handshake).
 */
const codes: number[] = [];

/** `bytes` as padded base64 (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('encodeBase64: bytes must be a Uint8Array');
  return base64Of(bytes);
}

/**
 * {@link encodeBase64} of bytes the package made itself (a key's nonce, a digest), without the check.
 *
 * @internal
 */
export function base64Of(bytes: Uint8Array): string {
  const length = bytes.length;
  let out = '';
  // 96 bytes (128 chars) at a time: a long input would overflow the call's arguments.
  for (let start = 0; start < length; start += 96) {
    let o = 0;
    for (let i = start; i < length && i < start + 96; i += 3) {
      // Bytes past the end count as zero; their chars are padding.
      const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
      codes[o++] = digitCode(n >>> 18);
      codes[o++] = digitCode((n >>> 12) & 63);
      codes[o++] = i + 1 < length ? digitCode((n >>> 6) & 63) : 0x3d;
      codes[o++] = i + 2 < length ? digitCode(n & 63) : 0x3d;
    }
    codes.length = o;
    out += String.fromCharCode.apply(null, codes);
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
