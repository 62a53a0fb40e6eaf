import { type MessageType, validateLocalClose } from '@wskit/codec';
import { Connection, type ConnectionEvent, DefaultTimeouts, isConnectionError } from '@wskit/protocol';
import { createDeferred, type Deferred, rejected } from './deferred.js';
import { WebSocketError } from './errors.js';
import { checkSize, DefaultSessionOptions, type OpenWebSocketOptions } from './options.js';
import { OutgoingQueue, type Payload, type StreamEntry } from './outgoing-queue.js';
import type { Transport, TransportHandler } from './port.js';

/** How a session ended: the close event's values. */
export interface CloseInfo {
  /** The close code: the peer's (1005 when it sent none), ours on a failure, 1006 when the transport was lost. */
  readonly code: number;
  /** The close reason (empty when there was none). */
  readonly reason: string;
  /** Whether the close handshake completed. */
  readonly wasClean: boolean;
}

/** What the session reports to the API above it. */
export interface SessionHost {
  message(type: MessageType, data: string | Uint8Array): void;
  messagePiece(type: MessageType, data: Uint8Array, final: boolean): void;
  ping(data: Uint8Array): void;
  pong(data: Uint8Array): void;
  error(error: Error): void;
  drain(): void;
  closed(info: CloseInfo): void;
}

/** The session's state, as the APIs show it. */
export type SessionState = 'OPEN' | 'CLOSING' | 'CLOSED';

const clock = (): number => performance.now();
const NO_DEFERREDS: Deferred[] = [];

/**
 * The session driver: runs a protocol `Connection` over a {@link Transport}.
 *
 * - **Batching**: sends are queued and handed to the engine in a microtask, so that every message of
 *   one turn goes out in one `transport.write(chunks)`; after received data, what the engine wants
 *   to write (pongs, close replies, messages the handlers sent) goes out in one write as well.
 * - **Backpressure**: messages wait in the driver's queue while the transport pushes back (its
 *   `write` returned `false` and `onDrain` did not come yet); a send's promise settles when its bytes
 *   were handed to the transport. Each write carries at most about `highWaterMark` payload bytes.
 *   Reading pauses while the API above holds too many undelivered messages.
 * - **Timers**: one timer follows the engine's `nextDeadline()` (close handshake timeout, keepalive
 *   ping, pong timeout, a client's wait for the server's close); after `transport.close()` a grace
 *   timer of `closeTimeout` aborts a transport that never finishes closing.
 */
export class Session {
  readonly #transport: Transport;
  readonly #engine: Connection;
  readonly #host: SessionHost;
  readonly #queue = new OutgoingQueue();
  readonly #highWaterMark: number;
  readonly #closeTimeout: number;
  readonly #pongTimeout: number;

  /** The transport's last `write` returned `false` and its `onDrain` has not come yet. */
  #blocked = false;
  #flushScheduled = false;
  #flushing = false;
  #flushAgain = false;
  #dispatching = false;
  #drainWanted = false;
  /** Control frames written at the next flush, whose promises settle then. */
  #controlWaiters: Deferred[] = [];
  #closeRequested = false;
  #terminated = false;
  #readPaused = false;
  #transportClosing = false;
  #transportClosed = false;
  #eofDelivered = false;
  #transportError: Error | undefined;
  #closeInfo: CloseInfo | undefined;
  #finished = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = 0;
  /** Keepalive deadlines wait until then: the peer's answers may still sit unread after a pause. */
  #keepaliveHold = 0;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(transport: Transport, options: OpenWebSocketOptions, host: SessionHost) {
    this.#transport = transport;
    this.#host = host;
    this.#highWaterMark = checkSize(
      'highWaterMark',
      options.highWaterMark,
      DefaultSessionOptions.highWaterMark,
    );
    this.#closeTimeout = options.closeTimeout ?? DefaultTimeouts.closeTimeout;
    this.#pongTimeout = options.pongTimeout ?? DefaultTimeouts.pongTimeout;
    this.#engine = new Connection({
      role: options.role,
      clock,
      onWake: () => this.#afterEngine(),
      extensions: options.extensions,
      autoPong: options.autoPong,
      closeTimeout: options.closeTimeout,
      keepaliveInterval: options.keepaliveInterval,
      pongTimeout: options.pongTimeout,
      maxFrameSize: options.maxFrameSize,
      maxMessageSize: options.maxMessageSize,
      maxFragments: options.maxFragments,
      delivery: options.delivery,
      validateUtf8: options.validateUtf8,
      utf8Check: options.utf8Check,
      mask: options.mask,
      enforceMasking: options.enforceMasking,
      maskKeys: options.maskKeys,
    });
  }

  /** Starts the transport and feeds the early data; the session runs from here on. */
  start(earlyData: Uint8Array | undefined): void {
    this.#transport.start(this.#transportHandler());
    this.#engine.events(); // the open event: the API is open from its creation
    if (earlyData !== undefined && earlyData.length > 0) this.#receive(earlyData);
    this.#armTimer();
  }

  /** `OPEN`; `CLOSING` once a close was asked for or the connection is closing; `CLOSED` at the end. */
  get state(): SessionState {
    if (this.#finished) return 'CLOSED';
    if (this.#closeRequested || this.#engine.state !== 'OPEN') return 'CLOSING';
    return 'OPEN';
  }

  /** Payload bytes queued in the driver plus the transport's `bufferedAmount`. */
  get bufferedAmount(): number {
    return this.#queue.bytes + this.#transport.bufferedAmount;
  }

  /** The high-water mark in force. */
  get highWaterMark(): number {
    return this.#highWaterMark;
  }

  /** Whether a sender should wait for drain: the transport pushes back and `bufferedAmount` reached the mark. */
  get needsDrain(): boolean {
    return this.#blocked && !this.#finished && this.bufferedAmount >= this.#highWaterMark;
  }

  /** The transport's description of its remote end. */
  get remoteAddress(): string | undefined {
    return this.#transport.remoteAddress;
  }

  // ---- sending --------------------------------------------------------------------------------

  /** Queues a whole message; settles when its bytes were handed to the transport. */
  send(type: MessageType, data: Payload, size: number): Promise<void> {
    if (this.state !== 'OPEN') return rejected(new WebSocketError('WS_ERR_NOT_OPEN'));
    const promise = this.#queue.pushMessage(type, data, size);
    this.#queued();
    return promise;
  }

  /** Opens a streamed message; it holds its place in the queue from now on. */
  openStream(type: MessageType): StreamEntry | undefined {
    if (this.state !== 'OPEN') return undefined;
    return this.#queue.openStream(type);
  }

  /** Queues a fragment of a streamed message; settles when it was handed to the transport. */
  sendFragment(stream: StreamEntry | undefined, data: Payload, size: number, final: boolean): Promise<void> {
    if (stream === undefined || stream.done || this.state !== 'OPEN') {
      return rejected(new WebSocketError('WS_ERR_NOT_OPEN'));
    }
    const promise = this.#queue.pushFragment(stream, data, size, final);
    this.#queued();
    return promise;
  }

  /** Sends a ping or a pong now, ahead of queued messages; settles when it was handed to the transport. */
  sendControl(kind: 'ping' | 'pong', data: Uint8Array): Promise<void> {
    if (this.#finished || this.#terminated || this.#engine.state === 'CLOSED') {
      return rejected(new WebSocketError('WS_ERR_NOT_OPEN'));
    }
    if (kind === 'ping') this.#engine.sendPing(data);
    else this.#engine.sendPong(data);
    const done = createDeferred();
    this.#controlWaiters.push(done);
    this.#scheduleFlush();
    return done.promise;
  }

  /**
   * Starts the close handshake: everything queued that can go is handed to the engine (regardless
   * of backpressure: it is already in memory), the rest is dropped, then the close frame follows.
   * Throws `RangeError`/`TypeError` for a code or reason that may not be sent.
   */
  close(code?: number, reason?: string): void {
    validateLocalClose(code, reason);
    if (this.state !== 'OPEN') return;
    this.#closeRequested = true;
    const handed = this.#queue.take(Number.POSITIVE_INFINITY, this.#engine);
    this.#queue.clear(new WebSocketError('WS_ERR_CLOSED_BEFORE_SENT'));
    this.#engine.sendClose(code, reason);
    this.#afterEngine(handed);
  }

  /** Drops the transport at once (TCP RST where the runtime can): the close is 1006. */
  terminate(): void {
    if (this.#finished || this.#terminated) return;
    this.#terminated = true;
    this.#closeRequested = true;
    this.#queue.clear(new WebSocketError('WS_ERR_CLOSED_BEFORE_SENT'));
    this.#transport.abort();
  }

  // ---- reading --------------------------------------------------------------------------------

  /** Stops reading from the transport (the API above holds too many undelivered messages). */
  pauseReading(): void {
    if (this.#readPaused || this.#engine.state === 'CLOSED' || this.#transportClosed) return;
    this.#readPaused = true;
    this.#transport.pause();
    this.#armTimer();
  }

  /**
   * Resumes reading from the transport. The keepalive was suspended while paused (a pong could not
   * be read); it gives the peer a whole `pongTimeout` from now before it judges it unresponsive.
   */
  resumeReading(): void {
    if (!this.#readPaused) return;
    this.#readPaused = false;
    this.#keepaliveHold = clock() + this.#pongTimeout;
    if (!this.#transportClosed) this.#transport.resume();
    this.#armTimer();
  }

  // ---- the transport's events -----------------------------------------------------------------

  #transportHandler(): TransportHandler {
    return {
      onData: (chunk) => this.#receive(chunk),
      onEnd: () => this.#receiveEof(),
      onDrain: () => {
        this.#blocked = false;
        this.#flush();
      },
      onError: (error) => {
        this.#transportError ??= error;
      },
      onClose: () => {
        this.#transportClosed = true;
        this.#blocked = false;
        if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
        this.#graceTimer = undefined;
        this.#receiveEof();
        this.#finish();
      },
    };
  }

  #receive(chunk: Uint8Array): void {
    if (this.#eofDelivered) return;
    this.#engine.receiveData(chunk);
    this.#afterEngine();
  }

  #receiveEof(): void {
    if (this.#eofDelivered) return;
    this.#eofDelivered = true;
    this.#engine.receiveEof();
    this.#afterEngine();
  }

  // ---- after every call into the engine ---------------------------------------------------------

  /** Delivers the engine's events, then writes what it wants written (see "Driving the engine"). */
  #afterEngine(handed: Deferred[] = NO_DEFERREDS): void {
    this.#dispatch();
    if (this.#engine.state === 'CLOSED' && this.#readPaused) this.resumeReading();
    this.#flush(handed);
  }

  #dispatch(): void {
    if (this.#dispatching) return; // the outer loop picks the new events up
    this.#dispatching = true;
    try {
      for (let events = this.#engine.events(); events.length > 0; events = this.#engine.events()) {
        for (const event of events) this.#deliver(event);
      }
    } finally {
      this.#dispatching = false;
    }
  }

  #deliver(event: ConnectionEvent): void {
    switch (event.type) {
      case 'message':
        this.#host.message(event.messageType, event.data);
        return;
      case 'messagePiece':
        this.#host.messagePiece(event.messageType, event.data, event.final);
        return;
      case 'ping':
        this.#host.ping(event.data);
        return;
      case 'pong':
        this.#host.pong(event.data);
        return;
      case 'error':
        if (isConnectionError(event.error) && event.error.code === 'WS_ERR_UNEXPECTED_EOF') {
          if (this.#terminated) return; // our own terminate(): the close event says it all
          if (this.#transportError !== undefined) {
            const cause = this.#transportError;
            this.#host.error(new WebSocketError('WS_ERR_TRANSPORT', cause.message, { cause }));
            return;
          }
        }
        this.#host.error(event.error);
        return;
      case 'close':
        this.#closeInfo = { code: event.code, reason: event.reason, wasClean: event.wasClean };
        this.#queue.clear(new WebSocketError('WS_ERR_CLOSED_BEFORE_SENT'));
        this.#finish();
        return;
      case 'open':
        return;
    }
  }

  #queued(): void {
    if (this.needsDrain) this.#drainWanted = true;
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  /**
   * Hands queued messages to the engine (unless the transport pushes back), then writes all the
   * engine's output in one `write`, again while the transport accepts more. Closes the transport
   * when the engine says so, re-arms the timer and reports drain.
   */
  #flush(handed: Deferred[] = NO_DEFERREDS): void {
    if (this.#flushing) {
      this.#flushAgain = true;
      if (handed.length > 0) this.#controlWaiters.push(...handed);
      return;
    }
    this.#flushing = true;
    try {
      do {
        this.#flushAgain = false;
        for (;;) {
          const taken =
            this.#blocked || this.#engine.state !== 'OPEN' || this.#queue.isEmpty
              ? NO_DEFERREDS
              : this.#queue.take(this.#highWaterMark, this.#engine);
          const chunks = this.#engine.dataToSend();
          if (chunks.length > 0 && !this.#transportClosed && !this.#terminated) {
            if (!this.#transport.write(chunks)) this.#blocked = true;
          }
          for (const deferred of handed) deferred.resolve();
          handed = NO_DEFERREDS;
          for (const deferred of taken) deferred.resolve();
          if (this.#controlWaiters.length > 0) {
            const waiters = this.#controlWaiters;
            this.#controlWaiters = [];
            for (const deferred of waiters) deferred.resolve();
          }
          if (taken.length === 0 || this.#blocked || this.#queue.isEmpty) break;
        }
        if (this.#engine.shouldCloseTransport && !this.#transportClosing) this.#closeTransport();
      } while (this.#flushAgain);
    } finally {
      this.#flushing = false;
    }
    this.#armTimer();
    if (this.needsDrain) {
      this.#drainWanted = true;
    } else if (this.#drainWanted) {
      this.#drainWanted = false;
      if (!this.#finished) this.#host.drain();
    }
  }

  #closeTransport(): void {
    this.#transportClosing = true;
    if (this.#transportClosed) return;
    this.#transport.close();
    // The transport closes once the peer ended too; a peer that never does is cut off.
    this.#graceTimer = setTimeout(() => {
      this.#graceTimer = undefined;
      if (!this.#transportClosed) this.#transport.abort();
    }, this.#closeTimeout);
  }

  // ---- time ------------------------------------------------------------------------------------

  /**
   * Follows `nextDeadline()`. A later deadline keeps an armed earlier timer: it fires, finds nothing
   * due and re-arms. While `OPEN` the deadlines are the keepalive's: suspended while reading is
   * paused, held back for a `pongTimeout` after it resumed.
   */
  #armTimer(): void {
    if (this.#finished) return;
    let at = this.#engine.nextDeadline();
    if (at !== undefined && this.#engine.state === 'OPEN') {
      if (this.#readPaused) at = undefined;
      else if (at < this.#keepaliveHold) at = this.#keepaliveHold;
    }
    if (at === undefined) {
      this.#clearTimer();
      return;
    }
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        const now = clock();
        const held = this.#engine.state === 'OPEN' && (this.#readPaused || now < this.#keepaliveHold);
        if (held) {
          this.#armTimer();
          return;
        }
        this.#engine.onDeadline(now);
        this.#afterEngine();
      },
      Math.max(0, Math.ceil(at - clock())),
    );
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  // ---- the end ---------------------------------------------------------------------------------

  /** Reports the close once the engine closed and the transport is closed too. */
  #finish(): void {
    if (this.#finished || this.#closeInfo === undefined || !this.#transportClosed) return;
    this.#finished = true;
    this.#clearTimer();
    if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    this.#queue.clear(new WebSocketError('WS_ERR_CLOSED_BEFORE_SENT'));
    const waiters = this.#controlWaiters;
    this.#controlWaiters = [];
    for (const deferred of waiters) deferred.reject(new WebSocketError('WS_ERR_CLOSED_BEFORE_SENT'));
    this.#host.closed(this.#closeInfo);
  }
}
