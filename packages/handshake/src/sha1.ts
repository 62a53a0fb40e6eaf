/**
 * SHA-1 (FIPS 180-4 §6.1), synchronous and dependency-free: the handshake needs it for
 * `Sec-WebSocket-Accept` (RFC 6455 §4.2.2) on every runtime, and `crypto.subtle.digest` is async.
 * SHA-1 is not collision resistant; RFC 6455 uses it only to prove the server read the key.
 */

/** Bytes in one SHA-1 block. */
const BLOCK_SIZE = 64;

/**
 * The SHA-1 digest of `data`.
 *
 * @returns 20 bytes.
 */
export function sha1(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new TypeError('sha1: data must be a Uint8Array');
  const length = data.length;
  // Message, a 0x80 byte, zero padding, and the bit length in the last 8 bytes of the last block.
  const blocks = Math.ceil((length + 9) / BLOCK_SIZE);
  const padded = new Uint8Array(blocks * BLOCK_SIZE);
  padded.set(data);
  padded[length] = 0x80;
  const view = new DataView(padded.buffer);
  const bitLength = length * 8;
  view.setUint32(padded.length - 8, Math.floor(bitLength / 0x1_0000_0000));
  view.setUint32(padded.length - 4, bitLength >>> 0);

  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const w = new Uint32Array(80);

  for (let block = 0; block < padded.length; block += BLOCK_SIZE) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(block + t * 4);
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
      w[t] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      let f: number;
      let k: number;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + w[t]!) | 0;
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

  const digest = new Uint8Array(20);
  const out = new DataView(digest.buffer);
  out.setUint32(0, h0 >>> 0);
  out.setUint32(4, h1 >>> 0);
  out.setUint32(8, h2 >>> 0);
  out.setUint32(12, h3 >>> 0);
  out.setUint32(16, h4 >>> 0);
  return digest;
}
