import type { Socket } from 'node:net';
import { formatAddress, type Transport, type TransportHandler } from '@wskit/transport';

/** The largest piece one `socket.write` gets (see `write`): 256 KiB. */
const WRITE_SLICE = 256 * 1024;

/** Options of a {@link NodeSocketTransport}. */
export interface NodeSocketTransportOptions {
  /**
   * Disable Nagle's algorithm (`socket.setNoDelay(true)`), so a small frame leaves at once instead
   * of waiting for the previous one's acknowledgement (default `true`).
   */
  readonly noDelay?: boolean;
}

/** The socket's property that leads its shared listeners (below) to its transport. */
const kTransport = Symbol('wskit.transport');

/** A socket with its transport attached, as the shared listeners see it (`this`). */
type TaggedSocket = Socket & { [kTransport]?: NodeSocketTransport };

/**
 * The socket listeners, one function each for every transport (Node calls a listener with the
 * socket as `this`): a transport owns no closure per event. Set by the static block of
 * `NodeSocketTransport`, which reaches its private members.
 */
let socketListeners: {
  data(this: TaggedSocket, chunk: Buffer): void;
  end(this: TaggedSocket): void;
  error(this: TaggedSocket, error: Error): void;
  close(this: TaggedSocket): void;
  drain(this: TaggedSocket): void;
};

/** What happened to the socket before {@link NodeSocketTransport.start} attached a handler. */
interface EarlyEvents {
  error: Error | undefined;
  ended: boolean;
  closed: boolean;
}

/**
 * The transport port over a Node `net.Socket` or `tls.TLSSocket`: the adapter between a socket and
 * the session driver of `@wskit/transport`.
 *
 * - `write(chunks)` writes several arrays as one `writev` (the socket is corked around them), so a
 *   frame header and its payload leave in one system call without being joined first. Its result is
 *   `socket.write`'s: `false` once the socket's buffer reached its `writableHighWaterMark`, and
 *   `onDrain` follows the socket's `'drain'`.
 * - `bufferedAmount` is `socket.writableLength`.
 * - Chunks read are handed to `onData` without a copy: each is a plain `Uint8Array` view of the
 *   bytes of the `Buffer` Node read (so `slice()` copies, as everywhere else).
 * - `unref()`/`ref()` are the socket's: an unref'd open WebSocket lets the process exit.
 * - `end()` half-closes (FIN after the queued bytes), `close()` also destroys the socket once the
 *   peer has ended, `abort()` drops the queue and resets the connection (RST) where the socket is a
 *   plain TCP socket, or destroys it.
 *
 * The transport pauses the socket when it is created and listens for errors at once, so nothing is
 * lost or thrown between the handshake and {@link start}: what happened meanwhile is reported
 * after `start`.
 */
export class NodeSocketTransport implements Transport {
  /** The socket this transport writes to and reads from. */
  readonly socket: Socket;
  /** `host:port` of the peer, formatted when first read. */
  #remoteAddress: string | undefined;
  #handler: TransportHandler | undefined;
  #early: EarlyEvents | undefined = { error: undefined, ended: false, closed: false };
  #writable = true;
  #waitingForDrain = false;
  #paused = false;
  #peerEnded = false;
  #closing = false;
  #closed = false;

  constructor(socket: Socket, options: NodeSocketTransportOptions = {}) {
    this.socket = socket;
    // Node keeps the peer's address once read: read it while the handle is open, so that
    // `remoteAddress` (formatted on first use) still knows it after the socket closed.
    void socket.remotePort;
    if (options.noDelay !== false && typeof socket.setNoDelay === 'function') socket.setNoDelay(true);
    if (typeof socket.setTimeout === 'function') socket.setTimeout(0);
    socket.pause();
    (socket as TaggedSocket)[kTransport] = this;
    socket.on('error', socketListeners.error);
    socket.on('end', socketListeners.end);
    socket.on('close', socketListeners.close);
    socket.on('drain', socketListeners.drain);
    if (socket.destroyed || !socket.writable) this.#writable = false;
    if (socket.readableEnded) this.#peerEnded = this.#early!.ended = true;
    if (socket.closed) this.#early!.closed = true;
  }

  /** `host:port` of the peer (`[::1]:8080` for IPv6), when known. */
  get remoteAddress(): string | undefined {
    if (this.#remoteAddress === undefined) {
      this.#remoteAddress = formatAddress(this.socket.remoteAddress, this.socket.remotePort);
    }
    return this.#remoteAddress;
  }

  /** Bytes written and not yet handed to the operating system (`socket.writableLength`). */
  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  start(handler: TransportHandler): void {
    if (this.#handler) throw new TypeError('NodeSocketTransport.start: already started');
    if (!handler || typeof handler.onData !== 'function') {
      throw new TypeError('NodeSocketTransport.start: handler must implement TransportHandler');
    }
    this.#handler = handler;
    const early = this.#early!;
    this.socket.on('data', socketListeners.data);
    if (!this.#paused) this.socket.resume();
    if (early.error || early.ended || early.closed) {
      // Replay on a fresh turn: events never run inside a call the handler made.
      process.nextTick(() => {
        this.#early = undefined;
        if (early.ended) handler.onEnd();
        if (early.error) handler.onError(early.error);
        if (early.closed) this.#finish();
      });
    } else {
      this.#early = undefined;
    }
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (!this.#writable) return false;
    const socket = this.socket;
    if (socket.destroyed) {
      this.#writable = false;
      return false;
    }
    let ok = true;
    const count = chunks.length;
    if (count === 1 && chunks[0]!.byteLength <= WRITE_SLICE) {
      ok = socket.write(chunks[0]!);
    } else if (count > 0) {
      // Corked: the writes are queued and leave as one writev when uncorked.
      socket.cork();
      for (let index = 0; index < count; index++) {
        const chunk = chunks[index]!;
        // A large payload goes as views of WRITE_SLICE bytes: `writableLength` then shrinks as the
        // peer reads, so the session's write timeout sees progress within a large message.
        for (let offset = 0; offset < chunk.byteLength; offset += WRITE_SLICE) {
          ok = socket.write(
            offset === 0 && chunk.byteLength <= WRITE_SLICE
              ? chunk
              : chunk.subarray(offset, Math.min(offset + WRITE_SLICE, chunk.byteLength)),
          );
        }
      }
      socket.uncork();
      // What the kernel took at once is no longer buffered: push back only for what is.
      ok = socket.writableLength < socket.writableHighWaterMark;
    } else {
      ok = socket.writableLength < socket.writableHighWaterMark;
    }
    if (!ok) this.#waitingForDrain = true;
    return ok;
  }

  pause(): void {
    this.#paused = true;
    this.socket.pause();
  }

  resume(): void {
    this.#paused = false;
    if (this.#handler) this.socket.resume();
  }

  end(): void {
    if (!this.#writable) return;
    this.#writable = false;
    this.socket.end();
  }

  close(): void {
    if (this.#closing || this.#closed) return;
    this.#closing = true;
    const wasWritable = this.#writable;
    this.#writable = false;
    const socket = this.socket;
    if (socket.destroyed) return;
    const release = () => {
      if (this.#peerEnded && !socket.destroyed) socket.destroy();
    };
    if (wasWritable || !socket.writableEnded) socket.end(release);
    else if (socket.writableFinished) release();
    else socket.once('finish', release);
  }

  /** Lets the process exit while this socket is open (`socket.unref()`). */
  unref(): void {
    if (typeof this.socket.unref === 'function') this.socket.unref();
  }

  /** Undoes {@link unref} (`socket.ref()`). */
  ref(): void {
    if (typeof this.socket.ref === 'function') this.socket.ref();
  }

  abort(_error?: Error): void {
    this.#writable = false;
    const socket = this.socket;
    if (socket.destroyed) return;
    // resetAndDestroy sends an RST on a TCP handle; a TLS socket's handle refuses it.
    if (typeof socket.resetAndDestroy === 'function' && isTcpHandle(socket)) {
      try {
        socket.resetAndDestroy();
        return;
      } catch {
        // Fall through to a plain destroy.
      }
    }
    socket.destroy();
  }

  static {
    socketListeners = {
      data(chunk) {
        this[kTransport]!.#onData(chunk);
      },
      end() {
        this[kTransport]!.#onEnd();
      },
      error(error) {
        this[kTransport]!.#onError(error);
      },
      close() {
        this[kTransport]!.#onClose();
      },
      drain() {
        this[kTransport]!.#onDrain();
      },
    };
  }

  #onData(chunk: Buffer): void {
    // The same bytes, not a copy: a plain Uint8Array view, so that `slice()` copies as it does on
    // every other runtime (Buffer#slice would return a view into the socket's chunk).
    this.#handler!.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  #onEnd(): void {
    this.#peerEnded = true;
    if (this.#early) {
      this.#early.ended = true;
      return;
    }
    this.#handler?.onEnd();
    // close() waits for the peer: release once our own FIN has gone too.
    const socket = this.socket;
    if (this.#closing && socket.writableFinished && !socket.destroyed) socket.destroy();
  }

  #onError(error: Error): void {
    this.#writable = false;
    if (this.#early) {
      this.#early.error ??= error;
      return;
    }
    if (!this.#closed) this.#handler?.onError(error);
  }

  #onClose(): void {
    this.#writable = false;
    if (this.#early) {
      this.#early.closed = true;
      return;
    }
    this.#finish();
  }

  #onDrain(): void {
    if (!this.#waitingForDrain || this.#closed) return;
    this.#waitingForDrain = false;
    this.#handler?.onDrain();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    const socket = this.socket;
    socket.off('data', socketListeners.data);
    socket.off('end', socketListeners.end);
    socket.off('drain', socketListeners.drain);
    socket.off('close', socketListeners.close);
    // Keep the error listener: a late 'error' must never become an uncaught exception.
    this.#handler?.onClose();
  }
}

/** Whether the socket sits directly on a TCP handle (not TLS, not a pipe). */
function isTcpHandle(socket: Socket): boolean {
  const handle = (socket as unknown as { _handle?: { constructor?: { name?: string } } })._handle;
  return handle?.constructor?.name === 'TCP';
}
