import {
  type DialWebSocketOptions,
  dialWebSocket,
  refuseUnsupportedOptions,
  type UnsupportedOptions,
  type WebSocket,
} from '@wskit/transport';
import { bunDialer } from './bun-dialer.js';
import { type BunTlsOptions, bunRuntime } from './runtime.js';

/**
 * The options of {@link connect}: `@wskit/transport`'s `DialWebSocketOptions` (`protocols`,
 * `headers`, `origin`, `servername`, `handshakeTimeout` (30 s), `signal`, `headLimits`, and the
 * session's `SessionOptions`: `maxMessageSize`, `closeTimeout`, `keepaliveInterval`, …), with Bun's
 * TLS options.
 */
export interface ConnectOptions extends Omit<DialWebSocketOptions, 'tls'> {
  /** Bun's TLS options for `wss:` (`ca`, `cert`, `key`, `rejectUnauthorized`, `serverName`, …). */
  readonly tls?: BunTlsOptions | undefined;
}

/**
 * The client options of other adapters (`@wskit/node`'s) that this one cannot honour: passing one
 * throws an `UnsupportedOptionError` (`WS_ERR_UNSUPPORTED_OPTION`) rather than being ignored.
 */
export const UnsupportedConnectOptions: UnsupportedOptions = Object.freeze({
  perMessageDeflate: 'permessage-deflate is not implemented in @wskit/bun yet',
  followRedirects: 'redirects are not followed by @wskit/bun yet',
  maxRedirects: 'redirects are not followed by @wskit/bun yet',
  proxy: 'HTTP proxies are not supported by @wskit/bun yet; the connection would bypass the proxy',
  dispatcher: 'an undici Dispatcher works in Node.js only (@wskit/node)',
});

/**
 * Opens a WebSocket to a `ws:` or `wss:` URL over `Bun.connect` and resolves with the open
 * `WebSocket` (`@wskit/transport`'s idiomatic API). The handshake is `@wskit/transport`'s
 * `upgradeClient`, shared with the other adapters; frames the server sent right behind its `101` are
 * the session's first bytes. Redirects are not followed, and no proxy is used.
 *
 * Throws at once outside Bun, `TypeError`/`RangeError` for misuse, and an `UnsupportedOptionError`
 * for an option of {@link UnsupportedConnectOptions}. Rejects with a
 * `HandshakeFailedError` when the server refuses (with its `status`, `headers`, `body`), a
 * `WebSocketError` `WS_ERR_HANDSHAKE_TIMEOUT`, Bun's error for a network or TLS failure, or the
 * reason of an aborted `signal`.
 */
export function connect(url: string | URL, options: ConnectOptions = {}): Promise<WebSocket> {
  bunRuntime('connect()');
  refuseUnsupportedOptions('@wskit/bun connect()', options, UnsupportedConnectOptions);
  return dialWebSocket(bunDialer, url, options);
}
