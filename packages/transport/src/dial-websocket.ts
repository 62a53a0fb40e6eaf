import {
  type ClientExtensionNegotiator,
  createClientHandshake,
  formatExtensions,
  type HeaderInit,
  HeaderList,
  type HeadLimits,
  HeadParser,
} from '@wskit/handshake';
import { dialedWith } from './adapter-helpers.js';
import type { Dialer, DialTarget } from './dialer.js';
import { type EngineExtensionFactory, engineExtensions } from './engine-extensions.js';
import { isHandshakeFailedError } from './handshake-failed-error.js';
import { createHandshakeTimeout } from './handshake-timeout.js';
import { pickSessionOptions, type SessionOptions } from './options.js';
import type { Transport } from './port.js';
import type { ProxyEnvironment } from './proxy-environment.js';
import { type ProxyTarget, parseProxyUrl } from './proxy-url.js';
import { DefaultRedirectOptions, isRedirectResponse, withUrlCredentials } from './redirect.js';
import { type ClientUpgrade, exchangeClientHandshake } from './upgrade-client.js';
import { openWebSocket, type WebSocket } from './websocket.js';
import { clientTarget, isIpAddress, type WebSocketTarget } from './websocket-url.js';

/** Whether `value` is a promise (or another thenable). */
function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** The default of {@link DialWebSocketOptions.handshakeTimeout}: 30 s. */
const DEFAULT_HANDSHAKE_TIMEOUT = 30_000;

/** An extension a client offers and, once agreed, runs: both halves (`@wskit/permessage-deflate`'s negotiator is one). */
export interface ClientExtension extends ClientExtensionNegotiator, EngineExtensionFactory {}

/**
 * The options of {@link dialWebSocket} (and of the runtime adapters' `connect`): how to connect and
 * what to ask for in the handshake, plus the session's `SessionOptions`, passed to `openWebSocket`.
 */
export interface DialWebSocketOptions extends SessionOptions {
  /** The subprotocols to offer, most preferred first (`Sec-WebSocket-Protocol`). */
  readonly protocols?: string | readonly string[] | undefined;
  /**
   * Extra request headers (`Authorization`, `Cookie`, `User-Agent`, …). The URL's `user:password@`
   * becomes `Authorization: Basic …` unless `Authorization` is given here.
   */
  readonly headers?: HeaderInit | undefined;
  /** The `Origin` header (none by default). */
  readonly origin?: string | undefined;
  /** The runtime's TLS options for `wss:`, passed to the dialer as they are. */
  readonly tls?: unknown;
  /** The TLS server name (SNI); default the URL's host name when it is not an IP address. */
  readonly servername?: string | undefined;
  /**
   * Milliseconds the connection and the handshake (redirects included) may take together; then it
   * fails with a `WebSocketError` `WS_ERR_HANDSHAKE_TIMEOUT` (default 30 000; 0 for no limit).
   */
  readonly handshakeTimeout?: number | undefined;
  /** Aborts connecting; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** Limits of the response head. */
  readonly headLimits?: Partial<HeadLimits> | undefined;
  /**
   * Extensions to offer, most preferred first (a `@wskit/permessage-deflate` negotiator); those the
   * server agrees to run on the session. A promise of them (an adapter loading its negotiator on
   * demand) is awaited once the connection is open, so the loading runs in parallel with dialing.
   */
  readonly extensions?: readonly ClientExtension[] | PromiseLike<readonly ClientExtension[]> | undefined;
  /**
   * Follow `301`, `302`, `303`, `307` and `308` redirects (default `false`). `Authorization` and
   * `Cookie` (and the URL's credentials) are not sent on to another origin.
   */
  readonly followRedirects?: boolean | undefined;
  /** The most redirects followed with `followRedirects` (default 10); more fail with `WS_ERR_UPGRADE_TOO_MANY_REDIRECTS`. */
  readonly maxRedirects?: number | undefined;
  /**
   * An HTTP proxy (`http://user:password@proxy:3128`, or `https:` for TLS to the proxy) to tunnel
   * through with `CONNECT`, given to the dialer (which rejects with a `TypeError` when it cannot use
   * one); `false` or none for a direct connection. A refusal (a 407) rejects with a
   * `HandshakeFailedError` `WS_ERR_UPGRADE_PROXY`.
   */
  readonly proxy?: string | URL | false | undefined;
  /**
   * The runtime's TLS options for the connection to an `https:` proxy (a CA to trust it, …), passed
   * to the dialer as they are; `tls` stays for the server's TLS inside the tunnel.
   */
  readonly proxyTls?: unknown;
  /**
   * Where to read `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` when `proxy` is not given (an adapter
   * passes `process.env`); see `proxyFromEnvironment`. `proxy: false` ignores it.
   */
  readonly proxyEnvironment?: ProxyEnvironment | undefined;
}

/** The variables of a {@link ProxyEnvironment} that name proxies (NO_PROXY only exempts hosts). */
const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY'] as const;

/**
 * Whether the environment may name a proxy: only then is `proxyFromEnvironment` loaded (on demand,
 * as `@wskit/transport/proxy-environment`), so that a client connecting directly does not carry it.
 */
function mayNameProxy(environment: ProxyEnvironment): boolean {
  return PROXY_VARIABLES.some((name) => (environment[name] ?? '') !== '');
}

function checkCount(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative number, not ${String(value)}`);
  }
  return value;
}

/**
 * A whole client over a runtime's {@link Dialer}: parses the URL (`ws:`, `wss:`, `ws+unix:`), dials
 * (TCP, TLS for `wss:`, or a Unix socket), runs `upgradeClient`'s exchange (following redirects when
 * asked) and opens the session with {@link openWebSocket}, the frames that followed the `101` first
 * and the agreed extensions running. Resolves with the open `WebSocket`. With `proxy`, the dialer
 * tunnels through it.
 *
 * Throws `TypeError`/`RangeError` at once for misuse. Rejects as `upgradeClient` does, with the
 * dialer's error for a network or TLS failure, `WS_ERR_UPGRADE_INVALID_REDIRECT` or
 * `WS_ERR_UPGRADE_TOO_MANY_REDIRECTS` for a redirect not followed, and with `WS_ERR_HANDSHAKE_TIMEOUT`
 * after `handshakeTimeout`.
 */
export function dialWebSocket(
  dialer: Dialer,
  url: string | URL,
  options: DialWebSocketOptions = {},
): Promise<WebSocket> {
  if (typeof dialer !== 'function') throw new TypeError('dialWebSocket: dialer must be a function');
  const first = clientTarget(url);
  const handshakeTimeout = checkCount(
    'handshakeTimeout',
    options.handshakeTimeout,
    DEFAULT_HANDSHAKE_TIMEOUT,
  );
  const maxRedirects = checkCount('maxRedirects', options.maxRedirects, DefaultRedirectOptions.maxRedirects);
  const followRedirects = options.followRedirects ?? DefaultRedirectOptions.followRedirects;
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new TypeError('signal must be an AbortSignal');
  }
  const proxy =
    options.proxy === undefined || options.proxy === false ? undefined : parseProxyUrl(options.proxy);
  if (proxy !== undefined && first.socketPath !== undefined) {
    throw new TypeError('A ws+unix: URL connects to a local socket: a proxy does not apply');
  }
  type ProxyChoice = { readonly proxy?: ProxyTarget };
  // Synchronous unless the environment may name a proxy: its reader is then loaded on demand.
  const proxyFor = (target: WebSocketTarget): ProxyChoice | Promise<ProxyChoice> => {
    if (target.socketPath !== undefined || options.proxy === false) return {};
    if (proxy !== undefined) return { proxy };
    const environment = options.proxyEnvironment;
    if (environment === undefined || !mayNameProxy(environment)) return {};
    return import('./proxy-environment.js').then(({ proxyFromEnvironment }) => {
      const named = proxyFromEnvironment(environment, target);
      return named === undefined ? {} : { proxy: parseProxyUrl(named) };
    });
  };
  const offered = options.extensions ?? [];
  const session = pickSessionOptions(options);
  const protocols = typeof options.protocols === 'string' ? [options.protocols] : (options.protocols ?? []);
  const firstHeaders = withUrlCredentials(new HeaderList(options.headers), first.url);
  const buildHandshake = (
    target: WebSocketTarget,
    headers: HeaderList,
    extensions: readonly ClientExtensionNegotiator[],
  ) =>
    createClientHandshake({
      host: target.host,
      path: target.path,
      protocols,
      headers,
      extensions,
      ...(options.origin === undefined ? {} : { origin: options.origin }),
    });
  // Misuse of the handshake options (a reserved header, a bad subprotocol) throws now, before dialing.
  buildHandshake(first, firstHeaders, isPromiseLike(offered) ? [] : offered);
  const servernameFor = (target: WebSocketTarget) =>
    target.hostname === first.hostname && options.servername !== undefined
      ? options.servername
      : isIpAddress(target.hostname)
        ? undefined
        : target.hostname;

  const run = async (signal: AbortSignal): Promise<WebSocket> => {
    let target = first;
    let headers = firstHeaders;
    for (let redirects = 0; ; ) {
      const choice = proxyFor(target);
      const via = isPromiseLike(choice) ? await choice : choice;
      const dialing = dialUntilAborted(dialer, {
        host: target.hostname,
        port: target.port,
        secure: target.secure,
        servername: servernameFor(target),
        ...(target.socketPath === undefined ? {} : { socketPath: target.socketPath }),
        ...via,
        signal,
        tls: options.tls,
        ...(options.proxyTls === undefined ? {} : { proxyTls: options.proxyTls }),
      });
      // Extensions still loading (a promise) load while the connection opens.
      const [transport, extensions] = await dialedWith(dialing, offered);
      let upgrade: ClientUpgrade;
      try {
        // What upgradeClient checks was checked above: the exchange runs under this function's timer.
        upgrade = await exchangeClientHandshake(
          transport,
          target,
          buildHandshake(target, headers, extensions),
          new HeadParser('response', options.headLimits),
          signal,
          (response) => !(followRedirects && isRedirectResponse(response.status, response.headers)),
        );
      } catch (error) {
        if (
          !followRedirects ||
          !isHandshakeFailedError(error) ||
          error.code !== 'WS_HANDSHAKE_ERR_UNEXPECTED_STATUS' ||
          !isRedirectResponse(error.status, error.headers)
        ) {
          throw error;
        }
        // Loaded on demand: a client that is never redirected does not carry it.
        const { followRedirect } = await import('./follow-redirect.js');
        const step = followRedirect(error, target, headers, ++redirects, maxRedirects);
        target = step.target;
        headers = step.headers;
        continue;
      }
      let running: ReturnType<typeof engineExtensions>;
      try {
        running = engineExtensions(extensions, upgrade.extensions, 'client');
      } catch (error) {
        upgrade.transport.abort();
        throw error;
      }
      return openWebSocket(upgrade.transport, {
        ...session,
        role: 'client',
        protocol: upgrade.protocol ?? '',
        ...(running === undefined ? {} : { extensions: running }),
        extensionsHeader: upgrade.extensions.length > 0 ? formatExtensions(upgrade.extensions) : '',
        url: upgrade.url.href,
        earlyData: upgrade.earlyData,
      });
    }
  };
  const timer = createHandshakeTimeout(handshakeTimeout === 0 ? Number.POSITIVE_INFINITY : handshakeTimeout, {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return run(timer.signal).then(
    (websocket) => {
      timer.clear();
      return websocket;
    },
    (error: unknown) => {
      timer.clear();
      throw timer.signal.aborted ? timer.signal.reason : error;
    },
  );
}

/**
 * Calls the dialer, rejecting with the signal's reason as soon as it aborts, even if the dialer does
 * not follow the signal: a transport it resolves with afterwards is aborted.
 */
function dialUntilAborted(dialer: Dialer, target: DialTarget & { signal: AbortSignal }): Promise<Transport> {
  const { signal } = target;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    dialer(target).then(
      (transport) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) transport.abort();
        else resolve(transport);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
