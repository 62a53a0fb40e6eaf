import {
  loadClientPerMessageDeflate,
  type PerMessageDeflateOption,
} from '@wskit/permessage-deflate/on-demand';
import {
  type DialWebSocketOptions,
  dialWebSocket,
  parseProxyUrl,
  refuseUnsupportedOptions,
  type UnsupportedOptions,
  type WebSocket,
} from '@wskit/transport';
import { type CloudflareTlsOptions, cloudflareDialer, refuseHttpsProxy } from './cloudflare-dialer.js';

/**
 * The options of {@link connect}: `@wskit/transport`'s `DialWebSocketOptions` (`protocols`,
 * `headers`, `origin`, `servername`, `handshakeTimeout` (30 s), `signal`, `headLimits`,
 * `followRedirects`, `maxRedirects`, `proxy`, and the session's `SessionOptions`), with Cloudflare's
 * TLS choices and `perMessageDeflate`.
 */
export interface ConnectOptions extends Omit<DialWebSocketOptions, 'tls'> {
  /** For `wss:`: `secureTransport` `'on'` (default) or `'starttls'` with `beforeTls`. */
  readonly tls?: CloudflareTlsOptions | undefined;
  /**
   * Offer permessage-deflate compression (RFC 7692, `@wskit/permessage-deflate`, over the runtime's
   * `node:zlib`): `true` with its defaults, or its options (`serverNoContextTakeover`,
   * `serverMaxWindowBits`, `clientMaxWindowBits`, `clientNoContextTakeover`, `threshold`, `level`,
   * `memoryLevel`, `concurrencyLimit`). Default `false`. Used only when the server accepts it;
   * `maxMessageSize` also bounds every inflated message. Connections made with one options object
   * share one negotiator (and its `concurrencyLimit`).
   * Needs the `nodejs_compat` compatibility flag (workerd's `node:zlib`); without it, connecting
   * with `perMessageDeflate` throws an error that says so.
   */
  readonly perMessageDeflate?: PerMessageDeflateOption | undefined;
}

/**
 * The client options of other adapters (`@wskit/node`'s) that this one cannot honour: passing one
 * throws an `UnsupportedOptionError` (`WS_ERR_UNSUPPORTED_OPTION`) rather than being ignored.
 */
export const UnsupportedConnectOptions: UnsupportedOptions = Object.freeze({
  dispatcher: 'an undici Dispatcher works in Node.js only (@wskit/node)',
  proxyTls:
    'an https: proxy is not supported by @wskit/cloudflare (the connection to a proxy is plain TCP); use an http: proxy',
});

/**
 * Opens a WebSocket to a `ws:` or `wss:` URL over `connect()` from `cloudflare:sockets`, inside a
 * Worker's handler, and resolves with the open `WebSocket` (`@wskit/transport`'s idiomatic API:
 * awaited sends that follow the socket's backpressure, events, async iteration). The handshake is
 * `@wskit/transport`'s `dialWebSocket`, shared with the other adapters (redirects with
 * `followRedirects`, the URL's credentials as Basic auth, permessage-deflate with `perMessageDeflate`).
 *
 * Throws `TypeError`/`RangeError` at once for misuse (an `https:` `proxy` among it), and an `UnsupportedOptionError` for an option
 * of {@link UnsupportedConnectOptions}. Rejects with a `HandshakeFailedError` when the
 * server refuses, `WS_ERR_HANDSHAKE_TIMEOUT`, the runtime's error for a connection or TLS failure,
 * and, outside Cloudflare Workers, an error saying `cloudflare:sockets` is missing.
 */
export function connect(url: string | URL, options: ConnectOptions = {}): Promise<WebSocket> {
  refuseUnsupportedOptions('@wskit/cloudflare connect()', options, UnsupportedConnectOptions);
  if (options.proxy) refuseHttpsProxy(parseProxyUrl(options.proxy));
  // Loaded only when asked for (off by default), while the connection opens.
  const deflate = loadClientPerMessageDeflate(options.perMessageDeflate);
  if (deflate === undefined) return dialWebSocket(cloudflareDialer, url, options);
  return dialWebSocket(cloudflareDialer, url, {
    ...options,
    extensions: Promise.all([deflate, options.extensions ?? []]).then(([negotiator, more]) => [
      negotiator,
      ...more,
    ]),
  });
}
