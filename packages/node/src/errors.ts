import type { HandshakeErrorCode, HeaderList } from '@wskit/handshake';

/**
 * The codes of client handshake failures found by this package rather than by the response
 * validation of `@wskit/handshake` (whose `WS_HANDSHAKE_ERR_*` codes a {@link HandshakeFailedError}
 * carries as they are).
 */
export const NodeErrorCodes = {
  /** The server closed the connection before its response head was complete. */
  WS_NODE_ERR_CONNECTION_CLOSED: 'WS_NODE_ERR_CONNECTION_CLOSED',
  /** A redirect beyond `maxRedirects`. */
  WS_NODE_ERR_TOO_MANY_REDIRECTS: 'WS_NODE_ERR_TOO_MANY_REDIRECTS',
  /** A redirect without a usable `Location` (missing, malformed, or not http, https, ws or wss). */
  WS_NODE_ERR_INVALID_REDIRECT: 'WS_NODE_ERR_INVALID_REDIRECT',
  /** The HTTP proxy refused or failed to open the tunnel; `cause` holds undici's error. */
  WS_NODE_ERR_PROXY: 'WS_NODE_ERR_PROXY',
} as const;

/** A code of {@link NodeErrorCodes}. */
export type NodeErrorCode = keyof typeof NodeErrorCodes;

/** The code of a {@link HandshakeFailedError}: one of `@wskit/handshake`'s or one of {@link NodeErrorCodes}. */
export type HandshakeFailedErrorCode = HandshakeErrorCode | NodeErrorCode;

/** What a {@link HandshakeFailedError} is built from. */
export interface HandshakeFailedErrorInit {
  /** The stable code. */
  readonly code: HandshakeFailedErrorCode;
  /** A description for logs. */
  readonly message: string;
  /** The URL of the attempt that failed (after any redirects). */
  readonly url: string;
  /** The HTTP status of the server's response, when one arrived. */
  readonly status?: number | undefined;
  /** The response's header fields, when a response arrived. */
  readonly headers?: HeaderList | undefined;
  /** The first bytes of the response body (at most 64 KiB), when a response arrived. */
  readonly body?: Uint8Array | undefined;
  /** The underlying error, e.g. undici's for a proxy failure. */
  readonly cause?: unknown;
}

/**
 * The opening handshake of {@link connect} failed: the server answered something other than a valid
 * `101 Switching Protocols` (a 401, a redirect not followed, a wrong `Sec-WebSocket-Accept`, …),
 * closed the connection before answering, or the proxy refused the tunnel. `status`, `headers` and
 * `body` describe the server's response when there was one. Other failures are not wrapped: network
 * and TLS errors reject with Node's own error (`ECONNREFUSED`, `ENOTFOUND`,
 * `DEPTH_ZERO_SELF_SIGNED_CERT`, …), the handshake timeout with `@wskit/transport`'s `WebSocketError`
 * `WS_ERR_HANDSHAKE_TIMEOUT`, and an aborted `signal` with its reason.
 */
export class HandshakeFailedError extends Error {
  override readonly name = 'HandshakeFailedError';
  /** The stable code, e.g. `WS_HANDSHAKE_ERR_UNEXPECTED_STATUS` or `WS_NODE_ERR_HANDSHAKE_TIMEOUT`. */
  readonly code: HandshakeFailedErrorCode;
  /** The URL of the attempt that failed (the last one, after redirects). */
  readonly url: string;
  /** The HTTP status of the server's response, or `undefined` when no response head arrived. */
  readonly status: number | undefined;
  /** The response's header fields, or `undefined` when no response head arrived. */
  readonly headers: HeaderList | undefined;
  /** The start of the response body (at most 64 KiB; empty when there was none or no response). */
  readonly body: Uint8Array;

  constructor(init: HandshakeFailedErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.url = init.url;
    this.status = init.status;
    this.headers = init.headers;
    this.body = init.body ?? new Uint8Array(0);
  }
}

/** Whether `value` is a {@link HandshakeFailedError}, also across duplicated copies of this package. */
export function isHandshakeFailedError(value: unknown): value is HandshakeFailedError {
  return (
    value instanceof HandshakeFailedError ||
    (value instanceof Error &&
      value.name === 'HandshakeFailedError' &&
      typeof (value as { code?: unknown }).code === 'string' &&
      typeof (value as { url?: unknown }).url === 'string')
  );
}
