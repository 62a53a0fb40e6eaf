import { CloseCode } from '@wskit/codec';

/**
 * Every way a connection fails that is not a decoding error (decoding errors are the codec's
 * `CodecError`), as a stable string code with the close code that is sent and reported.
 */
export const ConnectionErrorCodes = {
  /** The peer did not answer our close frame within `closeTimeout`: reported as 1006. */
  WS_ERR_CLOSE_TIMEOUT: CloseCode.AbnormalClosure,
  /** The keepalive ping was not answered within `pongTimeout`: close 1011 is sent and reported. */
  WS_ERR_PONG_TIMEOUT: CloseCode.InternalError,
  /** The transport ended before the close handshake: reported as 1006 (RFC 6455 §7.1.5). */
  WS_ERR_UNEXPECTED_EOF: CloseCode.AbnormalClosure,
  /** An extension threw or rejected with something other than a `CodecError`: close 1011. */
  WS_ERR_EXTENSION: CloseCode.InternalError,
  /** An unexpected exception while handling received data (e.g. a handler threw): close 1011. */
  WS_ERR_INTERNAL: CloseCode.InternalError,
  /**
   * The peer sent more than `maxPendingPings` pings while our pong could not be written (it does not
   * read what it asks for): close 1008.
   */
  WS_ERR_PING_FLOOD: CloseCode.PolicyViolation,
} as const;

/** The stable string code of a {@link ConnectionError}. */
export type ConnectionErrorCode = keyof typeof ConnectionErrorCodes;

/**
 * A connection failure that the peer, the transport or the clock caused. Like `CodecError` it is a
 * value reported through the error event, never an exception thrown out of the connection's
 * methods. The original exception, if any, is kept as `cause`; it never goes on the wire.
 */
export class ConnectionError extends Error {
  /**
   * Always `'ConnectionError'`: {@link isConnectionError} checks it (with `code`), also across
   * duplicated copies of the package.
   */
  override readonly name = 'ConnectionError';
  /** The stable string code, e.g. `WS_ERR_CLOSE_TIMEOUT`. */
  readonly code: ConnectionErrorCode;
  /** The close code sent (1011) or reported (1006) for this failure. */
  readonly closeCode: number;

  constructor(code: ConnectionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.closeCode = ConnectionErrorCodes[code];
  }
}

/** Whether `value` is a {@link ConnectionError}, also across duplicated copies of this package. */
export function isConnectionError(value: unknown): value is ConnectionError {
  return (
    value instanceof ConnectionError ||
    (value instanceof Error &&
      value.name === 'ConnectionError' &&
      typeof (value as { code?: unknown }).code === 'string' &&
      typeof (value as { closeCode?: unknown }).closeCode === 'number')
  );
}

/** The stable string codes of a {@link ProtocolUsageError}. */
export type ProtocolUsageErrorCode =
  /** The operation is not allowed in the connection's state (e.g. sending after close). */
  | 'WS_ERR_INVALID_STATE'
  /** A fragment out of sequence: a new message while one is streamed, a continuation outside one. */
  | 'WS_ERR_FRAGMENT_SEQUENCE';

/**
 * The caller used the connection wrongly: "cannot send text in state CLOSING", a continuation with
 * no fragmented message in progress. It is a `TypeError` (the repository's convention for caller
 * misuse) with a stable `code`. Bad arguments (a close code that may not be sent, a reason over 123
 * bytes, a control payload over 125 bytes) throw a plain `RangeError` or `TypeError`.
 */
export class ProtocolUsageError extends TypeError {
  /**
   * Always `'ProtocolUsageError'`: {@link isProtocolUsageError} checks it (with `code`), also across
   * duplicated copies of the package.
   */
  override readonly name = 'ProtocolUsageError';
  /** The stable string code. */
  readonly code: ProtocolUsageErrorCode;

  constructor(code: ProtocolUsageErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Whether `value` is a {@link ProtocolUsageError}, also across duplicated copies of this package. */
export function isProtocolUsageError(value: unknown): value is ProtocolUsageError {
  return (
    value instanceof ProtocolUsageError ||
    (value instanceof TypeError &&
      value.name === 'ProtocolUsageError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}
