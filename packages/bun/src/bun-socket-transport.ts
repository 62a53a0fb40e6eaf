import {
  checkHighWaterMark,
  FrameScratch,
  formatAddress,
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

/**
 * Bytes gathered into one `socket.write`. Bun's write takes one buffer and keeps none of it (it
 * returns what the kernel took), so one buffer serves every socket of the process, reused by each
 * write; allocated on the first write that needs it.
 */
const GATHER_SIZE = 256 * 1024;
/** Chunks up to this size are copied into the gathering buffer; larger ones are written from where they are. */
const COPY_LIMIT = 64 * 1024;
/**
 * Before a chunk too large to copy, what was gathered (its frame header, say) is topped off with
 * the chunk's first bytes, up to this many: the header leaves in a full segment instead of alone.
 */
const TOP_OFF = 16 * 1024;

let gathering: Uint8Array | undefined;

/**
 * The buffer lent to the masking encoders of every socket of the process, one frame of up to 1 MiB
 * at a time (`frameScratch`): Bun's `socket.write` copies nothing and keeps nothing, so once the
 * `write` that carries the frame returns, what the kernel did not take has been copied into the
 * queue (`#keep`) and the buffer is free again.
 */
const scratch = new FrameScratch(1024 * 1024 + 16);

/**
 * Transports with received chunks waiting for {@link deliverReceived}. Bun runs the promise jobs
 * after every socket callback, and that costs when there are any: a session answering in a
 * promise job (`for await`, a `send()` promise) would pay it for every socket with data. Instead,
 * the `data` handler only keeps the chunk, and one task after the loop's I/O delivers the chunks of
 * every socket that read, so their promise jobs run together once.
 */
let received: BunSocketTransport[] = [];
let spareReceived: BunSocketTransport[] = [];
let receivedScheduled = false;
let deliverReceived!: () => void;

let handlers!: BunSocketHandlers;

/**
 * The transport port over a Bun socket (`Bun.connect`, `Bun.listen`).
 *
 * - **Partial writes.** Bun's `socket.write` writes what the kernel takes now, returns that count,
 *   and keeps nothing: the transport keeps the rest, in order, and writes it on Bun's `drain`, so no
 *   byte is lost. `bufferedAmount` is what it keeps; `write` returns `false` from `highWaterMark`
 *   on and `onDrain` follows once the queue is below it again: memory stays bounded for a writer
 *   that waits (the session driver does).
 * - **One `socket.write` per `write`** when the kernel takes it all: the chunks (frame headers and
 *   payloads up to 64 KiB) are gathered into one buffer shared by every socket of the process, so
 *   the usual write allocates nothing and keeps nothing; a larger payload is written from where it
 *   is, after the bytes before it topped off with its first 16 KiB (a header never leaves alone).
 * - `pause()`/`resume()` are the socket's, so a paused transport pushes back through TCP. Chunks
 *   read are handed over without a copy, as plain `Uint8Array`s (the handlers ask Bun for
 *   `binaryType: 'uint8array'`), in one task after the event loop's I/O for every socket that read
 *   (`setImmediate`): Bun runs the promise jobs after each socket callback, so the handlers' promise
 *   jobs (a `for await` reader, `send()` promises) run once per turn rather than once per socket.
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
  /**
   * Events for the handler, in order, kept until delivered (received chunks as they are, any other
   * event as the call that delivers it): before start, inside a call, and chunks until the task
   * that delivers them.
   */
  #pending: (Uint8Array | (() => void))[] = [];
  /** Whether this transport is in {@link received}. */
  #listed = false;
  #started = false;
  #calling = 0;
  #deliveryScheduled = false;
  /** Chunks the kernel did not take yet, in order; the first from {@link #headOffset} on. */
  #queue: Uint8Array[] = [];
  #headOffset = 0;
  #queued = 0;
  /** Where the last {@link #send} stopped: the chunk index and the offset in it. */
  #stopIndex = 0;
  #stopOffset = 0;
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

  /**
   * Lends the process's scratch buffer for one large masked frame (see `Transport.frameScratch`):
   * a client sending large messages reuses it instead of allocating, page-faulting and collecting
   * a fresh buffer per frame. `undefined` while it is lent or for frames over 1 MiB.
   */
  frameScratch(length: number): Uint8Array | undefined {
    return this.#writable ? scratch.lend(this, length) : undefined;
  }

  write(chunks: readonly Uint8Array[]): boolean {
    // When the lent buffer is in this write, whatever the write keeps of it is copied (#keep): once
    // it returns, the buffer can be lent again.
    if (scratch.indexIn(chunks) < 0) return this.#write(chunks);
    try {
      return this.#write(chunks);
    } finally {
      scratch.free();
    }
  }

  #write(chunks: readonly Uint8Array[]): boolean {
    if (!this.#writable) return false;
    if (this.#queue.length > 0) {
      // Bun's drain comes first: writing now would only be refused.
      for (const chunk of chunks) this.#keep(chunk);
    } else if (!this.#closed) {
      // The usual case: everything leaves now, nothing is kept and nothing allocated.
      this.#calling++;
      let open: boolean;
      try {
        open = this.#send(chunks, 0, 0);
      } finally {
        this.#calling--;
      }
      if (!open) {
        this.#lost();
        return false;
      }
      const stop = this.#stopIndex;
      if (stop < chunks.length) {
        this.#keep(this.#stopOffset === 0 ? chunks[stop]! : chunks[stop]!.subarray(this.#stopOffset));
        for (let index = stop + 1; index < chunks.length; index++) this.#keep(chunks[index]!);
      }
    }
    if (this.#queued < this.highWaterMark) return true;
    this.#waitingForDrain = true;
    return false;
  }

  #keep(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    // The lent scratch buffer is reused after this write: keep a copy of what is left of it.
    if (scratch.holds(chunk)) chunk = chunk.slice();
    this.#queue.push(chunk);
    this.#queued += chunk.byteLength;
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
    this.#endPending = false;
    this.#lost();
    if (!this.#closed) this.#call(() => this.socket.terminate());
  }

  /** Writes queued bytes until the kernel takes no more; then the pending half-close. */
  #flush(): void {
    const queue = this.#queue;
    if (queue.length > 0) {
      if (!this.#send(queue, 0, this.#headOffset)) {
        this.#lost();
        return;
      }
      const stop = this.#stopIndex;
      let left = 0;
      for (let index = stop; index < queue.length; index++) left += queue[index]!.byteLength;
      this.#queued = left - this.#stopOffset;
      queue.splice(0, stop);
      this.#headOffset = this.#stopOffset;
      if (queue.length > 0) return;
    }
    if (this.#endPending) {
      this.#endPending = false;
      this.socket.shutdown();
    }
  }

  /** The socket closed under a write: drop what is kept (the close event follows). */
  #lost(): void {
    this.#writable = false;
    // What was encoded into the lent buffer will never be written.
    if (scratch.lentTo(this)) scratch.free();
    this.#queue = [];
    this.#headOffset = 0;
    this.#queued = 0;
  }

  /**
   * Writes `list` from chunk `index`, byte `offset` on, until it is all written or the kernel takes
   * no more; leaves where it stopped in {@link #stopIndex} and {@link #stopOffset}. Small chunks
   * (a frame header, small payloads) are gathered into one write with a copy; a large chunk is
   * written from where it is, after the bytes gathered before it topped off with its start. `false`
   * once the socket is closed.
   */
  #send(list: readonly Uint8Array[], index: number, offset: number): boolean {
    const socket = this.socket;
    const count = list.length;
    while (index < count) {
      const first = list[index]!;
      const firstRest = first.byteLength - offset;
      if (firstRest > COPY_LIMIT || index + 1 === count) {
        // A large chunk, or the last one: no copy.
        const written = firstRest === 0 ? 0 : socket.write(first, offset, firstRest);
        if (written < 0) return false;
        if (written < firstRest) {
          this.#stopIndex = index;
          this.#stopOffset = offset + written;
          return true;
        }
        index++;
        offset = 0;
        continue;
      }
      gathering ??= new Uint8Array(GATHER_SIZE);
      const buffer = gathering;
      let end = index;
      let endOffset = offset;
      let filled = 0;
      while (end < count) {
        const chunk = list[end]!;
        const rest = chunk.byteLength - endOffset;
        if (rest <= COPY_LIMIT && filled + rest <= GATHER_SIZE) {
          buffer.set(endOffset === 0 ? chunk : chunk.subarray(endOffset), filled);
          filled += rest;
          end++;
          endOffset = 0;
          continue;
        }
        if (rest > COPY_LIMIT) {
          const part = Math.min(TOP_OFF, GATHER_SIZE - filled);
          buffer.set(chunk.subarray(endOffset, endOffset + part), filled);
          filled += part;
          endOffset += part;
        }
        break;
      }
      const written = socket.write(buffer, 0, filled);
      if (written < 0) return false;
      if (written === filled) {
        index = end;
        offset = endOffset;
        continue;
      }
      // Partial: find where the kernel stopped; the rest stays in the chunks themselves.
      let skip = written;
      for (;;) {
        const rest = list[index]!.byteLength - offset;
        if (skip < rest) break;
        skip -= rest;
        index++;
        offset = 0;
      }
      this.#stopIndex = index;
      this.#stopOffset = offset + skip;
      return true;
    }
    this.#stopIndex = count;
    this.#stopOffset = 0;
    return true;
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
      this.#deliverPending();
    });
  }

  /** Delivers the events kept, in order (a handler may add more meanwhile). */
  #deliverPending(): void {
    const pending = this.#pending;
    while (pending.length > 0) {
      const event = pending.shift()!;
      if (typeof event === 'function') event();
      else this.#handler!.onData(event);
    }
  }

  static {
    const of = (socket: BunSocket) =>
      socket.data instanceof BunSocketTransport ? (socket.data as BunSocketTransport) : undefined;
    deliverReceived = () => {
      receivedScheduled = false;
      const list = received;
      received = spareReceived;
      spareReceived = list;
      for (let index = 0; index < list.length; index++) {
        const transport = list[index]!;
        transport.#listed = false;
        try {
          if (transport.#calling === 0) transport.#deliverPending();
          else transport.#scheduleDelivery();
        } catch (error) {
          // What Bun does with an exception from a socket callback: the socket's error handler
          // gets it. The other sockets' chunks, and this one's later events, are still delivered.
          if (transport.#pending.length > 0) transport.#scheduleDelivery();
          handlers.error?.(transport.socket, error instanceof Error ? error : new Error(String(error)));
        }
      }
      list.length = 0;
    };
    handlers = {
      // Bun hands `data` a plain Uint8Array: no Buffer to re-view (reading its `buffer` costs).
      binaryType: 'uint8array',
      data(socket, data) {
        const transport = of(socket);
        if (transport === undefined || transport.#closed) return;
        // A plain Uint8Array (binaryType 'uint8array'): the codec's views of it stay plain too.
        const chunk =
          data.constructor === Uint8Array
            ? data
            : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        // Kept without a closure, behind the events kept before it, for the task after this turn's
        // I/O (or for start, or the delivery already planned).
        transport.#pending.push(chunk);
        if (transport.#started && !transport.#listed) {
          transport.#listed = true;
          received.push(transport);
          if (!receivedScheduled) {
            receivedScheduled = true;
            setImmediate(deliverReceived);
          }
        }
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
        transport.#lost();
        transport.#emit(() => transport.#handler!.onClose());
      },
    };
  }
}
