import { EventEmitter } from 'node:events';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { IncomingHttpHeaders, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import {
  createServer as createHttpsServer,
  type ServerOptions as HttpsOptions,
  type Server as HttpsServer,
} from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { CloseCode } from '@wskit/codec';
import { formatExtensions, rejectHandshake } from '@wskit/handshake';
import type { PerMessageDeflate } from '@wskit/permessage-deflate';
import {
  type BinaryData,
  createHandshakeTimeout,
  type DeadlineEntry,
  type OpenWebSocketOptions,
  type PublishOptions,
  type SessionOptions,
  sessionDeadlines,
  TopicHub,
  type TopicHubOptions,
  WebSocket,
} from '@wskit/transport';
import { type BinaryTypeOption, binaryViewFor, checkBinaryType } from './binary-type.js';
import { nodeHttp, nodeHttp2, nodeTls } from './builtins.js';
import { engineExtensions, type PerMessageDeflateOption, serverPerMessageDeflate } from './compression.js';
import {
  type AcceptedStream,
  type AnyHttp2Server,
  acceptStream,
  armSessionTimeout,
  attachHttp2,
  isHttp2Server,
  refuseStream,
} from './http2-server.js';
import {
  type AcceptedUpgrade,
  type RefusedUpgrade,
  refuseUpgrade,
  startUpgrade,
  type UpgradeHooks,
  type WebSocketServerRequest,
} from './server-accept.js';
import { pickSessionOptions } from './session-options.js';

/** The defaults of {@link WebSocketServerOptions}. */
export const DefaultServerOptions = Object.freeze({
  /** Listen on all interfaces. */
  host: undefined,
  /** No limit on open connections. */
  maxConnections: Number.POSITIVE_INFINITY,
  /**
   * A client has 10 s from the moment it connects to complete its upgrade request (and the hooks to
   * decide): the same limit as `@wskit/bun`'s server (0: no limit).
   */
  handshakeTimeout: 10_000,
  /**
   * Servers find dead peers by default: a ping after 30 s without receiving anything, and 1011 when
   * it stays unanswered for `pongTimeout` (20 s). A session option; 0 turns it off.
   */
  keepaliveInterval: 30_000,
  /** The close code sent to every client by `close()`: 1001 Going Away (RFC 6455 §7.4.1). */
  closeCode: CloseCode.GoingAway as number,
  /** Compression is not accepted (see {@link WebSocketServerOptions.perMessageDeflate}). */
  perMessageDeflate: false,
});

/**
 * The options of a {@link WebSocketServer}: where it gets its upgrade requests (its own listener on
 * `port`, an existing `server`, or none: `handleUpgrade` only), the hooks that accept or refuse them,
 * and the sessions' limits and timeouts (`@wskit/transport`'s `SessionOptions`; on a server
 * `keepaliveInterval` defaults to 30 s, see {@link DefaultServerOptions}).
 */
export interface WebSocketServerOptions extends UpgradeHooks, SessionOptions, BinaryTypeOption {
  /** Listen on this port (0 for any free port): a standalone server. */
  readonly port?: number | undefined;
  /** The address to listen on with `port` (default all interfaces). */
  readonly host?: string | undefined;
  /** With `port`: serve `wss:` with these TLS options (`key`, `cert`, `ca`, …, as for `https.createServer`). */
  readonly tls?: HttpsOptions | undefined;
  /**
   * Attach to this `http` or `https` server's `upgrade` event instead of listening; or to a
   * `node:http2` server (`http2.createSecureServer`, `http2.createServer` for h2c), which then also
   * takes WebSockets over HTTP/2 (RFC 8441 extended CONNECT streams; SETTINGS_ENABLE_CONNECT_PROTOCOL
   * is turned on for its new sessions) besides HTTP/1.1 upgrades (`allowHTTP1: true`). Both kinds
   * get the same hooks, limits, events and WebSockets; an HTTP/2 one's request is an
   * `Http2ServerRequest`.
   */
  readonly server?: HttpServer | HttpsServer | AnyHttp2Server | undefined;
  /**
   * Only accept upgrades for this path (the request target's path, query ignored). On an attached
   * `server` with other `upgrade` listeners, other paths are left to them; otherwise they get 404.
   */
  readonly path?: string | undefined;
  /** The most connections open at once, handshakes in progress included; more get 503 (default no limit). */
  readonly maxConnections?: number | undefined;
  /**
   * Milliseconds a client has, from the moment its TCP connection is accepted (after the TLS
   * handshake with `tls` or an `https` server), to complete its upgrade request head and for the
   * hooks (`verify`, …) to decide; then the socket is destroyed (default 10 000, as on Bun; 0: no
   * limit). It is a deadline per socket (all of them share one timer), started from the server's
   * `connection` (or `secureConnection`) event, also on an attached `server`, whose
   * `headersTimeout`/`requestTimeout` are left as they are. The deadline stops at the socket's first
   * request head: on an attached server, a plain HTTP request must also send its head within the
   * limit (its handler then runs untimed). Later requests on a keep-alive connection are bounded by
   * Node's own `headersTimeout`. With `handleUpgrade` alone (no `server`), it bounds the hooks from
   * the call on.
   */
  readonly handshakeTimeout?: number | undefined;
  /**
   * Accept permessage-deflate compression (RFC 7692, `@wskit/permessage-deflate`) from clients that
   * offer it (browsers always do): `true` with its defaults, or its options
   * (`serverNoContextTakeover`, `serverMaxWindowBits`, `clientMaxWindowBits`,
   * `clientNoContextTakeover`, `threshold`, `level`, `memoryLevel`, `concurrencyLimit`). Default
   * `false`: compression costs CPU and about 300 KiB of zlib memory per connection (less with
   * smaller windows and `memoryLevel`), and compressing secrets together with data an attacker
   * chooses leaks them (CRIME/BREACH). `maxMessageSize` also bounds every inflated message.
   */
  readonly perMessageDeflate?: PerMessageDeflateOption | undefined;
  /**
   * The server's topics (`ws.subscribe(topic)`, `server.publish(topic, data)`): the broker that
   * shares them with other processes (`@wskit/redis`; default this process only), the per-topic
   * delivery mode and the slow-subscriber policy (`@wskit/transport`'s `TopicHubOptions`).
   */
  readonly topics?: TopicHubOptions | undefined;
}

/** The events of a {@link WebSocketServer}. */
export interface WebSocketServerEvents {
  /** A client connected: the open WebSocket and the upgrade request. */
  connection: [socket: WebSocket, request: WebSocketServerRequest];
  /** An upgrade request was refused with `status` (0: the client was gone); `error` says why, if not a deliberate refusal. */
  rejected: [request: WebSocketServerRequest, status: number, error: unknown];
  /** The standalone server is listening. */
  listening: [];
  /** The standalone server's listener failed (e.g. `EADDRINUSE`). */
  error: [error: Error];
  /** `close()` finished: not listening, every WebSocket closed. */
  close: [];
}

/**
 * The handshake deadline of one socket, in the shared deadline queue (one runtime timer for all of
 * them, rather than a timer per socket): when it passes, the client took too long and its socket goes.
 */
class HandshakeDeadline implements DeadlineEntry {
  at = 0;
  slot = -1;
  constructor(readonly socket: Duplex) {}

  due(): void {
    this.socket.destroy();
  }
}

/**
 * A `close` listener that Node calls with the socket as `this`, for `disarm`: one function per
 * server, shared by every socket it times.
 */
function disarmOnClose(
  server: WebSocketServer,
  disarm: (server: WebSocketServer, socket: Duplex) => void,
): (this: Duplex) => void {
  return function (this: Duplex): void {
    disarm(server, this);
  };
}

/** `T` with its properties writable: an options object filled in property by property. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The WebSocketServers attached to each HTTP server, in order: they share its upgrade requests. */
const attachedServers = new WeakMap<HttpServer | HttpsServer | AnyHttp2Server, WebSocketServer[]>();

function pathOf(target: string | undefined): string {
  const url = target ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * A WebSocket server: standalone (`new WebSocketServer({ port })`), attached to an existing
 * `http`/`https` server (`{ server }`), or fed by a framework through {@link handleUpgrade} (no
 * `port` nor `server`). Each accepted client is a `connection` event with `@wskit/transport`'s
 * WebSocket and the request.
 *
 * Requests go through the handshake checks of `@wskit/handshake` (400, 405, 426 … for bad ones),
 * `maxConnections` (503), `selectProtocol`/`protocols`, then `verify` (origin, authentication).
 */
export class WebSocketServer extends EventEmitter<WebSocketServerEvents> {
  readonly #clients = new Set<WebSocket>();
  readonly #options: WebSocketServerOptions;
  readonly #session: SessionOptions;
  /** The sessions' `binaryView` for the `binaryType` option. */
  readonly #binaryView: ((data: Uint8Array) => Uint8Array) | undefined;
  /** The permessage-deflate negotiator, shared by this server's connections; none when off. */
  readonly #deflate: PerMessageDeflate | undefined;
  /** The negotiators of the extensions this server takes: the deflate one, if any. */
  readonly #extensions: readonly PerMessageDeflate[];
  /** Whether this server still opens WebSockets (asked before a 101 is written): one function for all upgrades. */
  readonly #stillAccepting = (): boolean => !this.#closing;
  readonly #httpServer: HttpServer | HttpsServer | AnyHttp2Server | undefined;
  /** Detaches from an HTTP/2 server's extended CONNECT streams. */
  #detachHttp2: (() => void) | undefined;
  readonly #ownsServer: boolean;
  readonly #topics: TopicHub;
  /** Settles once the own listener listens (true) or failed to (false). */
  #listened: Promise<boolean> = Promise.resolve(false);
  #pending = 0;
  #closing: Promise<void> | undefined;
  /** {@link WebSocketServerOptions.handshakeTimeout}, 0 for none. */
  readonly #handshakeTimeout: number;
  /**
   * The property under which a socket whose first request (or decision) is still pending holds its
   * handshake deadline from this server: a property of the socket rather than a `WeakMap` entry, a
   * cheaper lookup (several per handshake) and no ephemeron for the garbage collector. One key per
   * server, as each server attached to an `http` server times its sockets itself.
   */
  readonly #deadlineKey = Symbol('wskit handshake deadline');

  constructor(options: WebSocketServerOptions = {}) {
    super();
    if (options.port !== undefined && options.server !== undefined) {
      throw new TypeError('WebSocketServer: pass either port or server, not both');
    }
    if (
      options.port !== undefined &&
      (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)
    ) {
      throw new RangeError(`WebSocketServer: port must be an integer from 0 to 65535, not ${options.port}`);
    }
    const maxConnections = options.maxConnections ?? DefaultServerOptions.maxConnections;
    if (typeof maxConnections !== 'number' || Number.isNaN(maxConnections) || maxConnections < 0) {
      throw new RangeError(
        `WebSocketServer: maxConnections must be a non-negative number, not ${maxConnections}`,
      );
    }
    const handshakeTimeout = options.handshakeTimeout ?? DefaultServerOptions.handshakeTimeout;
    if (typeof handshakeTimeout !== 'number' || Number.isNaN(handshakeTimeout) || handshakeTimeout < 0) {
      throw new RangeError(
        `WebSocketServer: handshakeTimeout must be a non-negative number, not ${handshakeTimeout}`,
      );
    }
    this.#handshakeTimeout = handshakeTimeout === Number.POSITIVE_INFINITY ? 0 : handshakeTimeout;
    if (options.path !== undefined && !options.path.startsWith('/')) {
      throw new TypeError('WebSocketServer: path must start with /');
    }
    this.#options = options;
    this.#session = {
      keepaliveInterval: DefaultServerOptions.keepaliveInterval,
      ...pickSessionOptions(options),
    };
    this.#binaryView = binaryViewFor(checkBinaryType(options.binaryType));
    this.#deflate = serverPerMessageDeflate(options.perMessageDeflate);
    this.#extensions = this.#deflate === undefined ? [] : [this.#deflate];
    this.#topics = new TopicHub(options.topics);
    if (options.server) {
      this.#httpServer = options.server;
      this.#ownsServer = false;
      if (isHttp2Server(options.server)) {
        const server = options.server;
        this.#detachHttp2 = attachHttp2(server, (stream, headers, request) => {
          if (this.#routes(server, headers[':path'])) void this.handleStream(stream, headers, request);
        });
        if (this.#handshakeTimeout > 0) server.on('session', this.#onSession);
      }
      const attached = attachedServers.get(options.server) ?? [];
      attached.push(this);
      attachedServers.set(options.server, attached);
    } else if (options.port !== undefined) {
      const refuse = (_request: IncomingMessage, response: ServerResponse) => {
        response.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain' });
        response.end('Upgrade Required\n');
      };
      this.#httpServer = options.tls ? createHttpsServer(options.tls, refuse) : nodeHttp.createServer(refuse);
      this.#ownsServer = true;
      const server = this.#httpServer;
      this.#listened = new Promise((resolve) => {
        server.on('listening', () => {
          resolve(true);
          this.emit('listening');
        });
        server.on('error', (error) => {
          if (!server.listening) resolve(false);
          this.emit('error', error);
        });
      });
      server.listen(options.port, options.host);
    } else {
      this.#ownsServer = false;
    }
    const http = this.#httpServer as HttpServer | undefined;
    http?.on('upgrade', this.#onUpgrade);
    if (http && this.#handshakeTimeout > 0) {
      http.on(this.#connectionEvent(), this.#onConnection);
      this.#listenForRequests();
    }
  }

  /** The event that hands over a socket ready for its request: after TLS on an `https` server. */
  #connectionEvent(): 'connection' | 'secureConnection' {
    return this.#httpServer instanceof nodeTls.Server ? 'secureConnection' : 'connection';
  }

  /** Arms the handshake deadline of a socket, unless one runs already: it destroys the socket. */
  #arm(socket: Duplex): void {
    if (this.#handshakeTimeout === 0 || socket.destroyed) return;
    const timed = socket as Duplex & Record<symbol, HandshakeDeadline | undefined>;
    if (timed[this.#deadlineKey] !== undefined) return;
    const deadline = new HandshakeDeadline(socket);
    // A whole number of milliseconds: a small integer in the entry, not a heap number per socket.
    sessionDeadlines.schedule(deadline, Math.ceil(performance.now()) + this.#handshakeTimeout);
    timed[this.#deadlineKey] = deadline;
    socket.on('close', this.#disarmClosed);
  }

  /** Stops the handshake deadline of a socket, if any, and its `close` listener: an open WebSocket keeps neither. */
  #disarm(socket: Duplex): void {
    const timed = socket as Duplex & Record<symbol, HandshakeDeadline | undefined>;
    const deadline = timed[this.#deadlineKey];
    if (deadline === undefined) return;
    sessionDeadlines.cancel(deadline);
    // Not `delete`: that would turn the socket into a slow dictionary-mode object.
    timed[this.#deadlineKey] = undefined;
    socket.off('close', this.#disarmClosed);
  }

  /** The `close` listener of every timed socket (Node calls it with the socket as `this`): one function for all. */
  readonly #disarmClosed = disarmOnClose(this, (server, socket) => server.#disarm(socket));

  /** Whether {@link #onRequest} listens to the server's `request` event. */
  #requests = false;

  /**
   * Listens for plain requests (they stop the handshake timer). On an HTTP/2 server only once it has
   * a `request` listener of its own: the first one sets up Node's compatibility layer, which would
   * then also handle the streams the server's `stream` listeners answer.
   */
  #listenForRequests(): void {
    const http = this.#httpServer as HttpServer;
    if (this.#requests || (isHttp2Server(http) && http.listenerCount('request') === 0)) return;
    this.#requests = true;
    http.on('request', this.#onRequest);
  }

  readonly #onConnection = (socket: Duplex): void => {
    // An HTTP/2 connection is timed by its session (#onSession), its WebSockets per stream.
    if (isHttp2Server(this.#httpServer!)) {
      const alpn = (socket as { alpnProtocol?: string | false }).alpnProtocol;
      if (!(this.#httpServer instanceof nodeTls.Server) || alpn === 'h2') return;
      // An HTTP/1.1 connection (allowHTTP1): a request listener may have come since.
      this.#listenForRequests();
    }
    this.#arm(socket);
  };

  /** An HTTP/2 session must open its first stream within the handshake timeout. */
  readonly #onSession = (session: ServerHttp2Session): void =>
    armSessionTimeout(session, this.#handshakeTimeout);

  /** A plain HTTP request is not a handshake: its socket is no longer timed. */
  readonly #onRequest = (request: IncomingMessage): void => this.#disarm(request.socket);

  /** The open WebSockets (accepted and not yet closed). */
  get clients(): ReadonlySet<WebSocket> {
    return this.#clients;
  }

  /** The server's topics: subscriber counts, the `drop`, `slow`, `gap` and `error` events. */
  get topics(): TopicHub {
    return this.#topics;
  }

  /**
   * Publishes `data` (a string as text, bytes as binary) to every WebSocket subscribed to `topic`,
   * on this server and, through the broker, on every process sharing it. The message is framed (and
   * compressed, where the negotiated parameters allow sharing) once for all subscribers.
   */
  publish(topic: string, data: string | BinaryData, options?: PublishOptions): void {
    this.#topics.publish(topic, data, options);
  }

  /** The port listened on (the actual one after `port: 0`), or `undefined` before listening. */
  get port(): number | undefined {
    const address = this.address();
    return typeof address === 'object' && address !== null ? address.port : undefined;
  }

  /** The address of the listener (of the attached server with `server`), as `net.Server.address()`. */
  address(): AddressInfo | string | null {
    return this.#httpServer?.address() ?? null;
  }

  /**
   * Handles one upgrade request: for frameworks that own the HTTP server, call it synchronously from
   * the `upgrade` event, which it takes as given (`socket` a `stream.Duplex`, `head` a `Buffer`):
   * `server.on('upgrade', (request, socket, head) => wss.handleUpgrade(request, socket, head))`.
   * Resolves with the WebSocket (also announced as a `connection` event and passed to `callback`,
   * as `ws`'s `handleUpgrade` does), or `undefined` when the request was refused (a `rejected`
   * event; the response was sent).
   */
  handleUpgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Uint8Array,
    callback?: (socket: WebSocket, request: IncomingMessage) => void,
  ): Promise<WebSocket | undefined> {
    try {
      const outcome = this.#upgrade(request, socket, head, callback);
      return outcome instanceof Promise ? outcome : Promise.resolve(outcome);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * {@link handleUpgrade} without a promise when every hook is synchronous: the WebSocket opens in
   * the turn of its request, without a promise hop per step (nor one for the result: the server's
   * own `upgrade` listener takes it as it is). Throws what `handleUpgrade` rejects with.
   */
  #upgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Uint8Array,
    callback: ((socket: WebSocket, request: IncomingMessage) => void) | undefined,
  ): WebSocket | undefined | Promise<WebSocket | undefined> {
    this.#arm(socket);
    if (this.#closing) {
      refuseUpgrade(socket, rejectHandshake(503));
      return this.#rejected(request, socket, 503);
    }
    const { path } = this.#options;
    if (path !== undefined && pathOf(request.url) !== path) {
      refuseUpgrade(socket, rejectHandshake(404));
      return this.#rejected(request, socket, 404);
    }
    const maxConnections = this.#options.maxConnections ?? DefaultServerOptions.maxConnections;
    if (this.#clients.size + this.#pending >= maxConnections) {
      refuseUpgrade(socket, rejectHandshake(503, { headers: { 'Retry-After': '1' } }));
      return this.#rejected(request, socket, 503);
    }
    this.#pending++;
    let outcome: ReturnType<typeof startUpgrade>;
    try {
      outcome = startUpgrade(request, socket, head, this.#options, this.#stillAccepting, this.#extensions);
    } catch (error) {
      this.#pending--;
      throw error;
    }
    // The callback was given an upgrade's request type: this request is one.
    const opened = callback as ((socket: WebSocket, request: WebSocketServerRequest) => void) | undefined;
    if (outcome instanceof Promise) {
      return outcome.then(
        (settled) => {
          this.#pending--;
          return this.#opened(settled, request, socket, opened);
        },
        (error: unknown) => {
          this.#pending--;
          throw error;
        },
      );
    }
    this.#pending--;
    return this.#opened(outcome, request, socket, opened);
  }

  /** The end of {@link handleUpgrade} once the upgrade was decided: the WebSocket, or the refusal. */
  #opened(
    outcome: AcceptedUpgrade | RefusedUpgrade,
    request: IncomingMessage,
    socket: Duplex,
    callback: ((socket: WebSocket, request: WebSocketServerRequest) => void) | undefined,
  ): WebSocket | undefined {
    if (!('transport' in outcome)) return this.#rejected(request, socket, outcome.status, outcome.error);
    this.#disarm(socket);
    const opened = this.#open(outcome, request, callback);
    return opened instanceof WebSocket ? opened : this.#rejected(request, socket, 0, opened.error);
  }

  /** An upgrade request was refused (already answered): stops its deadline and says so (`rejected`). */
  #rejected(request: IncomingMessage, socket: Duplex, status: number, error?: unknown): undefined {
    this.#disarm(socket);
    this.emit('rejected', request, status, error);
    return undefined;
  }

  /**
   * Handles one WebSocket over HTTP/2 (an RFC 8441 extended CONNECT stream), as {@link handleUpgrade}
   * does an HTTP/1.1 upgrade: the same checks, hooks, limits, events and WebSocket; the answer is
   * `200` or the refusal's status on the stream. An attached HTTP/2 `server` calls it for every such
   * stream; call it yourself from a `node:http2` server's `stream` event
   * (`if (headers[':protocol'] === 'websocket') wss.handleStream(stream, headers)`) when the server
   * is not attached. Its sessions must advertise `settings: { enableConnectProtocol: true }`.
   * `request` defaults to an `Http2ServerRequest` over the stream. The handshake timeout bounds the
   * hooks, from the call on; then the stream is reset (CANCEL).
   */
  async handleStream(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    request: WebSocketServerRequest = new (nodeHttp2().Http2ServerRequest)(stream, headers, {}, []),
    callback?: (socket: WebSocket, request: WebSocketServerRequest) => void,
  ): Promise<WebSocket | undefined> {
    const timer = createHandshakeTimeout(this.#handshakeTimeout === 0 ? Infinity : this.#handshakeTimeout);
    const onTimeout = () => stream.close(nodeHttp2().constants.NGHTTP2_CANCEL);
    timer.signal.addEventListener('abort', onTimeout, { once: true });
    const rejected = (status: number, error?: unknown) => {
      const late = timer.signal.aborted;
      timer.clear();
      this.emit('rejected', request, status, late ? timer.signal.reason : error);
      return undefined;
    };
    if (this.#closing) {
      refuseStream(stream, rejectHandshake(503));
      return rejected(503);
    }
    if (!this.#takes(headers[':path'])) {
      refuseStream(stream, rejectHandshake(404));
      return rejected(404);
    }
    const maxConnections = this.#options.maxConnections ?? DefaultServerOptions.maxConnections;
    if (this.#clients.size + this.#pending >= maxConnections) {
      refuseStream(stream, rejectHandshake(503, { headers: { 'Retry-After': '1' } }));
      return rejected(503);
    }
    this.#pending++;
    let outcome: Awaited<ReturnType<typeof acceptStream>>;
    try {
      outcome = await acceptStream(
        stream,
        headers,
        request,
        this.#options,
        () => !this.#closing,
        this.#extensions,
      );
    } finally {
      this.#pending--;
    }
    if (!('transport' in outcome)) return rejected(outcome.status, outcome.error);
    timer.signal.removeEventListener('abort', onTimeout);
    timer.clear();
    const opened = this.#open(outcome, request, callback);
    return opened instanceof WebSocket ? opened : rejected(0, opened.error);
  }

  /**
   * Opens the WebSocket of an accepted upgrade or stream and announces it; or, when it cannot be
   * opened (the server began closing, an extension failed), aborts the transport and returns why,
   * for the caller's `rejected` (status 0).
   */
  #open(
    outcome: AcceptedUpgrade | AcceptedStream,
    request: WebSocketServerRequest,
    callback: ((socket: WebSocket, request: WebSocketServerRequest) => void) | undefined,
  ): WebSocket | { readonly error: unknown } {
    if (this.#closing) {
      outcome.transport.abort();
      return { error: undefined };
    }
    let extensions: ReturnType<typeof engineExtensions>;
    try {
      extensions = engineExtensions(this.#deflate, outcome.extensions, 'server');
    } catch (error) {
      outcome.transport.abort();
      return { error };
    }
    // What differs per connection, over this server's options (its prototype): a handful of
    // properties instead of a copy of every option per connection.
    const options = Object.create(this.#openOptions()) as Mutable<OpenWebSocketOptions>;
    options.protocol = outcome.protocol ?? '';
    options.extensions = extensions;
    options.extensionsHeader = outcome.extensions.length > 0 ? formatExtensions(outcome.extensions) : '';
    // Clients mostly ask for the same few paths: one string for a run of them, not one per socket.
    let url = outcome.url;
    if (url === this.#lastUrl) url = this.#lastUrl;
    else this.#lastUrl = url;
    options.url = url;
    options.earlyData = outcome.earlyData;
    const websocket = new WebSocket(outcome.transport, options);
    this.#track(websocket);
    this.emit('connection', websocket, request);
    callback?.(websocket, request);
    return websocket;
  }

  /** The options every WebSocket of this server opens with, the prototype of each one's own. */
  #openOptions(): OpenWebSocketOptions {
    if (this.#sharedOptions === undefined) {
      this.#sharedOptions = {
        ...this.#session,
        role: 'server',
        topics: this.#topics,
        onClosed: this.#untrack,
        binaryView: this.#binaryView,
      };
    }
    return this.#sharedOptions;
  }

  #sharedOptions: OpenWebSocketOptions | undefined;
  /** The request target of the last WebSocket opened (see `#open`). */
  #lastUrl = '';

  /** Adds an open WebSocket to the clients until it closes (`#untrack`, its `onClosed`). */
  #track(websocket: WebSocket): void {
    this.#clients.add(websocket);
  }

  /** Every WebSocket's `onClosed`: one function for all, so a connection owns no closure or promise for it. */
  readonly #untrack = (websocket: WebSocket): void => {
    this.#clients.delete(websocket);
  };

  /**
   * Stops taking connections and closes the server: stops listening (a standalone server) or
   * detaches from the `server` given, refuses handshakes in progress (503), and closes every open
   * WebSocket with `code` (default 1001 Going Away) and `reason`. Resolves once they are all closed.
   */
  close(code: number = DefaultServerOptions.closeCode, reason = ''): Promise<void> {
    if (this.#closing) return this.#closing;
    const http = this.#httpServer as HttpServer | undefined;
    http?.off('upgrade', this.#onUpgrade);
    http?.off(this.#connectionEvent(), this.#onConnection);
    http?.off('request', this.#onRequest);
    http?.off('session', this.#onSession);
    this.#detachHttp2?.();
    if (this.#httpServer && !this.#ownsServer) {
      const attached = attachedServers.get(this.#httpServer)?.filter((server) => server !== this) ?? [];
      attachedServers.set(this.#httpServer, attached);
    }
    const closed: Promise<unknown>[] = [];
    for (const websocket of this.#clients) {
      websocket.close(code, reason);
      closed.push(websocket.closed);
    }
    // The own server is an `http`/`https` one.
    const server = this.#httpServer as HttpServer | undefined;
    if (server && this.#ownsServer) {
      closed.push(
        this.#listened.then((listening) => {
          if (!listening) return;
          return new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          });
        }),
      );
    }
    this.#closing = Promise.all(closed).then(async () => {
      await this.#topics.close();
      this.emit('close');
    });
    return this.#closing;
  }

  /** Whether this server takes requests for `target` (its `path`, if any). */
  #takes(target: string | undefined): boolean {
    const { path } = this.#options;
    return path === undefined || pathOf(target) === path;
  }

  readonly #onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const server = this.#httpServer;
    if (server && !this.#ownsServer && !this.#routes(server, request.url, 'upgrade')) {
      // Another upgrade listener's request: its socket is no longer ours to time.
      this.#disarm(socket);
      return;
    }
    // As `void this.handleUpgrade(…)`, without its promise when the upgrade completes at once: a
    // failure still ends as an unhandled rejection.
    try {
      void this.#upgrade(request, socket, head, undefined);
    } catch (error) {
      void Promise.reject(error);
    }
  };

  /**
   * Whether this server answers a request for `target` on a shared server: it takes the path, or
   * none of the WebSocketServers attached takes it and this one is the first (it answers 404),
   * unless other `event` listeners may take it.
   */
  #routes(server: object, target: string | undefined, event?: 'upgrade'): boolean {
    if (this.#takes(target)) return true;
    // Several WebSocketServers may share the server, each on its path.
    const attached = attachedServers.get(server as HttpServer) ?? [];
    return !(
      attached.some((other) => other.#takes(target)) ||
      attached[0] !== this ||
      (event !== undefined && (server as HttpServer).listenerCount(event) > attached.length)
    );
  }
}

/**
 * Creates a {@link WebSocketServer} and, when given, adds `onConnection` as its `connection`
 * listener: `createServer({ port: 8080 }, (ws) => ws.on('message', (data) => ws.send(data)))`.
 */
export function createServer(
  options: WebSocketServerOptions = {},
  onConnection?: (socket: WebSocket, request: WebSocketServerRequest) => void,
): WebSocketServer {
  const server = new WebSocketServer(options);
  if (onConnection) server.on('connection', onConnection);
  return server;
}
