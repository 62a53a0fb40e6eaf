/**
 * The client side of WebSockets over HTTP/2 (RFC 8441) for `connect`: an extended CONNECT stream on
 * a `node:http2` session (the caller's, shared with other streams, or one of its own), validated with
 * `@wskit/handshake`'s `createHttp2ClientHandshake`, handed over as an {@link Http2StreamTransport}.
 *
 * A build entry of its own, loaded by `connect` on first use (`loadHttp2Client`): a client that never
 * asks for HTTP/2 neither loads nor bundles it.
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
  BodyCollector,
  type ClientUpgrade,
  createHandshakeTimeout,
  withUrlCredentials,
} from '@wskit/transport';
import type { ClientHandshakeOptions } from './client-upgrade.js';
import { HandshakeFailedError } from './errors.js';
import type { PreparedHttp2 } from './http2-options.js';
import { Http2StreamTransport } from './http2-transport.js';

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
 * Runs the client side of RFC 8441 for a checked request ({@link prepareHttp2}): the session
 * (given, or opened), the server's SETTINGS_ENABLE_CONNECT_PROTOCOL, the extended CONNECT, and the
 * validation of its response. A refusal rejects with a {@link HandshakeFailedError} (status,
 * headers, body), a session failure with Node's error, the timeout and the signal as `connect` does.
 */
export function upgradeHttp2(
  prepared: PreparedHttp2,
  options: ClientHandshakeOptions,
  extensions: readonly ClientExtensionNegotiator[],
): Promise<ClientUpgrade> {
  const { target, given } = prepared;
  const handshake = createHttp2ClientHandshake({
    scheme: target.secure ? 'https' : 'http',
    authority: target.host,
    path: target.path,
    protocols: prepared.protocols,
    extensions,
    headers: withUrlCredentials(new HeaderList(options.headers), target.url),
    ...(options.origin === undefined ? {} : { origin: options.origin }),
  });
  const timeout = createHandshakeTimeout(
    prepared.handshakeTimeout === 0 ? Infinity : prepared.handshakeTimeout,
    {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
  );
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
        code: 'WS_ERR_UPGRADE_CONNECTION_CLOSED',
        message: `The server ended the stream before its response: ${(error as Error).message}`,
        url: url.href,
        cause: error,
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
