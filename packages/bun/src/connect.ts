import { isUtf8 } from 'node:buffer';
import {
  loadClientPerMessageDeflate,
  type PerMessageDeflateOption,
} from '@wskit/permessage-deflate/on-demand';
import {
  type DialWebSocketOptions,
  dialWebSocket,
  refuseUnsupportedOptions,
  type UnsupportedOptions,
  type WebSocket,
} from '@wskit/transport';
import { bunDialer } from './bun-dialer.js';
import { allocateUnsafe, type BunTlsOptions, bunRuntime } from './runtime.js';

/**
 * The options of {@link connect}: `@wskit/transport`'s `DialWebSocketOptions` (`protocols`,
 * `headers`, `origin`, `servername`, `handshakeTimeout` (30 s), `signal`, `headLimits`,
 * `followRedirects`, `maxRedirects`, `proxy`, and the session's `SessionOptions`: `maxMessageSize`,
 * `closeTimeout`, `keepaliveInterval`, …), with Bun's TLS options and `perMessageDeflate`.
 */
export interface ConnectOptions extends Omit<DialWebSocketOptions, 'tls' | 'proxyTls'> {
  /**
   * Bun's TLS options for `wss:` (`ca`, `cert`, `key`, `rejectUnauthorized`, `serverName`, …).
   * Inside an `https:` proxy's tunnel they go to `node:tls` (TLS in TLS): the same names, with
   * `ca`, `cert` and `key` as strings or buffers.
   */
  readonly tls?: BunTlsOptions | undefined;
  /**
   * Bun's TLS options for the connection to an `https:` proxy (`ca` to trust its certificate,
   * `rejectUnauthorized`, `serverName`, …; undici's `proxyTls`): the certificate is checked
   * against the proxy URL's host name. `tls` stays for the server's TLS inside the tunnel.
   */
  readonly proxyTls?: BunTlsOptions | undefined;
  /**
   * Offer permessage-deflate compression (RFC 7692, `@wskit/permessage-deflate`, over the runtime's
   * `node:zlib`): `true` with its defaults, or its options (`serverNoContextTakeover`,
   * `serverMaxWindowBits`, `clientMaxWindowBits`, `clientNoContextTakeover`, `threshold`, `level`,
   * `memoryLevel`, `concurrencyLimit`). Default `true`, as browsers, `ws`, undici and
   * `@wskit/node` do (`false` turns it off). Used only when the server accepts it;
   * `maxMessageSize` also bounds every inflated message. Connections made with one options object
   * share one negotiator (and its `concurrencyLimit`).
   */
  readonly perMessageDeflate?: PerMessageDeflateOption | undefined;
}

/**
 * The client options of other adapters (`@wskit/node`'s) that this one cannot honour: passing one
 * throws an `UnsupportedOptionError` (`WS_ERR_UNSUPPORTED_OPTION`) rather than being ignored.
 */
export const UnsupportedConnectOptions: UnsupportedOptions = Object.freeze({
  dispatcher: 'an undici Dispatcher works in Node.js only (@wskit/node)',
});

/**
 * Opens a WebSocket to a `ws:`, `wss:` or `ws+unix:` URL over `Bun.connect` and resolves with the
 * open `WebSocket` (`@wskit/transport`'s idiomatic API). The handshake is `@wskit/transport`'s
 * `dialWebSocket`, shared with the other adapters (redirects with `followRedirects`, the URL's
 * credentials as Basic auth, permessage-deflate with `perMessageDeflate`); frames the server sent
 * right behind its `101` are the session's first bytes. With no `proxy` option, `HTTP_PROXY` (`ws:`),
 * `HTTPS_PROXY` (`wss:`) and `NO_PROXY` apply, as in `@wskit/node`; `proxy: false` ignores them.
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
  // Loaded on demand, while the connection opens.
  const deflate = loadClientPerMessageDeflate(options.perMessageDeflate ?? true);
  const environment = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return dialWebSocket(bunDialer, url, {
    ...(environment === undefined ? {} : { proxyEnvironment: environment }),
    // Bun's native UTF-8 check (node:buffer's isUtf8): text is validated in one native pass.
    utf8Check: isUtf8,
    allocate: allocateUnsafe,
    ...options,
    ...(deflate === undefined
      ? {}
      : {
          extensions: Promise.all([deflate, options.extensions ?? []]).then(([negotiator, more]) => [
            negotiator,
            ...more,
          ]),
        }),
  });
}
