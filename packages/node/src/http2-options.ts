/**
 * The `http2` option of `connect`: its checks, which run at the call (misuse throws at once), and the
 * loader of the HTTP/2 client (`http2-client.ts`, a build entry of its own, loaded on first use).
 */
import type { ClientHttp2Session } from 'node:http2';
import { refuseUnsupportedOptions, UnsupportedOptionError, type WebSocketTarget } from '@wskit/transport';
import { proxyFromEnvironment } from '@wskit/transport/proxy-environment';
import {
  type ClientHandshakeOptions,
  checkCount,
  checkSignal,
  clientTarget,
  DefaultClientOptions,
} from './client-upgrade.js';

/** The option of `connect` that carries the WebSocket over HTTP/2. */
export interface Http2ConnectOption {
  /**
   * Open the WebSocket as an HTTP/2 stream (RFC 8441 extended CONNECT) instead of an HTTP/1.1
   * upgrade:
   *
   * - a `ClientHttp2Session` (from `http2.connect`): a new stream on it, so several WebSockets (and
   *   other requests) share one connection; the session stays open when the WebSocket closes.
   * - `true`: a session of its own (TLS with ALPN `h2` for `wss:`, `tls` applies; h2c with prior
   *   knowledge for `ws:`), closed with the WebSocket.
   *
   * The server must advertise SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441 §3), or the connection
   * fails with a `HandshakeFailedError` `WS_NODE_ERR_NO_EXTENDED_CONNECT`. What this path cannot do
   * throws an `UnsupportedOptionError`: `proxy` and `dispatcher` (and with `http2: true` a proxy
   * named by the environment for the URL: pass `proxy: false`, or a session opened through the
   * proxy), `followRedirects`, `headLimits` (HTTP/2 limits header blocks itself), `ws+unix:` URLs,
   * and `tls` with a session (its TLS is settled). Misuse of `headers` (a reserved header) rejects
   * the promise with a `TypeError` rather than throwing: the HTTP/2 client that checks it is loaded
   * on first use.
   */
  readonly http2?: boolean | ClientHttp2Session | undefined;
}

const RUNTIME = '@wskit/node connect() over HTTP/2';

/** What the HTTP/2 path cannot honour, and why. */
const UNSUPPORTED = Object.freeze({
  proxy: 'pass a session opened through the proxy as http2',
  dispatcher: 'pass an HTTP/2 session as http2',
  followRedirects: 'redirects are not followed',
  headLimits: 'HTTP/2 limits header blocks itself',
});
/** … and with a session of the caller's. */
const UNSUPPORTED_WITH_SESSION = Object.freeze({ ...UNSUPPORTED, tls: "the session's TLS is settled" });

/** A request over HTTP/2 whose options were checked. */
export interface PreparedHttp2 {
  readonly target: WebSocketTarget;
  /** The caller's session, or `undefined` for one of its own (`http2: true`). */
  readonly given: ClientHttp2Session | undefined;
  readonly protocols: readonly string[];
  readonly handshakeTimeout: number;
}

/**
 * Checks a request over HTTP/2 at the call: the `http2` value, the URL, and the options this path
 * cannot honour (an `UnsupportedOptionError`). Throws `TypeError`/`RangeError` for misuse.
 */
export function prepareHttp2(
  url: string | URL,
  options: ClientHandshakeOptions & Http2ConnectOption,
): PreparedHttp2 {
  const given = typeof options.http2 === 'object' && options.http2 !== null ? options.http2 : undefined;
  if (given === undefined && options.http2 !== true) {
    throw new TypeError('http2 must be true or a ClientHttp2Session from http2.connect()');
  }
  refuseUnsupportedOptions(RUNTIME, options, given === undefined ? UNSUPPORTED : UNSUPPORTED_WITH_SESSION);
  const target = clientTarget(url);
  if (target.socketPath !== undefined) {
    throw new UnsupportedOptionError(RUNTIME, 'http2', 'not for ws+unix: URLs');
  }
  if (
    given === undefined &&
    options.proxy !== false &&
    proxyFromEnvironment(process.env, target) !== undefined
  ) {
    throw new UnsupportedOptionError(
      RUNTIME,
      'http2',
      'the environment names a proxy (HTTPS_PROXY, HTTP_PROXY); proxy: false connects directly',
    );
  }
  // `encrypted` is known once the session is connected; checked again after that.
  if (given?.encrypted !== undefined && given.encrypted !== target.secure) {
    throw new TypeError(
      `The HTTP/2 session is ${given.encrypted ? 'TLS' : 'cleartext (h2c)'}: it cannot carry a ${target.url.protocol} URL`,
    );
  }
  const handshakeTimeout = checkCount(
    'handshakeTimeout',
    // This path has always taken null for the default.
    options.handshakeTimeout ?? undefined,
    DefaultClientOptions.handshakeTimeout,
  );
  checkSignal(options.signal);
  const protocols = typeof options.protocols === 'string' ? [options.protocols] : (options.protocols ?? []);
  return { target, given, protocols, handshakeTimeout };
}

/**
 * Loads the HTTP/2 client on first use, the ESM file next to this one (a CommonJS caller imports it
 * too). The specifier is a variable on purpose: bundlers (and the size budgets) leave the file out
 * of clients that never ask for HTTP/2.
 */
export function loadHttp2Client(): Promise<typeof import('./http2-client.js')> {
  const file = './http2-client.js';
  return import(file);
}
