/**
 * SHA-1 (FIPS 180-4 §6.1), synchronous and dependency-free: the handshake needs it for
 * `Sec-WebSocket-Accept` (RFC 6455 §4.2.2) on every runtime, and `crypto.subtle.digest` is async.
 * SHA-1 is not collision resistant; RFC 6455 uses it only to prove the server read the key.
 */

/** Bytes in one SHA-1 block. */
const BLOCK_SIZE = 64;

/**
 * The message schedule, reused by every call (the function never yields, so calls cannot overlap):
 * a handshake hashes once per connection, and allocating it each time showed in profiles.
 */
const schedule = new Uint32Array(80);

/** The padded message of short inputs (a `Sec-WebSocket-Key` and the GUID: 60 bytes, two blocks). */
const scratch = new Uint8Array(2 * BLOCK_SIZE);

/**
 * The SHA-1 digest of `data`.
 *
 * @returns 20 bytes.
 */
export function sha1(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new TypeError('sha1: data must be a Uint8Array');
  return sha1Into(data, new Uint8Array(20));
}

/**
 * The SHA-1 digest of `data` written into `digest` (20 bytes), which is returned.
 *
 * @internal for the server's accept value, which hashes into an array it reuses.
 */
export function sha1Into(data: Uint8Array, digest: Uint8Array): Uint8Array {
  const length = data.length;
  // Message, a 0x80 byte, zero padding, and the bit length in the last 8 bytes of the last block.
  const size = Math.ceil((length + 9) / BLOCK_SIZE) * BLOCK_SIZE;
  const padded = size <= scratch.length ? scratch.fill(0, length, size) : new Uint8Array(size);
  padded.set(data);
  padded[length] = 0x80;
  const bitLength = length * 8;
  writeUint32(padded, size - 8, Math.floor(bitLength / 0x1_0000_0000));
  writeUint32(padded, size - 4, bitLength >>> 0);

  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const w = schedule;

  for (let block = 0; block < size; block += BLOCK_SIZE) {
    for (let t = 0; t < 16; t++) {
      const i = block + t * 4;
      w[t] = (padded[i]! << 24) | (padded[i + 1]! << 16) | (padded[i + 2]! << 8) | padded[i + 3]!;
    }
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
      w[t] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    // The four rounds of 20 steps, each with its own function and constant (FIPS 180-4 §4.1.1, §4.2.1).
    for (let t = 0; t < 20; t++) {
      const temp = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    for (let t = 20; t < 40; t++) {
      const temp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    for (let t = 40; t < 60; t++) {
      const temp = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    for (let t = 60; t < 80; t++) {
      const temp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }

  writeUint32(digest, 0, h0);
  writeUint32(digest, 4, h1);
  writeUint32(digest, 8, h2);
  writeUint32(digest, 12, h3);
  writeUint32(digest, 16, h4);
  return digest;
}

/** Writes `value` big-endian at `offset`. */
function writeUint32(target: Uint8Array, offset: number, value: number): void {
  target[offset] = value >>> 24;
  target[offset + 1] = value >>> 16;
  target[offset + 2] = value >>> 8;
  target[offset + 3] = value;
}
