import { type DialWebSocketOptions, dialWebSocket, type WebSocket } from '@wskit/transport';
import { type CloudflareTlsOptions, cloudflareDialer } from './cloudflare-dialer.js';

/**
 * The options of {@link connect}: `@wskit/transport`'s `DialWebSocketOptions` (`protocols`,
 * `headers`, `origin`, `servername`, `handshakeTimeout` (30 s), `signal`, `headLimits`, and the
 * session's `SessionOptions`), with Cloudflare's TLS choices.
 */
export interface ConnectOptions extends Omit<DialWebSocketOptions, 'tls'> {
  /** For `wss:`: `secureTransport` `'on'` (default) or `'starttls'` with `beforeTls`. */
  readonly tls?: CloudflareTlsOptions | undefined;
}

/**
 * Opens a WebSocket to a `ws:` or `wss:` URL over `connect()` from `cloudflare:sockets`, inside a
 * Worker's handler, and resolves with the open `WebSocket` (`@wskit/transport`'s idiomatic API:
 * awaited sends that follow the socket's backpressure, events, async iteration). The handshake is
 * `@wskit/transport`'s `upgradeClient`, shared with the other adapters. Redirects are not followed.
 *
 * Throws `TypeError`/`RangeError` at once for misuse. Rejects with a `HandshakeFailedError` when the
 * server refuses, `WS_ERR_HANDSHAKE_TIMEOUT`, the runtime's error for a connection or TLS failure,
 * and, outside Cloudflare Workers, an error saying `cloudflare:sockets` is missing.
 */
export function connect(url: string | URL, options: ConnectOptions = {}): Promise<WebSocket> {
  return dialWebSocket(cloudflareDialer, url, options);
}
