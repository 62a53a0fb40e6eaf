/**
 * The fixed values of the opening handshake.
 */

/**
 * The GUID appended to `Sec-WebSocket-Key` before hashing it into `Sec-WebSocket-Accept`.
 *
 * @see RFC 6455 §1.3 and §4.2.2 (item 5.4).
 */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * The only protocol version this package speaks, sent and required in `Sec-WebSocket-Version`.
 *
 * @see RFC 6455 §4.1 (item 9), §4.2.1 (item 6) and §11.6.
 */
export const WEBSOCKET_VERSION = 13;

/** The byte length of the nonce encoded in `Sec-WebSocket-Key` (RFC 6455 §4.1, item 7). */
export const KEY_NONCE_LENGTH = 16;

/** The reason phrases this package writes (RFC 9110 §15, RFC 6585 §5). */
export const REASON_PHRASES: ReadonlyMap<number, string> = new Map([
  [101, 'Switching Protocols'],
  [200, 'OK'],
  [301, 'Moved Permanently'],
  [302, 'Found'],
  [303, 'See Other'],
  [307, 'Temporary Redirect'],
  [308, 'Permanent Redirect'],
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [405, 'Method Not Allowed'],
  [408, 'Request Timeout'],
  [414, 'URI Too Long'],
  [426, 'Upgrade Required'],
  [429, 'Too Many Requests'],
  [431, 'Request Header Fields Too Large'],
  [500, 'Internal Server Error'],
  [501, 'Not Implemented'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
  [505, 'HTTP Version Not Supported'],
]);
