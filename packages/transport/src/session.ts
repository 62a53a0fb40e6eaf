import { type MessageType, validateLocalClose } from '@wskit/codec';
import {
  Connection,
  type ConnectionEvent,
  DefaultTimeouts,
  isConnectionError,
  type SendOptions,
} from '@wskit/protocol';
import { type DeadlineEntry, sessionDeadlines } from './deadlines.js';
import { createDeferred, type Deferred, rejectDeferred, rejected } from './deferred.js';
import { WebSocketError } from './errors.js';
import { type DirectTransport, takeDirect } from './handshake-transport.js';
import { checkSize, DefaultSessionOptions, type OpenWebSocketOptions } from './options.js';
import { OutgoingQueue, type Payload, type StreamEntry } from './outgoing-queue.js';
import type { Transport, TransportHandler } from './port.js';
import { type SessionInput, SessionPhase, sessionStep, sessionWrites } from './session-lifecycle.js';

/** How a session ended: the close event's values. */
export interface CloseInfo {
  /** The close code: the peer's (1005 when it sent none), ours on a failure, 1006 when the transport was lost. */
  readonly code: number;
  /** The close reason (empty when there was none). */
  readonly reason: string;
  /** Whether the close handshake completed. */
  readonly wasClean: boolean;
}

/**
 * What the session reports to the API above it (the idiomatic `WebSocket`, WinHTTP's handle, any
 * other front end), in wire order.
 */
export interface SessionHost {
  /** A whole received message (`delivery: 'whole'`): text as a string, binary as bytes. */
  message(type: MessageType, data: string | Uint8Array): void;
  /** A piece of a received message (`delivery: 'pieces'`); `final` on the last one. */
  messagePiece(type: MessageType, data: Uint8Array, final: boolean): void;
  /** A ping arrived (already answered with `autoPong`). */
  ping(data: Uint8Array): void;
  /** A pong arrived. */
  pong(data: Uint8Array): void;
  /**
   * The peer's close frame arrived, behind the messages before it (1005 when it carried no code).
   * When it opened the close handshake, our reply is due: with `closeReply: 'auto'` the session
   * writes it on the next turn; with `'application'` the front end answers with `close(code,
   * reason)` or `replyToClose()`. When it answered our own close frame, the handshake is complete
   * (the transport closes next, then `closed`).
   */
  closeReceived?(code: number, reason: string): void;
  /** The connection failed (in wire order behind what arrived before); the close follows. */
  error(error: Error): void;
  /** `bufferedAmount` fell below the high-water mark after a send had to wait. */
  drain(): void;
  /**
   * Payload bytes the API above keeps undelivered (its inbox), counted in the connection's byte
   * budget (`maxBufferedBytes`) with what waits to be written. Absent: none.
   */
  heldBytes?(): number;
  /** The engine and the transport are both closed: the last call. */
  closed(info: CloseInfo): void;
}

/** Options of the driver itself, for front ends (not for users of the idiomatic API). */
export interface SessionDriverOptions extends OpenWebSocketOptions {
  /**
   * Who answers the peer's Close: `'auto'` (default) writes the reply (echoing its code) on the next
   * turn, after the application's answers to the messages before it; `'application'` leaves it to
   * the front end, which may still send (the half-closed state) and then replies with its own status
   * (`close(code, reason)`) or the echo (`replyToClose()`), as WinHTTP's and websocket.dll's
   * applications do.
   */
  closeReply?: 'auto' | 'application';
  /** The engine's keepalive frame (`'ping'`, default, or `'pong'`: WinHTTP's unsolicited pong). */
  keepalive?: 'ping' | 'pong';
}

/** The session's state, as the APIs show it. */
export type SessionState = 'OPEN' | 'CLOSING' | 'CLOSED';

/**
 * The session's clock: whole milliseconds of `performance.now()`. Whole numbers are small integers
 * to V8, stored in the objects that keep them (the engine's last activity, the deadline queue's
 * entry); fractions would each take a heap number per connection, and timers are no finer anyway.
 */
const clock = (): number => Math.floor(performance.now());

/**
 * Runs queued sends once the current turn's promise jobs ran: on runtimes with `setImmediate` (Node,
 * Bun) after every I/O callback of this turn of the event loop, so that what the handlers and the
 * `for await` loops of every connection sent in one turn leaves in one write per connection; in a
 * microtask elsewhere (workerd, browsers), where timers are coarse.
 */
const afterPromiseJobs: (task: () => void) => void =
  typeof setImmediate === 'function' ? (task) => runInTurnBatch(task) : (task) => queueMicrotask(task);

/**
 * The tasks for the next `setImmediate`: every session that has sends to flush in this turn shares
 * one Immediate (a connection costs an array slot, not an Immediate object and its list links).
 * Tasks added while the batch runs go to the next one, as a `setImmediate` inside an Immediate does.
 */
let turnBatch: (() => void)[] = [];
let spareBatch: (() => void)[] = [];
let turnBatchScheduled = false;

function runInTurnBatch(task: () => void): void {
  turnBatch.push(task);
  if (turnBatchScheduled) return;
  turnBatchScheduled = true;
  setImmediate(runTurnBatch);
}

function runTurnBatch(): void {
  turnBatchScheduled = false;
  const tasks = turnBatch;
  turnBatch = spareBatch;
  spareBatch = tasks;
  for (let index = 0; index < tasks.length; index++) {
    try {
      tasks[index]!();
    } catch (error) {
      // A listener called by a flush (`drain`) threw: reported as its own Immediate would have
      // been (an uncaught exception), without keeping the other sessions from flushing.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
  tasks.length = 0;
}

/** The transport's {@link Transport.frameScratch}, for a masking engine's encoder (absent: none). */
function scratchOf(transport: Transport): ((length: number) => Uint8Array | undefined) | undefined {
  return typeof transport.frameScratch === 'function'
    ? (length) => transport.frameScratch!(length)
    : undefined;
}

/** Runs `task` on the next turn of the event loop, after the pending promise jobs (and I/O, on Node). */
const nextTurn: (task: () => void) => void =
  typeof setImmediate === 'function' ? (task) => setImmediate(task) : (task) => setTimeout(task, 0);
/** The bits of `Session`'s `#flags`. */
const SessionFlag = {
  /** The API above asked to stop reading (`pauseReading`). */
  HostPaused: 1,
  /** What the connection holds reached `maxBufferedBytes`: reading stops until it falls below. */
  BudgetPaused: 2,
  /** While paused, the transport reads once so that a keepalive ping can be answered (see `#startProbe`). */
  Probing: 4,
  /** The transport's last `write` returned `false` and its `onDrain` has not come yet. */
  Blocked: 8,
  /** `#flush` is running (a nested call only asks for another round). */
  Flushing: 16,
  /** A nested `#flush` asked for another round. */
  FlushAgain: 32,
  /** `#dispatch` is delivering the engine's events (the outer loop picks up new ones). */
  Dispatching: 64,
  /** A sender met backpressure: `drain` is reported once it is gone. */
  DrainWanted: 128,
  /** The front end was told of the peer's close frame (`SessionHost.closeReceived`). */
  CloseAnnounced: 256,
  /** The close step (writing the due close frame) is scheduled. */
  CloseStepScheduled: 512,
  /** The `closeReply` option is `'application'` (otherwise `'auto'`). */
  ApplicationReplies: 1024,
  /** The `keepalive` option is `'pong'` (otherwise `'ping'`). */
  KeepalivePongs: 2048,
} as const;

/**
 * Joins, in place, chunks that continue one another in memory: small frames encoded one after
 * another into the codec's frame pool. A burst of small messages then reaches the transport as one
 * chunk, one write instead of one per frame (the engine keeps one array per frame, as websocket.dll's
 * buffers need).
 */
function joinAdjacent(chunks: Uint8Array[]): void {
  let kept = 0;
  let previous = chunks[0]!;
  for (let index = 1; index < chunks.length; index++) {
    const chunk = chunks[index]!;
    if (previous.byteOffset + previous.byteLength === chunk.byteOffset && previous.buffer === chunk.buffer) {
      previous = new Uint8Array(previous.buffer, previous.byteOffset, previous.byteLength + chunk.byteLength);
    } else {
      chunks[kept++] = previous;
      previous = chunk;
    }
  }
  chunks[kept++] = previous;
  chunks.length = kept;
}

/** Shared empty lists (never written to): an idle session owns no arrays for its waiters. */
const NO_DEFERREDS = Object.freeze([]) as unknown as Deferred[];
const NO_BATCHES = Object.freeze([]) as unknown as EncodingBatch[];
const NO_CHUNKS = Object.freeze([]) as unknown as Uint8Array[];

/** Messages handed to the engine together while an extension was still encoding (compressing). */
interface EncodingBatch {
  /** Settled once this many messages were encoded (the engine encodes one at a time, in order). */
  readonly target: number;
  /** Their payload bytes, counted in `bufferedAmount` until then. */
  readonly bytes: number;
  /** Their promises, resolved once their frames were written. */
  readonly handed: Deferred[];
}

/** Makes a connection's callbacks object; set by the static block of `Session`, which reaches its private members. */
let newTransportEvents: (session: Session) => TransportHandler & DeadlineEntry;

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
 * - **Asynchronous extensions** (permessage-deflate): the engine's `onWake` runs the driver again
 *   when an extension answers. Messages the engine is still encoding count in `bufferedAmount`, and
 *   no more are handed to it while they reach `highWaterMark`, so a compressor slower than the
 *   sender pushes back like a slow transport.
 * - **Timers**: one entry of the shared deadline queue follows the engine's `nextDeadline()` (close
 *   handshake timeout, keepalive ping, pong timeout, a client's wait for the server's close) and,
 *   after `transport.close()`, the grace deadline of `closeTimeout` that aborts a transport that
 *   never finishes closing.
 */
export class Session {
  readonly #transport: Transport;
  /** Starts the transport when it was taken directly from a handshake (see `takeDirect`). */
  readonly #attach: ((handler: TransportHandler) => void) | undefined;
  readonly #engine: Connection;
  readonly #host: SessionHost;
  readonly #queue = new OutgoingQueue();
  readonly #highWaterMark: number;
  #closeTimeout: number;
  readonly #writeTimeout: number;
  readonly #idleTimeout: number;
  /** When a message was last sent or received (the clock's milliseconds), for the idle timeout. */
  #lastActivity = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Runs while the transport pushes back: no progress until it fires fails the connection. */
  #writeTimer: ReturnType<typeof setTimeout> | undefined;

  /** Where the session is in its lifecycle: see `session-lifecycle.ts`. */
  #phase: SessionPhase = SessionPhase.Open;
  /** What dropped the transport, once something did: the input that led to `ABORTING`. */
  #abortedBy: SessionInput | undefined;
  /** The read side: `paused` while the API above or the byte budget holds it; `ended` once the engine got the end of stream. */
  #reading: 'flowing' | 'paused' | 'ended' = 'flowing';
  /** Bytes read by keepalive probes during this pause; once `highWaterMark`, the keepalive waits for the resume. */
  #probeBytes = 0;
  /**
   * The session's yes/no states, one bit each (see `SessionFlag`): one field instead of ten, on every
   * connection. Read and written through `#has` and `#mark`.
   */
  #flags = 0;
  /**
   * Whether `flag` (one of `SessionFlag`) is set. Private methods rather than a private accessor per
   * flag: V8 inlines private methods but calls private accessors (about 5 ns each, a dozen per message).
   */
  #has(flag: number): boolean {
    return (this.#flags & flag) !== 0;
  }
  /** Sets (`value` true) or clears `flag`. */
  #mark(flag: number, value: boolean): void {
    this.#flags = value ? this.#flags | flag : this.#flags & ~flag;
  }
  /** A flush is scheduled: after this turn's promise jobs (`later`), or in a microtask (`soon`). */
  #flushPlanned: 'none' | 'later' | 'soon' = 'none';
  /** Control frames written at the next flush, whose promises settle then. */
  #controlWaiters: Deferred[] = NO_DEFERREDS;
  /** Messages handed to the engine while it was encoding, oldest first. */
  #encodingBatches: EncodingBatch[] = NO_BATCHES;
  /** Payload bytes of {@link #encodingBatches}. */
  #encodingBytes = 0;
  /** Early data, and what arrived behind it, held until the next turn (see `start`). */
  #held: Uint8Array[] | undefined;
  #transportError: Error | undefined;
  #closeInfo: CloseInfo | undefined;
  /**
   * The transport's handler, which is also this session's entry in the shared deadline queue
   * (`deadlines.ts`): one object for both, with methods on a shared prototype.
   */
  readonly #events: TransportHandler & DeadlineEntry;
  readonly #maxBufferedBytes: number;
  /**
   * When a transport asked to close (`transport.close()`) is cut off if it has not closed by then
   * (the clock's milliseconds; -1 when none is due): a deadline of the shared queue, like the
   * engine's, not a runtime timer of its own.
   */
  #graceAt = -1;

  constructor(transport: Transport, options: SessionDriverOptions, host: SessionHost) {
    // After a handshake, the connection's own transport (not the handed-over wrapper), when it can.
    const direct = (transport as { [takeDirect]?: () => DirectTransport | undefined })[takeDirect]?.();
    this.#transport = direct?.transport ?? transport;
    this.#attach = direct?.attach;
    this.#events = newTransportEvents(this);
    this.#host = host;
    const closeReply = options.closeReply ?? 'auto';
    if (closeReply !== 'auto' && closeReply !== 'application') {
      throw new TypeError(`closeReply must be 'auto' or 'application', not ${String(closeReply)}`);
    }
    // Two settings as bits of `#flags` rather than two fields per connection.
    if (closeReply === 'application') this.#flags |= SessionFlag.ApplicationReplies;
    if (options.keepalive === 'pong') this.#flags |= SessionFlag.KeepalivePongs;
    this.#maxBufferedBytes = checkSize(
      'maxBufferedBytes',
      options.maxBufferedBytes,
      DefaultSessionOptions.maxBufferedBytes,
    );
    this.#highWaterMark = checkSize(
      'highWaterMark',
      options.highWaterMark,
      DefaultSessionOptions.highWaterMark,
    );
    this.#closeTimeout = options.closeTimeout ?? DefaultTimeouts.closeTimeout;
    const writeTimeout = checkSize('writeTimeout', options.writeTimeout, DefaultSessionOptions.writeTimeout);
    this.#writeTimeout = writeTimeout === Number.POSITIVE_INFINITY ? 0 : writeTimeout;
    const idleTimeout = checkSize('idleTimeout', options.idleTimeout, 0);
    this.#idleTimeout = idleTimeout === Number.POSITIVE_INFINITY ? 0 : idleTimeout;
    this.#engine = new Connection({
      role: options.role,
      clock,
      frameScratch: (options.mask ?? options.role === 'client') ? scratchOf(this.#transport) : undefined,
      // An extension answered outside any call into the engine: deliver and write what it produced.
      // Only extensions answer later: without them a session owns no closure for it.
      onWake:
        options.extensions === undefined || options.extensions.length === 0
          ? undefined
          : () => this.#afterEngine(),
      extensions: options.extensions,
      autoPong: options.autoPong,
      maxPendingPings: options.maxPendingPings,
      // The close frame that is due (the reply to the peer's Close, or the failing close after a
      // protocol error) waits for the close step: the application answers what came before first.
      autoFlushClose: false,
      closeTimeout: options.closeTimeout,
      keepaliveInterval: options.keepaliveInterval,
      pongTimeout: options.pongTimeout,
      keepalive: options.keepalive,
      maxFrameSize: options.maxFrameSize,
      maxMessageSize: options.maxMessageSize,
      maxFragments: options.maxFragments,
      delivery: options.delivery,
      decodeText: options.decodeText,
      validateUtf8: options.validateUtf8,
      utf8Check: options.utf8Check,
      allocate: options.allocate,
      mask: options.mask,
      enforceMasking: options.enforceMasking,
      maskKeys: options.maskKeys,
    });
  }

  /**
   * Starts the transport; the session runs from here on. Early data (frames that came with the
   * handshake's last bytes) is handled on the next turn, once whoever opened the session has had
   * the WebSocket and attached listeners: its errors, pings or close would otherwise fire before
   * anyone listens. Bytes that arrive meanwhile wait behind it, in order.
   */
  start(earlyData: Uint8Array | undefined): void {
    if (earlyData !== undefined && earlyData.length > 0) {
      this.#held = [earlyData];
      setTimeout(() => this.#releaseHeld(), 0);
    }
    const handler = this.#events;
    if (this.#attach !== undefined) this.#attach(handler);
    else this.#transport.start(handler);
    this.#engine.events(); // the open event: the API is open from its creation
    this.#armTimer();
    if (this.#idleTimeout > 0) {
      this.#lastActivity = clock();
      this.#armIdleTimer(this.#idleTimeout);
    }
  }

  /** Feeds the early data and what arrived behind it to the engine (see {@link start}). */
  #releaseHeld(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    for (const chunk of held) this.#receive(chunk);
  }

  /**
   * `OPEN`; `CLOSING` once a close was asked for or our close frame is written; `CLOSED` at the end.
   * After the peer's Close (or a protocol error) arrived, the session stays `OPEN` until the close
   * step writes our close frame, so that answers to the messages before it still go out.
   */
  get state(): SessionState {
    if (this.#phase === SessionPhase.Open) return this.#engineTakesData() ? 'OPEN' : 'CLOSING';
    return this.#phase === SessionPhase.Closed ? 'CLOSED' : 'CLOSING';
  }

  /** The session's lifecycle phase (see `session-lifecycle.ts`): for tests and diagnostics. */
  get phase(): SessionPhase {
    return this.#phase;
  }

  /** Whether the transport has closed (its `onClose` came). */
  #transportGone(): boolean {
    return this.#phase === SessionPhase.Gone || this.#phase === SessionPhase.Closed;
  }

  /** Whether the engine still accepts data: `OPEN`, or a close frame is due but not yet written. */
  #engineTakesData(): boolean {
    const state = this.#engine.state;
    return state === 'OPEN' || state === 'CLOSE_RECEIVED' || state === 'FAILING';
  }

  /** Payload bytes queued in the driver or being encoded by an extension, plus the transport's `bufferedAmount`. */
  get bufferedAmount(): number {
    return this.#queue.bytes + this.#encodingBytes + this.#transport.bufferedAmount;
  }

  /** The high-water mark in force. */
  get highWaterMark(): number {
    return this.#highWaterMark;
  }

  /**
   * Whether a sender should wait for drain: the transport pushes back (or extensions are still
   * encoding a high-water mark's worth) and `bufferedAmount` reached the mark.
   */
  get needsDrain(): boolean {
    return (
      (this.#has(SessionFlag.Blocked) || this.#encodingFull()) &&
      this.#phase !== SessionPhase.Closed &&
      this.bufferedAmount >= this.#highWaterMark
    );
  }

  /** Extensions are still encoding at least `highWaterMark` bytes: hand them no more for now. */
  #encodingFull(): boolean {
    return this.#encodingBytes >= this.#highWaterMark;
  }

  /** The transport's description of its remote end. */
  get remoteAddress(): string | undefined {
    return this.#transport.remoteAddress;
  }

  // ---- sending --------------------------------------------------------------------------------

  /**
   * Queues a whole message, with the engine's per-message `options` (`compress`); settles when its
   * bytes were handed to the transport.
   */
  send(type: MessageType, data: Payload, size: number, options?: SendOptions): Promise<void> {
    if (this.state !== 'OPEN') return rejected(new WebSocketError('WS_ERR_NOT_OPEN'));
    const done = createDeferred();
    this.#enqueue(type, data, size, options, done);
    return done.promise;
  }

  /**
   * Queues a whole message as {@link send} does, without a promise. Returns `false` when the session
   * is not open (the message is dropped) or when it now needs drain (`needsDrain`: the sender should
   * wait for `drain` before sending more); `true` otherwise.
   */
  write(type: MessageType, data: Payload, size: number, options?: SendOptions): boolean {
    if (this.state !== 'OPEN') return false;
    return this.#enqueue(type, data, size, options, undefined);
  }

  /** Queues a whole message for {@link send} or {@link write}; `false` when the sender should now wait for drain. */
  #enqueue(
    type: MessageType,
    data: Payload,
    size: number,
    options: SendOptions | undefined,
    done: Deferred | undefined,
  ): boolean {
    this.#queue.pushMessage(type, data, size, options, done);
    if (this.#idleTimeout > 0) this.#lastActivity = clock();
    return this.#queued();
  }

  /**
   * Queues frames encoded elsewhere (a topic's message, framed once for every subscriber): written
   * as they are, in order with this session's own messages. `bytes` counts in `bufferedAmount`
   * until they are written. Returns `false` (and drops them) unless the session is open.
   */
  sendFrames(chunks: readonly Uint8Array[], bytes: number): boolean {
    if (this.state !== 'OPEN') return false;
    this.#queue.pushFrames(chunks, bytes);
    this.#queued();
    return true;
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
    if (this.#idleTimeout > 0) this.#lastActivity = clock();
    this.#queued();
    return promise;
  }

  /** Sends a ping or a pong now, ahead of queued messages; settles when it was handed to the transport. */
  sendControl(kind: 'ping' | 'pong', data: Uint8Array): Promise<void> {
    if (this.state !== 'OPEN') {
      return rejected(
        new WebSocketError('WS_ERR_NOT_OPEN', `cannot send a ${kind}: the WebSocket is closing or closed`),
      );
    }
    if (kind === 'ping') this.#engine.sendPing(data);
    else this.#engine.sendPong(data);
    const done = createDeferred();
    this.#waitForFlush([done]);
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
    this.#step('close');
    const handed = this.#handOverAll();
    this.#dropQueue();
    this.#engine.sendClose(code, reason);
    this.#afterEngine(handed);
  }

  /**
   * Writes what is queued now instead of after this turn's promise jobs (front ends whose API
   * completes a send inside the call, like WinHTTP's). Returns whether nothing is left waiting in
   * the driver's queue (a streamed message may stay open in it): every message and fragment sent so
   * far was handed to the engine, and its frames to the transport.
   */
  flush(): boolean {
    this.#flush();
    return this.#queue.settled && this.#encodingBatches.length === 0;
  }

  /**
   * Writes the due reply to the peer's Close now (echoing its code), behind what was queued: for
   * front ends with `closeReply: 'application'` whose application leaves without answering. Does
   * nothing when no reply is due.
   */
  replyToClose(): void {
    if (!this.#engine.closeDue) return;
    const handed = this.#handOverAll();
    this.#engine.flushClose();
    this.#afterEngine(handed);
  }

  /**
   * Changes timeouts from now on (see the engine's `setTimeouts`): a running close timeout restarts
   * with the new value; a new keepalive interval times from the last activity.
   */
  setTimeouts(timeouts: { closeTimeout?: number; keepaliveInterval?: number; pongTimeout?: number }): void {
    this.#engine.setTimeouts(timeouts);
    if (timeouts.closeTimeout !== undefined) this.#closeTimeout = timeouts.closeTimeout;
    this.#clearTimer();
    this.#armTimer();
  }

  /** Drops the transport at once (TCP RST where the runtime can): the close is 1006. */
  terminate(): void {
    this.#step('terminate');
  }

  // ---- reading --------------------------------------------------------------------------------

  /**
   * Stops reading from the transport (the API above holds too many undelivered messages). The
   * keepalive goes on: its ping is still sent, and the transport reads once to let the peer answer
   * (see `#startProbe`).
   */
  pauseReading(): void {
    this.#mark(SessionFlag.HostPaused, true);
    this.#updateReading();
  }

  /** Resumes reading from the transport, unless the byte budget still holds it. */
  resumeReading(): void {
    this.#mark(SessionFlag.HostPaused, false);
    if (this.#has(SessionFlag.BudgetPaused)) this.#checkBudget();
    this.#updateReading();
  }

  /** The API above delivered messages it kept (`SessionHost.heldBytes` fell): the budget may allow reading again. */
  heldBytesChanged(): void {
    if (this.#has(SessionFlag.BudgetPaused)) this.#checkBudget();
  }

  /** Pauses or resumes the transport for what the API above and the byte budget want. */
  #updateReading(): void {
    if (this.#has(SessionFlag.HostPaused) || this.#has(SessionFlag.BudgetPaused)) {
      if (this.#reading !== 'flowing' || this.#engine.state === 'CLOSED' || this.#transportGone()) return;
      this.#reading = 'paused';
      this.#probeBytes = 0;
      if (!this.#has(SessionFlag.Probing)) this.#transport.pause();
    } else {
      if (this.#reading !== 'paused') return;
      this.#reading = 'flowing';
      this.#mark(SessionFlag.Probing, false);
      if (!this.#transportGone()) this.#transport.resume();
    }
    this.#armTimer();
  }

  /**
   * The byte budget (issue 17): what the connection holds, queued and buffered outgoing bytes
   * (`bufferedAmount`: messages, automatic pongs, close frames, what extensions are encoding) plus
   * what the API above keeps undelivered (`SessionHost.heldBytes`), may reach `maxBufferedBytes`;
   * reading then stops until it falls below, so a peer that sends without reading what it provokes
   * cannot grow it further. A peer that keeps us from writing meanwhile meets the write timeout
   * (1008). Once closing, reading goes on, so that the peer's close frame arrives.
   */
  #checkBudget(): void {
    const over =
      this.#engine.state === 'OPEN' &&
      this.bufferedAmount + (this.#host.heldBytes?.() ?? 0) >= this.#maxBufferedBytes;
    if (over === this.#has(SessionFlag.BudgetPaused)) return;
    this.#mark(SessionFlag.BudgetPaused, over);
    this.#updateReading();
  }

  /**
   * While reading is paused, a keepalive ping was just sent: the transport reads (once) so that the
   * peer's answer can arrive. Any bytes count as an answer, so one read is enough; what it reads is
   * handled as usual (it may add a little to what the API above holds). The probes of one pause read
   * at most about `highWaterMark` bytes; after that the keepalive waits for the resume.
   */
  #startProbe(): void {
    if (this.#has(SessionFlag.Probing) || this.#transportGone()) return;
    this.#mark(SessionFlag.Probing, true);
    this.#transport.resume();
  }

  /** Whether a keepalive deadline may run while reading is paused. */
  #keepaliveRunsPaused(): boolean {
    return (this.#flags & SessionFlag.KeepalivePongs) !== 0 || this.#probeBytes < this.#highWaterMark;
  }

  // ---- the transport's events -----------------------------------------------------------------

  /**
   * The transport's handler: a class nested in `Session` (so it reaches the private members) whose
   * methods live on one shared prototype, so a connection allocates one small object instead of a
   * closure per event.
   */
  static {
    class TransportEvents implements TransportHandler, DeadlineEntry {
      readonly #session: Session;
      at = 0;
      slot = -1;

      due(now: number): void {
        this.#session.#onDeadline(now);
      }

      constructor(session: Session) {
        this.#session = session;
      }

      onData(chunk: Uint8Array): void {
        const session = this.#session;
        if (session.#held !== undefined) session.#held.push(chunk);
        else session.#receive(chunk);
      }

      onEnd(): void {
        const session = this.#session;
        session.#releaseHeld();
        session.#receiveEof();
      }

      onDrain(): void {
        const session = this.#session;
        session.#mark(SessionFlag.Blocked, false);
        session.#stopWriteTimer();
        session.#flush();
      }

      onError(error: Error): void {
        this.#session.#transportError ??= error;
      }

      onClose(): void {
        this.#session.#step('transportClosed');
      }
    }
    newTransportEvents = (session) => new TransportEvents(session);
  }

  #receive(chunk: Uint8Array): void {
    if (this.#reading === 'ended') return;
    if (this.#has(SessionFlag.Probing)) {
      // The keepalive probe's one read: the peer answered; reading stops again.
      this.#mark(SessionFlag.Probing, false);
      this.#probeBytes += chunk.length;
      if (this.#reading === 'paused') this.#transport.pause();
    }
    this.#engine.receiveData(chunk);
    this.#afterEngine();
  }

  #receiveEof(): void {
    if (this.#reading === 'ended') return;
    this.#reading = 'ended';
    this.#engine.receiveEof();
    this.#afterEngine();
  }

  // ---- after every call into the engine ---------------------------------------------------------

  /** Delivers the engine's events, then writes what it wants written (see "Driving the engine"). */
  #afterEngine(handed: Deferred[] = NO_DEFERREDS): void {
    this.#dispatch();
    if (this.#engine.state === 'CLOSED' && this.#reading === 'paused') {
      // Nothing more is delivered: read on, so that the transport's end is seen.
      this.#mark(SessionFlag.HostPaused, false);
      this.#mark(SessionFlag.BudgetPaused, false);
      this.#updateReading();
    }
    this.#flush(handed);
  }

  #dispatch(): void {
    if (this.#has(SessionFlag.Dispatching)) return; // the outer loop picks the new events up
    this.#mark(SessionFlag.Dispatching, true);
    try {
      for (let events = this.#engine.events(); events.length > 0; events = this.#engine.events()) {
        // Indexed loops on the per-message path: `for…of` costs an iterator (~10 ns in V8) even over
        // the engine's shared empty list.
        for (let index = 0; index < events.length; index++) this.#deliver(events[index]!);
      }
    } finally {
      this.#mark(SessionFlag.Dispatching, false);
    }
  }

  #deliver(event: ConnectionEvent): void {
    switch (event.type) {
      case 'message':
        if (this.#idleTimeout > 0) this.#lastActivity = clock();
        this.#host.message(event.messageType, event.data);
        return;
      case 'encodedText':
        if (this.#idleTimeout > 0) this.#lastActivity = clock();
        this.#host.message('text', event.data);
        return;
      case 'messagePiece':
        if (this.#idleTimeout > 0) this.#lastActivity = clock();
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
          // Our own terminate() or write timeout: the close event (and the timeout's error) say it all.
          if (this.#abortedBy === 'terminate' || this.#abortedBy === 'writeTimeout') return;
          if (this.#transportError !== undefined) {
            const cause = this.#transportError;
            this.#host.error(new WebSocketError('WS_ERR_TRANSPORT', cause.message, { cause }));
            return;
          }
        }
        this.#host.error(event.error);
        if (this.#engine.closeDue) this.#scheduleCloseStep();
        return;
      case 'closeReceived':
        this.#mark(SessionFlag.CloseAnnounced, true);
        this.#host.closeReceived?.(event.code, event.reason);
        if ((this.#flags & SessionFlag.ApplicationReplies) === 0) this.#scheduleCloseStep();
        return;
      case 'close':
        // The peer's Close answered ours: the front end hears of it now, not once the transport closed.
        if (event.wasClean && !this.#has(SessionFlag.CloseAnnounced)) {
          this.#mark(SessionFlag.CloseAnnounced, true);
          this.#host.closeReceived?.(event.code, event.reason);
        }
        this.#closeInfo = { code: event.code, reason: event.reason, wasClean: event.wasClean };
        this.#dropQueue();
        this.#step('engineClosed');
        return;
      case 'open':
        return;
    }
  }

  /**
   * The peer's Close or a protocol error was delivered: our close frame is due. It is written on the
   * next turn of the event loop, so that what the application sends in answer to the messages
   * before it (synchronously in a handler, or in the promise jobs of an async loop) goes out first.
   */
  #scheduleCloseStep(): void {
    if (this.#has(SessionFlag.CloseStepScheduled)) return;
    this.#mark(SessionFlag.CloseStepScheduled, true);
    nextTurn(() => {
      this.#mark(SessionFlag.CloseStepScheduled, false);
      if (!this.#engine.closeDue) return; // close() answered it already
      // What the application queued is in memory: it goes before the close frame, backpressure or not.
      const handed = this.#handOverAll();
      this.#engine.flushClose();
      this.#afterEngine(handed);
    });
  }

  /** Promises that settle at the next flush (control frames; hand-overs made while flushing). */
  #waitForFlush(deferreds: readonly Deferred[]): void {
    if (this.#controlWaiters === NO_DEFERREDS) this.#controlWaiters = [];
    for (const deferred of deferreds) this.#controlWaiters.push(deferred);
  }

  /** Something was queued: the flush is scheduled. Returns `false` when the sender should now wait for drain. */
  #queued(): boolean {
    const needsDrain = this.needsDrain;
    if (needsDrain) this.#mark(SessionFlag.DrainWanted, true);
    this.#scheduleFlush();
    return !needsDrain;
  }

  /**
   * Flushes once this turn's promise jobs ran (see {@link afterPromiseJobs}); in a microtask once the
   * queue holds a high-water mark's worth, so that a sender looping on `send()` meets backpressure
   * (`needsDrain`) as soon as the transport pushes back.
   */
  #scheduleFlush(): void {
    const planned = this.#flushPlanned;
    if (planned === 'soon') return;
    if (this.#queue.bytes < this.#highWaterMark) {
      if (planned === 'later') return;
      this.#flushPlanned = 'later';
      afterPromiseJobs(this.#scheduledFlushTask());
      return;
    }
    this.#flushPlanned = 'soon';
    queueMicrotask(this.#scheduledFlushTask());
  }

  /** The scheduled flush, made on the first send (a session that never sends owns no closure for it). */
  #scheduledFlush: (() => void) | undefined;

  #scheduledFlushTask(): () => void {
    if (this.#scheduledFlush === undefined) {
      this.#scheduledFlush = () => {
        if (this.#flushPlanned === 'none') return; // the other scheduled run did it
        this.#flushPlanned = 'none';
        this.#flush();
      };
    }
    return this.#scheduledFlush;
  }

  /**
   * Hands queued messages to the engine (unless the transport pushes back), then writes all the
   * engine's output in one `write`, again while the transport accepts more. Closes the transport
   * when the engine says so, re-arms the timer and reports drain.
   */
  #flush(handed: Deferred[] = NO_DEFERREDS): void {
    if (this.#has(SessionFlag.Flushing)) {
      this.#mark(SessionFlag.FlushAgain, true);
      if (handed.length > 0) this.#waitForFlush(handed);
      return;
    }
    this.#mark(SessionFlag.Flushing, true);
    try {
      do {
        this.#mark(SessionFlag.FlushAgain, false);
        for (;;) {
          const canTake =
            !this.#has(SessionFlag.Blocked) &&
            !this.#encodingFull() &&
            this.#engineTakesData() &&
            !this.#queue.isEmpty;
          const taken = canTake ? this.#handOver(this.#highWaterMark) : NO_DEFERREDS;
          const count = canTake ? this.#queue.lastTakeUnits : 0;
          // While the transport pushes back, the engine keeps its output: automatic pongs coalesce
          // there into one (a peer that floods pings and reads nothing fails, WS_ERR_PING_FLOOD)
          // instead of piling up in the transport. Once closing, the close frame goes out anyway.
          let chunks =
            this.#has(SessionFlag.Blocked) && this.#engine.state === 'OPEN'
              ? NO_CHUNKS
              : this.#engine.dataToSend();
          // Frames encoded elsewhere go behind the engine's output, once it encoded what came before.
          let frames = 0;
          if (
            canTake &&
            this.#queue.framesAtHead &&
            (!this.#engine.encodes || this.#engine.encodedMessages >= this.#queue.handedMessages)
          ) {
            chunks = chunks.length === 0 ? [] : chunks; // the engine's empty list is shared
            frames = this.#queue.takeFrames(chunks);
          }
          if (chunks.length > 0 && sessionWrites(this.#phase)) {
            if (chunks.length > 1) joinAdjacent(chunks);
            if (!this.#transport.write(chunks)) {
              this.#mark(SessionFlag.Blocked, true);
              this.#startWriteTimer();
            }
          }
          for (let index = 0; index < handed.length; index++) handed[index]!.resolve();
          handed = NO_DEFERREDS;
          for (let index = 0; index < taken.length; index++) taken[index]!.resolve();
          // Encoded messages make room for more: go round again even if nothing was taken this time.
          const settled = this.#settleEncoded();
          if (this.#controlWaiters.length > 0) {
            const waiters = this.#controlWaiters;
            this.#controlWaiters = NO_DEFERREDS;
            for (let index = 0; index < waiters.length; index++) waiters[index]!.resolve();
          }
          if (
            (count === 0 && frames === 0 && !settled) ||
            this.#has(SessionFlag.Blocked) ||
            this.#encodingFull() ||
            this.#queue.isEmpty
          )
            break;
        }
        if (this.#engine.shouldCloseTransport) this.#step('endTransport');
      } while (this.#has(SessionFlag.FlushAgain));
    } finally {
      this.#mark(SessionFlag.Flushing, false);
    }
    this.#armTimer();
    if (this.needsDrain) {
      this.#mark(SessionFlag.DrainWanted, true);
    } else if (this.#has(SessionFlag.DrainWanted)) {
      this.#mark(SessionFlag.DrainWanted, false);
      if (this.#phase !== SessionPhase.Closed) this.#host.drain();
    }
    this.#checkBudget();
  }

  /**
   * Hands queued messages to the engine (up to `budget` payload bytes): returns the promises to
   * resolve once the engine's output is written (how many units went is the queue's
   * `lastTakeUnits`). Those of messages an extension is still encoding wait in an
   * {@link EncodingBatch} instead, counted in `bufferedAmount` until then.
   */
  #handOver(budget: number): Deferred[] {
    const bytesBefore = this.#queue.bytes;
    const taken = this.#queue.take(budget, this.#engine);
    const count = this.#queue.lastTakeUnits;
    const target = this.#queue.handedMessages;
    if (!this.#engine.encodes || this.#engine.encodedMessages >= target || count === 0) {
      return taken;
    }
    const bytes = bytesBefore - this.#queue.bytes;
    if (this.#encodingBatches === NO_BATCHES) this.#encodingBatches = [];
    this.#encodingBatches.push({ target, bytes, handed: taken });
    this.#encodingBytes += bytes;
    return NO_DEFERREDS;
  }

  /**
   * Before a close frame: hands the engine everything queued, in order, whatever the backpressure.
   * Frames encoded elsewhere ({@link sendFrames}) are written behind the engine's output for what
   * came before them; if an extension is still encoding that, they and what follows are dropped.
   */
  #handOverAll(): Deferred[] {
    let handed = this.#handOver(Number.POSITIVE_INFINITY);
    while (
      this.#queue.framesAtHead &&
      (!this.#engine.encodes || this.#engine.encodedMessages >= this.#queue.handedMessages)
    ) {
      const output = this.#engine.dataToSend();
      const chunks = output.length === 0 ? [] : output; // the engine's empty list is shared
      this.#queue.takeFrames(chunks);
      if (sessionWrites(this.#phase) && !this.#transport.write(chunks)) {
        this.#mark(SessionFlag.Blocked, true);
        this.#startWriteTimer();
      }
      handed = handed.concat(this.#handOver(Number.POSITIVE_INFINITY));
    }
    return handed;
  }

  /** Resolves the batches whose messages were encoded (their frames were just written); whether any was. */
  #settleEncoded(): boolean {
    let settled = false;
    const encoded = this.#engine.encodedMessages;
    while (this.#encodingBatches.length > 0 && this.#encodingBatches[0]!.target <= encoded) {
      const batch = this.#encodingBatches.shift()!;
      this.#encodingBytes -= batch.bytes;
      for (const deferred of batch.handed) deferred.resolve();
      settled = true;
    }
    return settled;
  }

  // ---- the lifecycle ----------------------------------------------------------------------------

  /** Takes the lifecycle step for `input` (see `session-lifecycle.ts`) and carries out its effects. */
  #step(input: SessionInput): void {
    const step = sessionStep(this.#phase, input);
    if (step === undefined) return;
    this.#phase = step.next;
    if (step.dropQueue) this.#dropQueue();
    if (step.fail && this.#engineTakesData()) {
      this.#engine.fail(1008, 'write timeout');
      this.#dispatch();
    }
    if (step.abort) {
      this.#abortedBy ??= input;
      this.#clearGraceTimer();
      this.#transport.abort();
    }
    if (step.endTransport) {
      this.#transport.close();
      // The transport closes once the peer ended too; a peer that never does is cut off.
      this.#graceAt = clock() + this.#closeTimeout;
      this.#armTimer();
    }
    if (step.feedEof) {
      this.#mark(SessionFlag.Blocked, false);
      this.#clearGraceTimer();
      this.#releaseHeld();
      this.#receiveEof();
      // The engine closed before the transport did: the close can be reported now.
      if (this.#closeInfo !== undefined) this.#step('engineClosed');
    }
    if (step.report) this.#report();
  }

  /**
   * Rejects what waits in the queue (`WS_ERR_CLOSED_BEFORE_SENT`). The error is made only when
   * something waits: an error object costs a stack trace, and every connection ends through here.
   */
  #dropQueue(): void {
    if (!this.#queue.isEmpty) this.#queue.clear(new WebSocketError('WS_ERR_CLOSED_BEFORE_SENT'));
  }

  /** Cancels the grace deadline (an entry armed for it fires, finds nothing due and re-arms). */
  #clearGraceTimer(): void {
    this.#graceAt = -1;
  }

  // ---- time ------------------------------------------------------------------------------------

  /**
   * Follows `nextDeadline()` and the grace deadline. A later deadline keeps an armed earlier timer:
   * it fires, finds nothing due and re-arms. While `OPEN` the deadlines are the keepalive's, which
   * runs while reading is paused too (see `#startProbe`), until the probes of one pause read
   * `highWaterMark` bytes.
   */
  #armTimer(): void {
    if (this.#phase === SessionPhase.Closed) return;
    let at = this.#engine.nextDeadline();
    const suspended =
      this.#engine.state === 'OPEN' && this.#reading === 'paused' && !this.#keepaliveRunsPaused();
    if (suspended) at = undefined;
    if (this.#graceAt >= 0 && (at === undefined || this.#graceAt < at)) at = this.#graceAt;
    if (at === undefined) {
      this.#clearTimer();
      return;
    }
    const entry = this.#events;
    if (entry.slot >= 0 && entry.at <= at) return;
    sessionDeadlines.schedule(entry, at);
  }

  /** The deadline queue says the engine's deadline (or the grace deadline) passed. */
  #onDeadline(now: number): void {
    if (this.#phase === SessionPhase.Closed) return;
    if (this.#graceAt >= 0 && now >= this.#graceAt) {
      this.#graceAt = -1;
      this.#step('graceExpired');
      // The step may have ended the session (TypeScript keeps the narrowing from above).
      if ((this.#phase as SessionPhase) === SessionPhase.Closed) return;
    }
    const paused = this.#engine.state === 'OPEN' && this.#reading === 'paused';
    if (paused && !this.#keepaliveRunsPaused()) {
      this.#armTimer();
      return;
    }
    this.#engine.onDeadline(now);
    // A keepalive ping went out while reading is paused: let the peer's answer in.
    const pings = (this.#flags & SessionFlag.KeepalivePongs) === 0;
    if (paused && pings && this.#engine.state === 'OPEN') this.#startProbe();
    this.#afterEngine();
  }

  #clearTimer(): void {
    sessionDeadlines.cancel(this.#events);
  }

  /**
   * Arms the idle timer for `delay` ms. When it fires, a connection without a message sent or
   * received for `idleTimeout` is closed with 1001 (Going Away: the server leaves an idle
   * connection); otherwise it waits for the rest.
   */
  #armIdleTimer(delay: number): void {
    this.#idleTimer = setTimeout(
      () => {
        this.#idleTimer = undefined;
        if (this.state !== 'OPEN') return;
        const idle = clock() - this.#lastActivity;
        if (idle >= this.#idleTimeout) this.close(1001, 'idle timeout');
        else this.#armIdleTimer(this.#idleTimeout - idle);
      },
      Math.max(1, Math.ceil(delay)),
    );
  }

  /**
   * Starts the write timer (unless off or running): the transport just pushed back. When it fires
   * while the transport still pushes back, progress (fewer bytes buffered than when it started)
   * starts it again; none fails the connection.
   */
  #startWriteTimer(): void {
    if (this.#writeTimeout === 0 || this.#writeTimer !== undefined || this.#phase === SessionPhase.Closed) {
      return;
    }
    const buffered = this.#transport.bufferedAmount;
    this.#writeTimer = setTimeout(() => {
      this.#writeTimer = undefined;
      if (!this.#has(SessionFlag.Blocked)) return;
      if (this.#transport.bufferedAmount < buffered) this.#startWriteTimer();
      else this.#writeTimedOut();
    }, this.#writeTimeout);
  }

  #stopWriteTimer(): void {
    if (this.#writeTimer !== undefined) clearTimeout(this.#writeTimer);
    this.#writeTimer = undefined;
  }

  /**
   * The peer read nothing for `writeTimeout`: fail with 1008 (Policy Violation: it does not read
   * what it provoked; 1013 Try Again Later would invite the same again), drop what is queued and
   * the transport at once (a close frame could not get through either), releasing the memory.
   */
  #writeTimedOut(): void {
    if (sessionStep(this.#phase, 'writeTimeout') === undefined) return;
    this.#host.error(
      new WebSocketError(
        'WS_ERR_WRITE_TIMEOUT',
        `The transport made no write progress for ${this.#writeTimeout} ms`,
      ),
    );
    this.#step('writeTimeout');
  }

  // ---- the end ---------------------------------------------------------------------------------

  /** Reports the close (the engine closed and the transport is closed too): stops timers, rejects waiters. */
  #report(): void {
    this.#clearTimer();
    this.#stopWriteTimer();
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    this.#clearGraceTimer();
    const waiters = this.#controlWaiters;
    this.#controlWaiters = NO_DEFERREDS;
    for (const deferred of waiters) rejectDeferred(deferred, new WebSocketError('WS_ERR_CLOSED_BEFORE_SENT'));
    // Messages still being encoded when the connection ended were never written.
    const batches = this.#encodingBatches;
    this.#encodingBatches = NO_BATCHES;
    this.#encodingBytes = 0;
    for (const batch of batches) {
      for (const deferred of batch.handed)
        rejectDeferred(deferred, new WebSocketError('WS_ERR_CLOSED_BEFORE_SENT'));
    }
    this.#host.closed(this.#closeInfo!);
  }
}
