import {
  CloseCode,
  type ClosePayload,
  type CodecError,
  encodeClosePayload,
  FrameEncoder,
  MAX_CONTROL_PAYLOAD,
  MessageDecoder,
  type MessageHandler,
  type MessageType,
  Opcode,
  type Role,
  validateLocalClose,
} from '@wskit/codec';
import { ConnectionError, ProtocolUsageError } from './errors.js';
import {
  type ConnectionEvent,
  type ConnectionFailure,
  type ConnectionHandler,
  deliverEvent,
} from './events.js';
import type { ConnectionExtension, ExtensionContext, ExtensionMessage, SendOptions } from './extension.js';
import {
  type ExtensionStep,
  IncomingPipeline,
  OutgoingPipeline,
  type PipelineHost,
} from './extension-pipeline.js';
import {
  type ConnectionOptions,
  checkCount,
  checkDuration,
  claimedRsv,
  DefaultMaxPendingPings,
  DefaultTimeouts,
  effectiveMaxMessageSize,
} from './options.js';
import { closeReason, type DeliveryOptions } from './received-message.js';
import { type ConnectionInput, type ConnectionState, transition } from './state.js';

const EMPTY = new Uint8Array(0);
/**
 * Pings answered with a pong each before one could be written (at most 32 × 125 bytes held); the
 * pings after them share one pong, the latest's (RFC 6455 §5.5.3).
 */
const SEPARATE_PONGS = 32;
const NO_EXTENSIONS: readonly ConnectionExtension[] = Object.freeze([]);
/** What `dataToSend()` and `events()` return when there is nothing: shared and frozen. */
const NO_OUTPUT = Object.freeze([]) as unknown as Uint8Array[];
const NO_EVENTS = Object.freeze([]) as unknown as ConnectionEvent[];
/** The first `events()` of every connection without a handler: shared and frozen, like {@link NO_EVENTS}. */
const OPEN_EVENTS = Object.freeze([Object.freeze({ type: 'open' as const })]) as unknown as ConnectionEvent[];

/** The message handed to encoding extensions, with the per-message `compress` flag when given. */
function outgoingMessage(
  type: 'text' | 'binary',
  data: Uint8Array,
  options: SendOptions | undefined,
): ExtensionMessage {
  return options?.compress === undefined
    ? { type, data, rsv: 0 }
    : { type, data, rsv: 0, compress: options.compress };
}
const NOT_FINAL = { fin: false } as const;
const textEncoder = new TextEncoder();

/** What a transition needs to know to write and report a close. */
interface CloseDetails {
  code?: number | undefined;
  reason?: string;
  payload?: Uint8Array;
  error?: ConnectionFailure | undefined;
}

/** A connection's negotiated extensions and what they need (made only when there are some). */
interface Extended {
  readonly extensions: readonly ConnectionExtension[];
  /** The RSV bits they claim. */
  readonly rsv: number;
  /** Outgoing messages pass these in order. */
  readonly encodeSteps: readonly ExtensionStep[];
  /** Incoming messages pass these in order. */
  readonly decodeSteps: readonly ExtensionStep[];
  /** How messages an extension decoded are delivered. */
  readonly delivery: DeliveryOptions;
}

/** The bits of `Connection`'s `#flags`. */
const ConnectionFlag = {
  /** Pings are answered with pongs by the connection (the `autoPong` option). */
  AutoPong: 1,
  /** The due close frame is written by `dataToSend` itself (the `autoFlushClose` option). */
  AutoFlushClose: 2,
  /** An extension transforms outgoing messages (otherwise they are framed directly). */
  Encodes: 4,
  /** The transport should be ended (`shouldCloseTransport`). */
  EndTransport: 8,
  /** The end of the stream was received (`receiveEof`). */
  EofReceived: 16,
  /** `receiveData` is running (events are queued, not delivered, until it returns). */
  Receiving: 32,
  /** `dispose()` was called. */
  Disposed: 64,
} as const;

/** Makes a connection's callbacks object; set by the static block of `Connection`, which reaches its private members. */
let newCallbacks: (connection: Connection) => MessageHandler & PipelineHost;

/**
 * A sans-I/O WebSocket connection for either role, from the end of the opening handshake to the end
 * of the transport (RFC 6455 §5–§7).
 *
 * Bytes in: {@link receiveData}, {@link receiveEof}. Events out: a {@link ConnectionHandler} or
 * {@link events}. Bytes out: {@link dataToSend}, then {@link shouldCloseTransport}. Time: the
 * injected clock, {@link nextDeadline} and {@link onDeadline}. The close handshake follows the
 * transition table in `state.ts`.
 *
 * A peer's misbehaviour never throws: it becomes a close frame, an error event and a close event.
 * The caller's misuse throws at once ({@link ProtocolUsageError}, `RangeError`, `TypeError`) and
 * leaves the connection unchanged.
 */
export class Connection {
  readonly #role: Role;
  readonly #clock: () => number;
  readonly #handler: ConnectionHandler | undefined;
  readonly #onWake: (() => void) | undefined;
  readonly #maxPendingPings: number;
  #closeTimeout: number;
  #keepaliveInterval: number;
  #pongTimeout: number;
  /** What the keepalive sends: a ping that must be answered, or an unsolicited pong (no answer). */
  readonly #keepaliveFrame: 'ping' | 'pong';
  readonly #decoder: MessageDecoder;
  readonly #encoder: FrameEncoder;
  /** The negotiated extensions and what they need; `undefined` without any (most connections). */
  readonly #extended: Extended | undefined;
  /**
   * Events in arrival order, behind messages an extension is still decoding: created when an
   * extension first decodes a message (until then events are delivered directly).
   */
  #incoming: IncomingPipeline | undefined;
  /**
   * Frames in call order, behind messages an extension is still encoding: created when an extension
   * first encodes a message (until then frames are written directly).
   */
  #outgoing: OutgoingPipeline | undefined;
  /** The decoder's handler and the pipelines' host: one object with shared prototype methods. */
  readonly #callbacks: MessageHandler & PipelineHost;

  #state: ConnectionState = 'OPEN';
  /**
   * The connection's yes/no settings and states, one bit each (see `ConnectionFlag`): one field
   * instead of seven, on every connection. Read and written through `#has` and `#mark`.
   */
  #flags = 0;
  /**
   * Whether `flag` (one of `ConnectionFlag`) is set. Private methods rather than a private accessor per
   * flag: V8 inlines private methods but calls private accessors (about 5 ns each, a dozen per message).
   */
  #has(flag: number): boolean {
    return (this.#flags & flag) !== 0;
  }
  /** Sets (`value` true) or clears `flag`. */
  #mark(flag: number, value: boolean): void {
    this.#flags = value ? this.#flags | flag : this.#flags & ~flag;
  }
  /** Opcode of the fragmented message being sent (Text or Binary), or 0. */
  #sending = 0;
  /** Frames to write; the shared empty {@link NO_OUTPUT} while there are none (an idle connection owns no array). */
  #output: Uint8Array[] = NO_OUTPUT;
  /** Events for `events()`; the shared empty {@link NO_EVENTS} while there are none. */
  #events: ConnectionEvent[] = NO_EVENTS;
  #closeSent: ClosePayload | undefined;
  #closeReceived: ClosePayload | undefined;
  /** The peer's failure while `FAILING`: the close frame that is due and the close event's values. */
  #failure: CloseDetails | undefined;
  /**
   * While `CLOSING`, when the close handshake times out; once `CLOSED`, when a client stops waiting
   * for the server to close the transport. One field for both: a connection is in one state.
   */
  #closeDeadline: number | undefined;
  #pongDeadline: number | undefined;
  /** The payload of the automatic pong that is due: the latest ping's (RFC 6455 §5.5.3). */
  #duePong: Uint8Array | undefined;
  /**
   * Pongs due before {@link #duePong}, one per ping, oldest first (at most {@link SEPARATE_PONGS});
   * `undefined` while there are none.
   */
  #earlierPongs: Uint8Array[] | undefined;
  /** Pings received since the due pong was last written. */
  #pendingPings = 0;
  /** When bytes last arrived (and, with an unsolicited-pong keepalive, were last written). */
  #lastReceivedAt: number;
  #keepalivePings = 0;

  constructor(options: ConnectionOptions) {
    if (typeof options?.clock !== 'function') {
      throw new TypeError('Connection needs a clock: a function returning monotonic milliseconds');
    }
    this.#role = options.role;
    this.#clock = options.clock;
    this.#handler = options.handler;
    this.#onWake = options.onWake;
    this.#mark(ConnectionFlag.AutoPong, options.autoPong ?? true);
    this.#maxPendingPings = checkCount('maxPendingPings', options.maxPendingPings, DefaultMaxPendingPings);
    this.#mark(ConnectionFlag.AutoFlushClose, options.autoFlushClose ?? true);
    this.#closeTimeout = checkDuration('closeTimeout', options.closeTimeout, DefaultTimeouts.closeTimeout);
    this.#keepaliveInterval = checkDuration(
      'keepaliveInterval',
      options.keepaliveInterval,
      DefaultTimeouts.keepaliveInterval,
    );
    this.#pongTimeout = checkDuration('pongTimeout', options.pongTimeout, DefaultTimeouts.pongTimeout);
    const keepalive = options.keepalive ?? 'ping';
    if (keepalive !== 'ping' && keepalive !== 'pong') {
      throw new TypeError(`keepalive must be 'ping' or 'pong', not ${String(keepalive)}`);
    }
    this.#keepaliveFrame = keepalive;
    // Without extensions (the common case) the connection holds none of this: one field, undefined.
    const given = options.extensions;
    const extensions = given === undefined || given.length === 0 ? NO_EXTENSIONS : [...given];
    const extensionRsv = extensions.length === 0 ? 0 : claimedRsv(extensions);
    if (extensions.length > 0) {
      const maxMessageSize = effectiveMaxMessageSize(options);
      const context: ExtensionContext = Object.freeze({ role: options.role, maxMessageSize });
      // Outgoing: each extension in negotiated order; incoming: in reverse, each on its own RSV bits.
      const encodeSteps: readonly ExtensionStep[] = extensions
        .filter((extension) => typeof extension.encodeMessage === 'function')
        .map((extension) => (message) => extension.encodeMessage!(message, context));
      const decodeSteps: readonly ExtensionStep[] = [...extensions]
        .reverse()
        .map(
          (extension) => (message) =>
            (message.rsv & extension.rsv) === 0 ? message : extension.decodeMessage(message, context),
        );
      this.#mark(ConnectionFlag.Encodes, encodeSteps.length > 0);
      this.#extended = {
        extensions,
        rsv: extensionRsv,
        encodeSteps,
        decodeSteps,
        delivery: {
          maxMessageSize,
          pieces: options.delivery === 'pieces',
          decodeText: options.decodeText ?? true,
          validateUtf8: options.validateUtf8 ?? true,
          utf8Check: options.utf8Check,
        },
      };
    }
    // One object with shared prototype methods, instead of a closure per callback and connection.
    const host = newCallbacks(this);
    this.#callbacks = host;
    this.#decoder = new MessageDecoder(host, {
      role: options.role,
      maxFrameSize: options.maxFrameSize,
      maxMessageSize: options.maxMessageSize,
      maxFragments: options.maxFragments,
      delivery: options.delivery,
      decodeText: options.decodeText,
      validateUtf8: options.validateUtf8,
      utf8Check: options.utf8Check,
      allowedRsv: extensionRsv,
      enforceMasking: options.enforceMasking,
      allocate: options.allocate,
    });
    this.#encoder = frameEncoder(options);
    this.#lastReceivedAt = this.#keepaliveInterval > 0 ? this.#clock() : 0;
    if (this.#handler !== undefined) this.#handler.onOpen?.();
    else this.#events = OPEN_EVENTS;
  }

  /** The connection's role. */
  get role(): Role {
    return this.#role;
  }

  /**
   * `OPEN`; `CLOSE_RECEIVED` (the peer's close arrived, our reply is due) or `FAILING` (the peer broke
   * the protocol, our failing close is due); `CLOSING` (our close frame is sent); `CLOSED`. See the
   * transition table.
   */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The close frame we sent (or queued), if any. `code` is undefined for an empty payload. */
  get closeSent(): ClosePayload | undefined {
    return this.#closeSent;
  }

  /** The close frame the peer sent, if any. `code` is undefined for an empty payload (reported as 1005). */
  get closeReceived(): ClosePayload | undefined {
    return this.#closeReceived;
  }

  /**
   * Messages ({@link sendText}, {@link sendBinary}) that the encoding extensions finished, since the
   * start: their frames are in {@link dataToSend}'s output (or, once closing, the message was skipped
   * after an encoding error). Without an encoding extension it stays 0. A driver compares it with
   * the messages it handed over to tell which sends are written.
   */
  get encodedMessages(): number {
    return this.#outgoing === undefined ? 0 : this.#outgoing.finishedMessages;
  }

  /** Whether an extension encodes outgoing messages (then sends may finish later: {@link encodedMessages}). */
  get encodes(): boolean {
    return this.#has(ConnectionFlag.Encodes);
  }

  /**
   * Whether a close frame is due (`CLOSE_RECEIVED` or `FAILING`): the I/O layer writes it with
   * {@link flushClose} once the application has had the events before it, or {@link dataToSend} does
   * it (`autoFlushClose`, the default).
   */
  get closeDue(): boolean {
    return this.#state === 'CLOSE_RECEIVED' || this.#state === 'FAILING';
  }

  /**
   * Whether the I/O layer should now close the transport, once it has written everything
   * {@link dataToSend} returned (TCP: `end()`, a FIN after the queued bytes). It stays true.
   */
  get shouldCloseTransport(): boolean {
    return this.#has(ConnectionFlag.EndTransport) && this.#outgoingIdle();
  }

  // ---- bytes in -------------------------------------------------------------------------------

  /**
   * Feeds bytes read from the transport. Takes ownership of `chunk` (payloads are unmasked in place
   * and handed out as views). Never throws for anything the peer sent; ignored once `CLOSED`.
   */
  receiveData(chunk: Uint8Array): void {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('receiveData expects a Uint8Array');
    this.#checkReceive('receive data');
    // After the peer's close frame or a protocol error nothing more is read (RFC 6455 §5.5.1, §7.1.7).
    if (!this.#reading()) return;
    if (this.#keepaliveInterval > 0) {
      // Any bytes from the peer show it is alive: they answer a keepalive ping as well as its pong
      // would (which may sit behind them, unread while reading is paused).
      this.#lastReceivedAt = this.#clock();
      this.#pongDeadline = undefined;
    }
    let error: CodecError | undefined;
    this.#mark(ConnectionFlag.Receiving, true);
    try {
      error = this.#decoder.write(chunk);
    } catch (cause) {
      // A handler threw inside the decoder: the stream position is lost, so the connection fails.
      // Once closed there is nobody left to report to: the exception is the caller's own, rethrown.
      if (this.#isClosed()) throw cause;
      this.#incoming?.clear();
      this.#fail(
        new ConnectionError('WS_ERR_INTERNAL', 'Unexpected exception while handling received data', {
          cause,
        }),
      );
      return;
    } finally {
      this.#mark(ConnectionFlag.Receiving, false);
    }
    if (error !== undefined && this.#reading()) this.#receiveError(error);
  }

  /**
   * Reports that the transport ended (EOF, or a read error). Before the close handshake completed
   * this is an abnormal closure (1006); after it, it is the expected end.
   */
  receiveEof(): void {
    this.#checkReceive('receive end of stream');
    this.#mark(ConnectionFlag.EofReceived, true);
    if (this.#state === 'FAILING') {
      this.#apply('receiveEof', this.#failure);
      return;
    }
    const error =
      this.#state === 'CLOSED' || this.#state === 'CLOSE_RECEIVED'
        ? undefined
        : new ConnectionError(
            'WS_ERR_UNEXPECTED_EOF',
            'The transport ended before the close handshake completed',
          );
    this.#apply('receiveEof', { error });
  }

  // ---- events out -----------------------------------------------------------------------------

  /** Drains the queued events (only used without a `handler`). */
  events(): ConnectionEvent[] {
    const events = this.#events;
    this.#events = NO_EVENTS;
    return events;
  }

  // ---- bytes out ------------------------------------------------------------------------------

  /**
   * Writes the due automatic pong (if any): when the output is taken, and before our close frame.
   * Dropped once no control frame may be sent any more.
   */
  #writeDuePong(): void {
    const payload = this.#duePong;
    if (payload === undefined) return;
    const earlier = this.#earlierPongs;
    this.#duePong = undefined;
    this.#earlierPongs = undefined;
    this.#pendingPings = 0;
    if (transition(this.#state, 'sendControl') === undefined) return;
    if (earlier !== undefined) {
      for (const each of earlier) this.#write(this.#encoder.encode(Opcode.Pong, each));
    }
    this.#write(this.#encoder.encode(Opcode.Pong, payload));
  }

  /**
   * Drains the bytes to write, in order. A frame header and a large payload come as separate arrays
   * (write them with one vectored call); a payload is the caller's own array, not a copy, so it must
   * not be modified until written.
   *
   * With `autoFlushClose` (the default) a close frame that is due ({@link closeDue}) is written first,
   * behind whatever the application sent in answer to the events before it: call this after handling
   * the events.
   *
   * A non-empty result is the caller's; an empty one is a shared, frozen array (do not add to it).
   */
  dataToSend(): Uint8Array[] {
    this.#writeDuePong();
    if (this.#has(ConnectionFlag.AutoFlushClose) && this.closeDue && this.#incomingIdle()) this.flushClose();
    const output = this.#output;
    this.#output = NO_OUTPUT;
    // An unsolicited-pong keepalive counts what we send as activity too (WinHTTP's idle keep-alive).
    if (this.#keepaliveFrame === 'pong' && output.length > 0 && this.#keepaliveInterval > 0) {
      this.#lastReceivedAt = this.#clock();
    }
    return output;
  }

  /**
   * Changes timeouts from now on (the I/O layer's options may change while the connection is open,
   * as WinHTTP's `WinHttpSetOption` allows):
   * - `closeTimeout`: a close handshake timeout already running restarts from now with the new value
   *   (`WinHttpWebSocketClose` waits up to its timeout from the call, also after a Shutdown);
   * - `keepaliveInterval`: the next keepalive is due this long after the last activity (0 stops it);
   * - `pongTimeout`: applies to the next keepalive ping.
   * Throws `RangeError` for a negative or non-finite value.
   */
  setTimeouts(timeouts: { closeTimeout?: number; keepaliveInterval?: number; pongTimeout?: number }): void {
    if (timeouts.closeTimeout !== undefined) {
      this.#closeTimeout = checkDuration('closeTimeout', timeouts.closeTimeout, this.#closeTimeout);
      if (this.#state === 'CLOSING' && this.#closeDeadline !== undefined) {
        this.#closeDeadline = this.#clock() + this.#closeTimeout;
      }
    }
    if (timeouts.keepaliveInterval !== undefined) {
      const before = this.#keepaliveInterval;
      this.#keepaliveInterval = checkDuration('keepaliveInterval', timeouts.keepaliveInterval, before);
      if (before === 0 && this.#keepaliveInterval > 0) this.#lastReceivedAt = this.#clock();
      if (this.#keepaliveInterval === 0) this.#pongDeadline = undefined;
    }
    if (timeouts.pongTimeout !== undefined) {
      this.#pongTimeout = checkDuration('pongTimeout', timeouts.pongTimeout, this.#pongTimeout);
    }
  }

  /** Queues frames to write, in order. */
  #write(frames: readonly Uint8Array[]): void {
    if (this.#output === NO_OUTPUT) this.#output = [];
    for (let index = 0; index < frames.length; index++) this.#output.push(frames[index]!);
  }

  /**
   * Sends a text message. `options.compress: false` asks extensions to send it as it is (see
   * {@link SendOptions}).
   */
  sendText(text: string, options?: SendOptions): void {
    if (typeof text !== 'string') throw new TypeError('sendText expects a string');
    this.#checkData('send text');
    if (!this.#has(ConnectionFlag.Encodes)) this.#writeInOrder(this.#encoder.encodeText(text));
    else this.#outgoingPipeline().encode(outgoingMessage('text', textEncoder.encode(text), options));
  }

  /**
   * Sends a text message given as its UTF-8 bytes (as `TextEncoder` produces them): for a caller that
   * has encoded the text already, e.g. to count its bytes. The bytes must be valid UTF-8 (RFC 6455
   * §5.6); they are not checked, and not copied: do not modify them until written.
   */
  sendEncodedText(utf8: Uint8Array, options?: SendOptions): void {
    if (!(utf8 instanceof Uint8Array)) throw new TypeError('sendEncodedText expects a Uint8Array');
    this.#checkData('send text');
    if (!this.#has(ConnectionFlag.Encodes)) this.#writeInOrder(this.#encoder.encode(Opcode.Text, utf8));
    else this.#outgoingPipeline().encode(outgoingMessage('text', utf8, options));
  }

  /** Sends a binary message. The bytes are not copied: do not modify them until written. */
  sendBinary(data: Uint8Array, options?: SendOptions): void {
    if (!(data instanceof Uint8Array)) throw new TypeError('sendBinary expects a Uint8Array');
    this.#checkData('send binary');
    if (!this.#has(ConnectionFlag.Encodes)) this.#writeInOrder(this.#encoder.encode(Opcode.Binary, data));
    else this.#outgoingPipeline().encode(outgoingMessage('binary', data, options));
  }

  /**
   * Starts a fragmented message: its first frame, FIN clear (RFC 6455 §5.4). Until
   * {@link endMessage}, only {@link continueMessage}, control frames and close may be sent.
   * Fragmented messages bypass extensions. Text strings are encoded as UTF-8 one fragment at a
   * time: split them between code points.
   */
  startMessage(type: MessageType, data: Uint8Array | string = EMPTY): void {
    if (type !== 'text' && type !== 'binary') {
      throw new TypeError(`Message type must be 'text' or 'binary', not ${String(type)}`);
    }
    this.#checkData('start a message');
    const opcode = type === 'text' ? Opcode.Text : Opcode.Binary;
    const payload = fragmentPayload(data, opcode);
    this.#sending = opcode;
    this.#writeInOrder(this.#encoder.encode(opcode, payload, NOT_FINAL));
  }

  /** Sends a middle fragment of the message started with {@link startMessage}. */
  continueMessage(data: Uint8Array | string): void {
    this.#checkFragment('continue a message');
    this.#writeInOrder(
      this.#encoder.encode(Opcode.Continuation, fragmentPayload(data, this.#sending), NOT_FINAL),
    );
  }

  /** Sends the final fragment (FIN set) of the message started with {@link startMessage}. */
  endMessage(data: Uint8Array | string = EMPTY): void {
    this.#checkFragment('end a message');
    const payload = fragmentPayload(data, this.#sending);
    this.#sending = 0;
    this.#writeInOrder(this.#encoder.encode(Opcode.Continuation, payload));
  }

  /** Sends a ping (payload at most 125 bytes). Allowed while `OPEN` and `CLOSING`. */
  sendPing(data: Uint8Array = EMPTY): void {
    this.#checkControl('send a ping', data);
    this.#write(this.#encoder.encode(Opcode.Ping, data));
  }

  /** Sends a pong (payload at most 125 bytes), e.g. an unsolicited heartbeat (RFC 6455 §5.5.3). */
  sendPong(data: Uint8Array = EMPTY): void {
    this.#checkControl('send a pong', data);
    this.#write(this.#encoder.encode(Opcode.Pong, data));
  }

  /**
   * Starts the closing handshake (RFC 6455 §7.1.2): sends a close frame and waits for the peer's,
   * up to `closeTimeout`. Without a code the payload is empty (the peer reports 1005). Throws
   * `RangeError` for a code that may not be sent or a reason over 123 bytes of UTF-8.
   */
  sendClose(code?: number, reason = ''): void {
    this.#checkState('sendClose', 'close');
    const payload = encodeClosePayload(code, reason);
    if (this.#state === 'FAILING') {
      this.#apply('sendClose', this.#failure); // the failure's close frame, not this one
      return;
    }
    this.#closeSent = { code, reason };
    this.#apply('sendClose', { payload });
  }

  /**
   * Writes the close frame that is due (see {@link closeDue}): in `CLOSE_RECEIVED` the reply echoing
   * the peer's code (RFC 6455 §5.5.1), in `FAILING` the failing close frame (RFC 6455 §7.1.7). Call
   * it once the application has handled the events before the peer's close or error, so that its
   * answers go out first. Does nothing when no close frame is due.
   */
  flushClose(): void {
    if (this.#state === 'CLOSE_RECEIVED') this.#apply('flushClose');
    else if (this.#state === 'FAILING') this.#apply('flushClose', this.#failure);
  }

  /**
   * Fails the connection now (RFC 6455 §7.1.7): sends a close frame with `code` unless one was sent,
   * tells the transport to close without waiting for the peer, and reports a close event (not clean).
   */
  fail(code: number, reason = ''): void {
    this.#checkState('fail', 'fail the connection');
    if (typeof code !== 'number') throw new TypeError('fail needs a close code');
    validateLocalClose(code, reason);
    this.#apply('fail', { code, reason });
  }

  // ---- time -----------------------------------------------------------------------------------

  /**
   * The earliest time (of the injected clock) at which {@link onDeadline} has something to do: the
   * close handshake timeout, a client's wait for the server to close the transport, the next
   * keepalive ping or the pong timeout. `undefined` when nothing is scheduled.
   */
  nextDeadline(): number | undefined {
    if (this.#state === 'CLOSING') return this.#closeDeadline;
    if (this.#state === 'CLOSED')
      return this.#has(ConnectionFlag.EndTransport) ? undefined : this.#closeDeadline;
    if (this.#keepaliveInterval === 0) return undefined;
    return this.#pongDeadline ?? this.#lastReceivedAt + this.#keepaliveInterval;
  }

  /** Does what is due at `now` (default: the clock's time). Call it when {@link nextDeadline} passes. */
  onDeadline(now: number = this.#clock()): void {
    if (this.#state === 'CLOSING' && this.#closeDeadline !== undefined && now >= this.#closeDeadline) {
      const error = new ConnectionError(
        'WS_ERR_CLOSE_TIMEOUT',
        'The peer did not answer the close frame in time',
      );
      this.#apply('closeTimeout', { error });
    } else if (this.#state === 'CLOSED') {
      if (
        !this.#has(ConnectionFlag.EndTransport) &&
        this.#closeDeadline !== undefined &&
        now >= this.#closeDeadline
      ) {
        this.#apply('transportTimeout');
      }
    } else if (this.#state === 'OPEN' && this.#keepaliveInterval > 0) {
      if (this.#pongDeadline !== undefined) {
        if (now >= this.#pongDeadline) {
          this.#fail(
            new ConnectionError('WS_ERR_PONG_TIMEOUT', 'The keepalive ping was not answered in time'),
          );
        }
      } else if (now >= this.#lastReceivedAt + this.#keepaliveInterval) {
        if (this.#keepaliveFrame === 'pong') {
          // An unsolicited pong (RFC 6455 §5.5.3): a heartbeat that expects no answer.
          this.#write(this.#encoder.encode(Opcode.Pong, EMPTY));
          this.#lastReceivedAt = now;
          return;
        }
        const payload = new Uint8Array(4);
        new DataView(payload.buffer).setUint32(0, ++this.#keepalivePings >>> 0);
        this.#write(this.#encoder.encode(Opcode.Ping, payload));
        this.#pongDeadline = now + this.#pongTimeout;
      }
    }
  }

  // ---- checks ---------------------------------------------------------------------------------

  /** Whether the state is `CLOSED`; a method, so that TypeScript does not keep a narrowing across calls. */
  #isClosed(): boolean {
    return this.#state === 'CLOSED';
  }

  /** Whether received bytes are still read: not after the peer's close frame or a protocol error. */
  #reading(): boolean {
    return this.#state === 'OPEN' || this.#state === 'CLOSING';
  }

  #checkState(input: ConnectionInput, verb: string): void {
    if (transition(this.#state, input) === undefined) {
      throw new ProtocolUsageError('WS_ERR_INVALID_STATE', `cannot ${verb} in state ${this.#state}`);
    }
  }

  #checkReceive(verb: string): void {
    if (this.#has(ConnectionFlag.EofReceived)) {
      throw new ProtocolUsageError('WS_ERR_INVALID_STATE', `cannot ${verb} after end of stream`);
    }
    if (this.#has(ConnectionFlag.Receiving)) {
      throw new ProtocolUsageError(
        'WS_ERR_INVALID_STATE',
        `cannot ${verb} from inside a handler called by receiveData`,
      );
    }
  }

  #checkData(verb: string): void {
    this.#checkState('sendData', verb);
    if (this.#sending !== 0) {
      throw new ProtocolUsageError(
        'WS_ERR_FRAGMENT_SEQUENCE',
        `cannot ${verb} while a fragmented message is being sent: end it with endMessage() first`,
      );
    }
  }

  #checkFragment(verb: string): void {
    this.#checkState('sendData', verb);
    if (this.#sending === 0) {
      throw new ProtocolUsageError(
        'WS_ERR_FRAGMENT_SEQUENCE',
        `cannot ${verb}: no fragmented message is being sent (call startMessage() first)`,
      );
    }
  }

  #checkControl(verb: string, data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`cannot ${verb}: the payload must be a Uint8Array`);
    }
    this.#checkState('sendControl', verb);
    if (data.length > MAX_CONTROL_PAYLOAD) {
      throw new RangeError(
        `cannot ${verb} of ${data.length} bytes: control payloads are at most 125 (RFC 6455 §5.5)`,
      );
    }
  }

  // ---- the state machine ----------------------------------------------------------------------

  /** Fails the connection for `error` (RFC 6455 §7.1.7), with its close code and a reason free of internals. */
  #fail(error: ConnectionFailure): void {
    this.#apply('fail', { code: error.closeCode, reason: closeReason(error), error });
  }

  /**
   * The received bytes broke the protocol: the messages before the bad frame are delivered first and
   * the failing close frame is due (`FAILING`); once our close is out, the failure ends it at once.
   */
  #receiveError(error: ConnectionFailure): void {
    const details: CloseDetails = { code: error.closeCode, reason: closeReason(error), error };
    if (this.#state === 'OPEN') this.#failure = { code: details.code, reason: details.reason };
    this.#apply('receiveError', details);
  }

  /** Takes the transition for `input` and carries out its effects (see `state.ts`). */
  #apply(input: ConnectionInput, details: CloseDetails = {}): void {
    const step = transition(this.#state, input);
    if (step === undefined) {
      throw new ProtocolUsageError('WS_ERR_INVALID_STATE', `cannot ${input} in state ${this.#state}`);
    }
    // The pong that is due goes before our close frame, or not at all once it failed.
    if (step.writeClose === 'fail') {
      this.#duePong = undefined;
      this.#earlierPongs = undefined;
    } else if (step.writeClose !== undefined) this.#writeDuePong();
    this.#state = step.next;
    if (step.next === 'CLOSED') {
      this.#sending = 0;
      this.#closeDeadline = undefined;
      this.#pongDeadline = undefined;
    }
    if (step.dropOutgoing) this.#outgoing?.clear();
    if (step.writeClose === 'initiate') {
      this.#writeInOrder(this.#encoder.encode(Opcode.Close, details.payload!));
    } else if (step.writeClose === 'reply') {
      const code = this.#closeReceived?.code;
      this.#closeSent = { code, reason: '' };
      this.#writeInOrder(
        this.#encoder.encode(Opcode.Close, code === undefined ? EMPTY : encodeClosePayload(code)),
      );
    } else if (step.writeClose === 'fail') {
      this.#closeSent = { code: details.code, reason: details.reason ?? '' };
      this.#writeInOrder(
        this.#encoder.encode(Opcode.Close, encodeClosePayload(details.code, details.reason)),
      );
    }
    if (step.armCloseTimeout) this.#closeDeadline = this.#clock() + this.#closeTimeout;
    if (
      step.transport === 'end' ||
      (step.transport === 'afterHandshake' &&
        (this.#role === 'server' || this.#has(ConnectionFlag.EofReceived)))
    ) {
      this.#mark(ConnectionFlag.EndTransport, true);
      this.#closeDeadline = undefined;
    } else if (step.transport === 'afterHandshake') {
      this.#closeDeadline = this.#clock() + this.#closeTimeout;
    }
    this.#disposeIfIdle();
    if (step.announce === 'closeReceived') {
      const close = this.#closeReceived!;
      this.#emit({
        type: 'closeReceived',
        code: close.code ?? CloseCode.NoStatusReceived,
        reason: close.reason,
      });
    } else if (step.announce === 'error') {
      this.#emit({ type: 'error', error: details.error! });
    }
    if (step.report === 'handshake') {
      const close = this.#closeReceived!;
      this.#emit({
        type: 'close',
        code: close.code ?? CloseCode.NoStatusReceived,
        reason: close.reason,
        wasClean: true,
      });
    } else if (step.report !== undefined) {
      if (details.error !== undefined) this.#emit({ type: 'error', error: details.error });
      const abnormal = step.report === 'abnormal';
      this.#emit({
        type: 'close',
        code: abnormal ? CloseCode.AbnormalClosure : details.code!,
        reason: abnormal ? '' : (details.reason ?? ''),
        wasClean: false,
      });
    }
  }

  // ---- received frames ------------------------------------------------------------------------

  /**
   * The callbacks the decoder and the extension pipelines call: the received frames
   * ({@link MessageHandler}) and the pipelines' host. A class nested in `Connection` (so it reaches
   * the private members) whose methods live on one shared prototype: a connection allocates one
   * small object instead of a dozen closures.
   */
  static {
    class Callbacks implements MessageHandler, PipelineHost {
      readonly #connection: Connection;

      constructor(connection: Connection) {
        this.#connection = connection;
      }

      onText(text: string): void {
        const connection = this.#connection;
        if (!connection.#reading()) return;
        if (connection.#handler !== undefined && connection.#incomingIdle()) {
          connection.#handler.onMessage?.('text', text);
        } else connection.#emit({ type: 'message', messageType: 'text', data: text });
      }

      onBinary(data: Uint8Array): void {
        const connection = this.#connection;
        if (!connection.#reading()) return;
        if (connection.#handler !== undefined && connection.#incomingIdle()) {
          connection.#handler.onMessage?.('binary', data);
        } else connection.#emit({ type: 'message', messageType: 'binary', data });
      }

      onEncodedText(utf8: Uint8Array): void {
        const connection = this.#connection;
        if (!connection.#reading()) return;
        if (connection.#handler !== undefined && connection.#incomingIdle()) {
          connection.#handler.onEncodedText?.(utf8);
        } else connection.#emit({ type: 'encodedText', data: utf8 });
      }

      onPiece(type: MessageType, data: Uint8Array, final: boolean): void {
        const connection = this.#connection;
        if (!connection.#reading()) return;
        if (connection.#handler !== undefined && connection.#incomingIdle()) {
          connection.#handler.onMessagePiece?.(type, data, final);
        } else {
          connection.#emit({ type: 'messagePiece', messageType: type, data, final });
        }
      }

      onExtensionMessage(type: MessageType, data: Uint8Array, rsv: number): void {
        const connection = this.#connection;
        if (!connection.#reading()) return;
        connection.#incomingPipeline().decode({ type, data, rsv });
      }

      onPing(data: Uint8Array): void {
        const connection = this.#connection;
        if (!connection.#reading()) return;
        // RFC 6455 §5.5.2: answer with a pong carrying the same data, also between fragments. Each
        // ping gets its own pong (as peers and the Autobahn suite expect, 2.10) up to SEPARATE_PONGS
        // before one is written; past that the later ones share one pong with the latest ping's data
        // (§5.5.3), so a flood costs a bounded amount of memory until maxPendingPings fails it.
        if (
          connection.#has(ConnectionFlag.AutoPong) &&
          transition(connection.#state, 'sendControl') !== undefined
        ) {
          if (++connection.#pendingPings > connection.#maxPendingPings) {
            connection.#duePong = undefined;
            connection.#earlierPongs = undefined;
            connection.#fail(
              new ConnectionError(
                'WS_ERR_PING_FLOOD',
                `More than ${connection.#maxPendingPings} pings arrived while our pong could not be written`,
              ),
            );
            return;
          }
          const previous = connection.#duePong;
          if (previous !== undefined && connection.#pendingPings <= SEPARATE_PONGS + 1) {
            if (connection.#earlierPongs === undefined) connection.#earlierPongs = [];
            connection.#earlierPongs.push(previous);
          }
          connection.#duePong = data.slice();
        }
        connection.#emit({ type: 'ping', data });
      }

      onPong(data: Uint8Array): void {
        const connection = this.#connection;
        if (!connection.#reading()) return;
        connection.#pongDeadline = undefined;
        connection.#emit({ type: 'pong', data });
      }

      onClose(close: ClosePayload): void {
        const connection = this.#connection;
        if (!connection.#reading()) return;
        connection.#closeReceived = close;
        connection.#apply('receiveClose');
      }

      isClosed(): boolean {
        return this.#connection.#isClosed();
      }

      fail(error: ConnectionFailure): void {
        this.#connection.#fail(error);
      }

      idle(): void {
        this.#connection.#disposeIfIdle();
      }

      wake(): void {
        this.#connection.#onWake?.();
      }

      report(error: ConnectionFailure): void {
        this.#connection.#emit({ type: 'error', error });
      }

      deliver(event: ConnectionEvent): void {
        this.#connection.#deliver(event);
      }

      write(frames: Uint8Array[]): void {
        this.#connection.#write(frames);
      }

      frame(message: ExtensionMessage): Uint8Array[] {
        return this.#connection.#frameMessage(message);
      }
    }
    newCallbacks = (connection) => new Callbacks(connection);
  }

  /** Whether no event waits behind a message an extension is decoding: events can go directly. */
  #incomingIdle(): boolean {
    return this.#incoming === undefined || this.#incoming.isEmpty;
  }

  /** Whether no frame waits behind a message an extension is encoding. */
  #outgoingIdle(): boolean {
    return this.#outgoing === undefined || this.#outgoing.isEmpty;
  }

  /** Delivers `event` now, or behind the messages an extension is still decoding. */
  #emit(event: ConnectionEvent): void {
    if (this.#incoming === undefined) this.#deliver(event);
    else this.#incoming.emit(event);
  }

  /** Writes `frames` now, or behind the messages an extension is still encoding. */
  #writeInOrder(frames: Uint8Array[]): void {
    if (this.#outgoing === undefined) this.#write(frames);
    else this.#outgoing.write(frames);
  }

  /** The incoming pipeline, created when an extension first decodes a message. */
  #incomingPipeline(): IncomingPipeline {
    if (this.#incoming === undefined) {
      const extended = this.#extended!;
      this.#incoming = new IncomingPipeline(this.#callbacks, extended.decodeSteps, extended.delivery);
    }
    return this.#incoming;
  }

  /** The outgoing pipeline, created when an extension first encodes a message. */
  #outgoingPipeline(): OutgoingPipeline {
    if (this.#outgoing === undefined)
      this.#outgoing = new OutgoingPipeline(this.#callbacks, this.#extended!.encodeSteps);
    return this.#outgoing;
  }

  #deliver(event: ConnectionEvent): void {
    if (this.#handler !== undefined) deliverEvent(this.#handler, event);
    else if (this.#events === NO_EVENTS) this.#events = [event];
    else if (this.#events === OPEN_EVENTS) this.#events = [OPEN_EVENTS[0]!, event];
    else this.#events.push(event);
  }

  /** Frames a message an extension encoded, with the RSV bits it set on the first frame. */
  #frameMessage(message: ExtensionMessage): Uint8Array[] {
    const opcode = message.type === 'text' ? Opcode.Text : Opcode.Binary;
    const rsv = message.rsv & (this.#extended?.rsv ?? 0);
    return this.#encoder.encode(opcode, message.data, rsv === 0 ? undefined : { rsv });
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Releases the extensions once the connection is closed and nothing is pending. */
  #disposeIfIdle(): void {
    if (
      this.#has(ConnectionFlag.Disposed) ||
      this.#state !== 'CLOSED' ||
      !this.#incomingIdle() ||
      !this.#outgoingIdle()
    ) {
      return;
    }
    this.#mark(ConnectionFlag.Disposed, true);
    for (const extension of this.#extended?.extensions ?? NO_EXTENSIONS) {
      try {
        extension.dispose?.();
      } catch {
        // A failing dispose must not break the close; there is nobody left to tell.
      }
    }
  }
}

/** Unmasked encoders by `allocate` option (the default's under `undefined`): see {@link frameEncoder}. */
const sharedEncoders = new WeakMap<(length: number) => Uint8Array, FrameEncoder>();
let sharedDefaultEncoder: FrameEncoder | undefined;

/**
 * The connection's frame encoder. An unmasked one (a server's) holds no state of its own, only its
 * options, so connections with the same `allocate` share one; a masking encoder is the
 * connection's own (its mask keys).
 */
function frameEncoder(options: ConnectionOptions): FrameEncoder {
  const { role, mask, maskKeys, allocate, frameScratch } = options;
  const masking = mask ?? role === 'client';
  if (masking || (role !== 'client' && role !== 'server')) {
    return new FrameEncoder({ role, mask, maskKeys, allocate, scratch: frameScratch });
  }
  if (allocate === undefined) {
    if (sharedDefaultEncoder === undefined) sharedDefaultEncoder = new FrameEncoder({ role, mask: false });
    return sharedDefaultEncoder;
  }
  if (typeof allocate !== 'function') return new FrameEncoder({ role, mask: false, allocate }); // throws
  let encoder = sharedEncoders.get(allocate);
  if (encoder === undefined) {
    encoder = new FrameEncoder({ role, mask: false, allocate });
    sharedEncoders.set(allocate, encoder);
  }
  return encoder;
}

/** The payload of a fragment: bytes as they are, a string (text messages only) as UTF-8. */
function fragmentPayload(data: Uint8Array | string, opcode: number): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string' && opcode === Opcode.Text) return textEncoder.encode(data);
  throw new TypeError(
    opcode === Opcode.Text
      ? 'A fragment must be a string or a Uint8Array'
      : 'A binary fragment must be a Uint8Array',
  );
}
