import type { Transport, TransportHandler } from './port.js';

/** One event of the underlying transport, kept until someone takes it. */
type TransportEvent =
  | { readonly kind: 'data'; readonly chunk: Uint8Array }
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly error: Error }
  | { readonly kind: 'close' };

/**
 * How the session driver takes a handed-over transport without the wrapper: when nothing was kept
 * after the head, it gets the underlying transport itself and attaches its handler to the relay, so
 * that neither the bytes nor the writes, pauses and closes of the connection pass through
 * {@link HandedOverTransport}. Internal to `@wskit/transport`.
 */
export const takeDirect: unique symbol = Symbol('wskit.takeDirect');

/** What {@link takeDirect} gives: the underlying transport, and how to start receiving its events. */
export interface DirectTransport {
  readonly transport: Transport;
  /** Starts delivering the underlying transport's events to `handler` (instead of `transport.start`). */
  attach(handler: TransportHandler): void;
}

/** Unread bytes kept during the handshake before reading pauses (a head is at most 16 KiB by default). */
const READ_BUFFER_LIMIT = 64 * 1024;

/**
 * The handler the underlying transport is started with: it passes every event to `target`, which is
 * the handshake's own sink at first, the handed-over transport's queue while kept events are
 * delivered, and then the session's handler itself, so that after the handshake a chunk goes from
 * the adapter to the session with one call, no allocation and no switch. Only the close also
 * settles `HandshakeTransport.closed`.
 */
class Relay implements TransportHandler {
  target: TransportHandler;
  readonly #closed: () => void;

  constructor(target: TransportHandler, closed: () => void) {
    this.target = target;
    this.#closed = closed;
  }

  onData(chunk: Uint8Array): void {
    this.target.onData(chunk);
  }

  onEnd(): void {
    this.target.onEnd();
  }

  onDrain(): void {
    this.target.onDrain();
  }

  onError(error: Error): void {
    this.target.onError(error);
  }

  onClose(): void {
    this.#closed();
    this.target.onClose();
  }
}

/**
 * The opening-handshake phase of a {@link Transport}. A transport may be started only once, but the
 * handshake must read and write bytes before `openWebSocket` starts it for the session: this class
 * starts the transport with its own handler, lets the handshake `write` and `read`, and then
 * {@link handOver}s an unstarted `Transport` for `openWebSocket`. Nothing is lost in between: bytes
 * and events that arrive after the head are kept (reading paused) and delivered, in order, once the
 * session starts the handed-over transport.
 *
 * ```ts
 * const handshake = beginHandshake(transport);
 * handshake.write([request.bytes]);
 * for (let chunk = await handshake.read(); chunk !== undefined; chunk = await handshake.read()) {
 *   const parsed = parser.write(chunk);
 *   if (parsed.done && parsed.ok) return openWebSocket(handshake.handOver(), { ..., earlyData: parsed.rest });
 * }
 * ```
 *
 * `upgradeClient` and `acceptUpgrade` are built on it; an adapter with a handshake of its own (a
 * proxy's `CONNECT`, WinHTTP) uses it directly.
 */
export class HandshakeTransport {
  readonly #transport: Transport;
  #queue: TransportEvent[] = [];
  #queuedBytes = 0;
  #phase: 'handshake' | 'closing' | 'handed-over' = 'handshake';
  #reader: { resolve(chunk: Uint8Array | undefined): void; reject(error: unknown): void } | undefined;
  #failure: unknown;
  #pausedForBuffer = false;
  #handedOver: HandedOverTransport | undefined;
  readonly #relay: Relay;
  #resolveClosed!: () => void;
  /** Settles once the underlying transport closed (its `onClose`), whatever the phase. */
  readonly closed: Promise<void> = new Promise((resolve) => {
    this.#resolveClosed = resolve;
  });

  /** Starts `transport` (which must not have been started) with the handshake's own handler. */
  constructor(transport: Transport) {
    if (!transport || typeof transport.start !== 'function') {
      throw new TypeError('HandshakeTransport: transport must implement Transport');
    }
    this.#transport = transport;
    this.#relay = new Relay(
      {
        onData: (chunk) => this.#event({ kind: 'data', chunk }),
        onEnd: () => this.#event({ kind: 'end' }),
        onError: (error) => this.#event({ kind: 'error', error }),
        onClose: () => this.#event({ kind: 'close' }),
        onDrain: () => {},
      },
      () => this.#resolveClosed(),
    );
    transport.start(this.#relay);
  }

  /** The underlying transport's `remoteAddress`. */
  get remoteAddress(): string | undefined {
    return this.#transport.remoteAddress;
  }

  /** Writes handshake bytes (a request, a response) to the transport; see `Transport.write`. */
  write(chunks: readonly Uint8Array[]): boolean {
    if (this.#phase !== 'handshake') return false;
    return this.#transport.write(chunks);
  }

  /**
   * The next chunk read, or `undefined` once the peer ended or the transport closed. Rejects with
   * the transport's error, or with the error given to {@link abort}. One read at a time.
   */
  read(): Promise<Uint8Array | undefined> {
    if (this.#reader !== undefined) throw new TypeError('HandshakeTransport.read: a read is already pending');
    if (this.#phase === 'handed-over')
      throw new TypeError('HandshakeTransport.read: the transport was handed over');
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#phase === 'closing') return Promise.resolve(undefined);
    const next = this.#queue[0];
    if (next !== undefined) {
      if (next.kind === 'data') {
        this.#queue.shift();
        this.#queuedBytes -= next.chunk.byteLength;
        this.#resumeIfRoom();
        return Promise.resolve(next.chunk);
      }
      // end, error and close stay queued: every later read sees them, and a session would too.
      return next.kind === 'error' ? Promise.reject(next.error) : Promise.resolve(undefined);
    }
    this.#resumeIfRoom();
    return new Promise((resolve, reject) => {
      this.#reader = { resolve, reject };
    });
  }

  /**
   * Gives up on the handshake: the transport is aborted (queued bytes dropped, closed now) and
   * reads reject with `error` (default an `Error` saying so).
   */
  abort(error?: Error): void {
    if (this.#phase === 'handed-over') return;
    this.#failure ??= error ?? new Error('The opening handshake was aborted');
    this.#phase = 'closing';
    this.#dropData();
    this.#takeReader()?.reject(this.#failure);
    this.#transport.abort(error);
  }

  /**
   * Ends the connection after a refusal: what was written goes out, further bytes are read and
   * dropped (so that closing does not reset the connection before the peer read the answer), and
   * the transport is released once the peer ended (see `Transport.close`). Watch {@link closed} to
   * give a peer that never ends a deadline, then {@link abort}.
   */
  close(): void {
    if (this.#phase !== 'handshake') return;
    this.#phase = 'closing';
    this.#dropData();
    this.#takeReader()?.resolve(undefined);
    if (this.#pausedForBuffer) {
      this.#pausedForBuffer = false;
      this.#transport.resume();
    }
    this.#transport.close();
  }

  /**
   * Ends the handshake phase and returns the transport for `openWebSocket`, not started: chunks
   * read but not taken by {@link read}, and events (end, error, close) that came meanwhile, are
   * delivered to the session's handler, in order and on a fresh turn, once it starts it. Reading is
   * paused until then. The bytes that followed the head within the last chunk read are the caller's
   * to pass as `earlyData`.
   */
  handOver(): Transport {
    if (this.#phase !== 'handshake') {
      throw new TypeError('HandshakeTransport.handOver: the handshake was closed, aborted or handed over');
    }
    if (this.#reader !== undefined) throw new TypeError('HandshakeTransport.handOver: a read is pending');
    this.#phase = 'handed-over';
    if (!this.#pausedForBuffer) this.#transport.pause();
    this.#pausedForBuffer = false;
    const queue = this.#queue;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#handedOver = new HandedOverTransport(this.#transport, queue, this.#relay);
    return this.#handedOver;
  }

  #event(event: TransportEvent): void {
    if (this.#phase === 'closing') return;
    const reader = this.#takeReader();
    if (reader !== undefined && this.#queue.length === 0) {
      if (event.kind === 'data') reader.resolve(event.chunk);
      else if (event.kind === 'error') reader.reject(event.error);
      else reader.resolve(undefined);
      if (event.kind === 'data') return;
    }
    this.#queue.push(event);
    if (event.kind !== 'data') return;
    this.#queuedBytes += event.chunk.byteLength;
    if (this.#queuedBytes >= READ_BUFFER_LIMIT && !this.#pausedForBuffer) {
      this.#pausedForBuffer = true;
      this.#transport.pause();
    }
  }

  #takeReader() {
    const reader = this.#reader;
    this.#reader = undefined;
    return reader;
  }

  #dropData(): void {
    this.#queue = this.#queue.filter((event) => event.kind !== 'data');
    this.#queuedBytes = 0;
  }

  #resumeIfRoom(): void {
    if (this.#pausedForBuffer && this.#queuedBytes < READ_BUFFER_LIMIT) {
      this.#pausedForBuffer = false;
      this.#transport.resume();
    }
  }
}

/**
 * Starts the handshake phase over `transport` (not started yet): shorthand for
 * `new HandshakeTransport(transport)`.
 */
export function beginHandshake(transport: Transport): HandshakeTransport {
  return new HandshakeTransport(transport);
}

/**
 * The transport after the handshake: the kept events first, then the live ones. Until the kept
 * events are delivered, live ones queue behind them; then the relay hands every event to the
 * session's handler directly (see {@link Relay}).
 */
class HandedOverTransport implements Transport {
  readonly #inner: Transport;
  readonly #queue: TransportEvent[];
  readonly #relay: Relay;
  #handler: TransportHandler | undefined;
  #paused = false;
  #flushScheduled = false;
  #closed = false;

  constructor(inner: Transport, queue: TransportEvent[], relay: Relay) {
    this.#inner = inner;
    this.#queue = queue;
    this.#relay = relay;
    // Live events queue behind the kept ones until the session started and took those.
    relay.target = {
      onData: (chunk) => this.#deliver({ kind: 'data', chunk }),
      onEnd: () => this.#deliver({ kind: 'end' }),
      onError: (error) => this.#deliver({ kind: 'error', error }),
      onClose: () => this.#deliver({ kind: 'close' }),
      onDrain: () => {},
    };
  }

  get bufferedAmount(): number {
    return this.#inner.bufferedAmount;
  }

  get remoteAddress(): string | undefined {
    return this.#inner.remoteAddress;
  }

  /**
   * The underlying transport, for the session driver to use directly, when nothing was kept after
   * the head (the usual case) and this transport was not started; `undefined` otherwise (the kept
   * events must be delivered first, through {@link start}).
   */
  [takeDirect](): DirectTransport | undefined {
    if (this.#handler !== undefined || this.#queue.length > 0) return undefined;
    return {
      transport: this.#inner,
      attach: (handler) => {
        if (this.#handler !== undefined) throw new TypeError('Transport.start: already started');
        this.#handler = handler;
        this.#relay.target = handler;
        if (!this.#paused) this.#inner.resume();
      },
    };
  }

  start(handler: TransportHandler): void {
    if (this.#handler !== undefined) throw new TypeError('Transport.start: already started');
    if (!handler || typeof handler.onData !== 'function') {
      throw new TypeError('Transport.start: handler must implement TransportHandler');
    }
    this.#handler = handler;
    this.#schedule();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    return this.#inner.write(chunks);
  }

  pause(): void {
    this.#paused = true;
    this.#inner.pause();
  }

  resume(): void {
    this.#paused = false;
    if (this.#handler === undefined) return; // resumed once started
    if (this.#queue.length > 0) this.#schedule();
    else this.#inner.resume();
  }

  end(): void {
    this.#inner.end();
  }

  close(): void {
    this.#inner.close();
  }

  unref(): void {
    this.#inner.unref?.();
  }

  ref(): void {
    this.#inner.ref?.();
  }

  abort(error?: Error): void {
    // Undelivered data goes with the write queue; end, error and close are still reported.
    for (let index = this.#queue.length - 1; index >= 0; index--) {
      if (this.#queue[index]!.kind === 'data') this.#queue.splice(index, 1);
    }
    this.#inner.abort(error);
  }

  /** A live event of the underlying transport while kept events are still to be delivered. */
  #deliver(event: TransportEvent): void {
    if (this.#closed) return;
    this.#queue.push(event);
    if (this.#handler !== undefined) this.#schedule();
  }

  #schedule(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      const event = this.#queue[0]!;
      if (event.kind === 'data' && this.#paused) return;
      this.#queue.shift();
      this.#dispatch(event);
    }
    if (this.#closed) return;
    // Everything kept was delivered: from now on the relay calls the session's handler directly.
    this.#relay.target = this.#handler!;
    if (!this.#paused) this.#inner.resume();
  }

  #dispatch(event: TransportEvent): void {
    const handler = this.#handler!;
    switch (event.kind) {
      case 'data':
        handler.onData(event.chunk);
        break;
      case 'end':
        handler.onEnd();
        break;
      case 'error':
        handler.onError(event.error);
        break;
      case 'close':
        this.#closed = true;
        this.#queue.length = 0;
        handler.onClose();
        break;
    }
  }
}
