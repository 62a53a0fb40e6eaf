import type { Socket } from 'node:net';
import { FrameScratch, formatAddress, type Transport, type TransportHandler } from '@wskit/transport';

/**
 * The largest piece one `socket.write` gets while a large write is paced (see `write`): 1 MiB, so
 * that pacing costs next to nothing per byte (256 KiB slices cost a 1 MiB echo 9 % more CPU), and a
 * peer still shows progress at 1 MiB per write timeout (35 KB/s at the default 30 s).
 */
const WRITE_SLICE = 1024 * 1024;

/**
 * How much a paced write keeps in the socket at once: two slices, so that the next one is queued
 * in Node's stream when the one being written completes (the kernel never waits for us).
 */
const IN_SOCKET_LIMIT = 2 * WRITE_SLICE;

/**
 * What a large write has left to hand to the socket: made when a write does not fit in
 * {@link IN_SOCKET_LIMIT} (a connection that never writes that much owns none).
 */
interface PacedWrites {
  /** Chunks not yet given to the socket, oldest first (the first may be the rest of a chunk). */
  readonly chunks: Uint8Array[];
  /** Their bytes. */
  bytes: number;
  /** `end()` or `close()` came while chunks were left: the socket is ended once they are written. */
  endWhenWritten: (() => void) | undefined;
  /** The callback of each slice's `socket.write`: hands the socket the next slice. */
  readonly written: (error?: Error | null) => void;
}

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

/**
 * The buffer lent to the masking encoders of every socket of the process, one frame of up to 1 MiB
 * at a time (`frameScratch`). It is free again once the socket no longer needs its bytes: at once
 * when the kernel took the whole write (`writableLength` 0 when `write` returns: Node completed it
 * synchronously), else at that write's callback; a write that is paced, or queued behind a paced
 * one, copies it instead.
 */
const scratch = new FrameScratch(WRITE_SLICE + 16);

/** `chunks` with the one at `index` (in the lent scratch buffer) copied, and the lending freed. */
function copyLent(chunks: readonly Uint8Array[], index: number): Uint8Array[] {
  const copied = chunks.slice();
  copied[index] = chunks[index]!.slice();
  scratch.free();
  return copied;
}

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

/** The bits of `NodeSocketTransport`'s `#flags`. */
const Flag = {
  /** `write` may still write (cleared by `end`, `close`, `abort` and the socket's errors and close). */
  Writable: 1,
  /** A write returned `false`: the handler hears of the socket's next `drain`. */
  WaitingForDrain: 2,
  /** `pause()` was called (and no `resume()` since). */
  Paused: 4,
  /** The peer ended its side (the socket's `end`). */
  PeerEnded: 8,
  /** `close()` was called. */
  Closing: 16,
  /** The socket closed and the handler was told (`onClose`). */
  Closed: 32,
  /** Events are held for the handler: before `start`, and until its replay of them ran. */
  Early: 64,
  /** The socket ended before the handler could hear of it (replayed after `start`). */
  EarlyEnded: 128,
  /** The socket closed before the handler could hear of it (replayed after `start`). */
  EarlyClosed: 256,
} as const;

/** The bits of `#flags` above these hold the peer's port (16 bits: the field stays a small integer). */
const PORT_SHIFT = 9;

/** Where `getpeername` writes the peer's address; shared by every transport (filled and read at once). */
const peerName: { address?: string; port?: number } = {};

/**
 * The peer address of the previous connection whose address was read: the next one from the same
 * host keeps this string instead of its own copy (a server behind a proxy, or a load test, sees few).
 */
let lastPeerAddress = '';

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
  /** The peer's IP address, read when the transport was made (see {@link remoteAddress}). */
  #peerAddress: string | undefined;
  #handler: TransportHandler | undefined;
  /**
   * The socket's yes/no states, one bit each (see `Flag`), and above them the peer's port (0 when
   * unknown): one field instead of ten.
   */
  #flags: number = Flag.Writable | Flag.Early;
  /** The socket's first error before the handler could hear of it (replayed after `start`). */
  #earlyError: Error | undefined;
  /** The rest of a large write, given to the socket a slice at a time (see `write`). */
  #paced: PacedWrites | undefined;

  constructor(socket: Socket, options: NodeSocketTransportOptions = {}) {
    this.socket = socket;
    this.#readPeer();
    if (options.noDelay !== false && typeof socket.setNoDelay === 'function') socket.setNoDelay(true);
    if (typeof socket.setTimeout === 'function') socket.setTimeout(0);
    socket.pause();
    (socket as TaggedSocket)[kTransport] = this;
    socket.on('error', socketListeners.error);
    socket.on('end', socketListeners.end);
    socket.on('close', socketListeners.close);
    socket.on('drain', socketListeners.drain);
    if (socket.destroyed || !socket.writable) this.#flags &= ~Flag.Writable;
    if (socket.readableEnded) this.#flags |= Flag.PeerEnded | Flag.EarlyEnded;
    if (socket.closed) this.#flags |= Flag.EarlyClosed;
  }

  /**
   * Reads the peer's address while the socket's handle is open: a connection the peer resets goes
   * with its handle, and the address could not be read after that. Asked of the handle directly
   * (what `socket.remotePort` does inside Node), so that the socket keeps no `{ address, family,
   * port }` object of its own: the transport keeps the address (one string for every connection
   * from the same host as the previous one) and the port (a small integer). Sockets without such a
   * handle (another `Duplex`, a socket still connecting) answer through their public properties, now
   * or when the address is first asked for.
   */
  #readPeer(): void {
    const socket = this.socket;
    const handle = (socket as unknown as { _handle?: { getpeername?(out: object): number } | null })._handle;
    let address: string | undefined;
    let port: number | undefined;
    if (
      typeof handle?.getpeername === 'function' &&
      !socket.connecting &&
      handle.getpeername(peerName) === 0
    ) {
      address = peerName.address;
      port = peerName.port;
    } else {
      address = socket.remoteAddress;
      port = socket.remotePort;
    }
    if (address === undefined || address === '') return;
    if (address === lastPeerAddress) address = lastPeerAddress;
    else lastPeerAddress = address;
    this.#peerAddress = address;
    this.#flags = (this.#flags & ((1 << PORT_SHIFT) - 1)) | ((port ?? 0) << PORT_SHIFT);
  }

  /**
   * `host:port` of the peer (`[::1]:8080` for IPv6), when known. Read when the transport was made,
   * so that it is still known after the socket closed, however it closed.
   */
  get remoteAddress(): string | undefined {
    if (this.#peerAddress === undefined) this.#readPeer();
    return formatAddress(this.#peerAddress, this.#flags >>> PORT_SHIFT);
  }

  /**
   * Bytes written and not yet handed to the operating system: `socket.writableLength`, plus what a
   * paced large write has not given to the socket yet.
   */
  get bufferedAmount(): number {
    const paced = this.#paced;
    return paced === undefined ? this.socket.writableLength : this.socket.writableLength + paced.bytes;
  }

  start(handler: TransportHandler): void {
    if (this.#handler) throw new TypeError('NodeSocketTransport.start: already started');
    if (!handler || typeof handler.onData !== 'function') {
      throw new TypeError('NodeSocketTransport.start: handler must implement TransportHandler');
    }
    this.#handler = handler;
    this.socket.on('data', socketListeners.data);
    if ((this.#flags & Flag.Paused) === 0) this.socket.resume();
    if (this.#earlyError !== undefined || (this.#flags & (Flag.EarlyEnded | Flag.EarlyClosed)) !== 0) {
      // Replay on a fresh turn: events never run inside a call the handler made.
      process.nextTick(() => {
        const flags = this.#flags;
        const error = this.#earlyError;
        this.#flags = flags & ~(Flag.Early | Flag.EarlyEnded | Flag.EarlyClosed);
        this.#earlyError = undefined;
        if ((flags & Flag.EarlyEnded) !== 0) handler.onEnd();
        if (error !== undefined) handler.onError(error);
        if ((flags & Flag.EarlyClosed) !== 0) this.#finish();
      });
    } else {
      this.#flags &= ~Flag.Early;
    }
  }

  /**
   * Lends the process's scratch buffer for one large masked frame (see `Transport.frameScratch`):
   * a client sending large messages reuses it instead of allocating, page-faulting and collecting
   * a fresh buffer per frame. `undefined` while it is lent or for frames over 1 MiB.
   */
  frameScratch(length: number): Uint8Array | undefined {
    if ((this.#flags & Flag.Writable) === 0 || this.socket.destroyed) return undefined;
    return scratch.lend(this, length);
  }

  /**
   * Writes `chunks` in order. What fits in two slices (2 MiB) goes to the socket at once, as one
   * `writev` when there are several. A larger write is paced: the socket gets a 1 MiB slice at a
   * time, the next one when one is written, so that `bufferedAmount` falls as the peer reads. Node
   * reports a write's progress only once it completes; a multi-megabyte `writev` would look stalled
   * to the session's write timeout until its last byte went, and a peer that reads a large message
   * slowly but steadily would be cut off. Returns `false` when the caller should wait for drain.
   */
  write(chunks: readonly Uint8Array[]): boolean {
    if ((this.#flags & Flag.Writable) === 0) return false;
    const socket = this.socket;
    if (socket.destroyed) {
      this.#flags &= ~Flag.Writable;
      return false;
    }
    const count = chunks.length;
    // A chunk in the lent scratch buffer: the socket must be done with it before it is lent again.
    const lent = scratch.indexIn(chunks);
    let ok: boolean;
    if (this.#paced !== undefined) {
      // A large write is still being paced: these go behind it.
      this.#pace(lent < 0 ? chunks : copyLent(chunks, lent));
      ok = this.#paced === undefined && socket.writableLength < socket.writableHighWaterMark;
    } else if (count === 1 && chunks[0]!.byteLength <= IN_SOCKET_LIMIT) {
      ok = lent < 0 ? socket.write(chunks[0]!) : this.#writeLent(chunks[0]!);
    } else {
      let total = 0;
      for (let index = 0; index < count; index++) total += chunks[index]!.byteLength;
      if (total > IN_SOCKET_LIMIT) {
        this.#pace(lent < 0 ? chunks : copyLent(chunks, lent));
        // The kernel may have taken it all at once: push back only while some of it waits.
        ok = this.#paced === undefined && socket.writableLength < socket.writableHighWaterMark;
      } else {
        // Corked: the writes are queued and leave as one writev when uncorked.
        socket.cork();
        for (let index = 0; index < count; index++) {
          if (index === lent) this.#writeLent(chunks[index]!);
          else socket.write(chunks[index]!);
        }
        socket.uncork();
        // What the kernel took at once is no longer buffered: push back only for what is.
        ok = socket.writableLength < socket.writableHighWaterMark;
      }
    }
    // Node completes a write the kernel took whole synchronously: nothing of it is kept.
    if (lent >= 0 && scratch.lentTo(this) && socket.writableLength === 0) scratch.free();
    if (!ok) this.#flags |= Flag.WaitingForDrain;
    return ok;
  }

  /** Writes the chunk in the lent scratch buffer; its callback frees the lending if nothing did before. */
  #writeLent(chunk: Uint8Array): boolean {
    const lending = scratch.lending;
    return this.socket.write(chunk, () => scratch.freeLending(lending));
  }

  /** Queues `chunks` behind the paced write (starting one) and gives the socket what fits. */
  #pace(chunks: readonly Uint8Array[]): void {
    let paced = this.#paced;
    if (paced === undefined) {
      paced = { chunks: [], bytes: 0, endWhenWritten: undefined, written: () => this.#pump() };
      this.#paced = paced;
    }
    for (const chunk of chunks) {
      if (chunk.byteLength === 0) continue;
      paced.chunks.push(chunk);
      paced.bytes += chunk.byteLength;
    }
    this.#pump();
  }

  /**
   * Gives the socket slices of the paced write while it holds less than {@link IN_SOCKET_LIMIT};
   * called again by each slice's write callback. Once everything went, pacing ends (and a deferred
   * end runs); the socket's `drain` then reaches the handler.
   */
  #pump(): void {
    const paced = this.#paced;
    if (paced === undefined) return;
    const socket = this.socket;
    if (socket.destroyed) {
      this.#paced = undefined;
      return;
    }
    const { chunks } = paced;
    while (paced.bytes > 0 && socket.writableLength < IN_SOCKET_LIMIT) {
      const head = chunks[0]!;
      let slice = head;
      if (head.byteLength > WRITE_SLICE) {
        slice = head.subarray(0, WRITE_SLICE);
        chunks[0] = head.subarray(WRITE_SLICE);
      } else chunks.shift();
      paced.bytes -= slice.byteLength;
      socket.write(slice, paced.written);
    }
    if (paced.bytes === 0) {
      this.#paced = undefined;
      // The socket's `drain` tells the handler, unless none is coming (the last slices fitted
      // under its high-water mark, or it drained between slices): then tell it here.
      if (!socket.writableNeedDrain) process.nextTick(() => this.#onDrain());
      paced.endWhenWritten?.();
    }
  }

  pause(): void {
    this.#flags |= Flag.Paused;
    this.socket.pause();
  }

  resume(): void {
    this.#flags &= ~Flag.Paused;
    if (this.#handler) this.socket.resume();
  }

  end(): void {
    if ((this.#flags & Flag.Writable) === 0) return;
    this.#flags &= ~Flag.Writable;
    this.#afterPacedWrite(() => this.socket.end());
  }

  /** Runs `step` now, or once a paced write has given the socket everything. */
  #afterPacedWrite(step: () => void): void {
    const paced = this.#paced;
    if (paced === undefined) step();
    else paced.endWhenWritten = step;
  }

  close(): void {
    const flags = this.#flags;
    if ((flags & (Flag.Closing | Flag.Closed)) !== 0) return;
    this.#flags = (flags | Flag.Closing) & ~Flag.Writable;
    const wasWritable = (flags & Flag.Writable) !== 0;
    const socket = this.socket;
    if (socket.destroyed) return;
    const release = () => {
      if ((this.#flags & Flag.PeerEnded) !== 0 && !socket.destroyed) socket.destroy();
    };
    if (wasWritable || !socket.writableEnded) {
      // After what a paced write still holds (a plain end() may have deferred its end already).
      this.#afterPacedWrite(() => socket.end(release));
    } else if (socket.writableFinished) release();
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
    this.#flags &= ~Flag.Writable;
    this.#paced = undefined;
    // Whatever was encoded into the lent buffer will not be written (a destroyed socket drops its writes).
    if (scratch.lentTo(this)) scratch.free();
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
    this.#flags |= Flag.PeerEnded;
    if ((this.#flags & Flag.Early) !== 0) {
      this.#flags |= Flag.EarlyEnded;
      return;
    }
    this.#handler?.onEnd();
    // close() waits for the peer: release once our own FIN has gone too.
    const socket = this.socket;
    if ((this.#flags & Flag.Closing) !== 0 && socket.writableFinished && !socket.destroyed) socket.destroy();
  }

  #onError(error: Error): void {
    this.#flags &= ~Flag.Writable;
    if ((this.#flags & Flag.Early) !== 0) {
      this.#earlyError ??= error;
      return;
    }
    if ((this.#flags & Flag.Closed) === 0) this.#handler?.onError(error);
  }

  #onClose(): void {
    this.#flags &= ~Flag.Writable;
    if (scratch.lentTo(this)) scratch.free();
    if ((this.#flags & Flag.Early) !== 0) {
      this.#flags |= Flag.EarlyClosed;
      return;
    }
    this.#finish();
  }

  #onDrain(): void {
    // While a write is paced, the socket drains between slices: only the end of it counts.
    const flags = this.#flags;
    if ((flags & Flag.WaitingForDrain) === 0 || (flags & Flag.Closed) !== 0 || this.#paced !== undefined)
      return;
    this.#flags = flags & ~Flag.WaitingForDrain;
    this.#handler?.onDrain();
  }

  #finish(): void {
    if ((this.#flags & Flag.Closed) !== 0) return;
    this.#flags |= Flag.Closed;
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
