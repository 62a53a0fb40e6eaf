import {
  checkHighWaterMark,
  formatAddress,
  joinSmallChunks,
  type Transport,
  type TransportHandler,
} from '@wskit/transport';
import type { BunSocket, BunSocketHandlers } from './runtime.js';

/** Options of a {@link BunSocketTransport}. */
export interface BunSocketTransportOptions {
  /** `write` returns `false` from this many bytes kept in the transport's queue on (default 64 KiB). */
  readonly highWaterMark?: number;
  /** Disable Nagle's algorithm, so a small frame leaves at once (default `true`). */
  readonly noDelay?: boolean;
}

let handlers!: BunSocketHandlers;

/**
 * The transport port over a Bun socket (`Bun.connect`, `Bun.listen`).
 *
 * - **Partial writes.** Bun's `socket.write` writes what the kernel takes now, returns that count,
 *   and keeps nothing: the transport keeps the rest, in order, and writes it on Bun's `drain`, so no
 *   byte is lost. `bufferedAmount` is what it keeps; `write` returns `false` from `highWaterMark`
 *   on and `onDrain` follows once the queue is below it again: memory stays bounded for a writer
 *   that waits (the session driver does).
 * - Small chunks of one `write` (a frame header and a small payload) are joined into one
 *   `socket.write`; large payloads are written as they are, without a copy.
 * - `pause()`/`resume()` are the socket's, so a paused transport pushes back through TCP. Chunks
 *   read are handed over without a copy.
 * - `end()` half-closes (`shutdown`) once the queue is written; `close()` also lets Bun release the
 *   socket once the peer has ended; `abort()` drops the queue and resets the connection
 *   (`terminate`).
 *
 * Bun delivers socket events to the handlers given to `Bun.connect`/`Bun.listen`, per listener
 * rather than per socket: pass {@link BunSocketTransport.handlers} (or call them from yours). They
 * route each event to the transport kept in `socket.data`. The constructor pauses the socket; what
 * happens before {@link start} is delivered after it.
 */
export class BunSocketTransport implements Transport {
  /**
   * The socket handlers for `Bun.connect`/`Bun.listen` that route events to the transport of each
   * socket: `Bun.listen({ hostname, port, socket: { ...BunSocketTransport.handlers, open(socket) {
   * const transport = new BunSocketTransport(socket); … } } })`.
   */
  static get handlers(): BunSocketHandlers {
    return handlers;
  }

  /** The socket this transport writes to and reads from. */
  readonly socket: BunSocket;
  /** `host:port` of the peer (`[::1]:8080` for IPv6). */
  readonly remoteAddress: string | undefined;
  /** The queue size from which `write` returns `false`. */
  readonly highWaterMark: number;
  #handler: TransportHandler | undefined;
  /** Events for the handler, kept while one may not be delivered yet (before start, inside a call). */
  #pending: (() => void)[] = [];
  #started = false;
  #calling = 0;
  #deliveryScheduled = false;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #writable = true;
  #endPending = false;
  #waitingForDrain = false;
  #paused = false;
  #peerEnded = false;
  #errored = false;
  #closed = false;

  constructor(socket: BunSocket, options: BunSocketTransportOptions = {}) {
    const highWaterMark = checkHighWaterMark(options.highWaterMark);
    this.socket = socket;
    this.highWaterMark = highWaterMark;
    this.remoteAddress = formatAddress(socket.remoteAddress, socket.remotePort);
    socket.data = this;
    socket.pause();
    if (options.noDelay !== false) socket.setNoDelay?.(true);
  }

  /** Bytes written to the transport and not yet taken by the kernel. */
  get bufferedAmount(): number {
    return this.#queued;
  }

  start(handler: TransportHandler): void {
    if (this.#started) throw new TypeError('BunSocketTransport.start: already started');
    if (!handler || typeof handler.onData !== 'function') {
      throw new TypeError('BunSocketTransport.start: handler must implement TransportHandler');
    }
    this.#handler = handler;
    this.#started = true;
    if (this.#pending.length > 0) this.#scheduleDelivery();
    if (!this.#paused && !this.#closed) this.#call(() => this.socket.resume());
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (!this.#writable) return false;
    const wasEmpty = this.#queue.length === 0;
    for (const chunk of chunks) {
      if (chunk.byteLength === 0) continue;
      this.#queue.push(chunk);
      this.#queued += chunk.byteLength;
    }
    // With bytes already queued, Bun's drain comes first: writing now would only be refused.
    if (wasEmpty) this.#call(() => this.#flush());
    if (this.#queued < this.highWaterMark) return true;
    this.#waitingForDrain = true;
    return false;
  }

  pause(): void {
    this.#paused = true;
    if (!this.#closed) this.#call(() => this.socket.pause());
  }

  resume(): void {
    this.#paused = false;
    if (this.#started && !this.#closed) this.#call(() => this.socket.resume());
  }

  /** Lets the process exit while this socket is open (`socket.unref()`). */
  unref(): void {
    if (!this.#closed) this.socket.unref?.();
  }

  /** Undoes {@link unref} (`socket.ref()`). */
  ref(): void {
    if (!this.#closed) this.socket.ref?.();
  }

  end(): void {
    if (!this.#writable) return;
    this.#writable = false;
    if (this.#queue.length === 0) this.#call(() => this.socket.shutdown());
    else this.#endPending = true;
  }

  close(): void {
    // Bun releases a half-open socket once both sides have ended: ending is all there is to do.
    this.end();
  }

  abort(_error?: Error): void {
    this.#writable = false;
    this.#endPending = false;
    this.#queue = [];
    this.#queued = 0;
    if (!this.#closed) this.#call(() => this.socket.terminate());
  }

  /** Writes queued bytes until the kernel takes no more; then the pending half-close. */
  #flush(): void {
    const queue = this.#queue;
    while (queue.length > 0) {
      const { chunk, next } = joinSmallChunks(queue, 0);
      if (next > 1) queue.splice(0, next, chunk);
      const written = this.socket.write(chunk);
      if (written < 0) {
        // Closed under us: the close event follows.
        this.#writable = false;
        this.#queue = [];
        this.#queued = 0;
        return;
      }
      this.#queued -= written;
      if (written < chunk.byteLength) {
        queue[0] = chunk.subarray(written);
        return;
      }
      queue.shift();
    }
    if (this.#endPending) {
      this.#endPending = false;
      this.socket.shutdown();
    }
  }

  /** Runs a call into the socket; events it triggers synchronously are delivered afterwards. */
  #call(action: () => void): void {
    this.#calling++;
    try {
      action();
    } finally {
      this.#calling--;
    }
  }

  /** Delivers an event now, or after the ones kept, on a fresh turn. */
  #emit(deliver: () => void): void {
    if (!this.#started || this.#calling > 0 || this.#pending.length > 0) {
      this.#pending.push(deliver);
      if (this.#started) this.#scheduleDelivery();
      return;
    }
    deliver();
  }

  #scheduleDelivery(): void {
    if (this.#deliveryScheduled) return;
    this.#deliveryScheduled = true;
    queueMicrotask(() => {
      this.#deliveryScheduled = false;
      while (this.#pending.length > 0) this.#pending.shift()!();
    });
  }

  static {
    const of = (socket: BunSocket) =>
      socket.data instanceof BunSocketTransport ? (socket.data as BunSocketTransport) : undefined;
    handlers = {
      data(socket, data) {
        const transport = of(socket);
        if (transport === undefined || transport.#closed) return;
        const chunk = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        transport.#emit(() => transport.#handler!.onData(chunk));
      },
      drain(socket) {
        const transport = of(socket);
        if (transport === undefined || transport.#closed) return;
        transport.#call(() => transport.#flush());
        if (transport.#waitingForDrain && transport.#queued < transport.highWaterMark) {
          transport.#waitingForDrain = false;
          transport.#emit(() => transport.#handler!.onDrain());
        }
      },
      end(socket) {
        const transport = of(socket);
        if (transport === undefined || transport.#peerEnded || transport.#closed) return;
        transport.#peerEnded = true;
        transport.#emit(() => transport.#handler!.onEnd());
      },
      error(socket, error) {
        const transport = of(socket);
        if (transport === undefined || transport.#errored || transport.#closed) return;
        transport.#errored = true;
        transport.#writable = false;
        transport.#emit(() => transport.#handler!.onError(error));
      },
      close(socket, error) {
        const transport = of(socket);
        if (transport === undefined || transport.#closed) return;
        if (error && !transport.#errored) handlers.error!(socket, error);
        transport.#closed = true;
        transport.#writable = false;
        transport.#queue = [];
        transport.#queued = 0;
        transport.#emit(() => transport.#handler!.onClose());
      },
    };
  }
}
