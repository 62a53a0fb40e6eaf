import {
  isHandshakeFailedError as isSharedHandshakeFailedError,
  HandshakeFailedError as SharedHandshakeFailedError,
  type HandshakeFailedErrorCode as SharedHandshakeFailedErrorCode,
  type HandshakeFailedErrorInit as SharedHandshakeFailedErrorInit,
} from '@wskit/transport';

/**
 * The codes of the client handshake failures only this package has. Every other failure has
 * the code it has on every runtime: `@wskit/handshake`'s `WS_HANDSHAKE_ERR_*` for a response that
 * breaks RFC 6455, `@wskit/transport`'s `UpgradeErrorCodes` (`WS_ERR_UPGRADE_CONNECTION_CLOSED`,
 * `…_INVALID_REDIRECT`, `…_TOO_MANY_REDIRECTS`, `…_PROXY`) for the rest.
 */
export const NodeErrorCodes = {
  /**
   * A proxy is to be used (the `proxy` option, or `HTTP_PROXY`/`HTTPS_PROXY` in the environment) but
   * undici, the optional peer dependency that opens proxy tunnels, is not installed:
   * `npm install undici@7`, or `proxy: false` to ignore the environment.
   */
  WS_NODE_ERR_PROXY_NEEDS_UNDICI: 'WS_NODE_ERR_PROXY_NEEDS_UNDICI',
  /**
   * `http2`: the HTTP/2 server's SETTINGS lack SETTINGS_ENABLE_CONNECT_PROTOCOL, so it takes no
   * WebSocket over HTTP/2 (RFC 8441 §3); connect without `http2` for an HTTP/1.1 upgrade.
   */
  WS_NODE_ERR_NO_EXTENDED_CONNECT: 'WS_NODE_ERR_NO_EXTENDED_CONNECT',
} as const;

/** A code of {@link NodeErrorCodes}. */
export type NodeErrorCode = keyof typeof NodeErrorCodes;

/**
 * The code of a {@link HandshakeFailedError} from this package: one of `@wskit/handshake`'s, of
 * `@wskit/transport`'s `UpgradeErrorCodes`, or one of {@link NodeErrorCodes}.
 */
export type HandshakeFailedErrorCode = SharedHandshakeFailedErrorCode | NodeErrorCode;

/** What a {@link HandshakeFailedError} is built from. */
export type HandshakeFailedErrorInit = SharedHandshakeFailedErrorInit<HandshakeFailedErrorCode>;

/**
 * The opening handshake of {@link connect} failed: the server answered something other than a valid
 * `101 Switching Protocols` (a 401, a redirect not followed, a wrong `Sec-WebSocket-Accept`, …),
 * closed the connection before answering, or the proxy refused the tunnel. `status`, `headers` and
 * `body` describe the server's response when there was one. Other failures are not wrapped: network
 * and TLS errors reject with Node's own error (`ECONNREFUSED`, `ENOTFOUND`,
 * `DEPTH_ZERO_SELF_SIGNED_CERT`, …), the handshake timeout with `@wskit/transport`'s `WebSocketError`
 * `WS_ERR_HANDSHAKE_TIMEOUT`, and an aborted `signal` with its reason.
 *
 * It is `@wskit/transport`'s class, shared by every runtime adapter, typed with this package's codes.
 */
export type HandshakeFailedError = SharedHandshakeFailedError<HandshakeFailedErrorCode>;
/**
 * The constructor of the errors that the `HandshakeFailedError` type describes: `@wskit/transport`'s
 * class, typed with this package's codes.
 */
export const HandshakeFailedError: new (init: HandshakeFailedErrorInit) => HandshakeFailedError =
  SharedHandshakeFailedError;

/** Whether `value` is a {@link HandshakeFailedError}, also across duplicated copies of the package. */
export const isHandshakeFailedError: (value: unknown) => value is HandshakeFailedError =
  isSharedHandshakeFailedError as (value: unknown) => value is HandshakeFailedError;
