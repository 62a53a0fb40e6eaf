/**
 * Every way a WebSocket operation can fail without the caller misusing it, as a stable string code
 * with a sentence on when it happens. The README lists the same table.
 */
export const WebSocketErrorCodes = {
  /** `send`, `ping`, `pong` or a stream write on a WebSocket that is closing or closed. */
  WS_ERR_NOT_OPEN: 'The WebSocket is not open',
  /** The connection closed before a queued message or fragment was handed to the transport. */
  WS_ERR_CLOSED_BEFORE_SENT: 'The connection closed before the data was handed to the transport',
  /** The opening handshake did not finish in time (see `createHandshakeTimeout`). */
  WS_ERR_HANDSHAKE_TIMEOUT: 'The opening handshake did not finish in time',
  /** The transport failed (a reset, a TLS error); the transport's error is the `cause`. */
  WS_ERR_TRANSPORT: 'The transport failed',
  /**
   * The transport made no write progress for `writeTimeout` (the peer does not read what it is
   * sent): the connection failed with 1008 and the transport was dropped.
   */
  WS_ERR_WRITE_TIMEOUT: 'The peer did not read what it was sent in time',
} as const;

/** The stable string code of a {@link WebSocketError}. */
export type WebSocketErrorCode = keyof typeof WebSocketErrorCodes;

/**
 * A failure of a WebSocket operation that the caller did not cause by misuse: a message that could
 * not be sent because the connection closed, a handshake that timed out, a transport failure. It is
 * how the promises of `send`, `ping`, `pong` and message streams reject; misuse (a wrong argument
 * type, a bad option) throws a `TypeError` or `RangeError` instead.
 */
export class WebSocketError extends Error {
  /**
   * Always `'WebSocketError'`: {@link isWebSocketError} checks it (with `code`), also across
   * duplicated copies of the package.
   */
  override readonly name = 'WebSocketError';
  /** The stable string code, e.g. `WS_ERR_NOT_OPEN`. */
  readonly code: WebSocketErrorCode;

  constructor(
    code: WebSocketErrorCode,
    message: string = WebSocketErrorCodes[code],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
  }
}

/** Whether `value` is a {@link WebSocketError}, also across duplicated copies of this package. */
export function isWebSocketError(value: unknown): value is WebSocketError {
  return (
    value instanceof WebSocketError ||
    (value instanceof Error &&
      value.name === 'WebSocketError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}
