import { checkHighWaterMark, joinSmallChunks, type Transport, type TransportHandler } from '@wskit/transport';
import type { CloudflareSocket } from './sockets.js';

/** Options of a {@link CloudflareSocketTransport}. */
export interface CloudflareSocketTransportOptions {
  /** `write` returns `false` from this many bytes not yet written on (default 64 KiB). */
  readonly highWaterMark?: number;
  /** `remoteAddress`, e.g. from `await socket.opened`. */
  readonly remoteAddress?: string | undefined;
}

/**
 * The transport port over a socket of `connect()` from `cloudflare:sockets`.
 *
 * - **Writes** go to the socket's `WritableStream`; every byte counts in `bufferedAmount` until its
 *   `await writer.write()` settled (the runtime took it), `write` returns `false` from
 *   `highWaterMark` on, and `onDrain` follows once the settled writes bring it below. Small chunks
 *   of one `write` are joined into one stream write.
 * - **Reads** come from the `ReadableStream`, one `read()` at a time: `pause()` stops reading (the
 *   stream's backpressure reaches TCP), `resume()` goes on. Chunks are handed over as they are.
 * - **Ending.** `end()` closes the writer (FIN, the socket is opened half-open); `close()` also
 *   closes the socket once the peer has ended; `abort()` aborts the writer and closes the socket
 *   now (Workers have no TCP reset). `onClose` follows `socket.closed` (`onError` first when it
 *   rejects, or when a read or write failed).
 */
export class CloudflareSocketTransport implements Transport {
  /** The socket this transport writes to and reads from. */
  readonly socket: CloudflareSocket;
  /** The peer, when known. */
  readonly remoteAddress: string | undefined;
  /** The `bufferedAmount` from which `write` returns `false`. */
  readonly highWaterMark: number;
  #handler: TransportHandler | undefined;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #buffered = 0;
  #writable = true;
  #waitingForDrain = false;
  #paused = false;
  #resume: (() => void) | undefined;
  #peerEnded = false;
  #writerClosed = false;
  #closing = false;
  #failed = false;
  #closed = false;

  constructor(socket: CloudflareSocket, options: CloudflareSocketTransportOptions = {}) {
    const highWaterMark = checkHighWaterMark(options.highWaterMark);
    this.socket = socket;
    this.highWaterMark = highWaterMark;
    this.remoteAddress = options.remoteAddress;
    this.#writer = socket.writable.getWriter();
  }

  /** Bytes given to `write` whose stream writes have not settled yet. */
  get bufferedAmount(): number {
    return this.#buffered;
  }

  start(handler: TransportHandler): void {
    if (this.#handler) throw new TypeError('CloudflareSocketTransport.start: already started');
    if (!handler || typeof handler.onData !== 'function') {
      throw new TypeError('CloudflareSocketTransport.start: handler must implement TransportHandler');
    }
    this.#handler = handler;
    void this.#read();
    this.socket.closed.then(
      () => this.#finish(),
      (error: unknown) => {
        this.#fail(error);
        this.#finish();
      },
    );
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (!this.#writable) return false;
    let index = 0;
    while (index < chunks.length) {
      if (chunks[index]!.byteLength === 0) {
        index++;
        continue;
      }
      const run = joinSmallChunks(chunks, index);
      const chunk = run.chunk;
      index = run.next;
      const size = chunk.byteLength;
      this.#buffered += size;
      this.#writer.write(chunk).then(
        () => {
          this.#buffered -= size;
          if (this.#waitingForDrain && this.#buffered < this.highWaterMark && !this.#closed) {
            this.#waitingForDrain = false;
            this.#handler?.onDrain();
          }
        },
        (error: unknown) => {
          this.#buffered -= size;
          this.#fail(error);
          this.#release();
        },
      );
    }
    if (this.#buffered < this.highWaterMark) return true;
    this.#waitingForDrain = true;
    return false;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.();
  }

  end(): void {
    if (!this.#writable) return;
    this.#writable = false;
    // Closes once the queued writes are done: a FIN, reading goes on (allowHalfOpen).
    this.#writer.close().then(
      () => {
        this.#writerClosed = true;
        if (this.#closing && this.#peerEnded) this.#release();
      },
      () => {},
    );
  }

  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.end();
    if (this.#writerClosed && this.#peerEnded) this.#release();
  }

  abort(error?: Error): void {
    this.#writable = false;
    this.#writer.abort(error).catch(() => {});
    this.#release();
  }

  /** Reads until the peer ends or the socket fails, one read at a time, holding back while paused. */
  async #read(): Promise<void> {
    const reader = this.socket.readable.getReader();
    try {
      for (;;) {
        if (this.#paused) await new Promise<void>((resolve) => (this.#resume = resolve));
        const { value, done } = await reader.read();
        if (done) break;
        if (this.#closed) return;
        if (this.#paused) await new Promise<void>((resolve) => (this.#resume = resolve));
        if (value.byteLength > 0) this.#handler!.onData(value);
      }
    } catch (error) {
      this.#fail(error);
      this.#release();
      return;
    }
    if (this.#closed) return;
    this.#peerEnded = true;
    this.#handler!.onEnd();
    if (this.#closing && this.#writerClosed) this.#release();
  }

  #fail(error: unknown): void {
    if (this.#failed || this.#closed) return;
    this.#failed = true;
    this.#writable = false;
    this.#handler?.onError(error instanceof Error ? error : new Error(String(error)));
  }

  /** Closes the socket: `socket.closed` settles, and `onClose` follows. */
  #release(): void {
    this.socket.close().catch(() => {});
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#writable = false;
    this.#resume?.();
    this.#handler?.onClose();
  }
}
