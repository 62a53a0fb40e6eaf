/**
 * The client side of WebSockets over HTTP/2 (RFC 8441) for `connect`: an extended CONNECT stream on
 * a `node:http2` session (the caller's, shared with other streams, or one of its own), validated with
 * `@wskit/handshake`'s `createHttp2ClientHandshake`, handed over as an {@link Http2StreamTransport}.
 */
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect as connectHttp2,
  constants,
} from 'node:http2';
import { isIP } from 'node:net';
import {
  type ClientExtensionNegotiator,
  createHttp2ClientHandshake,
  HeaderList,
  type Http2ClientHandshake,
} from '@wskit/handshake';
import {
  createHandshakeTimeout,
  parseWebSocketUrl,
  proxyFromEnvironment,
  UnsupportedOptionError,
  withUrlCredentials,
} from '@wskit/transport';
import type { ClientHandshakeOptions, ClientUpgrade } from './client-upgrade.js';
import { DefaultClientOptions } from './client-upgrade.js';
import { HandshakeFailedError } from './errors.js';
import { Http2StreamTransport } from './http2-transport.js';
import { BodyCollector } from './response-body.js';

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
   * and `tls` with a session (its TLS is settled).
   */
  readonly http2?: boolean | ClientHttp2Session | undefined;
}

const RUNTIME = '@wskit/node connect() over HTTP/2';

/** Throws for what the HTTP/2 path cannot honour. */
function refuseOptions(options: ClientHandshakeOptions, owned: boolean): void {
  const refused: [keyof ClientHandshakeOptions, string][] = [
    ['proxy', 'an HTTP/2 session is opened directly; open one through your proxy and pass it as http2'],
    ['dispatcher', 'undici dispatchers carry HTTP/1.1 upgrades; pass an HTTP/2 session as http2'],
    ['followRedirects', 'redirects of an extended CONNECT are not followed'],
    ['headLimits', 'HTTP/2 header blocks are limited by the session (maxHeaderListSize)'],
  ];
  if (!owned) refused.push(['tls', 'the session given as http2 has settled its TLS']);
  for (const [name, why] of refused) {
    const value = options[name];
    if (value !== undefined && value !== false) throw new UnsupportedOptionError(RUNTIME, name, why);
  }
}

/** Waits for an event of `emitter`, rejecting on `error`, an early `close` or the signal. */
function once<T>(
  emitter: ClientHttp2Session,
  event: 'connect' | 'remoteSettings',
  signal: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanup = () => {
      emitter.off(event, onEvent);
      emitter.off('error', onError);
      emitter.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const onEvent = (value: T) => {
      cleanup();
      resolve(value);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('The HTTP/2 session closed'));
    };
    const onAbort = () => {
      cleanup();
      reject(signal.reason);
    };
    emitter.on(event, onEvent);
    emitter.on('error', onError);
    emitter.on('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Per session: settles once the server's first SETTINGS have arrived (shared by concurrent connects). */
const settingsKnown = new WeakMap<ClientHttp2Session, Promise<void>>();

/**
 * Whether the server allows extended CONNECT (RFC 8441 §3). Its SETTINGS are the first frame it
 * sends, so once a PING has come back they have arrived, if they had not before.
 */
async function allowsExtendedConnect(session: ClientHttp2Session, signal: AbortSignal): Promise<boolean> {
  if (session.connecting) await once(session, 'connect', signal);
  if (session.remoteSettings.enableConnectProtocol === true) return true;
  let known = settingsKnown.get(session);
  if (known === undefined) {
    known = new Promise<void>((resolve, reject) => {
      const settled = (error?: Error | null) => {
        session.off('remoteSettings', onSettings);
        if (error) reject(error);
        else resolve();
      };
      const onSettings = () => settled();
      session.once('remoteSettings', onSettings);
      if (!session.ping((error) => settled(error)))
        settled(new Error('The HTTP/2 session cannot send a PING'));
    });
    known.catch(() => {});
    settingsKnown.set(session, known);
  }
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    known.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
  // Read again: the settings may have changed while waiting.
  return (session.remoteSettings as { enableConnectProtocol?: boolean }).enableConnectProtocol === true;
}

/** The response of the extended CONNECT, or the stream's failure. */
function awaitResponse(
  stream: ClientHttp2Stream,
  signal: AbortSignal,
): Promise<Record<string, string | string[] | undefined>> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off('response', onResponse);
      stream.off('error', onError);
      stream.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const onResponse = (headers: Record<string, string | string[] | undefined>) => {
      cleanup();
      resolve(headers);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error(`The server reset the stream (HTTP/2 error code ${stream.rstCode})`));
    };
    const onAbort = () => {
      cleanup();
      reject(signal.reason);
    };
    stream.on('response', onResponse);
    stream.on('error', onError);
    stream.on('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Reads at most 64 KiB of a refusal's body, until END_STREAM or the signal. */
function readBody(stream: ClientHttp2Stream, signal: AbortSignal): Promise<Uint8Array> {
  const body = new BodyCollector();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('data', onData);
      signal.removeEventListener('abort', done);
      resolve(body.bytes());
    };
    const onData = (chunk: Buffer) => body.add(chunk);
    stream.on('data', onData);
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs the client side of RFC 8441 for `url`: the session (given, or opened), the server's
 * SETTINGS_ENABLE_CONNECT_PROTOCOL, the extended CONNECT, and the validation of its response.
 * Misuse throws at once; a refusal rejects with a {@link HandshakeFailedError} (status, headers,
 * body), a session failure with Node's error, the timeout and the signal as `connect` does.
 */
export function upgradeHttp2(
  url: string | URL,
  options: ClientHandshakeOptions & Http2ConnectOption,
  extensions: readonly ClientExtensionNegotiator[],
): Promise<ClientUpgrade> {
  const given = typeof options.http2 === 'object' && options.http2 !== null ? options.http2 : undefined;
  if (given === undefined && options.http2 !== true) {
    throw new TypeError('http2 must be true or a ClientHttp2Session from http2.connect()');
  }
  refuseOptions(options, given === undefined);
  const target = parseWebSocketUrl(url);
  if (target === undefined) {
    throw new TypeError(`Invalid WebSocket URL ${JSON.stringify(String(url))}: expected ws: or wss:`);
  }
  if (target.socketPath !== undefined) {
    throw new UnsupportedOptionError(RUNTIME, 'http2', 'a ws+unix: URL is not carried over HTTP/2');
  }
  if (given === undefined && options.proxy !== false) {
    const proxy = proxyFromEnvironment(process.env, target);
    if (proxy !== undefined) {
      throw new UnsupportedOptionError(
        RUNTIME,
        'http2',
        'the environment names a proxy for this URL (HTTP_PROXY/HTTPS_PROXY); pass proxy: false to connect directly',
      );
    }
  }
  // `encrypted` is known once the session is connected; checked again after that.
  if (given !== undefined && given.encrypted !== undefined) checkScheme(given, target.url);
  const timeoutValue = options.handshakeTimeout ?? DefaultClientOptions.handshakeTimeout;
  if (typeof timeoutValue !== 'number' || !Number.isFinite(timeoutValue) || timeoutValue < 0) {
    throw new RangeError(`handshakeTimeout must be a non-negative number, not ${String(timeoutValue)}`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new TypeError('signal must be an AbortSignal');
  }
  const protocols = typeof options.protocols === 'string' ? [options.protocols] : (options.protocols ?? []);
  const handshake = createHttp2ClientHandshake({
    scheme: target.secure ? 'https' : 'http',
    authority: target.host,
    path: target.path,
    protocols,
    extensions,
    headers: withUrlCredentials(new HeaderList(options.headers), target.url),
    ...(options.origin === undefined ? {} : { origin: options.origin }),
  });
  const timeout = createHandshakeTimeout(timeoutValue === 0 ? Infinity : timeoutValue, {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const session =
    given ??
    connectHttp2(`${target.secure ? 'https' : 'http'}://${target.host}`, {
      ...options.tls,
      // SNI carries a name, never an address (RFC 6066 §3).
      ...(options.tls?.servername === undefined && isIP(target.hostname) === 0
        ? { servername: target.hostname }
        : {}),
    });
  if (given === undefined) session.on('error', () => {});
  return runHttp2Handshake(session, given === undefined, handshake, target.url, timeout.signal).finally(() =>
    timeout.clear(),
  );
}

/** Throws when a session's TLS does not match the URL's scheme. */
function checkScheme(session: ClientHttp2Session, url: URL): void {
  if (session.encrypted === (url.protocol === 'wss:')) return;
  throw new TypeError(
    `The HTTP/2 session is ${session.encrypted ? 'TLS' : 'cleartext (h2c)'}: it cannot carry a ${url.protocol} URL`,
  );
}

async function runHttp2Handshake(
  session: ClientHttp2Session,
  owned: boolean,
  handshake: Http2ClientHandshake,
  url: URL,
  signal: AbortSignal,
): Promise<ClientUpgrade> {
  let stream: ClientHttp2Stream | undefined;
  try {
    if (session.closed || session.destroyed) {
      throw new TypeError('The HTTP/2 session given as http2 is closed');
    }
    const allowed = await allowsExtendedConnect(session, signal);
    checkScheme(session, url);
    if (!allowed) {
      throw new HandshakeFailedError({
        code: 'WS_NODE_ERR_NO_EXTENDED_CONNECT',
        message:
          'The server does not accept WebSockets over HTTP/2: its SETTINGS lack SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441 §3)',
        url: url.href,
      });
    }
    stream = session.request(handshake.headers, { endStream: false });
    let headers: Record<string, string | string[] | undefined>;
    try {
      headers = await awaitResponse(stream, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (session.destroyed) throw error;
      throw new HandshakeFailedError({
        code: 'WS_NODE_ERR_CONNECTION_CLOSED',
        message: `The server ended the stream before its response: ${(error as Error).message}`,
        url: url.href,
      });
    }
    const checked = handshake.validateResponse(headers);
    if (!checked.ok) {
      const { response } = checked;
      const refused = checked.error.code === 'WS_HANDSHAKE_ERR_UNEXPECTED_STATUS';
      const body = refused ? await readBody(stream, signal) : undefined;
      throw new HandshakeFailedError({
        code: checked.error.code,
        message: refused
          ? `The server answered ${response.status} instead of 200 to the extended CONNECT`
          : `Invalid handshake response: ${checked.error.message}`,
        url: url.href,
        status: response.status,
        headers: response.headers,
        ...(body === undefined ? {} : { body }),
      });
    }
    const transport = new Http2StreamTransport(stream, { ownsSession: owned });
    return {
      transport,
      earlyData: new Uint8Array(0),
      protocol: checked.protocol,
      extensions: checked.extensions,
      response: checked.response,
      url,
    };
  } catch (error) {
    if (stream !== undefined && !stream.closed) stream.close(constants.NGHTTP2_CANCEL);
    if (owned) session.destroy();
    throw error;
  }
}
