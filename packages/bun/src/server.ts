import { isUtf8 } from 'node:buffer';
import { formatExtensions, type HeadLimits, type RequestHead } from '@wskit/handshake';
import {
  type PerMessageDeflate,
  type PerMessageDeflateOption,
  serverPerMessageDeflate,
} from '@wskit/permessage-deflate';
import {
  acceptUpgrade,
  type BinaryData,
  engineExtensions,
  openWebSocket,
  type PublishOptions,
  pickSessionOptions,
  refuseUnsupportedOptions,
  type SessionOptions,
  TopicHub,
  type TopicHubOptions,
  TypedEmitter,
  type UnsupportedOptions,
  type UpgradeHooks,
  type WebSocket,
} from '@wskit/transport';
import { BunSocketTransport } from './bun-socket-transport.js';
import { allocateUnsafe, type BunListener, type BunTlsOptions, bunRuntime } from './runtime.js';

/** The defaults of {@link WebSocketServerOptions}. */
export const DefaultServerOptions = Object.freeze({
  /** Listen on all IPv4 interfaces. */
  hostname: '0.0.0.0',
  /** Any free port. */
  port: 0,
  /** No limit on open connections. */
  maxConnections: Number.POSITIVE_INFINITY,
  /** A client has 10 s to send its upgrade request (and the hooks to decide). */
  handshakeTimeout: 10_000,
  /**
   * Servers find dead peers by default: a ping after 30 s without receiving anything, and 1011 when
   * it stays unanswered for `pongTimeout` (20 s). A session option; 0 turns it off.
   */
  keepaliveInterval: 30_000,
  /** The close code sent to every client by `close()`: 1001 Going Away (RFC 6455 §7.4.1). */
  closeCode: 1001,
});

/**
 * The server options of other adapters (`@wskit/node`'s) that this one cannot honour: passing one
 * throws an `UnsupportedOptionError` (`WS_ERR_UNSUPPORTED_OPTION`) rather than being ignored.
 */
export const UnsupportedServerOptions: UnsupportedOptions = Object.freeze({
  host: 'the address to listen on is called hostname in @wskit/bun',
  server: 'attaching to a node:http server works in Node.js only (@wskit/node)',
  path: 'the server does not filter by path; check request.target in verify',
});

/**
 * The options of a {@link WebSocketServer}: where to listen, the hooks that accept or refuse an
 * upgrade request (`@wskit/transport`'s `UpgradeHooks`, given the parsed request head), limits, and
 * the sessions' `SessionOptions` (`keepaliveInterval` defaults to 30 s on a server, see
 * {@link DefaultServerOptions}).
 */
export interface WebSocketServerOptions extends UpgradeHooks<RequestHead>, SessionOptions {
  /** The port (default 0: any free port; read {@link WebSocketServer.port}). */
  readonly port?: number | undefined;
  /** The address to listen on (default `0.0.0.0`). */
  readonly hostname?: string | undefined;
  /**
   * Listen on this Unix domain socket path instead of `hostname` and `port` (`Bun.listen({ unix })`);
   * clients connect with `ws+unix:///path/to.sock:/request/path`.
   */
  readonly unix?: string | undefined;
  /** Serve `wss:` with Bun's TLS options (`key`, `cert`, `ca`, …). */
  readonly tls?: BunTlsOptions | undefined;
  /** The most connections open at once, handshakes in progress included; more get 503 (default no limit). */
  readonly maxConnections?: number | undefined;
  /** Milliseconds a client has to complete its upgrade request (default 10 000; 0: no limit). */
  readonly handshakeTimeout?: number | undefined;
  /** Limits of the request head (`maxHeadSize` 16 KiB, `maxHeaderCount` 100, `maxLineLength` 8 KiB). */
  readonly headLimits?: Partial<HeadLimits> | undefined;
  /**
   * Accept permessage-deflate compression (RFC 7692, `@wskit/permessage-deflate`, over Bun's
   * `node:zlib`) from clients that offer it: `true` with its defaults, or its options
   * (`serverNoContextTakeover`, `serverMaxWindowBits`, `clientMaxWindowBits`,
   * `clientNoContextTakeover`, `threshold`, `level`, `memoryLevel`, `concurrencyLimit`). Default
   * `false` (CPU, about 300 KiB of zlib memory per connection, and CRIME/BREACH when secrets are
   * compressed with attacker-chosen data). `maxMessageSize` also bounds every inflated message.
   */
  readonly perMessageDeflate?: PerMessageDeflateOption | undefined;
  /**
   * The server's topics (`ws.subscribe(topic)`, `server.publish(topic, data)`): the broker that
   * shares them with other processes (default this process only), the per-topic delivery mode and
   * the slow-subscriber policy (`@wskit/transport`'s `TopicHubOptions`).
   */
  readonly topics?: TopicHubOptions | undefined;
}

/** The events of a {@link WebSocketServer}. */
export interface WebSocketServerEvents {
  /** A client connected: the open WebSocket and its request head. */
  connection: [socket: WebSocket, request: RequestHead];
  /**
   * A connection was refused with `status` (0: it went away or timed out before an answer); `error`
   * says why when it was not a deliberate refusal; `request` when its head was read.
   */
  rejected: [status: number, error: unknown, request: RequestHead | undefined];
  /** `close()` finished: not listening, every WebSocket closed. */
  close: [];
}

function checkCount(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new RangeError(`WebSocketServer: ${name} must be a non-negative number, not ${String(value)}`);
  }
  return value;
}

/**
 * A WebSocket server on `Bun.listen`'s raw sockets: each connection runs `@wskit/transport`'s
 * `acceptUpgrade` (the request head, `selectProtocol`/`protocols`, `verify`, the 101 or a refusal)
 * over a {@link BunSocketTransport}, then a session; each accepted client is a `connection` event.
 * It listens at once (`Bun.listen` throws, e.g. for a port in use) and throws outside Bun, and an
 * `UnsupportedOptionError` for an option of {@link UnsupportedServerOptions}.
 */
export class WebSocketServer extends TypedEmitter<WebSocketServerEvents> {
  readonly #clients = new Set<WebSocket>();
  readonly #listener: BunListener;
  readonly #session: SessionOptions;
  readonly #deflate: PerMessageDeflate | undefined;
  readonly #topics: TopicHub;
  #pending = 0;
  #closing: Promise<void> | undefined;

  constructor(options: WebSocketServerOptions = {}) {
    super();
    const bun = bunRuntime('WebSocketServer');
    refuseUnsupportedOptions('@wskit/bun WebSocketServer', options, UnsupportedServerOptions);
    const port = options.port ?? DefaultServerOptions.port;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`WebSocketServer: port must be an integer from 0 to 65535, not ${port}`);
    }
    const maxConnections = checkCount(
      'maxConnections',
      options.maxConnections,
      DefaultServerOptions.maxConnections,
    );
    const timeout = checkCount(
      'handshakeTimeout',
      options.handshakeTimeout,
      DefaultServerOptions.handshakeTimeout,
    );
    this.#session = {
      keepaliveInterval: DefaultServerOptions.keepaliveInterval,
      // Bun's native UTF-8 check (node:buffer's isUtf8): text is validated in one native pass.
      utf8Check: isUtf8,
      allocate: allocateUnsafe,
      ...pickSessionOptions(options),
    };
    this.#deflate = serverPerMessageDeflate(options.perMessageDeflate);
    const deflate = this.#deflate;
    this.#topics = new TopicHub(options.topics);
    const hooks: UpgradeHooks<RequestHead> = {
      protocols: options.protocols,
      selectProtocol: options.selectProtocol,
      verify: options.verify,
      headers: options.headers,
    };
    const secure = options.tls !== undefined;
    if (options.unix !== undefined) {
      if (typeof options.unix !== 'string' || options.unix === '') {
        throw new TypeError('WebSocketServer: unix must be a socket path');
      }
      if (options.port !== undefined || options.hostname !== undefined) {
        throw new TypeError('WebSocketServer: unix listens on a socket path; port and hostname do not apply');
      }
    }
    this.#listener = bun.listen({
      ...(options.unix === undefined
        ? { hostname: options.hostname ?? DefaultServerOptions.hostname, port }
        : { unix: options.unix }),
      allowHalfOpen: true,
      ...(secure ? { tls: options.tls } : {}),
      socket: {
        ...BunSocketTransport.handlers,
        open: (socket) => {
          const transport = new BunSocketTransport(socket);
          const full = this.#clients.size + this.#pending >= maxConnections;
          this.#pending++;
          void acceptUpgrade(transport, {
            ...hooks,
            secure,
            timeout,
            headLimits: options.headLimits,
            ...(deflate === undefined ? {} : { extensions: [deflate] }),
            stillAccepting: () => !full && this.#closing === undefined,
          }).then((outcome) => {
            this.#pending--;
            if (!outcome.accepted) {
              this.emit('rejected', outcome.status, outcome.error, outcome.request);
              return;
            }
            let extensions: ReturnType<typeof engineExtensions>;
            try {
              extensions = engineExtensions(deflate, outcome.extensions, 'server');
            } catch (error) {
              outcome.transport.abort();
              this.emit('rejected', 0, error, outcome.request);
              return;
            }
            const websocket = openWebSocket(outcome.transport, {
              ...this.#session,
              role: 'server',
              ...(extensions === undefined ? {} : { extensions }),
              protocol: outcome.protocol ?? '',
              extensionsHeader: outcome.extensions.length > 0 ? formatExtensions(outcome.extensions) : '',
              url: outcome.url,
              earlyData: outcome.earlyData,
              topics: this.#topics,
            });
            this.#clients.add(websocket);
            void websocket.closed.then(() => this.#clients.delete(websocket));
            this.emit('connection', websocket, outcome.request);
          });
        },
      },
    });
  }

  /** The port listened on (the actual one after `port: 0`; `undefined` with `unix`). */
  get port(): number {
    return this.#listener.port;
  }

  /** The address listened on. */
  get hostname(): string {
    return this.#listener.hostname;
  }

  /** The server's topics: subscriber counts, the `drop`, `slow`, `gap` and `error` events. */
  get topics(): TopicHub {
    return this.#topics;
  }

  /**
   * Publishes `data` to every WebSocket subscribed to `topic`, here and through the broker on every
   * process sharing it, framed once for all subscribers.
   */
  publish(topic: string, data: string | BinaryData, options?: PublishOptions): void {
    this.#topics.publish(topic, data, options);
  }

  /** The open WebSockets (accepted and not yet closed). */
  get clients(): ReadonlySet<WebSocket> {
    return this.#clients;
  }

  /**
   * Stops listening, refuses handshakes in progress (503), and closes every open WebSocket with
   * `code` (default 1001 Going Away) and `reason`. Resolves once they are all closed.
   */
  close(code: number = DefaultServerOptions.closeCode, reason = ''): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#listener.stop(false);
    const closed: Promise<unknown>[] = [];
    for (const websocket of this.#clients) {
      websocket.close(code, reason);
      closed.push(websocket.closed);
    }
    this.#closing = Promise.all(closed).then(async () => {
      await this.#topics.close();
      this.emit('close');
    });
    return this.#closing;
  }
}

/**
 * Creates a {@link WebSocketServer} and, when given, adds `onConnection` as its `connection`
 * listener: `serve({ port: 8080 }, (ws) => ws.on('message', (data) => ws.send(data)))`.
 */
export function serve(
  options: WebSocketServerOptions = {},
  onConnection?: (socket: WebSocket, request: RequestHead) => void,
): WebSocketServer {
  const server = new WebSocketServer(options);
  if (onConnection) server.on('connection', onConnection);
  return server;
}
