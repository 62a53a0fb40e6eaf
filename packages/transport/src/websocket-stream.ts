import { toBytes } from './bytes.js';
import { EncodedText } from './encoded-text.js';
import { HandshakeFailedError } from './handshake-failed-error.js';
import {
  checkProtocols,
  domError,
  enforceUnsignedShort,
  enumerableMembers,
  toDOMString,
  urlRecord,
  validateCloseCodeAndReason,
} from './standard-steps.js';
import type { WebSocketConnector } from './standard-websocket.js';
import {
  isStandardWebSocketError,
  StandardWebSocketError,
  uncleanCloseError,
  type WebSocketCloseInfo,
} from './standard-websocket-error.js';
import type { WebSocket } from './websocket.js';

/** The options of a {@link WebSocketStream} (the standard's `WebSocketStreamOptions`). */
export interface WebSocketStreamOptions {
  /** The subprotocols to offer, most preferred first. */
  protocols?: Iterable<string> | undefined;
  /** Aborts the opening handshake: `opened` and `closed` reject with the signal's reason. */
  signal?: AbortSignal | null | undefined;
}

/** What a {@link WebSocketStream}'s `opened` resolves with (the standard's `WebSocketOpenInfo`). */
export interface WebSocketOpenInfo {
  /** The received messages: text as strings, binary as `Uint8Array`s. */
  readonly readable: ReadableStream<string | Uint8Array>;
  /** Sends messages: strings as text, `ArrayBuffer`s and views as binary (copied). */
  readonly writable: WritableStream<string | ArrayBuffer | ArrayBufferView>;
  /** The negotiated `Sec-WebSocket-Extensions` value (`''` for none). */
  readonly extensions: string;
  /** The subprotocol the server selected (`''` for none). */
  readonly protocol: string;
}

/** How a {@link WebSocketStream} is connected: the runtime-specific part, as for `StandardWebSocket`. */
export interface WebSocketStreamConnection {
  /** Opens the connection; see {@link WebSocketConnector}. Required. */
  connect: WebSocketConnector;
}

/**
 * `WebSocketStream`, the streams-based WebSocket of the WHATWG WebSockets standard's proposal
 * (Chromium ships it, undici too): `opened` resolves with a `ReadableStream` of received messages
 * and a `WritableStream` to send, `closed` with the close code and reason, `close({ closeCode,
 * reason })` closes.
 *
 * Backpressure runs end to end: reading from the transport stops while the app does not read from
 * `readable` (the peer's sends back up through TCP flow control), and a write's promise settles once
 * the message was handed to the transport, so `writer.ready` follows a slow peer. The connection
 * itself is runtime-specific: runtime adapters subclass it, as they do `StandardWebSocket`.
 *
 * ```ts
 * const wss = new WebSocketStream('wss://example.com/chat', { protocols: ['chat'] });
 * const { readable, writable } = await wss.opened;
 * const writer = writable.getWriter();
 * await writer.write('hello');
 * for await (const message of readable) console.log(message);
 * ```
 */
export class WebSocketStream {
  readonly #url: URL;
  readonly #protocols: readonly string[];
  readonly #opened = settleable<WebSocketOpenInfo>();
  readonly #closed = settleable<Required<WebSocketCloseInfo>>();
  readonly #controller = new AbortController();
  #socket: WebSocket | undefined;
  /** `close()` was called or the signal aborted before the connection was established. */
  #abandoned = false;
  /** The signal aborted the handshake: `opened` and `closed` were rejected with its reason. */
  #handshakeAborted = false;
  #readable: ReadableStreamDefaultController<string | Uint8Array> | undefined;
  #readableCanceled = false;
  /** We started the closing handshake (`close()`, the writable's close or abort, a cancel). */
  #closeStarted = false;
  #writable: WritableStreamDefaultController | undefined;

  constructor(
    url: string | URL,
    options?: WebSocketStreamOptions | null,
    connection?: WebSocketStreamConnection,
  ) {
    if (typeof connection?.connect !== 'function') {
      throw new TypeError(
        'WebSocketStream needs a connector: new WebSocketStream(url, options, { connect }) (runtime packages pass one)',
      );
    }
    // Constructor steps 1–5: the URL record, the subprotocols.
    this.#url = urlRecord(url);
    const protocols = options?.protocols === undefined ? [] : Array.from(options.protocols, toDOMString);
    checkProtocols(protocols);
    this.#protocols = protocols;
    // Step 6: new opened and closed promises (marked as handled: an app that awaits only one of
    // them must not crash the process with an unhandled rejection of the other).
    // Step 8: the signal.
    const signal = options?.signal ?? undefined;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.#opened.reject(signal.reason);
        this.#closed.reject(signal.reason);
        return;
      }
      signal.addEventListener(
        'abort',
        () => {
          if (this.#socket !== undefined || this.#abandoned) return;
          // Not yet established: fail the connection; reject both promises with the abort reason.
          this.#abandoned = true;
          this.#handshakeAborted = true;
          this.#controller.abort(signal.reason);
          this.#opened.reject(signal.reason);
          this.#closed.reject(signal.reason);
        },
        { once: true },
      );
    }
    // Step 10: establish the connection.
    let connecting: Promise<WebSocket>;
    try {
      connecting = Promise.resolve(
        connection.connect(new URL(this.#url.href), protocols, this.#controller.signal),
      );
    } catch (error) {
      connecting = Promise.reject(error);
    }
    connecting.then(
      (socket) => this.#established(socket),
      (error) => this.#neverOpened(error),
    );
  }

  /** The URL, with `http`/`https` turned into `ws`/`wss`. */
  get url(): string {
    return this.#url.href;
  }

  /** Resolves once the connection is open; rejects when it could not be established. */
  get opened(): Promise<WebSocketOpenInfo> {
    return this.#opened.promise;
  }

  /**
   * Resolves with `{ closeCode, reason }` after a clean close; rejects with a
   * {@link StandardWebSocketError} (its `closeCode` 1006 when the connection was lost) otherwise.
   */
  get closed(): Promise<Required<WebSocketCloseInfo>> {
    return this.#closed.promise;
  }

  /**
   * Closes the WebSocket with `closeCode` (1000 or 3000–4999, else an `InvalidAccessError`
   * `DOMException`) and `reason` (at most 123 bytes, else a `SyntaxError`); a reason without a code
   * closes with 1000. Before the connection is established, the attempt is abandoned.
   */
  close(closeInfo?: WebSocketCloseInfo | null): void {
    const code = closeInfo?.closeCode === undefined ? undefined : enforceUnsignedShort(closeInfo.closeCode);
    const reason = closeInfo?.reason === undefined ? '' : toDOMString(closeInfo.reason);
    this.#closeWebSocket(code, reason);
  }

  // ---- the standard's algorithms ----------------------------------------------------------------

  /** "Close the WebSocket": validates, then closes, or fails the connection while it is being established. */
  #closeWebSocket(code: number | undefined, reason: string): void {
    const status = validateCloseCodeAndReason(code, reason);
    const socket = this.#socket;
    if (socket === undefined) {
      if (this.#abandoned) return;
      this.#abandoned = true;
      this.#controller.abort(domError('The WebSocketStream was closed while connecting', 'AbortError'));
      queueMicrotask(() => this.#neverOpened(undefined));
      return;
    }
    this.#closeStarted = true;
    socket.close(status, status === undefined ? undefined : reason);
  }

  /** "Close using reason": the code and reason of a `WebSocketError`, else none. */
  #closeUsingReason(reason: unknown): void {
    let code: number | undefined;
    let text = '';
    if (isStandardWebSocketError(reason)) {
      code = reason.closeCode ?? undefined;
      text = reason.reason;
    }
    try {
      this.#closeWebSocket(code, text);
    } catch {
      this.#closeWebSocket(undefined, '');
    }
  }

  #established(socket: WebSocket): void {
    if (this.#abandoned) {
      socket.terminate();
      return;
    }
    // "Establish a WebSocket connection": offered subprotocols and none selected fail the connection.
    if (this.#protocols.length > 0 && !this.#protocols.includes(socket.protocol)) {
      socket.terminate();
      this.#neverOpened(
        new HandshakeFailedError({
          code: 'WS_HANDSHAKE_ERR_UNEXPECTED_SUBPROTOCOL',
          message: `The server selected no subprotocol of those offered (${this.#protocols.join(', ')})`,
          url: this.#url.href,
        }),
      );
      return;
    }
    this.#socket = socket;
    // The readable stream: pulls release backpressure; each message applies it again once the
    // queue is full (the default high-water mark: one message).
    const readable = new ReadableStream<string | Uint8Array>({
      start: (controller) => {
        this.#readable = controller;
      },
      pull: () => {
        socket.resume();
      },
      cancel: (reason) => {
        this.#readableCanceled = true;
        this.#closeUsingReason(reason);
      },
    });
    const writable = new WritableStream<string | ArrayBuffer | ArrayBufferView>({
      start: (controller) => {
        this.#writable = controller;
      },
      write: (chunk) => this.#write(socket, chunk),
      close: () => this.#closeWebSocket(undefined, ''),
      abort: (reason) => this.#closeUsingReason(reason),
    });
    socket.pause();
    socket.on('message', (data) => {
      // Messages that arrive once we started the closing handshake are not delivered (nor after
      // the app canceled the readable stream); those the peer sent before its close frame are.
      const controller = this.#readable!;
      if (this.#closeStarted || this.#readableCanceled) return;
      // Text kept as bytes (`decodeText: false` in the connect options) is still text here.
      controller.enqueue(data instanceof EncodedText ? data.toString() : data);
      if ((controller.desiredSize ?? 0) <= 0) socket.pause();
    });
    void socket.closed.then(({ code, reason, wasClean }) => this.#onClosed(code, reason, wasClean));
    this.#opened.resolve({ readable, writable, extensions: socket.extensions, protocol: socket.protocol });
  }

  /** Writes `chunk`: binary for a `BufferSource` (copied), text for anything else; settles once sent. */
  #write(socket: WebSocket, chunk: unknown): Promise<void> {
    let data: string | Uint8Array;
    if (chunk instanceof ArrayBuffer || ArrayBuffer.isView(chunk)) {
      data = Uint8Array.prototype.slice.call(toBytes(chunk, 'write'));
    } else {
      data = toDOMString(chunk);
    }
    // Once the closing handshake started (by either side) the message is not sent; the promise
    // still resolves.
    if (socket.readyState !== socket.OPEN) return Promise.resolve();
    return socket.send(data).catch(() => {});
  }

  /** The connection ended before it was established. */
  #neverOpened(cause: unknown): void {
    if (this.#socket !== undefined || this.#handshakeAborted) return;
    const error = new StandardWebSocketError(
      cause instanceof Error ? cause.message : 'The WebSocket connection could not be established',
    );
    if (cause !== undefined)
      Object.defineProperty(error, 'cause', { value: cause, configurable: true, writable: true });
    this.#opened.reject(error);
    this.#closed.reject(uncleanCloseError('The WebSocket connection was never opened', 1006, ''));
  }

  /** "The WebSocket connection is closed": settle the streams and `closed`. */
  #onClosed(code: number, reason: string, wasClean: boolean): void {
    if (wasClean) {
      try {
        this.#readable?.close();
      } catch {
        // Already closed or canceled.
      }
      this.#writable?.error(domError('A closed WebSocketStream cannot be written to', 'InvalidStateError'));
      this.#closed.resolve({ closeCode: code, reason });
      return;
    }
    // Not clean: "the WebSocket connection close code" is 1006, as for StandardWebSocket's close
    // event (we failed the connection, whatever code we sent, or it was lost).
    const error = uncleanCloseError('The WebSocket connection closed uncleanly (1006)', 1006, '');
    this.#readable?.error(error);
    this.#writable?.error(error);
    this.#closed.reject(error);
  }
}

enumerableMembers(WebSocketStream.prototype, ['url', 'opened', 'closed', 'close']);
Object.defineProperty(WebSocketStream.prototype, Symbol.toStringTag, {
  value: 'WebSocketStream',
  configurable: true,
});

/** A promise with its settle functions, marked as handled (its rejection still reaches who awaits it). */
function settleable<T>(): { promise: Promise<T>; resolve(value: T): void; reject(reason: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}
