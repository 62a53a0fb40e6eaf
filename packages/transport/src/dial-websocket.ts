import { createClientHandshake, formatExtensions, type HeaderInit, type HeadLimits } from '@wskit/handshake';
import type { Dialer, DialTarget } from './dialer.js';
import { createHandshakeTimeout } from './handshake-timeout.js';
import { pickSessionOptions, type SessionOptions } from './options.js';
import type { Transport } from './port.js';
import { upgradeClient } from './upgrade-client.js';
import { openWebSocket, type WebSocket } from './websocket.js';
import { isIpAddress, parseWebSocketUrl } from './websocket-url.js';

/** The default of {@link DialWebSocketOptions.handshakeTimeout}: 30 s. */
const DEFAULT_HANDSHAKE_TIMEOUT = 30_000;

/**
 * The options of {@link dialWebSocket} (and of the runtime adapters' `connect`): how to connect and
 * what to ask for in the handshake, plus the session's `SessionOptions`, passed to `openWebSocket`.
 */
export interface DialWebSocketOptions extends SessionOptions {
  /** The subprotocols to offer, most preferred first (`Sec-WebSocket-Protocol`). */
  readonly protocols?: string | readonly string[] | undefined;
  /** Extra request headers (`Authorization`, `Cookie`, `User-Agent`, …). */
  readonly headers?: HeaderInit | undefined;
  /** The `Origin` header (none by default). */
  readonly origin?: string | undefined;
  /** The runtime's TLS options for `wss:`, passed to the dialer as they are. */
  readonly tls?: unknown;
  /** The TLS server name (SNI); default the URL's host name when it is not an IP address. */
  readonly servername?: string | undefined;
  /**
   * Milliseconds the connection and the handshake may take together; then it fails with a
   * `WebSocketError` `WS_ERR_HANDSHAKE_TIMEOUT` (default 30 000; 0 for no limit).
   */
  readonly handshakeTimeout?: number | undefined;
  /** Aborts connecting; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** Limits of the response head. */
  readonly headLimits?: Partial<HeadLimits> | undefined;
}

/**
 * A whole client over a runtime's {@link Dialer}: parses the URL, dials (TCP, TLS for `wss:`), runs
 * {@link upgradeClient} and opens the session with {@link openWebSocket}, the frames that followed
 * the `101` first. Resolves with the open `WebSocket`. Redirects are not followed and no proxy is
 * used (`@wskit/node`'s `connect` does both).
 *
 * Throws `TypeError`/`RangeError` at once for misuse. Rejects as `upgradeClient` does, with the
 * dialer's error for a network or TLS failure, and with `WS_ERR_HANDSHAKE_TIMEOUT` after
 * `handshakeTimeout`.
 */
export function dialWebSocket(
  dialer: Dialer,
  url: string | URL,
  options: DialWebSocketOptions = {},
): Promise<WebSocket> {
  if (typeof dialer !== 'function') throw new TypeError('dialWebSocket: dialer must be a function');
  const target = parseWebSocketUrl(url);
  if (target === undefined) {
    throw new TypeError(`Invalid WebSocket URL ${JSON.stringify(String(url))}: expected ws: or wss:`);
  }
  const handshakeTimeout = options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
  if (typeof handshakeTimeout !== 'number' || Number.isNaN(handshakeTimeout) || handshakeTimeout < 0) {
    throw new RangeError(`handshakeTimeout must be a non-negative number, not ${String(handshakeTimeout)}`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new TypeError('signal must be an AbortSignal');
  }
  const session = pickSessionOptions(options);
  const servername = options.servername ?? (isIpAddress(target.hostname) ? undefined : target.hostname);
  const run = async (signal: AbortSignal): Promise<WebSocket> => {
    const transport = await dialUntilAborted(dialer, {
      host: target.hostname,
      port: target.port,
      secure: target.secure,
      servername,
      signal,
      tls: options.tls,
    });
    const upgrade = await upgradeClient(transport, {
      url: target.url,
      protocols: options.protocols,
      headers: options.headers,
      origin: options.origin,
      headLimits: options.headLimits,
      signal,
    });
    return openWebSocket(upgrade.transport, {
      ...session,
      role: 'client',
      protocol: upgrade.protocol ?? '',
      extensionsHeader: upgrade.extensions.length > 0 ? formatExtensions(upgrade.extensions) : '',
      url: upgrade.url.href,
      earlyData: upgrade.earlyData,
    });
  };
  // Misuse of the handshake options (a reserved header, a bad subprotocol) throws now, before dialing.
  createClientHandshake({
    host: target.url.host,
    path: target.path,
    protocols: typeof options.protocols === 'string' ? [options.protocols] : (options.protocols ?? []),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.origin === undefined ? {} : { origin: options.origin }),
  });
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
