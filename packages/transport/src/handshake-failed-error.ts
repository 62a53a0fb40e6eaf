import type { HandshakeErrorCode, HeaderList } from '@wskit/handshake';

/**
 * The codes of client handshake failures found by the upgrade over a transport rather than by the
 * response validation of `@wskit/handshake` (whose `WS_HANDSHAKE_ERR_*` codes a
 * {@link HandshakeFailedError} carries as they are).
 */
export const UpgradeErrorCodes = {
  /** The server closed the connection before its response head was complete. */
  WS_ERR_UPGRADE_CONNECTION_CLOSED:
    'The server closed the connection before its handshake response was complete',
  /** With `followRedirects`: the server redirected to a location that is not a WebSocket URL. */
  WS_ERR_UPGRADE_INVALID_REDIRECT: 'The server redirected to a location that is not a WebSocket URL',
  /** The HTTP proxy refused the `CONNECT` tunnel (its `status`, e.g. 407) or answered it wrongly. */
  WS_ERR_UPGRADE_PROXY: 'The HTTP proxy did not open the tunnel',
  /** With `followRedirects`: more redirects than `maxRedirects`. */
  WS_ERR_UPGRADE_TOO_MANY_REDIRECTS: 'The server redirected more times than maxRedirects allows',
} as const;

/** A code of {@link UpgradeErrorCodes}. */
export type UpgradeErrorCode = keyof typeof UpgradeErrorCodes;

/** The code of a {@link HandshakeFailedError} raised by this package: one of `@wskit/handshake`'s or {@link UpgradeErrorCodes}. */
export type HandshakeFailedErrorCode = HandshakeErrorCode | UpgradeErrorCode;

/** What a {@link HandshakeFailedError} is built from. */
export interface HandshakeFailedErrorInit<Code extends string = HandshakeFailedErrorCode> {
  /** The stable code. */
  readonly code: Code;
  /** A description for logs. */
  readonly message: string;
  /** The URL of the attempt that failed. */
  readonly url: string;
  /** The HTTP status of the server's response, when one arrived. */
  readonly status?: number | undefined;
  /** The response's header fields, when a response arrived. */
  readonly headers?: HeaderList | undefined;
  /** The first bytes of the response body (at most 64 KiB), when a response arrived. */
  readonly body?: Uint8Array | undefined;
  /** The underlying error. */
  readonly cause?: unknown;
}

/**
 * A client's opening handshake failed: the server answered something other than a valid
 * `101 Switching Protocols` (a 401, a redirect, a wrong `Sec-WebSocket-Accept`, a malformed head),
 * or closed the connection before answering. `status`, `headers` and `body` describe the server's
 * response when there was one. One class for every runtime adapter (they re-export it), so
 * `isHandshakeFailedError` recognises a refusal whichever adapter connected.
 *
 * Other failures are not wrapped: network and TLS errors reject with the runtime's own error, the
 * handshake timeout with a `WebSocketError` `WS_ERR_HANDSHAKE_TIMEOUT`, an aborted `signal` with
 * its reason. `Code` lets an adapter add codes of its own (`@wskit/node`'s proxy and redirect codes).
 */
export class HandshakeFailedError<Code extends string = HandshakeFailedErrorCode> extends Error {
  /**
   * Always `'HandshakeFailedError'`: {@link isHandshakeFailedError} checks it (with `code`), also across
   * duplicated copies of the package.
   */
  override readonly name = 'HandshakeFailedError';
  /** The stable code, e.g. `WS_HANDSHAKE_ERR_UNEXPECTED_STATUS`. */
  readonly code: Code;
  /** The URL of the attempt that failed. */
  readonly url: string;
  /** The HTTP status of the server's response, or `undefined` when no response head arrived. */
  readonly status: number | undefined;
  /** The response's header fields, or `undefined` when no response head arrived. */
  readonly headers: HeaderList | undefined;
  /** The start of the response body (at most 64 KiB; empty when there was none or no response). */
  readonly body: Uint8Array;

  constructor(init: HandshakeFailedErrorInit<Code>) {
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
