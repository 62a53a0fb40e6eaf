/**
 * The server side of WebSockets over HTTP/2 (RFC 8441) for `WebSocketServer`: extended CONNECT
 * streams on a `node:http2` server are validated and negotiated (`@wskit/handshake`'s
 * `acceptHttp2ServerHandshake`), asked to the same hooks as HTTP/1.1 upgrades, answered 200 or
 * refused, and handed over as an {@link Http2StreamTransport}.
 */
import type {
  Http2SecureServer,
  Http2Server,
  Http2ServerRequest,
  Http2ServerResponse,
  IncomingHttpHeaders,
  OutgoingHttpHeaders,
  ServerHttp2Session,
  ServerHttp2Stream,
} from 'node:http2';
import {
  acceptHttp2ServerHandshake,
  computeAccept,
  type Extension,
  type HandshakeResponse,
  type Http2Headers,
  isValidKey,
  rejectHandshake,
  type ServerExtensionNegotiator,
} from '@wskit/handshake';
import type { UpgradeHooks, UpgradeRejection, VerifyResult } from '@wskit/transport';
import { nodeHttp2 } from './builtins.js';
import { Http2StreamTransport } from './http2-transport.js';

/** An HTTP/2 server a `WebSocketServer` can attach to: `http2.createSecureServer` or `http2.createServer`. */
export type AnyHttp2Server = Http2Server | Http2SecureServer;

/** An accepted extended CONNECT: the 200 was sent and the stream is wrapped in a transport. */
export interface AcceptedStream {
  readonly transport: Http2StreamTransport;
  readonly earlyData: Uint8Array;
  readonly protocol: string | null;
  readonly extensions: Extension[];
  readonly url: string;
}

/** How an extended CONNECT ended when it was not accepted. */
export interface RefusedStream {
  /** The status answered, or 0 when the stream was gone before an answer. */
  readonly status: number;
  /** Why: the handshake error, the hook's exception, or `undefined` for a deliberate refusal. */
  readonly error?: unknown;
}

/** Whether `server` is a `node:http2` server (an `http`/`https` server has no `updateSettings`). */
export function isHttp2Server(server: object): server is AnyHttp2Server {
  return typeof (server as { updateSettings?: unknown }).updateSettings === 'function';
}

/** Whether a request header block is an RFC 8441 extended CONNECT for a WebSocket. */
export function isWebSocketConnect(headers: IncomingHttpHeaders): boolean {
  return headers[':method'] === 'CONNECT' && headers[':protocol'] === 'websocket';
}

/** Fields of an HTTP/1.1 response that HTTP/2 forbids (RFC 9113 §8.2.2). */
const CONNECTION_SPECIFIC = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);

/** An HTTP/1.1 refusal (`rejectHandshake`) as an HTTP/2 header block and body. */
function toHttp2Refusal(response: HandshakeResponse): { headers: OutgoingHttpHeaders; body: Uint8Array } {
  const headers: OutgoingHttpHeaders = { ':status': response.status };
  for (const name of response.headers.names()) {
    const lower = name.toLowerCase();
    if (CONNECTION_SPECIFIC.has(lower)) continue;
    const values = response.headers.getAll(name);
    headers[lower] = values.length === 1 ? values[0] : values;
  }
  return { headers, body: response.body };
}

/** Answers a refusal on the stream: the header block, then the body with END_STREAM. */
export function refuseStream(stream: ServerHttp2Stream, response: HandshakeResponse): void {
  if (stream.destroyed || stream.closed || stream.headersSent) {
    if (!stream.destroyed) stream.close(nodeHttp2().constants.NGHTTP2_CANCEL);
    return;
  }
  const { headers, body } = toHttp2Refusal(response);
  stream.on('error', () => {});
  stream.respond(headers);
  stream.end(body);
  // What the client still sends is read and dropped, so the stream can finish.
  stream.resume();
}

/** A refusal of `verify` as a response; a malformed rejection object is a 500 with the error. */
function rejection(verdict: VerifyResult): { response: HandshakeResponse; error?: unknown } {
  if (verdict === false) return { response: rejectHandshake(403) };
  try {
    const { status, headers, body } = verdict as UpgradeRejection;
    return { response: rejectHandshake(status, { headers, body }) };
  } catch (error) {
    return { response: rejectHandshake(500), error };
  }
}

/** What {@link negotiateStream} decided. */
type StreamDecision =
  | { ok: true; headers: Http2Headers; protocol: string | null; extensions: Extension[] }
  | { ok: false; response: HandshakeResponse; error?: unknown };

/**
 * The decision on an extended CONNECT, with the same hooks and answers as `negotiateUpgrade` for
 * HTTP/1.1: RFC 8441 validation, subprotocol and extensions, then `verify`. A bad request gets its
 * 400/405 (with `sec-websocket-version: 13` for a version mismatch: HTTP/2 has no 426), `verify`
 * answering `false` a 403, a rejection object its own status, headers and body, a hook that throws a
 * 500 (the exception is the `error`).
 */
export async function negotiateStream<Request>(
  headers: IncomingHttpHeaders,
  request: Request,
  hooks: UpgradeHooks<Request>,
  context: { readonly secure: boolean; readonly extensions: readonly ServerExtensionNegotiator[] },
): Promise<StreamDecision> {
  let result: ReturnType<typeof acceptHttp2ServerHandshake>;
  try {
    const extra = typeof hooks.headers === 'function' ? hooks.headers(request) : hooks.headers;
    result = acceptHttp2ServerHandshake(headers, {
      ...(hooks.protocols === undefined ? {} : { protocols: hooks.protocols }),
      ...(hooks.selectProtocol === undefined
        ? {}
        : { selectProtocol: (offered: readonly string[]) => hooks.selectProtocol!(offered, request) }),
      extensions: context.extensions,
      ...(extra === undefined ? {} : { headers: extra }),
    });
  } catch (error) {
    return { ok: false, response: rejectHandshake(500), error };
  }
  if (!result.ok) {
    const extra: [string, string][] = [];
    const allow = result.headers.allow;
    if (typeof allow === 'string') extra.push(['Allow', allow]);
    const version = result.headers['sec-websocket-version'];
    if (typeof version === 'string') extra.push(['Sec-WebSocket-Version', version]);
    return {
      ok: false,
      response: rejectHandshake(result.error.status, { headers: extra, body: `${result.error.message}\n` }),
      error: result.error,
    };
  }
  if (hooks.verify) {
    let verdict: VerifyResult;
    try {
      const origin = headers.origin;
      verdict = await hooks.verify(request, {
        origin: typeof origin === 'string' ? origin : undefined,
        secure: context.secure,
        protocol: result.protocol,
      });
    } catch (error) {
      return { ok: false, response: rejectHandshake(500), error };
    }
    if (verdict !== true) return { ok: false, ...rejection(verdict) };
  }
  return { ok: true, headers: result.headers, protocol: result.protocol, extensions: result.extensions };
}

/**
 * Runs the server side of RFC 8441 on an extended CONNECT stream: decides with
 * {@link negotiateStream} while the stream is paused (nothing the client sends early is lost), then
 * answers 200 with the agreement and wraps the stream in a transport, or answers the refusal.
 *
 * @param stillAccepting asked before the 200 is sent; `false` refuses with 503.
 */
export async function acceptStream<Request>(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  request: Request,
  hooks: UpgradeHooks<Request>,
  stillAccepting: () => boolean,
  extensions: readonly ServerExtensionNegotiator[],
): Promise<AcceptedStream | RefusedStream> {
  stream.pause();
  const swallow = () => {};
  stream.on('error', swallow);
  const secure = headers[':scheme'] === 'https';
  // A stream reset meanwhile (by the client, or the handshake timeout) ends the wait for the hooks.
  let onClose: (() => void) | undefined;
  const gone = new Promise<undefined>((resolve) => {
    onClose = () => resolve(undefined);
    stream.once('close', onClose);
  });
  const decision = await Promise.race([
    negotiateStream(headers, request, hooks, { secure, extensions }),
    gone,
  ]);
  stream.off('close', onClose!);
  stream.off('error', swallow);
  if (decision === undefined) return { status: 0 };
  if (stream.destroyed || stream.closed) return { status: 0 };
  if (!decision.ok) {
    refuseStream(stream, decision.response);
    return decision.error === undefined
      ? { status: decision.response.status }
      : { status: decision.response.status, error: decision.error };
  }
  if (!stillAccepting()) {
    refuseStream(stream, rejectHandshake(503));
    return { status: 503 };
  }
  const transport = new Http2StreamTransport(stream);
  const response: OutgoingHttpHeaders = { ...decision.headers };
  // RFC 8441 §5 drops Sec-WebSocket-Key/Accept, and conforming clients (Chromium, Firefox, ours)
  // send no key. undici 7 sends one over HTTP/2 and fails without the accept (nodejs/undici#5681):
  // a key that is sent gets its accept, which other clients ignore.
  const key = headers['sec-websocket-key'];
  if (typeof key === 'string' && isValidKey(key)) response['sec-websocket-accept'] = computeAccept(key);
  stream.respond(response);
  return {
    transport,
    earlyData: new Uint8Array(0),
    protocol: decision.protocol,
    extensions: decision.extensions,
    url: typeof headers[':path'] === 'string' ? headers[':path'] : '/',
  };
}

/** What a `WebSocketServer` gets for each extended CONNECT stream of an attached HTTP/2 server. */
export type Http2StreamListener = (
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  request: Http2ServerRequest,
) => void;

/** The `connect` listeners {@link attachHttp2} added: another one means CONNECT is someone else's too. */
const connectListeners = new WeakSet<(...args: never[]) => unknown>();

/**
 * Takes the extended CONNECT streams of an HTTP/2 server: from its `stream` event, and from the
 * compatibility layer's `connect` event when the server has a `request` listener (that layer
 * answers 405 to a CONNECT nobody listens for). Other streams and other CONNECTs are left alone.
 * Turns on SETTINGS_ENABLE_CONNECT_PROTOCOL for the server's new sessions (RFC 8441 §3), since
 * clients may not send an extended CONNECT without it. Returns the function that detaches.
 */
export function attachHttp2(server: AnyHttp2Server, listener: Http2StreamListener): () => void {
  server.updateSettings({ enableConnectProtocol: true });
  // The streams already handed to the listener: the `connect` and `stream` events both see them.
  const taken = new WeakSet<ServerHttp2Stream>();
  const take = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, request: Http2ServerRequest) => {
    if (taken.has(stream)) return;
    taken.add(stream);
    listener(stream, headers, request);
  };
  const onStream = (
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    _flags: number,
    rawHeaders: string[],
  ) => {
    if (!isWebSocketConnect(headers) || taken.has(stream)) return;
    take(stream, headers, new (nodeHttp2().Http2ServerRequest)(stream, headers, {}, rawHeaders));
  };
  const onConnect = (request: Http2ServerRequest, response: Http2ServerResponse) => {
    if (isWebSocketConnect(request.headers)) {
      take(request.stream, request.headers, request);
    } else if (
      !response.headersSent &&
      !response.writableEnded &&
      server.listeners('connect').every((other) => connectListeners.has(other as never))
    ) {
      // The compatibility layer's own answer when nobody else listens for CONNECT.
      response.statusCode = nodeHttp2().constants.HTTP_STATUS_METHOD_NOT_ALLOWED;
      response.end();
    }
  };
  connectListeners.add(onConnect);
  server.on('stream', onStream);
  server.on('connect', onConnect);
  return () => {
    server.off('stream', onStream);
    server.off('connect', onConnect);
  };
}

/**
 * The handshake timeout of an HTTP/2 connection: its session must open a first stream within `ms`,
 * or it is destroyed, as an HTTP/1.1 connection must send its first request head.
 */
export function armSessionTimeout(session: ServerHttp2Session, ms: number): void {
  if (ms <= 0 || session.destroyed) return;
  const timer = setTimeout(() => session.destroy(), ms);
  timer.unref();
  const stop = () => clearTimeout(timer);
  session.once('stream', stop);
  session.once('close', stop);
}
