/**
 * One websocket.dll handle: the handshake state, then a `Connection` engine in pull mode with
 * `delivery: 'pieces'` and `autoFlushClose: false`, driven through the action queues. The engine
 * does the protocol (framing, masking, UTF-8, automatic pongs, the close handshake); this class only
 * moves its bytes and events through `WebSocketGetAction` / `WebSocketCompleteAction`, one action per
 * queue at a time. The peer's close is indicated in wire order (the engine's `closeReceived`) and
 * answered by the application's own `CLOSE` send, with its own status: until then the handle is
 * half closed and data may still be sent (W9).
 */
import { MaskKeyPool } from '@wskit/codec';
import { Connection, isProtocolUsageError } from '@wskit/protocol';
import {
  WEB_SOCKET_ACTION as Action,
  WEB_SOCKET_ACTION_QUEUE as ActionQueue,
  WEB_SOCKET_BUFFER_TYPE as BufferType,
  E_FAIL,
  E_INVALID_PROTOCOL_OPERATION,
  E_INVALIDARG,
  S_OK,
  type WEB_SOCKET_ACTION,
  type WEB_SOCKET_BUFFER_TYPE,
} from './constants.js';
import {
  beginClientHandshake,
  beginServerHandshake,
  type ClientOffer,
  endClientHandshake,
} from './handshake.js';
import { ABORTED_CLOSE, IncomingIndications } from './incoming-indications.js';
import { type Lane, OutgoingFrames, type WriteAction } from './outgoing-frames.js';
import type { HandleSettings } from './properties.js';
import { sendToEngine } from './send.js';
import type {
  WEB_SOCKET_ACTION_CONTEXT,
  WEB_SOCKET_BUFFER,
  WebSocketBeginClientHandshakeResult,
  WebSocketBeginServerHandshakeResult,
  WebSocketEndClientHandshakeResult,
  WebSocketGetActionResult,
} from './types.js';

/** An action handed out and not yet completed. */
type Pending =
  | { readonly kind: 'write'; readonly write: WriteAction }
  | { readonly kind: 'sendComplete' }
  | { readonly kind: 'read'; readonly space: Uint8Array }
  | { readonly kind: 'receiveComplete' };

interface Outstanding {
  readonly token: WEB_SOCKET_ACTION_CONTEXT;
  readonly pending: Pending;
}

interface SendOperation {
  readonly bufferType: WEB_SOCKET_BUFFER_TYPE;
  readonly context: unknown;
}

interface ReceiveOperation {
  readonly target: Uint8Array | undefined;
  readonly context: unknown;
  cancelled: boolean;
}

const NO_ACTION: WebSocketGetActionResult = Object.freeze({
  hr: S_OK,
  action: Action.WEB_SOCKET_NO_ACTION,
  bufferType: undefined,
  dataBuffers: Object.freeze([]),
  applicationContext: undefined,
  actionContext: undefined,
});

/** The buffer type reported for the library's own frames on the receive queue, by opcode. */
function internalBufferType(opcode: number): WEB_SOCKET_BUFFER_TYPE {
  return opcode === 0x8
    ? BufferType.WEB_SOCKET_CLOSE_BUFFER_TYPE
    : BufferType.WEB_SOCKET_PING_PONG_BUFFER_TYPE;
}

/** A mask key pool of zero keys: the masking-off property of a client (frames stay masked, key 0). */
function zeroMaskKeys(): MaskKeyPool {
  return new MaskKeyPool(1, (array) => {
    array.fill(0);
    return array;
  });
}

/** The state of one handle. */
export class Session {
  readonly role: 'client' | 'server';
  readonly #settings: HandleSettings;
  #handshake: 'created' | 'begun' | 'open' = 'created';
  #offer: ClientOffer | undefined;
  #engine: Connection | undefined;
  readonly #frames = new OutgoingFrames();
  readonly #indications = new IncomingIndications();
  #send: SendOperation | undefined;
  #receive: ReceiveOperation | undefined;
  #sendAction: Outstanding | undefined;
  #receiveAction: Outstanding | undefined;
  #aborted = false;
  /** The application's CLOSE went through `WebSocketSend`: only control frames from now on. */
  #closeSent = false;
  /** The message being sent in fragments, if any. */
  #sending: 'text' | 'binary' | undefined;
  /** The peer's close was indicated or receiving failed: nothing more will be received. */
  #receiveFinished = false;

  constructor(role: 'client' | 'server', settings: HandleSettings) {
    this.role = role;
    this.#settings = settings;
  }

  // ---- handshake ------------------------------------------------------------------------------

  beginClientHandshake(
    subprotocols: unknown,
    extensions: unknown,
    initialHeaders: unknown,
  ): WebSocketBeginClientHandshakeResult {
    if (this.role !== 'client' || this.#handshake !== 'created') {
      return { hr: E_INVALID_PROTOCOL_OPERATION, additionalHeaders: [] };
    }
    const result = beginClientHandshake(subprotocols, extensions, initialHeaders);
    if (result.offer === undefined) return { hr: result.hr, additionalHeaders: [] };
    this.#offer = result.offer;
    this.#handshake = 'begun';
    return { hr: S_OK, additionalHeaders: result.headers! };
  }

  endClientHandshake(responseHeaders: unknown): WebSocketEndClientHandshakeResult {
    if (this.role !== 'client' || this.#handshake !== 'begun') {
      return { hr: E_INVALID_PROTOCOL_OPERATION, selectedExtensions: [], selectedSubprotocol: undefined };
    }
    const result = endClientHandshake(this.#offer!, responseHeaders);
    if (result.hr === S_OK) this.#open();
    return result;
  }

  beginServerHandshake(
    subprotocol: unknown,
    extensions: unknown,
    requestHeaders: unknown,
  ): WebSocketBeginServerHandshakeResult {
    if (this.role !== 'server' || this.#handshake !== 'created') {
      return { hr: E_INVALID_PROTOCOL_OPERATION, responseHeaders: [] };
    }
    const result = beginServerHandshake(subprotocol, extensions, requestHeaders);
    if (result.headers === undefined) return { hr: result.hr, responseHeaders: [] };
    this.#handshake = 'begun';
    return { hr: S_OK, responseHeaders: result.headers };
  }

  /** Optional and idempotent; any session call after Begin does the same. */
  endServerHandshake(): number {
    if (this.role !== 'server' || this.#handshake === 'created') return E_INVALID_PROTOCOL_OPERATION;
    this.#session();
    return S_OK;
  }

  /** Starts the data session: the engine. */
  #open(): void {
    const { disableMasking, disableUtf8Verification } = this.#settings;
    const client = this.role === 'client';
    this.#engine = new Connection({
      role: this.role,
      // No timers in this API (keep-alive is the caller's): the engine's deadlines are never used.
      clock: () => 0,
      delivery: 'pieces',
      // The application answers the peer's close itself (WebSocketSend CLOSE, W9); the failing close
      // of a protocol error is written once the indications before the error were taken.
      autoFlushClose: false,
      validateUtf8: !disableUtf8Verification,
      // Pieces are indicated as they arrive: no size limit is needed (websocket.dll has none).
      maxFrameSize: Number.MAX_SAFE_INTEGER,
      maxMessageSize: Number.MAX_SAFE_INTEGER,
      maxFragments: Number.MAX_SAFE_INTEGER,
      ...(client && disableMasking ? { maskKeys: zeroMaskKeys() } : {}),
      ...(!client && disableMasking ? { enforceMasking: false } : {}),
    });
    this.#engine.events(); // the open event
    this.#handshake = 'open';
  }

  /** The engine once the session started (a server's is started by any session call after Begin). */
  #session(): Connection | undefined {
    if (this.#handshake === 'begun' && this.role === 'server') this.#open();
    return this.#engine;
  }

  // ---- operations -----------------------------------------------------------------------------

  send(bufferType: unknown, buffer: unknown, context: unknown): number {
    const engine = this.#session();
    if (engine === undefined || this.#aborted || this.#frames.broken || this.#send !== undefined) {
      return E_INVALID_PROTOCOL_OPERATION;
    }
    try {
      const result = sendToEngine(
        engine,
        bufferType,
        buffer,
        { sending: this.#sending, closeSent: this.#closeSent },
        this.role === 'client' ? maskedFramePayload(this.#settings.sendBufferSize) : Infinity,
      );
      if (typeof result === 'number') return result;
      this.#sending = result.sending;
      this.#closeSent = result.closeSent;
    } catch (error) {
      if (isProtocolUsageError(error)) return E_INVALID_PROTOCOL_OPERATION;
      return error instanceof RangeError || error instanceof TypeError ? E_INVALIDARG : E_FAIL;
    }
    this.#frames.add('send', engine.dataToSend());
    this.#indications.add(engine.events()); // the close event once our close completed the handshake
    this.#send = { bufferType: bufferType as WEB_SOCKET_BUFFER_TYPE, context };
    return S_OK;
  }

  receive(buffer: unknown, context: unknown): number {
    const engine = this.#session();
    if (engine === undefined || this.#aborted || this.#receiveFinished || this.#receive !== undefined) {
      return E_INVALID_PROTOCOL_OPERATION;
    }
    let target: Uint8Array | undefined;
    if (buffer !== undefined && buffer !== null) {
      target = (buffer as WEB_SOCKET_BUFFER).data;
      if (!(target instanceof Uint8Array) || target.length === 0) return E_INVALIDARG;
    }
    this.#receive = { target, context, cancelled: false };
    return S_OK;
  }

  abort(): void {
    const engine = this.#session();
    if (engine === undefined || this.#aborted) return; // a no-op before the handshake completed
    this.#aborted = true;
    this.#frames.clear();
    this.#indications.clear();
    if (engine.state !== 'CLOSED') engine.receiveEof(); // the engine ends too (1006), silently
    engine.events();
    engine.dataToSend();
  }

  // ---- actions --------------------------------------------------------------------------------

  getAction(queue: unknown, capacity: unknown): WebSocketGetActionResult {
    if (this.#session() === undefined) return { ...NO_ACTION, hr: E_INVALID_PROTOCOL_OPERATION };
    if (
      (queue !== ActionQueue.WEB_SOCKET_SEND_ACTION_QUEUE &&
        queue !== ActionQueue.WEB_SOCKET_RECEIVE_ACTION_QUEUE &&
        queue !== ActionQueue.WEB_SOCKET_ALL_ACTION_QUEUE) ||
      typeof capacity !== 'number' ||
      !Number.isInteger(capacity) ||
      capacity < 1
    ) {
      return { ...NO_ACTION, hr: E_INVALIDARG };
    }
    // The library's own frames first (a pong must not wait behind a long send: W30).
    if ((queue & ActionQueue.WEB_SOCKET_RECEIVE_ACTION_QUEUE) !== 0) {
      const result = this.#internalWrite(capacity);
      if (result !== undefined) return result;
    }
    if ((queue & ActionQueue.WEB_SOCKET_SEND_ACTION_QUEUE) !== 0) {
      const result = this.#sendQueueAction(capacity);
      if (result !== undefined) return result;
    }
    if ((queue & ActionQueue.WEB_SOCKET_RECEIVE_ACTION_QUEUE) !== 0) {
      const result = this.#receiveQueueAction(capacity);
      if (result !== undefined) return result;
    }
    return NO_ACTION;
  }

  #sendQueueAction(capacity: number): WebSocketGetActionResult | undefined {
    const operation = this.#send;
    if (this.#sendAction !== undefined || operation === undefined) return undefined;
    const write = this.#frames.next('send', capacity);
    if (write !== undefined) {
      return this.#handOut('send', { kind: 'write', write }, Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION, {
        bufferType: operation.bufferType,
        dataBuffers: write.buffers.map((data) => ({ data })),
        applicationContext: operation.context,
      });
    }
    if (this.#frames.has('send')) return undefined; // waits behind a write of the receive queue
    return this.#handOut('send', { kind: 'sendComplete' }, Action.WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION, {
      bufferType: operation.bufferType,
      dataBuffers: [],
      applicationContext: operation.context,
    });
  }

  /** The library's own frame (a pong, the failing close) on the receive queue, if one can go now. */
  #internalWrite(capacity: number): WebSocketGetActionResult | undefined {
    if (this.#receiveAction !== undefined) return undefined;
    const write = this.#frames.next('receive', capacity);
    if (write === undefined) return undefined;
    // No application context: nobody asked for this frame.
    return this.#handOut('receive', { kind: 'write', write }, Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION, {
      bufferType: internalBufferType(write.frame.opcode),
      dataBuffers: write.buffers.map((data) => ({ data })),
      applicationContext: undefined,
    });
  }

  #receiveQueueAction(capacity: number): WebSocketGetActionResult | undefined {
    if (this.#receiveAction !== undefined) return undefined;
    const write = this.#internalWrite(capacity);
    if (write !== undefined) return write;
    // The library's frame waits for the other queue's write: this queue hands out nothing else
    // (`NO_ACTION`) until it went, so that a driver asking again finds it (W30).
    if (this.#frames.has('receive')) return undefined;
    const operation = this.#receive;
    if (operation === undefined) return undefined;
    if (operation.cancelled || this.#aborted) {
      return this.#indicate(operation, BufferType.WEB_SOCKET_CLOSE_BUFFER_TYPE, ABORTED_CLOSE);
    }
    if (this.#indications.errorFirst) {
      const engine = this.#engine!;
      if (engine.closeDue) {
        // Every indication before the peer's error was taken (and what the application sent in
        // answer is queued first): now the failing close frame, then the error.
        engine.flushClose();
        this.#frames.add('receive', engine.dataToSend());
        this.#indications.add(engine.events());
        return this.#receiveQueueAction(capacity);
      }
      this.#receive = undefined;
      this.#receiveFinished = true;
      return { ...NO_ACTION, hr: this.#indications.takeError()! };
    }
    const delivery = this.#indications.take(this.#settings.receiveBufferSize, operation.target);
    if (delivery !== undefined) {
      if (delivery.close) this.#receiveFinished = true;
      return this.#indicate(operation, delivery.bufferType, delivery.buffer);
    }
    const state = this.#engine!.state;
    if (state !== 'OPEN' && state !== 'CLOSING') return undefined; // nothing more is read
    const space = new Uint8Array(this.#settings.receiveBufferSize);
    return this.#handOut('receive', { kind: 'read', space }, Action.WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION, {
      bufferType: undefined,
      dataBuffers: [{ data: space }],
      applicationContext: operation.context,
    });
  }

  #indicate(
    operation: ReceiveOperation,
    bufferType: WEB_SOCKET_BUFFER_TYPE,
    buffer: WEB_SOCKET_BUFFER,
  ): WebSocketGetActionResult {
    return this.#handOut(
      'receive',
      { kind: 'receiveComplete' },
      Action.WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION,
      {
        bufferType,
        dataBuffers: [buffer],
        applicationContext: operation.context,
      },
    );
  }

  #handOut(
    lane: Lane,
    pending: Pending,
    action: WEB_SOCKET_ACTION,
    fields: Pick<WebSocketGetActionResult, 'bufferType' | 'dataBuffers' | 'applicationContext'>,
  ): WebSocketGetActionResult {
    const token = Object.freeze(Object.create(null)) as WEB_SOCKET_ACTION_CONTEXT;
    const outstanding = { token, pending };
    if (lane === 'send') this.#sendAction = outstanding;
    else this.#receiveAction = outstanding;
    return Object.freeze({
      hr: S_OK,
      action,
      bufferType: fields.bufferType,
      dataBuffers: Object.freeze(fields.dataBuffers),
      applicationContext: fields.applicationContext,
      actionContext: token,
    });
  }

  completeAction(token: unknown, bytesTransferred: unknown): void {
    if (typeof bytesTransferred !== 'number' || !Number.isInteger(bytesTransferred) || bytesTransferred < 0) {
      throw new TypeError('WebSocketCompleteAction: bytesTransferred must be a non-negative integer');
    }
    let outstanding: Outstanding;
    if (this.#sendAction !== undefined && this.#sendAction.token === token) outstanding = this.#sendAction;
    else if (this.#receiveAction !== undefined && this.#receiveAction.token === token)
      outstanding = this.#receiveAction;
    else throw new TypeError('WebSocketCompleteAction: not the context of an action waiting to be completed');
    const pending = outstanding.pending;
    const limit =
      pending.kind === 'write'
        ? pending.write.length
        : pending.kind === 'read'
          ? pending.space.length
          : Infinity;
    if (bytesTransferred > limit) {
      throw new RangeError(
        `WebSocketCompleteAction: ${bytesTransferred} bytes transferred, but only ${limit} handed out`,
      );
    }
    if (outstanding === this.#sendAction) this.#sendAction = undefined;
    else this.#receiveAction = undefined;

    switch (pending.kind) {
      case 'write':
        this.#frames.complete(pending.write, bytesTransferred);
        break;
      case 'sendComplete':
        this.#send = undefined;
        break;
      case 'receiveComplete':
        this.#receive = undefined;
        break;
      case 'read':
        if (bytesTransferred === 0) {
          if (this.#receive !== undefined) this.#receive.cancelled = true;
        } else if (!this.#aborted) {
          this.#received(pending.space.subarray(0, bytesTransferred));
        }
        break;
    }
  }

  /** Bytes read from the network: to the engine, and what it reports and writes to the queues. */
  #received(bytes: Uint8Array): void {
    const engine = this.#engine!;
    engine.receiveData(bytes);
    this.#indications.add(engine.events());
    this.#frames.add('receive', engine.dataToSend()); // automatic pongs
  }
}

/**
 * The largest payload of a client's masked frame, so that the frame (header, mask key, masked copy
 * of the payload) fits the send buffer: a longer message goes out as several frames (RFC 6455 §5.4),
 * and an automatic pong can go between them.
 */
function maskedFramePayload(sendBufferSize: number): number {
  // 2-byte header and 4-byte mask key up to 125 bytes of payload; a 16-bit length above (RFC 6455 §5.2).
  return sendBufferSize - 6 <= 125 ? sendBufferSize - 6 : sendBufferSize - 8;
}
