import { type BinaryData, toBytes, utf8Length } from './bytes.js';
import { EncodedText } from './encoded-text.js';
import { HandshakeFailedError } from './handshake-failed-error.js';
import {
  createCloseEvent,
  createErrorEvent,
  createMessageEvent,
  runtimeCallsEventHandlers,
  type StandardCloseEvent,
  type StandardErrorEvent,
  type StandardMessageEvent,
} from './standard-events.js';
import {
  checkProtocols,
  clampUnsignedShort,
  defineConstants,
  domError,
  enumerableMembers,
  toDOMString,
  toProtocolList,
  urlRecord,
  validateCloseCodeAndReason,
} from './standard-steps.js';
import { ReadyState, type WebSocket } from './websocket.js';

/**
 * Opens the connection for a {@link StandardWebSocket}: the runtime-specific part (a socket, the
 * opening handshake, `openWebSocket`). Resolves with the open WebSocket, rejects when the
 * connection cannot be established; should give up when `signal` aborts (then the result is
 * ignored and a WebSocket it still resolves with is terminated).
 */
export type WebSocketConnector = (
  url: URL,
  protocols: readonly string[],
  signal: AbortSignal,
) => Promise<WebSocket>;

/**
 * The {@link WebSocketConnector} of a runtime adapter's WHATWG classes over its `connect(url,
 * options)`: `options` with the offered subprotocols as `protocols` and the class's abort signal
 * (joined with `options.signal`, if any).
 */
export function connectorFor<
  Options extends {
    /** The subprotocols to offer: the connector passes the class's. */
    readonly protocols?: string | readonly string[] | undefined;
    /** Aborts connecting: the connector passes the class's, joined with the adapter's own. */
    readonly signal?: AbortSignal | undefined;
  },
>(
  connect: (url: URL, options: Options) => Promise<WebSocket>,
  options: NoInfer<Omit<Options, 'protocols'>>,
): WebSocketConnector {
  return (url, protocols, signal) =>
    connect(url, {
      ...options,
      protocols,
      signal: options.signal ? AbortSignal.any([options.signal, signal]) : signal,
    } as unknown as Options);
}

/** The options of a {@link StandardWebSocket}. */
export interface StandardWebSocketOptions {
  /** Opens the connection; see {@link WebSocketConnector}. Required. */
  connect: WebSocketConnector;
}

/** A `binaryType` value. */
export type BinaryType = 'blob' | 'arraybuffer';

type Handler<E extends Event> = ((this: StandardWebSocket, event: E) => unknown) | null;

interface HandlerSlot {
  handler: (this: StandardWebSocket, event: Event) => unknown;
  readonly listener: (event: Event) => void;
}

const hasBlob = typeof Blob === 'function';
const NODE_REF = Symbol.for('nodejs.ref');
const NODE_UNREF = Symbol.for('nodejs.unref');

/**
 * A WebSocket that behaves as the WHATWG `WebSocket` (https://websockets.spec.whatwg.org/), for code
 * written against the browser API. The connection itself is runtime-specific, so the constructor
 * takes a connector; runtime adapters subclass it so that users write `new WebSocket(url, protocols)`:
 *
 * ```ts
 * class NodeWebSocket extends StandardWebSocket {
 *   constructor(url: string | URL, protocols?: string | string[]) {
 *     super(url, protocols, { connect: (url, protocols, signal) => connectOverTcp(url, protocols, signal) });
 *   }
 * }
 * ```
 *
 * As WebIDL defines the interface: the `CONNECTING`…`CLOSED` constants are enumerable, read-only and
 * not configurable, on the class and on its prototype; the attributes, event handlers and methods
 * are enumerable on the prototype. On Node and Bun it is "refable" like Node's global `WebSocket`:
 * `process.unref(ws)` lets the process exit while it is open (`Symbol.for('nodejs.unref')`).
 */
export class StandardWebSocket extends EventTarget {
  /** `ReadyState.CONNECTING` */
  declare static readonly CONNECTING: 0;
  /** `ReadyState.OPEN` */
  declare static readonly OPEN: 1;
  /** `ReadyState.CLOSING` */
  declare static readonly CLOSING: 2;
  /** `ReadyState.CLOSED` */
  declare static readonly CLOSED: 3;
  /** `ReadyState.CONNECTING` */
  declare readonly CONNECTING: 0;
  /** `ReadyState.OPEN` */
  declare readonly OPEN: 1;
  /** `ReadyState.CLOSING` */
  declare readonly CLOSING: 2;
  /** `ReadyState.CLOSED` */
  declare readonly CLOSED: 3;

  readonly #url: URL;
  readonly #protocols: readonly string[];
  readonly #controller = new AbortController();
  readonly #handlers = new Map<string, HandlerSlot>();
  #state: ReadyState = ReadyState.CONNECTING;
  #socket: WebSocket | undefined;
  #binaryType: BinaryType = hasBlob ? 'blob' : 'arraybuffer';
  /** Bytes of sends after the connection started closing (the standard keeps counting them). */
  #bytesAfterClose = 0;
  /** Bytes of `Blob`s being read, and of the sends queued behind them. */
  #bytesPending = 0;
  /** Sends behind a `Blob` being read, in order. */
  #sendChain: Promise<void> | undefined;
  /** Nesting depth of `dispatchEvent` calls. */
  #dispatching = 0;
  /** What failed the connection, for the `error` event. */
  #failure: unknown;
  /** Whether the process should not wait for this WebSocket (`process.unref(ws)`). */
  #unrefed = false;

  constructor(
    url: string | URL,
    protocols: string | readonly string[] = [],
    options?: StandardWebSocketOptions,
  ) {
    super();
    if (typeof options?.connect !== 'function') {
      throw new TypeError(
        'StandardWebSocket needs a connector: new StandardWebSocket(url, protocols, { connect })',
      );
    }
    this.#url = urlRecord(url);
    const list = toProtocolList(protocols);
    checkProtocols(list);
    this.#protocols = list;
    let connecting: Promise<WebSocket>;
    try {
      connecting = Promise.resolve(options.connect(new URL(this.#url.href), list, this.#controller.signal));
    } catch (error) {
      connecting = Promise.reject(error);
    }
    connecting.then(
      (socket) => {
        if (typeof (socket as Partial<WebSocket> | undefined)?.on !== 'function') {
          // A connector that resolved with something else.
          this.#failBeforeOpen(new TypeError('The connector resolved with something other than a WebSocket'));
          return;
        }
        this.#established(socket);
      },
      (error) => this.#failBeforeOpen(error),
    );
  }

  /** The URL, with `http`/`https` turned into `ws`/`wss`. */
  get url(): string {
    return this.#url.href;
  }

  /** `CONNECTING`, `OPEN`, `CLOSING` or `CLOSED` (0–3). */
  get readyState(): ReadyState {
    if (this.#socket === undefined || this.#state === ReadyState.CLOSED) return this.#state;
    return Math.max(this.#state, this.#socket.readyState) as ReadyState;
  }

  /**
   * Bytes sent and not yet written: the session's `bufferedAmount`, `Blob`s still being read, and
   * every send made after the connection started closing (the standard never resets this count).
   */
  get bufferedAmount(): number {
    return (this.#socket?.bufferedAmount ?? 0) + this.#bytesPending + this.#bytesAfterClose;
  }

  /** The negotiated extensions (`''` until open). */
  get extensions(): string {
    return this.#socket?.extensions ?? '';
  }

  /** The negotiated subprotocol (`''` until open). */
  get protocol(): string {
    return this.#socket?.protocol ?? '';
  }

  /** How binary messages are delivered: `'blob'` (the default where `Blob` exists) or `'arraybuffer'`. */
  get binaryType(): BinaryType {
    return this.#binaryType;
  }

  /** Sets how binary messages are delivered; other values (and `'blob'` without `Blob`) are ignored. */
  set binaryType(value: BinaryType) {
    // An enumeration attribute: other values are ignored (WebIDL).
    if (value === 'arraybuffer' || (value === 'blob' && hasBlob)) this.#binaryType = value;
  }

  /** The `open` event handler. */
  get onopen(): Handler<Event> {
    return this.#getHandler('open');
  }
  /** Replaces the `open` handler, in the place of the first one set; a non-function removes it. */
  set onopen(handler: Handler<Event>) {
    this.#setHandler('open', handler);
  }
  /** The `message` event handler. */
  get onmessage(): Handler<StandardMessageEvent> {
    return this.#getHandler('message');
  }
  /** Replaces the `message` handler, in the place of the first one set; a non-function removes it. */
  set onmessage(handler: Handler<StandardMessageEvent>) {
    this.#setHandler('message', handler);
  }
  /** The `error` event handler: an `ErrorEvent` whose `error` is what failed the connection. */
  get onerror(): Handler<StandardErrorEvent> {
    return this.#getHandler('error');
  }
  /** Replaces the `error` handler, in the place of the first one set; a non-function removes it. */
  set onerror(handler: Handler<StandardErrorEvent>) {
    this.#setHandler('error', handler);
  }
  /** The `close` event handler. */
  get onclose(): Handler<StandardCloseEvent> {
    return this.#getHandler('close');
  }
  /** Replaces the `close` handler, in the place of the first one set; a non-function removes it. */
  set onclose(handler: Handler<StandardCloseEvent>) {
    this.#setHandler('close', handler);
  }

  /**
   * Sends text (a string) or binary data (`Blob`, `ArrayBuffer`, a view; copied). Throws an
   * `InvalidStateError` `DOMException` while `CONNECTING`; once closing, the data is dropped and
   * only counted in `bufferedAmount`, as the standard says.
   */
  send(data: string | Blob | BinaryData): void {
    if (this.readyState === ReadyState.CONNECTING) {
      throw domError('cannot send while the WebSocket is CONNECTING', 'InvalidStateError');
    }
    let size: number;
    let payload: string | Uint8Array | Blob;
    if (typeof data === 'string') {
      payload = data;
      size = utf8Length(data);
    } else if (hasBlob && data instanceof Blob) {
      payload = data;
      size = data.size;
    } else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      // A copy, as the standard says: Uint8Array's own slice, since a Node Buffer's is a view.
      payload = copyBytes(toBytes(data, 'send'));
      size = payload.length;
    } else {
      payload = toDOMString(data);
      size = utf8Length(payload);
    }
    if (this.readyState !== ReadyState.OPEN) {
      this.#bytesAfterClose += size;
      return;
    }
    if (this.#sendChain === undefined && !(hasBlob && payload instanceof Blob)) {
      void this.#socket!.send(payload as string | Uint8Array);
      return;
    }
    // A Blob is read asynchronously; it and every later send wait in line to keep the order.
    this.#bytesPending += size;
    const previous = this.#sendChain ?? Promise.resolve();
    const chain = previous
      .then(async () => {
        const bytes =
          hasBlob && payload instanceof Blob ? new Uint8Array(await payload.arrayBuffer()) : payload;
        this.#bytesPending -= size;
        if (this.readyState === ReadyState.OPEN) void this.#socket!.send(bytes as string | Uint8Array);
        else this.#bytesAfterClose += size;
      })
      .catch(() => this.#socket?.terminate());
    this.#sendChain = chain;
    void chain.then(() => {
      if (this.#sendChain === chain) this.#sendChain = undefined;
    });
  }

  /**
   * Starts the close handshake. `code` must be 1000 or 3000–4999 (else an `InvalidAccessError`
   * `DOMException`), `reason` at most 123 bytes of UTF-8 (else a `SyntaxError` `DOMException`);
   * a reason without a code closes with 1000. While `CONNECTING`, the connection attempt is
   * abandoned: `error` then `close` (1006) follow.
   */
  close(code?: number, reason?: string): void {
    const text = reason === undefined ? '' : toDOMString(reason);
    const status = validateCloseCodeAndReason(
      code === undefined ? undefined : clampUnsignedShort(code),
      text,
    );
    const state = this.readyState;
    if (state === ReadyState.CLOSING || state === ReadyState.CLOSED) return;
    if (state === ReadyState.CONNECTING) {
      this.#state = ReadyState.CLOSING;
      this.#controller.abort();
      const aborted = domError(
        'The WebSocket was closed before the connection was established',
        'AbortError',
      );
      queueMicrotask(() => this.#failBeforeOpen(aborted));
      return;
    }
    this.#state = ReadyState.CLOSING;
    this.#socket!.close(status, status === undefined ? undefined : text);
  }

  /** Keeps the process alive while the WebSocket is open (the default; `process.ref(ws)` on Node). */
  [NODE_REF](): void {
    this.#unrefed = false;
    this.#socket?.ref();
  }

  /**
   * Lets the process exit while the WebSocket is open or connecting (`process.unref(ws)` on Node),
   * as with Node's global `WebSocket`. Does nothing where no socket keeps the process alive.
   */
  [NODE_UNREF](): void {
    this.#unrefed = true;
    this.#socket?.unref();
  }

  /** Dispatches `event` to the listeners (EventTarget's own, see `#getHandler`). */
  override dispatchEvent(event: Event): boolean {
    this.#dispatching++;
    try {
      return super.dispatchEvent(event);
    } finally {
      this.#dispatching--;
    }
  }

  // ---- the connection ---------------------------------------------------------------------------

  #established(socket: WebSocket): void {
    if (this.#state !== ReadyState.CONNECTING) {
      socket.terminate(); // closed while connecting: the attempt was abandoned
      return;
    }
    // "Establish a WebSocket connection": if protocols is not empty and the response's
    // `Sec-WebSocket-Protocol` is null (the server selected none), fail the WebSocket connection.
    if (
      this.#protocols.length > 0 &&
      (socket.protocol === '' || !this.#protocols.includes(socket.protocol))
    ) {
      socket.terminate();
      this.#failBeforeOpen(
        new HandshakeFailedError({
          code: 'WS_HANDSHAKE_ERR_UNEXPECTED_SUBPROTOCOL',
          message: `The server selected no subprotocol of those offered (${this.#protocols.join(', ')})`,
          url: this.#url.href,
        }),
      );
      return;
    }
    if (this.#unrefed) socket.unref();
    this.#socket = socket;
    this.#state = ReadyState.OPEN;
    const origin = this.#url.origin;
    this.dispatchEvent(new Event('open'));
    socket.on('message', (data) => {
      // Text kept as bytes (`decodeText: false` in the connect options) is still text here.
      const value =
        typeof data === 'string' ? data : data instanceof EncodedText ? data.toString() : this.#binary(data);
      this.dispatchEvent(createMessageEvent(value, origin));
    });
    socket.on('error', (error) => {
      this.#failure ??= error;
    });
    // The close event (also when the socket closed before we listened). The standard fires error
    // first when the connection was failed rather than closed: the close was not clean. Its code is
    // "the WebSocket connection close code" (RFC 6455 §7.1.5): the peer's, only when its Close
    // frame arrived (a clean close here); 1006 when we failed the connection (whatever code we sent,
    // 1002, 1007, …) or it was lost — the standard's "fail the WebSocket connection".
    void socket.closed.then(({ code, reason, wasClean }) =>
      wasClean ? this.#closed(code, reason, true) : this.#closed(1006, '', false),
    );
  }

  #failBeforeOpen(error: unknown): void {
    if (this.#state === ReadyState.CLOSED || this.#socket !== undefined) return;
    this.#failure ??= error;
    this.#closed(1006, '', false);
  }

  #closed(code: number, reason: string, wasClean: boolean): void {
    if (this.#state === ReadyState.CLOSED) return;
    this.#state = ReadyState.CLOSED;
    if (!wasClean) {
      const failure =
        this.#failure ?? domError(`The WebSocket connection closed uncleanly (${code})`, 'NetworkError');
      this.dispatchEvent(createErrorEvent(failure));
    }
    this.dispatchEvent(createCloseEvent(code, reason, wasClean));
  }

  #binary(data: Uint8Array): ArrayBuffer | Blob {
    if (this.#binaryType === 'blob' && hasBlob) return new Blob([data as Uint8Array<ArrayBuffer>]);
    return copyBytes(data).buffer as ArrayBuffer;
  }

  // ---- event handler attributes -----------------------------------------------------------------

  #getHandler<E extends Event>(type: string): Handler<E> {
    // workerd's EventTarget also calls `on<type>` itself when it dispatches: hide the handler from
    // it, as the listener registered for it already calls it (with the right `this`).
    if (this.#dispatching > 0 && runtimeCallsEventHandlers()) return null;
    return (this.#handlers.get(type)?.handler as Handler<E> | undefined) ?? null;
  }

  #setHandler<E extends Event>(type: string, handler: Handler<E>): void {
    const slot = this.#handlers.get(type);
    if (typeof handler !== 'function') {
      if (slot !== undefined) {
        this.removeEventListener(type, slot.listener);
        this.#handlers.delete(type);
      }
      return;
    }
    if (slot !== undefined) {
      slot.handler = handler as HandlerSlot['handler'];
      return;
    }
    const created: HandlerSlot = {
      handler: handler as HandlerSlot['handler'],
      listener: (event) => {
        created.handler.call(this, event);
      },
    };
    this.#handlers.set(type, created);
    // The handler is a listener, in the position of its first assignment (HTML's event handler
    // attributes).
    this.addEventListener(type, created.listener);
  }
}

// WebIDL: constants on the interface object and the prototype; attributes, event handlers and
// operations enumerable on the prototype.
defineConstants(StandardWebSocket, ReadyState);
enumerableMembers(StandardWebSocket.prototype, [
  'url',
  'readyState',
  'bufferedAmount',
  'onopen',
  'onerror',
  'onclose',
  'extensions',
  'protocol',
  'close',
  'onmessage',
  'binaryType',
  'send',
]);
Object.defineProperty(StandardWebSocket.prototype, Symbol.toStringTag, {
  value: 'WebSocket',
  configurable: true,
});

/**
 * A copy of `bytes` in a new `ArrayBuffer` of their exact length. `Uint8Array.prototype.slice`, not
 * `bytes.slice()`: on a Node `Buffer` that is `subarray`, a view of the same memory (of a pooled
 * buffer, even), so later writes to it would change what is sent or received.
 */
function copyBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return Uint8Array.prototype.slice.call(bytes) as Uint8Array<ArrayBuffer>;
}
