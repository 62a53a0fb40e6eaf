import {
  acceptServerHandshake,
  createClientHandshake,
  formatExtensions,
  HeadParser,
  rejectHandshake,
} from '@wskit/handshake';
import {
  createHandshakeTimeout,
  openWebSocket,
  type SessionOptions,
  type Transport,
  type TransportHandler,
  type WebSocket,
} from '@wskit/transport';
import type { TransportPair } from './transport-pair.js';

/**
 * A transport whose first bytes belong to the opening handshake: its reads go to `early` until
 * `start` attaches the session's handler. The in-memory counterpart of an adapter reading the HTTP
 * head off a socket before it hands the socket to `openWebSocket`.
 */
class UpgradingTransport implements Transport {
  readonly #inner: Transport;
  #handler: TransportHandler | undefined;

  constructor(inner: Transport, early: TransportHandler) {
    this.#inner = inner;
    const current = (): TransportHandler => this.#handler ?? early;
    inner.start({
      onData: (chunk) => current().onData(chunk),
      onEnd: () => current().onEnd(),
      onDrain: () => current().onDrain(),
      onError: (error) => current().onError(error),
      onClose: () => current().onClose(),
    });
  }

  get bufferedAmount(): number {
    return this.#inner.bufferedAmount;
  }
  get remoteAddress(): string | undefined {
    return this.#inner.remoteAddress;
  }
  start(handler: TransportHandler): void {
    if (this.#handler !== undefined) throw new TypeError('start() was already called');
    this.#handler = handler;
  }
  write(chunks: readonly Uint8Array[]): boolean {
    return this.#inner.write(chunks);
  }
  pause(): void {
    this.#inner.pause();
  }
  resume(): void {
    this.#inner.resume();
  }
  end(): void {
    this.#inner.end();
  }
  close(): void {
    this.#inner.close();
  }
  abort(error?: Error): void {
    this.#inner.abort(error);
  }
}

/** A handler for the handshake phase: bytes go to `onData`, anything else fails the handshake. */
function handshakeHandler(
  onData: (chunk: Uint8Array) => void,
  fail: (error: Error) => void,
): TransportHandler {
  const gone = (): void => fail(new Error('The connection ended during the opening handshake'));
  return { onData, onEnd: gone, onDrain: () => {}, onError: fail, onClose: gone };
}

const HANDSHAKE_TIMEOUT = 5000;

/**
 * The server side: reads the upgrade request, answers it, and hands the session (with the bytes
 * that followed the head as `earlyData`) to `serve` along with the request target.
 */
export function acceptInMemory(
  transport: Transport,
  options: SessionOptions | undefined,
  serve: (ws: WebSocket, target: string) => void,
): void {
  const timeout = createHandshakeTimeout(HANDSHAKE_TIMEOUT);
  const parser = new HeadParser('request');
  let done = false;
  const upgrading: UpgradingTransport = new UpgradingTransport(
    transport,
    handshakeHandler(
      (chunk) => {
        if (done) return;
        const parsed = parser.write(chunk);
        if (!parsed.done) return;
        done = true;
        timeout.clear();
        if (!parsed.ok) {
          upgrading.write([rejectHandshake(parsed.error).bytes]);
          upgrading.close();
          return;
        }
        const result = acceptServerHandshake(parsed.head);
        upgrading.write([result.response.bytes]);
        if (!result.ok) {
          upgrading.close();
          return;
        }
        const ws = openWebSocket(upgrading, {
          ...options,
          role: 'server',
          protocol: result.protocol ?? '',
          extensionsHeader: formatExtensions(result.extensions),
          url: parsed.head.target,
          earlyData: parsed.rest,
        });
        serve(ws, parsed.head.target);
      },
      () => timeout.clear(),
    ),
  );
  timeout.signal.addEventListener('abort', () => transport.abort(), { once: true });
}

/** The client side: sends the upgrade request for `path`, checks the answer, opens the session. */
export function connectInMemory(
  transport: Transport,
  path: string,
  options: SessionOptions | undefined,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const timeout = createHandshakeTimeout(HANDSHAKE_TIMEOUT);
    const handshake = createClientHandshake({ host: 'memory', path });
    const parser = new HeadParser('response');
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      timeout.clear();
      transport.abort();
      reject(error);
    };
    const upgrading: UpgradingTransport = new UpgradingTransport(
      transport,
      handshakeHandler((chunk) => {
        if (settled) return;
        const parsed = parser.write(chunk);
        if (!parsed.done) return;
        if (!parsed.ok) return fail(parsed.error);
        const result = handshake.validateResponse(parsed.head);
        if (!result.ok) return fail(result.error);
        settled = true;
        timeout.clear();
        resolve(
          openWebSocket(upgrading, {
            ...options,
            role: 'client',
            protocol: result.protocol ?? '',
            extensionsHeader: formatExtensions(result.extensions),
            url: `ws://memory${path}`,
            earlyData: parsed.rest,
          }),
        );
      }, fail),
    );
    timeout.signal.addEventListener('abort', () => fail(timeout.signal.reason as Error), { once: true });
    upgrading.write([handshake.request.bytes]);
  });
}

/** Upgrades both ends of `pair` over HTTP/1.1, as two adapters would. */
export function upgradeInMemory(
  pair: TransportPair,
  path: string,
  client: SessionOptions | undefined,
  server: SessionOptions | undefined,
  serve: (ws: WebSocket, target: string) => void,
): Promise<WebSocket> {
  acceptInMemory(pair.server, server, serve);
  return connectInMemory(pair.client, path, client);
}
