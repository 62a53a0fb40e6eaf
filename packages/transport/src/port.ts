/**
 * The transport port: the small interface every runtime adapter implements (`@wskit/node` over
 * `net`/`tls`, `@wskit/bun` over Bun sockets, `@wskit/cloudflare` over `cloudflare:sockets`, and
 * in-memory pairs in tests). The session driver runs a protocol connection over any `Transport`.
 *
 * ## Contract
 *
 * Ordering and ownership
 * - `write(chunks)` hands the arrays to the transport, which writes them in order, after every
 *   earlier write, and never modifies them. The caller must not modify them afterwards either.
 * - Every byte given to `write` is written or the transport fails (`onError` then `onClose`): it is
 *   never dropped silently, whatever the runtime's socket accepts per call.
 * - `onData(chunk)` passes ownership of `chunk` to the handler: the transport never touches it again
 *   (the codec unmasks payloads in place and hands out views into it).
 *
 * Backpressure
 * - `write` returns `false` once `bufferedAmount` (bytes accepted but not yet handed to the
 *   operating system or runtime) reaches the transport's high-water mark. The caller should stop
 *   writing and wait for `onDrain`, which fires once the buffer has emptied below the mark after a
 *   `false`. Writing anyway is allowed (nothing is lost) but memory then grows.
 * - `pause()` stops `onData` deliveries (the runtime stops reading, so the peer's sends back up
 *   through TCP flow control); `resume()` restarts them. Both are idempotent.
 *
 * Ending
 * - `end()` half-closes: the queued bytes are written, then the write side is shut (TCP FIN). Data
 *   may still arrive until the peer ends too.
 * - `close()` ends gracefully and then releases the transport once the peer has ended as well (or at
 *   once if it already had).
 * - `abort(error?)` drops whatever is queued and closes now (TCP RST where the runtime can).
 * - Writes after `end()`, `close()` or `abort()` are ignored and return `false`.
 *
 * Events (through the handler given to `start`, each on a fresh turn or synchronously from the
 * runtime's callback, never from inside a call the handler made into the transport)
 * - `onData` for each chunk read; `onEnd` once when the peer ended its side (EOF);
 * - `onDrain` after a `write` returned `false` and the buffer emptied;
 * - `onError` for a transport failure (reset, TLS error), followed by `onClose`;
 * - `onClose` exactly once, last: the transport is fully closed and released.
 *
 * Event loop (optional)
 * - `unref()`/`ref()`, where the runtime counts sockets that keep the process alive (Node, Bun):
 *   after `unref()` the open transport no longer does; `ref()` undoes it. Both are idempotent.
 */
export interface Transport {
  /** Starts delivering events to `handler`. Called once, before any other method. */
  start(handler: TransportHandler): void;
  /**
   * Queues `chunks` for writing, in order. Returns `false` when the caller should wait for
   * `onDrain` before writing more.
   */
  write(chunks: readonly Uint8Array[]): boolean;
  /** Bytes accepted by `write` and not yet handed to the runtime's socket. */
  readonly bufferedAmount: number;
  /** Stops reading from the peer. */
  pause(): void;
  /** Resumes reading from the peer. */
  resume(): void;
  /** Writes what is queued, then shuts the write side (half-close). */
  end(): void;
  /** Ends gracefully and releases the transport once the peer has ended too. */
  close(): void;
  /** Drops what is queued and closes at once. */
  abort(error?: Error): void;
  /** A short description of the remote end for logs and errors, e.g. `127.0.0.1:9001`. */
  readonly remoteAddress?: string | undefined;
  /**
   * Optional: lets the runtime's event loop exit while this transport is open (Node's and Bun's
   * `socket.unref()`). Absent where the runtime keeps no process alive for a socket (workerd).
   */
  unref?(): void;
  /** Optional: undoes {@link unref}, so the open transport keeps the event loop alive again. */
  ref?(): void;
  /**
   * Optional: lends a buffer of `length` bytes that the next masked frame over 4 KiB may be
   * encoded into instead of a new array, or returns `undefined` (none free, or `length` too large).
   * The transport promises that once the {@link write} carrying the lent bytes returns, it needs
   * them no more (it wrote them, or copied what it keeps), and lends it to no one before that.
   * For transports whose runtime writes synchronously (Bun's sockets): a client sending large
   * messages then reuses one buffer instead of allocating, page-faulting and collecting one per frame.
   */
  frameScratch?(length: number): Uint8Array | undefined;
}

/** The callbacks a {@link Transport} delivers to its user. */
export interface TransportHandler {
  /** Bytes arrived; the handler now owns `chunk`. */
  onData(chunk: Uint8Array): void;
  /** The peer ended its side: no more data will arrive. */
  onEnd(): void;
  /** The write buffer emptied after `write` returned `false`. */
  onDrain(): void;
  /** The transport failed; `onClose` follows. */
  onError(error: Error): void;
  /** The transport is closed; the last callback. */
  onClose(): void;
}
