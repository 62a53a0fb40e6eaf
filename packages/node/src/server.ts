import { EventEmitter } from 'node:events';
import {
  createServer as createHttpServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import {
  createServer as createHttpsServer,
  type ServerOptions as HttpsOptions,
  type Server as HttpsServer,
} from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Server as TlsServer } from 'node:tls';
import { CloseCode } from '@wskit/codec';
import { formatExtensions, rejectHandshake } from '@wskit/handshake';
import type { PerMessageDeflate } from '@wskit/permessage-deflate';
import {
  type BinaryData,
  type PublishOptions,
  type SessionOptions,
  TopicHub,
  type TopicHubOptions,
  type WebSocket,
} from '@wskit/transport';
import {
  type BinaryTypeOption,
  checkBinaryType,
  type NodeBinaryType,
  openNodeWebSocket,
} from './binary-type.js';
import { engineExtensions, type PerMessageDeflateOption, serverPerMessageDeflate } from './compression.js';
import { acceptUpgrade, refuseUpgrade, type UpgradeHooks } from './server-accept.js';
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
  /** Attach to this `http` or `https` server's `upgrade` event instead of listening. */
  readonly server?: HttpServer | HttpsServer | undefined;
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
   * limit). It is a timer per socket, started from the server's `connection` (or `secureConnection`)
   * event, also on an attached `server`, whose `headersTimeout`/`requestTimeout` are left as they
   * are. The timer stops at the socket's first request head: on an attached server, a plain HTTP
   * request must also send its head within the limit (its handler then runs untimed). Later
   * requests on a keep-alive connection are bounded by Node's own `headersTimeout`. With
   * `handleUpgrade` alone (no `server`), it bounds the hooks from the call on.
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
  connection: [socket: WebSocket, request: IncomingMessage];
  /** An upgrade request was refused with `status` (0: the client was gone); `error` says why, if not a deliberate refusal. */
  rejected: [request: IncomingMessage, status: number, error: unknown];
  /** The standalone server is listening. */
  listening: [];
  /** The standalone server's listener failed (e.g. `EADDRINUSE`). */
  error: [error: Error];
  /** `close()` finished: not listening, every WebSocket closed. */
  close: [];
}

/** The handshake timer's end: the client took too long, its socket goes. */
function destroyLate(socket: Duplex): void {
  socket.destroy();
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

/** The WebSocketServers attached to each HTTP server, in order: they share its upgrade requests. */
const attachedServers = new WeakMap<HttpServer | HttpsServer, WebSocketServer[]>();

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
  readonly #binaryType: NodeBinaryType;
  /** The permessage-deflate negotiator, shared by this server's connections; none when off. */
  readonly #deflate: PerMessageDeflate | undefined;
  readonly #httpServer: HttpServer | HttpsServer | undefined;
  readonly #ownsServer: boolean;
  readonly #topics: TopicHub;
  /** Settles once the own listener listens (true) or failed to (false). */
  #listened: Promise<boolean> = Promise.resolve(false);
  #pending = 0;
  #closing: Promise<void> | undefined;
  /** {@link WebSocketServerOptions.handshakeTimeout}, 0 for none. */
  readonly #handshakeTimeout: number;
  /** The handshake timers of sockets whose first request (or decision) is still pending. */
  readonly #deadlines = new WeakMap<Duplex, ReturnType<typeof setTimeout>>();

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
    this.#binaryType = checkBinaryType(options.binaryType);
    this.#deflate = serverPerMessageDeflate(options.perMessageDeflate);
    this.#topics = new TopicHub(options.topics);
    if (options.server) {
      this.#httpServer = options.server;
      this.#ownsServer = false;
      const attached = attachedServers.get(options.server) ?? [];
      attached.push(this);
      attachedServers.set(options.server, attached);
    } else if (options.port !== undefined) {
      const refuse = (_request: IncomingMessage, response: ServerResponse) => {
        response.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain' });
        response.end('Upgrade Required\n');
      };
      this.#httpServer = options.tls ? createHttpsServer(options.tls, refuse) : createHttpServer(refuse);
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
    this.#httpServer?.on('upgrade', this.#onUpgrade);
    if (this.#httpServer && this.#handshakeTimeout > 0) {
      this.#httpServer.on(this.#connectionEvent, this.#onConnection);
      this.#httpServer.on('request', this.#onRequest);
    }
  }

  /** The event that hands over a socket ready for its request: after TLS on an `https` server. */
  get #connectionEvent(): 'connection' | 'secureConnection' {
    return this.#httpServer instanceof TlsServer ? 'secureConnection' : 'connection';
  }

  /** Arms the handshake timer of a socket, unless one runs already: it destroys the socket. */
  #arm(socket: Duplex): void {
    if (this.#handshakeTimeout === 0 || this.#deadlines.has(socket) || socket.destroyed) return;
    const timer = setTimeout(destroyLate, this.#handshakeTimeout, socket);
    timer.unref();
    this.#deadlines.set(socket, timer);
    socket.on('close', this.#disarmClosed);
  }

  /** Stops the handshake timer of a socket, if any, and its `close` listener: an open WebSocket keeps neither. */
  #disarm(socket: Duplex): void {
    const timer = this.#deadlines.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#deadlines.delete(socket);
    socket.off('close', this.#disarmClosed);
  }

  /** The `close` listener of every timed socket (Node calls it with the socket as `this`): one function for all. */
  readonly #disarmClosed = disarmOnClose(this, (server, socket) => server.#disarm(socket));

  readonly #onConnection = (socket: Duplex): void => this.#arm(socket);

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
  async handleUpgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Uint8Array,
    callback?: (socket: WebSocket, request: IncomingMessage) => void,
  ): Promise<WebSocket | undefined> {
    const rejected = (status: number, error?: unknown) => {
      this.#disarm(socket);
      this.emit('rejected', request, status, error);
      return undefined;
    };
    this.#arm(socket);
    if (this.#closing) {
      refuseUpgrade(socket, rejectHandshake(503));
      return rejected(503);
    }
    const { path } = this.#options;
    if (path !== undefined && pathOf(request.url) !== path) {
      refuseUpgrade(socket, rejectHandshake(404));
      return rejected(404);
    }
    const maxConnections = this.#options.maxConnections ?? DefaultServerOptions.maxConnections;
    if (this.#clients.size + this.#pending >= maxConnections) {
      refuseUpgrade(socket, rejectHandshake(503, { headers: { 'Retry-After': '1' } }));
      return rejected(503);
    }
    this.#pending++;
    let outcome: Awaited<ReturnType<typeof acceptUpgrade>>;
    try {
      outcome = await acceptUpgrade(
        request,
        socket,
        head,
        this.#options,
        () => !this.#closing,
        this.#deflate === undefined ? [] : [this.#deflate],
      );
    } finally {
      this.#pending--;
    }
    if (!('transport' in outcome)) return rejected(outcome.status, outcome.error);
    this.#disarm(socket);
    if (this.#closing) {
      outcome.transport.abort();
      return rejected(0);
    }
    let extensions: ReturnType<typeof engineExtensions>;
    try {
      extensions = engineExtensions(this.#deflate, outcome.extensions, 'server');
    } catch (error) {
      outcome.transport.abort();
      return rejected(0, error);
    }
    const websocket = openNodeWebSocket(
      outcome.transport,
      {
        ...this.#session,
        role: 'server',
        protocol: outcome.protocol ?? '',
        extensions,
        extensionsHeader: outcome.extensions.length > 0 ? formatExtensions(outcome.extensions) : '',
        url: outcome.url,
        earlyData: outcome.earlyData,
        topics: this.#topics,
        onClosed: this.#untrack,
      },
      this.#binaryType,
    );
    this.#track(websocket);
    this.emit('connection', websocket, request);
    callback?.(websocket, request);
    return websocket;
  }

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
    this.#httpServer?.off('upgrade', this.#onUpgrade);
    this.#httpServer?.off(this.#connectionEvent, this.#onConnection);
    this.#httpServer?.off('request', this.#onRequest);
    if (this.#httpServer && !this.#ownsServer) {
      const attached = attachedServers.get(this.#httpServer)?.filter((server) => server !== this) ?? [];
      attachedServers.set(this.#httpServer, attached);
    }
    const closed: Promise<unknown>[] = [];
    for (const websocket of this.#clients) {
      websocket.close(code, reason);
      closed.push(websocket.closed);
    }
    const server = this.#httpServer;
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
    if (!this.#takes(request.url) && server && !this.#ownsServer) {
      // Several WebSocketServers may share the server, each on its path: the first one attached
      // answers 404 for a path none takes, unless other upgrade listeners may take it.
      const attached = attachedServers.get(server) ?? [];
      // Another upgrade listener's request: its socket is no longer ours to time.
      if (
        attached.some((other) => other.#takes(request.url)) ||
        attached[0] !== this ||
        server.listenerCount('upgrade') > attached.length
      ) {
        this.#disarm(socket);
        return;
      }
    }
    void this.handleUpgrade(request, socket, head);
  };
}

/**
 * Creates a {@link WebSocketServer} and, when given, adds `onConnection` as its `connection`
 * listener: `createServer({ port: 8080 }, (ws) => ws.on('message', (data) => ws.send(data)))`.
 */
export function createServer(
  options: WebSocketServerOptions = {},
  onConnection?: (socket: WebSocket, request: IncomingMessage) => void,
): WebSocketServer {
  const server = new WebSocketServer(options);
  if (onConnection) server.on('connection', onConnection);
  return server;
}
