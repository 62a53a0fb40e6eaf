import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import {
  type ClientExtensionNegotiator,
  createClientHandshake,
  type HeaderInit,
  HeaderList,
  type HeadLimits,
} from '@wskit/handshake';
import {
  type ClientUpgrade,
  createHandshakeTimeout,
  DefaultRedirectOptions,
  isRedirectResponse,
  parseWebSocketUrl,
  type WebSocketTarget,
  withUrlCredentials,
} from '@wskit/transport';
import type { Dispatcher } from 'undici';
import { type AttemptContext, directAttempt } from './client-attempt.js';
import { isHandshakeFailedError } from './errors.js';
import type { UndiciDispatcher } from './proxy.js';
import { usesDispatcher } from './proxy-variables.js';

/** The defaults of the client's handshake options. */
export const DefaultClientOptions = Object.freeze({
  /** Give up on the handshake after 30 s: connection, TLS, proxy tunnel, redirects and response. */
  handshakeTimeout: 30_000,
  /** Redirects are not followed. */
  followRedirects: DefaultRedirectOptions.followRedirects,
  /** At most 10 redirects when `followRedirects` is on. */
  maxRedirects: DefaultRedirectOptions.maxRedirects,
  /** Compression is offered, as browsers, `ws` and undici do (see `ConnectOptions.perMessageDeflate`). */
  perMessageDeflate: true,
});

/** How the client opens the connection and runs the opening handshake. */
export interface ClientHandshakeOptions {
  /** The subprotocols to offer, most preferred first (`Sec-WebSocket-Protocol`). */
  readonly protocols?: string | readonly string[] | undefined;
  /**
   * Extra request headers (`Authorization`, `Cookie`, `User-Agent`, …). The handshake's own headers
   * and `Origin` (use {@link origin}) are refused with a `TypeError`. On a redirect to another
   * origin, `Authorization` and `Cookie` are dropped.
   */
  readonly headers?: HeaderInit | undefined;
  /** The `Origin` header, e.g. `https://example.com` (none by default). */
  readonly origin?: string | undefined;
  /**
   * TLS options for `wss:` (`ca`, `cert`, `key`, `servername`, `rejectUnauthorized`, `minVersion`,
   * … as for `tls.connect`). `servername` defaults to the URL's host name (not for an IP address).
   */
  readonly tls?: TlsConnectionOptions | undefined;
  /**
   * Milliseconds the whole handshake may take (connection, TLS, proxy tunnel, redirects, response);
   * then it fails with a `WebSocketError` `WS_ERR_HANDSHAKE_TIMEOUT`. 0 for no limit (default 30 000).
   */
  readonly handshakeTimeout?: number | undefined;
  /** Follow `301`, `302`, `303`, `307` and `308` redirects (default `false`). */
  readonly followRedirects?: boolean | undefined;
  /** The most redirects followed, with `followRedirects` (default 10). */
  readonly maxRedirects?: number | undefined;
  /**
   * An HTTP or HTTPS proxy URL (`http://user:password@proxy:3128`), tunneled with `CONNECT`
   * through undici's `ProxyAgent`; `false` to ignore the environment. By default, `HTTP_PROXY`
   * (for `ws:`), `HTTPS_PROXY` (for `wss:`) and `NO_PROXY` apply, through undici's
   * `EnvHttpProxyAgent`.
   */
  readonly proxy?: string | URL | false | undefined;
  /**
   * TLS options for the connection to an `https:` proxy (`ca` to trust its certificate, `cert` and
   * `key`, `rejectUnauthorized`, … as for `tls.connect`; undici's `proxyTls`), from `proxy` or the
   * environment. The certificate is checked against the proxy URL's host name; `tls` stays for the
   * server's TLS inside the tunnel. Not with `dispatcher` (a `TypeError`: give a `ProxyAgent` its own
   * `proxyTls`).
   */
  readonly proxyTls?: TlsConnectionOptions | undefined;
  /**
   * An undici `Dispatcher` to open the connection with (a `ProxyAgent` with options of your own,
   * an `Agent` with a custom `connect`, …); wins over `proxy`.
   */
  readonly dispatcher?: UndiciDispatcher | undefined;
  /** Aborts the handshake; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** Limits of the response head (`maxHeadSize` 16 KiB, `maxHeaderCount` 100, `maxLineLength` 8 KiB). */
  readonly headLimits?: Partial<HeadLimits> | undefined;
}

/** A count option (`handshakeTimeout`, `maxRedirects`): `fallback` when absent, a `RangeError` unless a finite number ≥ 0. */
export function checkCount(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative number, not ${String(value)}`);
  }
  return value;
}

/** The target of a client's URL, or the `TypeError` `connect` throws for a URL that is not a WebSocket URL. */
export function clientTarget(url: string | URL): WebSocketTarget {
  const parsed = parseWebSocketUrl(url);
  if (!parsed.ok)
    throw new TypeError(`Invalid WebSocket URL ${JSON.stringify(String(url))}: ${parsed.message}`);
  return parsed.target;
}

/** Throws the `TypeError` for a `signal` option that is not an `AbortSignal`. */
export function checkSignal(signal: unknown): void {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError('signal must be an AbortSignal');
  }
}

/** The extensions a client offers: a promise of them loads while the connection opens. */
type OfferedExtensions =
  | readonly ClientExtensionNegotiator[]
  | PromiseLike<readonly ClientExtensionNegotiator[]>;

/** Reads the URL and the options, throwing `TypeError`/`RangeError` for misuse. */
function prepare(url: string | URL, options: ClientHandshakeOptions, extensions: OfferedExtensions) {
  const target = clientTarget(url);
  if (target.socketPath !== undefined && (options.proxy || options.dispatcher !== undefined)) {
    throw new TypeError('A ws+unix: URL connects to a local socket: proxy and dispatcher do not apply');
  }
  if (options.dispatcher !== undefined && options.proxyTls !== undefined) {
    throw new TypeError('proxyTls does not apply with dispatcher: give the ProxyAgent its own proxyTls');
  }
  const protocols = typeof options.protocols === 'string' ? [options.protocols] : (options.protocols ?? []);
  const handshakeTimeout = checkCount(
    'handshakeTimeout',
    options.handshakeTimeout,
    DefaultClientOptions.handshakeTimeout,
  );
  const maxRedirects = checkCount('maxRedirects', options.maxRedirects, DefaultClientOptions.maxRedirects);
  checkSignal(options.signal);
  const headers = withUrlCredentials(new HeaderList(options.headers), target.url);
  const build = (to: WebSocketTarget, extra: HeaderList, negotiators: readonly ClientExtensionNegotiator[]) =>
    createClientHandshake({
      host: to.host,
      path: to.path,
      protocols,
      headers: extra,
      extensions: negotiators,
      ...(options.origin === undefined ? {} : { origin: options.origin }),
    });
  // Build the first request now: misuse (a reserved header, a bad subprotocol) throws here.
  build(target, headers, Array.isArray(extensions) ? extensions : []);
  return { target, headers, protocols, extensions, handshakeTimeout, maxRedirects, build };
}

/**
 * Runs the client side of the opening handshake for `url`: opens a TCP or TLS connection (directly
 * or through an HTTP proxy), sends the upgrade request, follows redirects when asked, and validates
 * the `101` response, offering `extensions` (their agreed parameters are returned; a promise of
 * them loads while the connection opens). Misuse throws at once; the peer's refusal rejects with a
 * {@link HandshakeFailedError}.
 */
export function upgradeClient(
  url: string | URL,
  options: ClientHandshakeOptions = {},
  extensions: OfferedExtensions = [],
): Promise<ClientUpgrade> {
  const prepared = prepare(url, options, extensions);
  return runHandshake(prepared, options);
}

async function runHandshake(
  prepared: ReturnType<typeof prepare>,
  options: ClientHandshakeOptions,
): Promise<ClientUpgrade> {
  let { target, headers } = prepared;
  const followRedirects = options.followRedirects ?? DefaultClientOptions.followRedirects;
  const isFollowed = (status: number | undefined, responseHeaders: HeaderList | undefined) =>
    followRedirects && isRedirectResponse(status, responseHeaders);
  // The whole handshake, redirects included, runs under one timer; 0 means no limit.
  const timeout = createHandshakeTimeout(
    prepared.handshakeTimeout === 0 ? Infinity : prepared.handshakeTimeout,
    {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
  );
  const context: AttemptContext = {
    tls: options.tls,
    signal: timeout.signal,
    headLimits: options.headLimits,
    wantBody: (response) => !isFollowed(response.status, response.headers),
  };
  const owned: Dispatcher[] = [];
  try {
    for (let redirects = 0; ; ) {
      // A Unix socket is local: neither an explicit nor an environment proxy applies.
      // The dispatcher path (undici, proxies) is loaded only when one may be used.
      const dispatching =
        target.socketPath === undefined && usesDispatcher(options)
          ? await import('./dispatcher-upgrade.js')
          : undefined;
      const selected = await dispatching?.selectDispatcher(options, target.url.href);
      if (selected?.owned) owned.push(selected.dispatcher);
      try {
        const upgrade = selected
          ? await dispatching!.dispatcherUpgrade(
              selected.dispatcher,
              target,
              prepared.build(target, headers, await prepared.extensions),
              context,
            )
          : await directAttempt(
              target,
              {
                protocols: prepared.protocols,
                headers,
                origin: options.origin,
                extensions: prepared.extensions,
              },
              context,
            );
        return { ...upgrade, url: target.url };
      } catch (error) {
        if (
          !isHandshakeFailedError(error) ||
          error.code !== 'WS_HANDSHAKE_ERR_UNEXPECTED_STATUS' ||
          !isFollowed(error.status, error.headers)
        ) {
          throw error;
        }
        // Loaded on demand: a client that is never redirected does not carry it.
        const { followRedirect } = await import('./redirect.js');
        const step = followRedirect(error, target, headers, ++redirects, prepared.maxRedirects);
        target = step.target;
        headers = step.headers;
      }
    }
  } finally {
    timeout.clear();
    for (const dispatcher of owned) dispatcher.close().catch(() => {});
  }
}
