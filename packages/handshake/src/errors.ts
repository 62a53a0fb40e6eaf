/**
 * Every way a handshake can fail because of the peer, as a stable string code with the HTTP status
 * a server should answer. The table is the single source of truth; the package README lists it.
 *
 * The status is the one a *server* answers to a bad request. Failures found on the client side (in
 * a response) carry 502 (Bad Gateway), what a proxy relaying the handshake would answer; a client
 * simply fails the connection (RFC 6455 §4.1).
 */
export const HandshakeErrorCodes = {
  // The HTTP/1.1 head (RFC 9112).
  /** The request line is not `method SP request-target SP HTTP-version` (RFC 9112 §3). */
  WS_HANDSHAKE_ERR_INVALID_REQUEST_LINE: 400,
  /** The status line is not `HTTP-version SP status-code SP reason-phrase` (RFC 9112 §4). */
  WS_HANDSHAKE_ERR_INVALID_STATUS_LINE: 502,
  /** The request or status line is longer than `maxLineLength` (RFC 9112 §3: 414 URI Too Long). */
  WS_HANDSHAKE_ERR_START_LINE_TOO_LONG: 414,
  /** A header field line is longer than `maxLineLength` (RFC 6585 §5). */
  WS_HANDSHAKE_ERR_HEADER_LINE_TOO_LONG: 431,
  /** The head is larger than `maxHeadSize` (RFC 6585 §5). */
  WS_HANDSHAKE_ERR_HEAD_TOO_LARGE: 431,
  /** The head has more than `maxHeaderCount` header field lines (RFC 6585 §5). */
  WS_HANDSHAKE_ERR_TOO_MANY_HEADERS: 431,
  /** A CR not followed by LF, or an LF not preceded by CR (RFC 9112 §2.2). */
  WS_HANDSHAKE_ERR_INVALID_LINE_ENDING: 400,
  /** A header field line starts with whitespace: obsolete line folding (RFC 9112 §5.2). */
  WS_HANDSHAKE_ERR_OBSOLETE_LINE_FOLDING: 400,
  /** A field name is empty, not a token, or followed by whitespace before the colon (RFC 9112 §5.1). */
  WS_HANDSHAKE_ERR_INVALID_HEADER_NAME: 400,
  /** A field value holds NUL or another control character (RFC 9110 §5.5). */
  WS_HANDSHAKE_ERR_INVALID_HEADER_VALUE: 400,
  /** The stream ended before the head was complete. */
  WS_HANDSHAKE_ERR_INCOMPLETE_HEAD: 400,

  // The request as a WebSocket handshake (RFC 6455 §4.2.1).
  /** The request is not HTTP/1.1 or a later 1.x (RFC 6455 §4.1: 505 HTTP Version Not Supported). */
  WS_HANDSHAKE_ERR_UNSUPPORTED_HTTP_VERSION: 505,
  /** The method is not GET (CONNECT over HTTP/2); the response carries `Allow`. */
  WS_HANDSHAKE_ERR_METHOD_NOT_ALLOWED: 405,
  /** The request target is neither origin-form nor absolute-form (RFC 9112 §3.2). */
  WS_HANDSHAKE_ERR_INVALID_REQUEST_TARGET: 400,
  /** `Host` is missing, repeated or malformed (RFC 9112 §3.2). */
  WS_HANDSHAKE_ERR_INVALID_HOST: 400,
  /** The upgrade request announces a body (`Content-Length` other than 0, or `Transfer-Encoding`). */
  WS_HANDSHAKE_ERR_UNEXPECTED_BODY: 400,
  /** `Upgrade` does not name `websocket`; the response carries `Upgrade: websocket`. */
  WS_HANDSHAKE_ERR_INVALID_UPGRADE: 426,
  /** `Connection` has no `upgrade` option; the response carries `Upgrade: websocket`. */
  WS_HANDSHAKE_ERR_INVALID_CONNECTION: 426,
  /**
   * `Sec-WebSocket-Version` is missing or not 13; the response carries `Sec-WebSocket-Version: 13`
   * (RFC 6455 §4.4). Over HTTP/2, where 426 cannot be used, the status is 400.
   */
  WS_HANDSHAKE_ERR_UNSUPPORTED_WEBSOCKET_VERSION: 426,
  /** `Sec-WebSocket-Key` is missing, repeated, not base64, or not 16 bytes (RFC 6455 §4.2.1). */
  WS_HANDSHAKE_ERR_INVALID_KEY: 400,
  /** `Sec-WebSocket-Protocol` is not a list of tokens (RFC 6455 §4.3). */
  WS_HANDSHAKE_ERR_INVALID_SUBPROTOCOL: 400,
  /** `Sec-WebSocket-Extensions` does not follow the grammar of RFC 6455 §9.1. */
  WS_HANDSHAKE_ERR_INVALID_EXTENSIONS: 400,
  /** An HTTP/2 extended CONNECT lacks or misuses `:protocol`, `:scheme`, `:path` or `:authority` (RFC 8441 §4, §5). */
  WS_HANDSHAKE_ERR_INVALID_PSEUDO_HEADER: 400,

  // The response as a WebSocket handshake (RFC 6455 §4.1).
  /** The response status is not 101 (200 over HTTP/2); the result carries the response for redirects or auth. */
  WS_HANDSHAKE_ERR_UNEXPECTED_STATUS: 502,
  /** `Sec-WebSocket-Accept` is missing, repeated or not the value computed from our key (RFC 6455 §4.1). */
  WS_HANDSHAKE_ERR_INVALID_ACCEPT: 502,
  /** The server selected a subprotocol we did not offer, or several (RFC 6455 §4.1). */
  WS_HANDSHAKE_ERR_UNEXPECTED_SUBPROTOCOL: 502,
  /** The server accepted an extension we did not offer, twice, or with parameters we refuse (RFC 6455 §9.1). */
  WS_HANDSHAKE_ERR_UNEXPECTED_EXTENSION: 502,
} as const;

/** The stable string code of a {@link HandshakeError}. */
export type HandshakeErrorCode = keyof typeof HandshakeErrorCodes;

/** The status that client-side failures carry: what a proxy relaying the handshake would answer. */
export const CLIENT_SIDE_STATUS = 502;

/**
 * A handshake failure caused by the peer's bytes. It is a value that the parser and the validators
 * return, never an exception: a server answers with {@link status}, a client fails the connection.
 * Messages never repeat the peer's bytes, so they are safe to log and to send back.
 */
export class HandshakeError extends Error {
  /**
   * Always `'HandshakeError'`: {@link isHandshakeError} checks it (with `code`), also across
   * duplicated copies of the package.
   */
  override readonly name = 'HandshakeError';
  /** The stable string code, e.g. `WS_HANDSHAKE_ERR_INVALID_KEY`. */
  readonly code: HandshakeErrorCode;
  /** The HTTP status a server should answer (400, 405, 414, 426, 431, 505), or 502 on the client side. */
  readonly status: number;

  /**
   * @param code the stable code.
   * @param message a description that does not repeat the peer's bytes.
   * @param status the status, when it differs from the table (client side, HTTP/2).
   */
  constructor(code: HandshakeErrorCode, message: string, status: number = HandshakeErrorCodes[code]) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** Whether `value` is a {@link HandshakeError}, also across duplicated copies of this package. */
export function isHandshakeError(value: unknown): value is HandshakeError {
  return (
    value instanceof HandshakeError ||
    (value instanceof Error &&
      value.name === 'HandshakeError' &&
      typeof (value as { code?: unknown }).code === 'string' &&
      typeof (value as { status?: unknown }).status === 'number')
  );
}
