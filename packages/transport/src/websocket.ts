import type { MessageType, Role } from '@wskit/codec';
import type { ConnectionExtension, SendOptions } from '@wskit/protocol';
import { type BinaryData, toBytes, utf8Length } from './bytes.js';
import { TypedEmitter } from './emitter.js';
import { EncodedText, encodedText } from './encoded-text.js';
import { Inbox, type InboxHost, type InboxReader, type MessagePiece, type Received } from './inbox.js';
import { type MessageStream, SessionMessageStream } from './message-stream.js';
import { checkSize, DefaultSessionOptions, type OpenWebSocketOptions } from './options.js';
import type { Transport } from './port.js';
import { type CloseInfo, Session, type SessionHost } from './session.js';
import type { PublishOptions, SubscribeOptions, TopicHub, TopicMember } from './topics.js';

/** The WHATWG `readyState` values, shared by both WebSocket classes. */
export const ReadyState = {
  /** The connection is not yet open (only the WHATWG class has this state). */
  CONNECTING: 0,
  /** Messages flow both ways. */
  OPEN: 1,
  /** The close handshake started (by either side) or the connection failed; the close event has not fired yet. */
  CLOSING: 2,
  /** The connection is closed and the transport released; the close event fired. */
  CLOSED: 3,
} as const;

/** One of the {@link ReadyState} values. */
export type ReadyState = (typeof ReadyState)[keyof typeof ReadyState];

/** The events of a {@link WebSocket} and their listener arguments. */
export interface WebSocketEvents {
  /**
   * A whole message: text as a string, binary as a `Uint8Array` (a view the listener may keep). With
   * `decodeText: false`, text arrives as an {@link EncodedText} (a `Uint8Array` of its UTF-8 bytes).
   */
  message: [data: string | Uint8Array];
  /** A piece of a message, with `delivery: 'pieces'`. */
  messagePiece: [piece: MessagePiece];
  /** A ping arrived (already answered when `autoPong` is on). */
  ping: [data: Uint8Array];
  /** A pong arrived. */
  pong: [data: Uint8Array];
  /** `bufferedAmount` fell below the high-water mark after a sender was told to wait (`needsDrain`). */
  drain: [];
  /** The connection failed: a `CodecError` or `ConnectionError` from the engine, or a `WebSocketError` (`WS_ERR_TRANSPORT`). The close event follows. */
  error: [error: Error];
  /** The connection is closed and the transport released; the last event. */
  close: [code: number, reason: string, wasClean: boolean];
}

const textEncoder = new TextEncoder();
/** `Buffer.from` of Node and Bun, where there is one. */
const NodeBuffer = (globalThis as { Buffer?: { from(text: string, encoding: 'utf8'): Uint8Array } }).Buffer;
/**
 * Encodes long text as UTF-8: with `Buffer.from` where the runtime has it (on Node two to eight times
 * faster than `TextEncoder` on text that is not all ASCII), else with `TextEncoder`.
 */
const encodeUtf8: (text: string) => Uint8Array =
  typeof NodeBuffer?.from === 'function'
    ? (text) => NodeBuffer.from(text, 'utf8')
    : (text) => textEncoder.encode(text);
/** Text up to this many UTF-16 units is counted in JavaScript and encoded by the engine into its frame. */
const COUNTED_TEXT_LIMIT = 1024;
const EMPTY = new Uint8Array(0);
const NO_WAITERS = Object.freeze([]) as unknown as (() => void)[];
/** The engine's options for `compress: false` and `compress: true`, shared by every message. */
const COMPRESS_OFF: SendOptions = Object.freeze({ compress: false });
const COMPRESS_ON: SendOptions = Object.freeze({ compress: true });

/** Makes a WebSocket's session host; set by the static block of `WebSocket`, which reaches its private members. */
let newHost: (websocket: WebSocket) => SessionHost & InboxHost;

/* The bits of `WebSocket`'s `#flags`. */
/** Messages are delivered in pieces (`delivery: 'pieces'`). */
const PIECES = 1;
/** `close()` was called. */
const CLOSE_CALLED = 2;
/** The inbox holds `maxBufferedMessages`: reading waits for a consumer. */
const INBOX_FULL = 4;
/** `pause()` was called (and not `resume()`). */
const PAUSED = 8;
/** The hand-over of kept messages to new listeners is scheduled. */
const HAND_OVER_SCHEDULED = 16;
/** There are `message` listeners (kept up to date by `listenersChanged`: no lookup per message). */
const MESSAGE_LISTENED = 32;

/**
 * A WebSocket session over a {@link Transport}, already open: the idiomatic API. Create one with
 * `openWebSocket(transport, options)` after an opening handshake (runtime adapters do this).
 *
 * Received messages reach `message` listeners and async iterators (`for await (const message of
 * ws)`); messages that arrive while there is no consumer are kept until one appears, and reading
 * from the transport pauses while `maxBufferedMessages` are kept. Sends are batched and settle once
 * handed to the transport; `bufferedAmount`, `needsDrain`, `drained()` and the `drain` event let a
 * sender follow a slow peer.
 */
export class WebSocket extends TypedEmitter<WebSocketEvents> implements AsyncIterable<string | Uint8Array> {
  /** `ReadyState.CONNECTING` */
  static readonly CONNECTING = ReadyState.CONNECTING;
  /** `ReadyState.OPEN` */
  static readonly OPEN = ReadyState.OPEN;
  /** `ReadyState.CLOSING` */
  static readonly CLOSING = ReadyState.CLOSING;
  /** `ReadyState.CLOSED` */
  static readonly CLOSED = ReadyState.CLOSED;
  /** `ReadyState.CONNECTING` */
  declare readonly CONNECTING: 0;
  /** `ReadyState.OPEN` */
  declare readonly OPEN: 1;
  /** `ReadyState.CLOSING` */
  declare readonly CLOSING: 2;
  /** `ReadyState.CLOSED` */
  declare readonly CLOSED: 3;

  /** The URL given by the adapter: the one a client connected to, the request URL on a server. */
  readonly url: string;
  /** The negotiated subprotocol, `''` for none. */
  readonly protocol: string;
  /** The negotiated `Sec-WebSocket-Extensions` value, `''` for none. */
  readonly extensions: string;
  /** `'client'` or `'server'`. */
  readonly role: Role;
  readonly #session: Session;
  readonly #transport: Transport;
  /** Messages kept for a consumer, and iterators waiting: made when first needed (idle: none). */
  #inbox: Inbox | undefined;
  /** The remote end given by the adapter; otherwise the transport's (read when asked for). */
  readonly #remoteAddress: string | undefined;
  /** The session's and the inbox's host. */
  readonly #host: SessionHost & InboxHost;
  readonly #maxBufferedBytes: number;
  readonly #maxBufferedMessages: number;
  /** The socket's yes/no states, one bit each (`PIECES`, `CLOSE_CALLED`, …): one field instead of five. */
  #flags = 0;
  /** The {@link closed} promise, made when first asked for (most sockets never are). */
  #closed: Promise<CloseInfo> | undefined;
  #resolveClosed: ((info: CloseInfo) => void) | undefined;
  #closeInfo: CloseInfo | undefined;
  #iterators = 0;
  /** Who waits for drain; the shared empty {@link NO_WAITERS} while nobody does. */
  #drainWaiters: (() => void)[] = NO_WAITERS;
  /** The server's topics (server-side WebSockets of a server with topics). */
  readonly #hub: TopicHub | undefined;
  /** The negotiated extensions, for the topics' sharing group; `undefined` for none. */
  readonly #topicExtensions: readonly ConnectionExtension[] | undefined;
  /** This socket's side of the topics: made on first use (a socket that never subscribes has none). */
  #member: TopicMember | undefined;
  readonly #onClosed: ((websocket: WebSocket) => void) | undefined;
  /** The `binaryView` option: received binary data as the runtime's users expect it (Node's `Buffer`). */
  readonly #binaryView: ((data: Uint8Array) => Uint8Array) | undefined;

  /** Same as {@link openWebSocket}: starts a session over `transport`, whose handshake succeeded. */
  constructor(transport: Transport, options: OpenWebSocketOptions) {
    super();
    if (options?.role !== 'client' && options?.role !== 'server') {
      throw new TypeError(`openWebSocket needs role 'client' or 'server', not ${String(options?.role)}`);
    }
    this.role = options.role;
    this.url = options.url ?? '';
    this.protocol = options.protocol ?? '';
    this.extensions = options.extensionsHeader ?? '';
    if (options.delivery === 'pieces') this.#flags = PIECES;
    this.#maxBufferedMessages = checkSize(
      'maxBufferedMessages',
      options.maxBufferedMessages,
      DefaultSessionOptions.maxBufferedMessages,
    );
    this.#transport = transport;
    this.#onClosed = options.onClosed;
    this.#binaryView = options.binaryView;
    // One host object for the session and the inbox: methods on a shared prototype, no closures.
    const host = newHost(this);
    this.#host = host;
    this.#maxBufferedBytes = checkSize(
      'maxBufferedBytes',
      options.maxBufferedBytes,
      DefaultSessionOptions.maxBufferedBytes,
    );
    try {
      this.#session = new Session(transport, options, host);
    } catch (error) {
      transport.abort();
      throw error;
    }
    this.#remoteAddress = options.remoteAddress;
    if (options.topics !== undefined) {
      if (options.role !== 'server') {
        transport.abort();
        throw new TypeError('topics are for server-side WebSockets');
      }
      this.#hub = options.topics;
      const extensions = options.extensions;
      this.#topicExtensions = extensions !== undefined && extensions.length > 0 ? extensions : undefined;
    }
    this.#session.start(options.earlyData);
  }

  /** The remote end, e.g. `127.0.0.1:9001`, when the transport knows it. */
  get remoteAddress(): string | undefined {
    return this.#remoteAddress ?? this.#transport.remoteAddress;
  }

  /** Settles with the close event's values when the WebSocket is closed; never rejects. */
  get closed(): Promise<CloseInfo> {
    if (this.#closed === undefined) {
      const info = this.#closeInfo;
      this.#closed =
        info !== undefined
          ? Promise.resolve(info)
          : new Promise((resolve) => {
              this.#resolveClosed = resolve;
            });
    }
    return this.#closed;
  }

  /** `ReadyState.OPEN`, then `ReadyState.CLOSING` once either side started closing, then `ReadyState.CLOSED`. */
  get readyState(): ReadyState {
    const state = this.#session.state;
    return state === 'OPEN' ? ReadyState.OPEN : state === 'CLOSING' ? ReadyState.CLOSING : ReadyState.CLOSED;
  }

  /**
   * Bytes sent and not yet written by the transport: payload bytes queued in the session (text as
   * UTF-8) plus the transport's own `bufferedAmount` (whole frames).
   */
  get bufferedAmount(): number {
    return this.#session.bufferedAmount;
  }

  /** The `highWaterMark` option in force (default 64 KiB). */
  get highWaterMark(): number {
    return this.#session.highWaterMark;
  }

  /**
   * Whether a sender should wait for `drain` before sending more: the transport pushes back and
   * `bufferedAmount` reached `highWaterMark`.
   */
  get needsDrain(): boolean {
    return this.#session.needsDrain;
  }

  /** Settles at once unless {@link needsDrain}; then at the next `drain` (or when the WebSocket closed). */
  drained(): Promise<void> {
    if (!this.needsDrain || this.#closeInfo !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.#drainWaiters === NO_WAITERS) this.#drainWaiters = [];
      this.#drainWaiters.push(resolve);
    });
  }

  /**
   * Sends a message: a string as text, bytes as binary (not copied: leave them unchanged until the
   * promise settles). An {@link EncodedText} (a text message received with `decodeText: false`)
   * goes as text, its bytes as they are: an echo or a relay never decodes or re-encodes it. Settles when the message was handed to the transport (after compression, when
   * it is compressed); rejects with a `WebSocketError` (`WS_ERR_NOT_OPEN`,
   * `WS_ERR_CLOSED_BEFORE_SENT`) when it cannot be sent. The promise may be ignored: its rejection
   * is never reported as unhandled.
   *
   * `options.compress: false` sends this message uncompressed even when permessage-deflate was
   * negotiated: data that is already compressed, or secrets that must not share a compression
   * context with data an attacker chooses (CRIME/BREACH). Absent or `true`: the extension decides
   * (messages under its threshold go as they are). Without a compression extension it does nothing.
   * Throws `TypeError` when `options` is not an object or `compress` not a boolean.
   */
  send(data: string | BinaryData, options?: SendOptions): Promise<void> {
    return this.#submit(data, options, true) as Promise<void>;
  }

  /**
   * Sends a message as {@link send} does, without a promise: for the hot paths that need not know
   * when each message was written (an echo, a relay, a fan-out). Returns `false` when the sender
   * should wait before sending more, `true` otherwise, as a Node stream's `write` does:
   * - after the message was queued, {@link needsDrain} holds (the transport pushes back and
   *   `bufferedAmount` reached `highWaterMark`): wait for `drain` (`await ws.drained()`);
   * - the WebSocket is not open (closing or closed): the message is dropped, as `ws` drops what is
   *   sent after close without a callback; `drained()` then settles at once.
   *
   * A message written and then cut off by the connection's end is lost without a report (the `close`
   * event says why); use {@link send} where that matters. Messages keep their order with those of
   * `send()` and `stream()`. Throws as `send()` does for bad `data` or `options`.
   *
   * ```ts fragment
   * for await (const message of ws) {
   *   if (!ws.write(message)) await ws.drained();
   * }
   * ```
   */
  write(data: string | BinaryData, options?: SendOptions): boolean {
    return this.#submit(data, options, false) as boolean;
  }

  /** Queues a message for {@link send} (`promised`) or {@link write}. */
  #submit(
    data: string | BinaryData,
    options: SendOptions | undefined,
    promised: boolean,
  ): Promise<void> | boolean {
    const engineOptions = sendOptions(options);
    let type: MessageType = 'text';
    let payload: string | Uint8Array;
    let size: number;
    if (typeof data === 'string') {
      // Short text: counted here, encoded by the engine straight into its frame. Longer text is
      // encoded once here (natively), which also gives its exact size for `bufferedAmount`.
      if (data.length <= COUNTED_TEXT_LIMIT) {
        payload = data;
        size = utf8Length(data);
      } else {
        payload = encodeUtf8(data);
        size = payload.length;
      }
    } else if (data instanceof EncodedText) {
      payload = data;
      size = data.length;
    } else {
      type = 'binary';
      payload = toBytes(data, promised ? 'send' : 'write');
      size = payload.length;
    }
    return promised
      ? this.#session.send(type, payload, size, engineOptions)
      : this.#session.write(type, payload, size, engineOptions);
  }

  /** Starts a message sent in fragments; see {@link MessageStream}. */
  stream(type: MessageType): MessageStream {
    return new SessionMessageStream(this.#session, type);
  }

  /**
   * Sends a ping (at most 125 bytes; a string is sent as UTF-8), ahead of queued messages. Settles
   * when handed to the transport; the answer is a `pong` event.
   */
  ping(data: string | BinaryData = EMPTY): Promise<void> {
    return this.#session.sendControl('ping', controlPayload(data, 'ping'));
  }

  /** Sends a pong (at most 125 bytes), e.g. as a heartbeat or with `autoPong: false`. */
  pong(data: string | BinaryData = EMPTY): Promise<void> {
    return this.#session.sendControl('pong', controlPayload(data, 'pong'));
  }

  /**
   * Starts the close handshake with `code` and `reason` (none: an empty close frame, which the peer
   * reports as 1005). Messages already sent go first; the `close` event follows the handshake.
   * Throws `RangeError` for a code that may not be sent (1000–1003, 1007–1014 and 3000–4999 may) or
   * a reason over 123 bytes of UTF-8. Does nothing once closing.
   */
  close(code?: number, reason?: string): void {
    if (code !== undefined && typeof code !== 'number')
      throw new TypeError('The close code must be a number');
    if (reason !== undefined && typeof reason !== 'string')
      throw new TypeError('The close reason must be a string');
    this.#session.close(code, reason);
    if ((this.#flags & CLOSE_CALLED) === 0) {
      this.#flags |= CLOSE_CALLED;
      // Keep reading so the peer's close frame arrives; messages beyond the limit are dropped now.
      this.#updateReading();
    }
  }

  /**
   * Stops reading from the transport until {@link resume}, so that a slow consumer pushes back on
   * the peer (TCP flow control) instead of buffering: the way streams apply backpressure (Node's
   * `Duplex`, `WebSocketStream`). Messages already read are still delivered. Once the close
   * handshake started, reading goes on regardless, so that the peer's close frame arrives.
   */
  pause(): void {
    this.#flags |= PAUSED;
    this.#updateReading();
  }

  /** Resumes reading after {@link pause} (unless the held messages reached `maxBufferedMessages`). */
  resume(): void {
    this.#flags &= ~PAUSED;
    this.#updateReading();
  }

  /** Whether {@link pause} was called and {@link resume} not since. */
  get isPaused(): boolean {
    return (this.#flags & PAUSED) !== 0;
  }

  /**
   * Lets the process exit while this WebSocket is open (Node's and Bun's `socket.unref()`; what
   * `process.unref(ws)` calls on Node's global `WebSocket`). Does nothing where the transport has no
   * such notion (workerd, in-memory pairs): there an open socket keeps nothing alive.
   */
  unref(): void {
    this.#transport.unref?.();
  }

  /** Undoes {@link unref}: the open WebSocket keeps the process alive again. */
  ref(): void {
    this.#transport.ref?.();
  }

  // ---- topics (server-side WebSockets of a server with topics) -------------------------------------

  /**
   * Subscribes to `topic`: messages published to it (by the server, by any socket but this one, in
   * any process the server's broker reaches) are sent to this socket. Settles once the broker
   * subscribed (at once in one process). With `options.offset` on a recoverable topic, first sends
   * what was published after that offset (see `@wskit/redis`). The promise may be ignored. Throws
   * `TypeError` on a WebSocket whose server has no topics (every client WebSocket).
   */
  subscribe(topic: string, options?: SubscribeOptions): Promise<void> {
    const promise = this.#topics('subscribe').subscribe(topic, options);
    promise.catch(() => {});
    return promise;
  }

  /** Unsubscribes from `topic`; whether it was subscribed. */
  unsubscribe(topic: string): boolean {
    return this.#topics('unsubscribe').unsubscribe(topic);
  }

  /** Whether this socket subscribes to `topic`. */
  isSubscribed(topic: string): boolean {
    return this.#topics('isSubscribed').isSubscribed(topic);
  }

  /** The topics this socket subscribes to: a read-only view, updated as they change. */
  get subscriptions(): ReadonlySet<string> {
    return this.#topics('subscriptions').subscriptions;
  }

  /**
   * Publishes `data` to `topic`'s subscribers except this socket (as Bun's `ws.publish`), framed
   * once for all of them; `options.compress: false` never compresses it.
   */
  publish(topic: string, data: string | BinaryData, options?: PublishOptions): void {
    this.#topics('publish').publish(topic, data, options);
  }

  #topics(method: string): TopicMember {
    if (this.#member !== undefined) return this.#member;
    const hub = this.#hub;
    if (hub === undefined) {
      throw new TypeError(`${method}: this WebSocket has no topics (only a server's WebSockets have them)`);
    }
    const session = this.#session;
    this.#member = hub.join(
      this,
      (chunks, bytes) => session.sendFrames(chunks, bytes),
      this.#topicExtensions,
    );
    return this.#member;
  }

  /** Drops the transport at once, without a close handshake: the close event reports 1006. */
  terminate(): void {
    this.#session.terminate();
  }

  /**
   * Iterates over received messages (text as strings, or {@link EncodedText} with `decodeText:
   * false`; binary as `Uint8Array`), including those that
   * arrived before the loop started, and finishes when the WebSocket is closed. Leaving the loop
   * early does not close the WebSocket. Not available with `delivery: 'pieces'`.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<string | Uint8Array> {
    if ((this.#flags & PIECES) !== 0) {
      throw new TypeError("Async iteration needs delivery 'whole'; with 'pieces' listen to messagePiece");
    }
    let finished = false;
    this.#iterators++;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      this.#iterators--;
      this.#inbox?.release(reader);
      this.#scheduleHandOver();
    };
    const done: IteratorResult<string | Uint8Array> = { value: undefined, done: true };
    // The inbox tells the reader when it ends (closed and empty), so that `next` returns the inbox's
    // own promise: no second promise per message to learn that.
    const reader: InboxReader = { ended: finish };
    const iterator: AsyncIterableIterator<string | Uint8Array> = {
      next: () => {
        if (finished) return Promise.resolve(done);
        return this.#keptMessages().next(reader) as Promise<IteratorResult<string | Uint8Array>>;
      },
      return: () => {
        finish();
        return Promise.resolve(done);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  protected override listenersChanged(event: keyof WebSocketEvents): void {
    if (event === 'message') {
      this.#flags =
        this.listenerCount('message') > 0 ? this.#flags | MESSAGE_LISTENED : this.#flags & ~MESSAGE_LISTENED;
    }
    if (event === 'message' || event === 'messagePiece') this.#scheduleHandOver();
  }

  // ---- from the session -------------------------------------------------------------------------

  /**
   * The session's host: a class built in a static block (so it reaches the private members) whose
   * methods live on one shared prototype, so a WebSocket allocates one small object instead of a
   * closure per callback.
   */
  static {
    class Host implements SessionHost, InboxHost {
      readonly #websocket: WebSocket;

      constructor(websocket: WebSocket) {
        this.#websocket = websocket;
      }

      message(type: MessageType, data: string | Uint8Array): void {
        const websocket = this.#websocket;
        if (typeof data !== 'string') {
          // Text as bytes (`decodeText: false`) is labelled as text, so `send()` sends it back as text.
          data = type === 'text' ? encodedText(data) : websocket.#view(data);
        }
        websocket.#received(data, 'message');
      }

      messagePiece(type: MessageType, data: Uint8Array, final: boolean): void {
        const websocket = this.#websocket;
        websocket.#received({ type, data: websocket.#view(data), final }, 'messagePiece');
      }

      ping(data: Uint8Array): void {
        const websocket = this.#websocket;
        websocket.emit('ping', websocket.#view(data));
      }

      pong(data: Uint8Array): void {
        const websocket = this.#websocket;
        websocket.emit('pong', websocket.#view(data));
      }

      error(error: Error): void {
        this.#websocket.emit('error', error);
      }

      drain(): void {
        const websocket = this.#websocket;
        websocket.#wakeDrainWaiters();
        websocket.emit('drain');
      }

      heldBytes(): number {
        return this.#websocket.#inbox?.bytes ?? 0;
      }

      closed(info: CloseInfo): void {
        const websocket = this.#websocket;
        websocket.#closeInfo = info;
        websocket.#inbox?.close();
        websocket.#wakeDrainWaiters();
        websocket.emit('close', info.code, info.reason, info.wasClean);
        websocket.#resolveClosed?.(info);
        websocket.#member?.leaveAll();
        websocket.#onClosed?.(websocket);
      }

      inboxFull(): void {
        const websocket = this.#websocket;
        websocket.#flags |= INBOX_FULL;
        websocket.#updateReading();
      }

      inboxRoom(): void {
        const websocket = this.#websocket;
        websocket.#flags &= ~INBOX_FULL;
        websocket.#updateReading();
      }

      inboxTaken(): void {
        // What the inbox holds counts in the session's byte budget: tell it when that falls.
        this.#websocket.#session?.heldBytesChanged();
      }
    }
    newHost = (websocket) => new Host(websocket);
  }

  #received(item: Received, event: 'message' | 'messagePiece'): void {
    const listened =
      event === 'message' ? (this.#flags & MESSAGE_LISTENED) !== 0 : this.listenerCount(event) > 0;
    const inbox = this.#inbox;
    if (listened && this.#iterators === 0 && inbox !== undefined && inbox.length > 0) {
      // Messages kept from before the first listener are still to be handed over: keep the order.
      inbox.push(item);
      this.#scheduleHandOver();
      return;
    }
    if (listened) this.#emitReceived(item);
    if (this.#iterators === 0 && listened) return;
    if (
      (this.#flags & CLOSE_CALLED) !== 0 &&
      inbox !== undefined &&
      inbox.length >= this.#maxBufferedMessages &&
      !inbox.hasWaiters
    ) {
      return;
    }
    this.#keptMessages().push(item);
  }

  /** Received binary data as the `binaryView` option wants it (as it is without one). */
  #view(data: Uint8Array): Uint8Array {
    const view = this.#binaryView;
    return view === undefined ? data : view(data);
  }

  /** The inbox, made when a message is first kept or an iterator first waits (closed already once the socket is). */
  #keptMessages(): Inbox {
    let inbox = this.#inbox;
    if (inbox === undefined) {
      inbox = new Inbox(this.#maxBufferedMessages, this.#host, this.#maxBufferedBytes);
      if (this.#closeInfo !== undefined) inbox.close();
      this.#inbox = inbox;
    }
    return inbox;
  }

  #emitReceived(item: Received): void {
    if (typeof item === 'string' || item instanceof Uint8Array) this.emit('message', item);
    else this.emit('messagePiece', item);
  }

  /** Gives messages kept while nobody listened to listeners that appeared (when no iterator takes them). */
  #scheduleHandOver(): void {
    // Nothing kept, nothing to hand over (a later kept message schedules its own): no microtask,
    // which on Node costs an async resource and a bound function per call.
    if ((this.#flags & HAND_OVER_SCHEDULED) !== 0 || this.#inbox === undefined || this.#inbox.length === 0)
      return;
    this.#flags |= HAND_OVER_SCHEDULED;
    queueMicrotask(() => {
      this.#flags &= ~HAND_OVER_SCHEDULED;
      const inbox = this.#inbox;
      if (this.#iterators > 0 || inbox === undefined || inbox.length === 0) return;
      if (this.listenerCount((this.#flags & PIECES) !== 0 ? 'messagePiece' : 'message') === 0) return;
      for (const item of inbox.takeAll()) this.#emitReceived(item);
    });
  }

  /** Reads unless paused (by {@link pause} or a full inbox) before the close handshake started. */
  #updateReading(): void {
    const flags = this.#flags;
    if ((flags & CLOSE_CALLED) === 0 && (flags & (PAUSED | INBOX_FULL)) !== 0) this.#session.pauseReading();
    else this.#session.resumeReading();
  }

  #wakeDrainWaiters(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = NO_WAITERS;
    for (const resolve of waiters) resolve();
  }
}

for (const [name, value] of Object.entries(ReadyState)) {
  Object.defineProperty(WebSocket.prototype, name, { value, enumerable: true });
}

/** Checks `send`'s options; the engine's shared options object for them, or `undefined` for none. */
function sendOptions(options: SendOptions | undefined): SendOptions | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('send options must be an object, e.g. { compress: false }');
  }
  const { compress } = options;
  if (compress === undefined) return undefined;
  if (typeof compress !== 'boolean') {
    throw new TypeError(`send options: compress must be a boolean, not ${String(compress)}`);
  }
  return compress ? COMPRESS_ON : COMPRESS_OFF;
}

/** A control frame's payload as bytes. */
function controlPayload(data: string | BinaryData, what: string): Uint8Array {
  return typeof data === 'string' ? textEncoder.encode(data) : toBytes(data, what);
}

/**
 * Runs a WebSocket session over `transport`, whose opening handshake succeeded: every runtime
 * adapter calls this after its handshake. Starts the transport (`transport.start`), feeds
 * `earlyData` to the engine, and returns the WebSocket, already open. Throws `TypeError` or
 * `RangeError` for bad options (and aborts the transport then).
 */
export function openWebSocket(transport: Transport, options: OpenWebSocketOptions): WebSocket {
  return new WebSocket(transport, options);
}
