import { base64Of, valueAt } from './base64.js';
import { KEY_NONCE_LENGTH, WEBSOCKET_GUID } from './constants.js';
import { sha1, sha1Into } from './sha1.js';

/** A source of cryptographically random bytes, shaped like `crypto.getRandomValues`. */
export type RandomSource = <T extends Uint8Array>(array: T) => T;

/**
 * A fresh `Sec-WebSocket-Key`: 16 random bytes, base64-encoded (RFC 6455 §4.1, item 7).
 *
 * @param random the random source; defaults to the standard `crypto.getRandomValues` (an `Error` in
 *   a runtime without it).
 */
export function generateKey(random?: RandomSource): string {
  const nonce = new Uint8Array(KEY_NONCE_LENGTH);
  if (random === undefined) {
    const webCrypto = (globalThis as { crypto?: { getRandomValues?: RandomSource } }).crypto;
    if (typeof webCrypto?.getRandomValues !== 'function') {
      throw new Error('No crypto.getRandomValues in this runtime: pass a random source');
    }
    webCrypto.getRandomValues(nonce);
  } else {
    random(nonce);
  }
  return base64Of(nonce);
}

/**
 * Whether `key` is a valid `Sec-WebSocket-Key`: canonical base64 that decodes to exactly 16 bytes
 * (RFC 6455 §4.2.1, item 5).
 */
export function isValidKey(key: string): boolean {
  // What `decodeBase64(key)?.length === 16` says, without decoding: 22 chars of the alphabet, the
  // last of them with its 4 low bits (beyond the 128 bits) clear, then `==`.
  if (key.length !== 24) return false;
  if (typeof key !== 'string') throw new TypeError('isValidKey: key must be a string');
  for (let i = 0; i < 22; i++) if (valueAt(key, i) < 0) return false;
  return (valueAt(key, 21) & 0x0f) === 0 && key.charCodeAt(22) === 0x3d && key.charCodeAt(23) === 0x3d;
}

/**
 * The `Sec-WebSocket-Accept` value for `key`: base64 of the SHA-1 of the key followed by
 * {@link WEBSOCKET_GUID} (RFC 6455 §4.2.2, item 5.4). Synchronous on every runtime.
 *
 * `computeAccept('dGhlIHNhbXBsZSBub25jZQ==')` is `'s3pPLMBiTxaQ9kYGzzhZRbK+xOo='` (RFC 6455 §1.3).
 */
export function computeAccept(key: string): string {
  if (typeof key !== 'string') throw new TypeError('computeAccept: key must be a string');
  const length = key.length;
  // The key's chars and the GUID's written into one array (60 bytes for a 24-char key: small enough
  // for V8 to keep on its heap), not joined into a string that is then flattened and copied.
  const bytes = new Uint8Array(length + WEBSOCKET_GUID.length);
  for (let i = 0; i < length; i++) {
    const code = key.charCodeAt(i);
    if (code > 0x7f) throw new TypeError('computeAccept: the key must be ASCII');
    bytes[i] = code;
  }
  for (let i = 0; i < WEBSOCKET_GUID.length; i++) bytes[length + i] = WEBSOCKET_GUID.charCodeAt(i);
  return base64Of(sha1(bytes));
}

/** The hash input of {@link acceptOfValidKey}: a key's 24 chars, then the GUID (made on first use). */
let acceptInput: Uint8Array | undefined;

/** The digest of {@link acceptOfValidKey}, encoded before the next call (made on first use). */
let acceptDigest: Uint8Array | undefined;

/**
 * {@link computeAccept} of a key that {@link isValidKey} accepted or {@link generateKey} made (24
 * base64 chars), for the server side, which validated it, and the client side: the chars are hashed from one array every call reuses (it never yields),
 * whose GUID stays written, into one digest array, instead of new ones per handshake.
 *
 * @internal
 */
export function acceptOfValidKey(key: string): string {
  let bytes = acceptInput;
  if (bytes === undefined) {
    bytes = new Uint8Array(24 + WEBSOCKET_GUID.length);
    for (let i = 0; i < WEBSOCKET_GUID.length; i++) bytes[24 + i] = WEBSOCKET_GUID.charCodeAt(i);
    acceptInput = bytes;
    acceptDigest = new Uint8Array(20);
  }
  for (let i = 0; i < 24; i++) bytes[i] = key.charCodeAt(i);
  return base64Of(sha1Into(bytes, acceptDigest!));
}
