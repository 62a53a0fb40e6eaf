import type { Transport, TransportHandler } from '@wskit/transport';

/** Options of {@link createTransportPair}. */
export interface TransportPairOptions {
  /** Each end's write buffer mark: `write` returns `false` from this many buffered bytes on (default 16 KiB). */
  highWaterMark?: number;
  /** The largest chunk `onData` delivers, like a TCP read (default 64 KiB). Writes are joined and split to it. */
  chunkSize?: number;
}

/** One end of an in-memory transport pair: a {@link Transport} with counters for tests. */
export interface InMemoryTransport extends Transport {
  /** How many times `write` was called. */
  readonly writeCount: number;
  /** Bytes accepted by `write` in all. */
  readonly bytesWritten: number;
  /** Whether reading is paused (`pause()`). */
  readonly paused: boolean;
  /** Whether `onClose` was delivered. */
  readonly closed: boolean;
  /** The high-water mark of this end's write buffer. */
  readonly highWaterMark: number;
}

/** The two ends of an in-memory connection; what one writes, the other reads. */
export interface TransportPair {
  /** The end a client session runs over. */
  readonly client: InMemoryTransport;
  /** The end a server session runs over. */
  readonly server: InMemoryTransport;
}

/** Deliveries per burst of microtasks before a macrotask turn, so that timers get to run. */
const MICROTASK_BURST = 256;
let burst = 0;
let burstResetArmed = false;

function schedule(task: () => void): void {
  if (burst >= MICROTASK_BURST) {
    setTimeout(task, 0);
    return;
  }
  burst++;
  if (!burstResetArmed) {
    burstResetArmed = true;
    setTimeout(() => {
      burst = 0;
      burstResetArmed = false;
    }, 0);
  }
  queueMicrotask(task);
}

/**
 * Creates two connected in-memory transports that keep the port contract exactly: bytes arrive in
 * order, copied into fresh chunks of at most `chunkSize` bytes (a real socket's reads); `write`
 * returns `false` from `highWaterMark` buffered bytes on and `onDrain` follows once the buffer is
 * below it again; a paused end receives nothing, so the writer's buffer grows, as over TCP; every
 * event comes in a later microtask (with a macrotask turn now and then), never from inside a call.
 */
export function createTransportPair(options: TransportPairOptions = {}): TransportPair {
  const highWaterMark = options.highWaterMark ?? 16 * 1024;
  const chunkSize = options.chunkSize ?? 64 * 1024;
  if (!(highWaterMark >= 0) || !(chunkSize >= 1)) {
    throw new RangeError('highWaterMark must be >= 0 and chunkSize >= 1');
  }
  const client = new MemoryEnd('memory:server', highWaterMark, chunkSize);
  const server = new MemoryEnd('memory:client', highWaterMark, chunkSize);
  client.connect(server);
  server.connect(client);
  return { client, server };
}

class MemoryEnd implements InMemoryTransport {
  readonly remoteAddress: string;
  readonly highWaterMark: number;
  readonly #chunkSize: number;
  #peer!: MemoryEnd;
  #handler: TransportHandler | undefined;
  /** Bytes written by this end, not yet delivered to the peer. */
  #outgoing: Uint8Array[] = [];
  #outgoingOffset = 0;
  #buffered = 0;
  #needDrain = false;
  #pumpScheduled = false;
  #writeEnded = false;
  #finDelivered = false;
  #readEnded = false;
  #paused = false;
  #aborted = false;
  #closeScheduled = false;
  #closed = false;
  #writeCount = 0;
  #bytesWritten = 0;

  constructor(remoteAddress: string, highWaterMark: number, chunkSize: number) {
    this.remoteAddress = remoteAddress;
    this.highWaterMark = highWaterMark;
    this.#chunkSize = chunkSize;
  }

  connect(peer: MemoryEnd): void {
    this.#peer = peer;
  }

  get writeCount(): number {
    return this.#writeCount;
  }
  get bytesWritten(): number {
    return this.#bytesWritten;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get bufferedAmount(): number {
    return this.#buffered;
  }

  start(handler: TransportHandler): void {
    if (this.#handler !== undefined) throw new TypeError('start() was already called');
    this.#handler = handler;
    // Bytes the peer wrote before we started are delivered now.
    this.#peer.#schedulePump();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    this.#writeCount++;
    if (this.#writeEnded || this.#aborted || this.#closed) return false;
    for (const chunk of chunks) {
      if (chunk.length === 0) continue;
      this.#outgoing.push(chunk);
      this.#buffered += chunk.length;
      this.#bytesWritten += chunk.length;
    }
    this.#schedulePump();
    if (this.#buffered >= this.highWaterMark) {
      this.#needDrain = true;
      return false;
    }
    return true;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#peer.#schedulePump();
  }

  end(): void {
    if (this.#writeEnded || this.#aborted) return;
    this.#writeEnded = true;
    this.#schedulePump();
  }

  close(): void {
    this.end();
  }

  abort(_error?: Error): void {
    if (this.#aborted || this.#closed) return;
    this.#aborted = true;
    this.#writeEnded = true;
    this.#outgoing = [];
    this.#outgoingOffset = 0;
    this.#buffered = 0;
    this.#scheduleClose();
    this.#peer.#peerAborted();
  }

  #peerAborted(): void {
    if (this.#closed || this.#closeScheduled) return;
    this.#outgoing = [];
    this.#outgoingOffset = 0;
    this.#buffered = 0;
    this.#writeEnded = true;
    schedule(() => {
      if (this.#closed) return;
      this.#handler?.onError(new Error('The connection was reset by the peer'));
      this.#scheduleClose();
    });
  }

  /** Delivers what this end wrote to the peer, while the peer reads. */
  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    schedule(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    const peer = this.#peer;
    const handler = peer.#handler;
    if (handler === undefined || this.#aborted || peer.#closed || peer.#closeScheduled) return;
    // One read per turn, like a socket: the receiver may pause in between.
    if (this.#buffered > 0 && !peer.#paused) {
      handler.onData(this.#read());
      if (this.#needDrain && this.#buffered < this.highWaterMark) {
        this.#needDrain = false;
        this.#handler?.onDrain();
      }
      if (this.#buffered > 0) {
        this.#schedulePump();
        return;
      }
    }
    if (this.#buffered === 0 && this.#writeEnded && !this.#finDelivered && !peer.#paused) {
      this.#finDelivered = true;
      peer.#readEnded = true;
      handler.onEnd();
      peer.#closeIfDone();
      this.#closeIfDone();
    }
  }

  /** Takes up to `chunkSize` bytes off the outgoing queue, as one fresh array. */
  #read(): Uint8Array {
    const size = Math.min(this.#chunkSize, this.#buffered);
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const head = this.#outgoing[0]!;
      const available = head.length - this.#outgoingOffset;
      const take = Math.min(available, size - filled);
      out.set(head.subarray(this.#outgoingOffset, this.#outgoingOffset + take), filled);
      filled += take;
      if (take === available) {
        this.#outgoing.shift();
        this.#outgoingOffset = 0;
      } else {
        this.#outgoingOffset += take;
      }
    }
    this.#buffered -= size;
    return out;
  }

  #closeIfDone(): void {
    if (this.#finDelivered && this.#readEnded) this.#scheduleClose();
  }

  #scheduleClose(): void {
    if (this.#closeScheduled || this.#closed) return;
    this.#closeScheduled = true;
    schedule(() => {
      this.#closed = true;
      this.#handler?.onClose();
    });
  }
}
