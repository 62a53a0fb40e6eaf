/**
 * A WebSocket handle (`WinHttpWebSocketCompleteUpgrade`): the protocol engine (`@wskit/protocol`'s
 * `Connection`, client role, `delivery: 'pieces'`) driven over the request's transport, with
 * WinHTTP's operation model on top: one pending send and one pending receive, fixed receive
 * buffers, Shutdown and Close, completions as status callbacks.
 *
 * The engine answers pings itself; pongs are consumed. The server's close frame is reported in wire
 * order (a CLOSE receive) and answered by the application's Close or Shutdown, with its own status
 * and reason (H8), or by `WinHttpCloseHandle` echoing the server's status. Received pieces
 * wait in a queue of at most `WINHTTP_OPTION_WEB_SOCKET_RECEIVE_BUFFER_SIZE` bytes (reading pauses
 * beyond it); a send completes when its frame was handed to the transport (after a drain if the
 * transport pushed back). The engine's own timers are not used: this handle times Close, the
 * keep-alive and the wait for the server to end the connection.
 */
import { Utf8Validator } from '@wskit/codec';
import { Connection, type ConnectionEvent } from '@wskit/protocol';
import type { Transport, TransportHandler } from '@wskit/transport';
import {
  WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE,
  WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING,
  WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
  WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
  WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE,
  WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE,
} from './callback-constants.js';
import {
  ERROR_INSUFFICIENT_BUFFER,
  ERROR_INVALID_OPERATION,
  ERROR_INVALID_PARAMETER,
  ERROR_WINHTTP_OPERATION_CANCELLED,
  ERROR_WINHTTP_TIMEOUT,
  NO_ERROR,
} from './error-codes.js';
import { HandleState } from './handles.js';
import { KeepaliveTimer } from './keepalive-timer.js';
import { notify } from './notifications.js';
import { WINHTTP_HANDLE_TYPE_WEBSOCKET } from './option-constants.js';
import { ReceiveQueue } from './receive-queue.js';
import type { RequestState } from './request-handle.js';
import type { OutParameter } from './types.js';
import {
  type WINHTTP_WEB_SOCKET_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_CLOSE_OPERATION,
  WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS,
  WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH,
  type WINHTTP_WEB_SOCKET_OPERATION,
  WINHTTP_WEB_SOCKET_RECEIVE_OPERATION,
  WINHTTP_WEB_SOCKET_SEND_OPERATION,
  WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION,
  WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
} from './websocket-constants.js';
import { asyncResult, closeFrame, failureCode, isDword } from './websocket-values.js';

/** The engine's close timeout: never reached, as this handle does its own timing. */
const ENGINE_TIMEOUT = 0x7fffffff;
/** No limit on received frames and messages: they reach the application in buffer-sized pieces. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;
const EMPTY: Uint8Array = new Uint8Array(0);
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();
const now = (): number => performance.now();

/** What a receive is waiting to fill. */
interface PendingReceive {
  readonly buffer: Uint8Array;
  readonly length: number;
}

/** What follows the received pieces: the peer's close frame, or the failure that ended the connection. */
type Terminal = { readonly kind: 'close' } | { readonly kind: 'error'; readonly error: number };

/** The peer's close frame, for `WinHttpWebSocketQueryCloseStatus`. */
interface CloseStatus {
  readonly status: number;
  readonly reason: Uint8Array;
}

/** The state behind a WebSocket handle. */
export class WebSocketState extends HandleState {
  readonly handleType = WINHTTP_HANDLE_TYPE_WEBSOCKET;
  readonly #transport: Transport;
  readonly #engine: Connection;
  readonly #queue = new ReceiveQueue();
  readonly #utf8 = new Utf8Validator();

  #receive: PendingReceive | undefined;
  #serveScheduled = false;
  /** The receive side is over: CLOSE or the failure was delivered. */
  #receiveFinished = false;
  #terminal: Terminal | undefined;
  /** The data send waiting for its WRITE_COMPLETE. */
  #send: { readonly bytes: number; readonly type: number } | undefined;
  /** The type of the fragmented message being sent. */
  #sending: 'binary' | 'text' | undefined;
  #shutdown: 'none' | 'pending' | 'done' = 'none';
  #close: 'none' | 'pending' | 'done' = 'none';
  #peerClose: CloseStatus | undefined;
  #closeStatusAvailable = false;
  /** The connection failed (not a close handshake): the error code. */
  #failure: number | undefined;
  #lastEngineError: Error | undefined;
  /** What completes when the transport drains: the send or the Shutdown whose frame it holds. */
  #writeWaiter: ((error?: number) => void) | undefined;
  #blocked = false;
  #paused = false;
  #eof = false;
  #transportClosing = false;
  #transportClosed = false;
  #lastActivity = now();
  readonly #keepalive: KeepaliveTimer;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(request: RequestState, context: unknown) {
    super(request);
    this.context = context;
    const { transport, earlyData } = request.takeTransport();
    this.#transport = transport;
    this.#engine = new Connection({
      role: 'client',
      clock: now,
      delivery: 'pieces',
      // The server's close is answered by WinHttpWebSocketClose or Shutdown, with their status (H8).
      autoFlushClose: false,
      closeTimeout: ENGINE_TIMEOUT,
      maxFrameSize: UNLIMITED,
      maxMessageSize: UNLIMITED,
      maxFragments: UNLIMITED,
    });
    this.#engine.events(); // the open event
    this.#keepalive = new KeepaliveTimer(
      () => this.settings.keepaliveInterval,
      () => this.#lastActivity,
      () => {
        // An unsolicited pong (RFC 6455 §5.5.3), while sending is open.
        if (
          this.closed ||
          this.#engine.state !== 'OPEN' ||
          this.#shutdown !== 'none' ||
          this.#close !== 'none'
        ) {
          return false;
        }
        this.#engine.sendPong();
        this.#flush();
        return true;
      },
    );
    if (earlyData.length > 0) this.#receiveData(earlyData);
    transport.start(this.#handler());
    this.#keepalive.start();
  }

  // ---- WinHttpWebSocketSend -------------------------------------------------------------------

  send(bufferType: number, buffer: Uint8Array | null, length: number): number {
    if (!isDword(bufferType) || bufferType > WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE)
      return ERROR_INVALID_PARAMETER;
    if (!isDword(length)) return ERROR_INVALID_PARAMETER;
    let data = EMPTY;
    if (buffer === null || buffer === undefined) {
      if (length !== 0) return ERROR_INVALID_PARAMETER;
    } else {
      if (!(buffer instanceof Uint8Array) || length > buffer.byteLength) return ERROR_INVALID_PARAMETER;
      data = buffer.subarray(0, length);
    }
    if (this.#close !== 'none' || this.#shutdown !== 'none' || this.#send !== undefined) {
      return ERROR_INVALID_OPERATION;
    }
    if (this.#engine.state !== 'OPEN') return ERROR_INVALID_OPERATION;
    const type = bufferType <= 1 ? 'binary' : 'text';
    const final = bufferType === 0 || bufferType === WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE;
    if (this.#sending !== undefined && this.#sending !== type) return ERROR_INVALID_PARAMETER;
    if (type === 'text') {
      if (this.#sending === undefined) this.#utf8.reset();
      if (!this.#utf8.write(data) || (final && !this.#utf8.end())) return ERROR_INVALID_PARAMETER;
    }
    const engine = this.#engine;
    if (this.#sending === undefined) {
      if (!final) engine.startMessage(type, data);
      else if (type === 'binary') engine.sendBinary(data);
      else engine.sendText(textDecoder.decode(data));
    } else if (final) {
      engine.endMessage(data);
    } else {
      engine.continueMessage(data);
    }
    this.#sending = final ? undefined : type;
    this.#send = { bytes: length, type: bufferType };
    if (this.#flush()) this.#completeSend();
    else this.#writeWaiter = (error) => this.#completeSend(error);
    return NO_ERROR;
  }

  #completeSend(error?: number): void {
    const send = this.#send;
    if (send === undefined) return;
    this.#send = undefined;
    if (error !== undefined) {
      notify(
        this,
        WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
        asyncResult(WINHTTP_WEB_SOCKET_SEND_OPERATION, error),
        24,
      );
      return;
    }
    const status = {
      dwBytesTransferred: send.bytes,
      eBufferType: send.type as WINHTTP_WEB_SOCKET_BUFFER_TYPE,
    };
    notify(this, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, status, 8);
  }

  // ---- WinHttpWebSocketReceive ----------------------------------------------------------------

  receive(buffer: Uint8Array, length: number): number {
    if (!(buffer instanceof Uint8Array) || !isDword(length) || length === 0 || length > buffer.byteLength) {
      return ERROR_INVALID_PARAMETER;
    }
    if (this.#close !== 'none' || this.#receive !== undefined || this.#receiveFinished) {
      return ERROR_INVALID_OPERATION;
    }
    this.#receive = { buffer, length };
    // READ_COMPLETE comes after the call returns, as on Windows (usually from another thread there).
    if (!this.#serveScheduled) {
      this.#serveScheduled = true;
      queueMicrotask(() => {
        this.#serveScheduled = false;
        this.#serveReceive();
      });
    }
    return NO_ERROR;
  }

  #serveReceive(): void {
    const receive = this.#receive;
    if (receive === undefined || this.closed) return;
    const read = this.#queue.read(receive.buffer, receive.length);
    if (read !== undefined) {
      this.#receive = undefined;
      this.#resumeIfRoom();
      const status = { dwBytesTransferred: read.bytes, eBufferType: read.bufferType };
      notify(this, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, status, 8);
      return;
    }
    const terminal = this.#terminal;
    if (terminal === undefined) {
      this.#resumeIfRoom();
      return;
    }
    this.#receive = undefined;
    this.#receiveFinished = true;
    if (terminal.kind === 'close') {
      this.#closeStatusAvailable = true;
      const status = { dwBytesTransferred: 0, eBufferType: WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE } as const;
      notify(this, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, status, 8);
    } else {
      const result = asyncResult(WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, terminal.error);
      notify(this, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, result, 24);
    }
  }

  #resumeIfRoom(): void {
    if (this.#paused && this.#queue.bytes < Math.max(1, this.settings.receiveBufferSize)) {
      this.#paused = false;
      this.#transport.resume();
    }
  }

  // ---- WinHttpWebSocketShutdown and WinHttpWebSocketClose ------------------------------------

  shutdown(status: number, reason: Uint8Array | null, length: number): number {
    const frame = closeFrame(status, reason, length);
    if (frame === undefined) return ERROR_INVALID_PARAMETER;
    if (this.#close !== 'none' || this.#shutdown !== 'none' || this.#send !== undefined) {
      return ERROR_INVALID_OPERATION;
    }
    if (this.#failure !== undefined) return this.#failure;
    this.#shutdown = 'pending';
    this.#keepalive.stop();
    let written = !this.#blocked;
    if (this.#engine.state === 'OPEN' || this.#engine.state === 'CLOSE_RECEIVED') {
      // After the server's close this is the reply, with the application's status (H8).
      this.#engine.sendClose(frame.code, frame.reason);
      written = this.#afterEngine();
    }
    if (written) this.#completeShutdown();
    else this.#writeWaiter = (error) => this.#completeShutdown(error);
    return NO_ERROR;
  }

  #completeShutdown(error?: number): void {
    if (this.#shutdown !== 'pending') return;
    this.#shutdown = 'done';
    if (error !== undefined) {
      const result = asyncResult(WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION, error);
      notify(this, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, result, 24);
      return;
    }
    notify(this, WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE);
  }

  closeConnection(status: number, reason: Uint8Array | null, length: number): number {
    const frame = closeFrame(status, reason, length);
    if (frame === undefined) return ERROR_INVALID_PARAMETER;
    if (this.#close !== 'none' || this.#send !== undefined) return ERROR_INVALID_OPERATION;
    if (this.#failure !== undefined && this.#peerClose === undefined) return this.#failure;
    this.#close = 'pending';
    this.#keepalive.stop();
    if (this.#receive !== undefined) {
      this.#receive = undefined;
      const result = asyncResult(WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, ERROR_WINHTTP_OPERATION_CANCELLED);
      notify(this, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, result, 24);
    }
    // Data that arrives while closing is discarded; reading goes on until the peer's close frame.
    this.#queue.clear();
    this.#resumeIfRoom();
    if (this.#engine.state === 'OPEN' || this.#engine.state === 'CLOSE_RECEIVED') {
      // After the server's close this is the reply, with the application's status (H8).
      this.#engine.sendClose(frame.code, frame.reason);
      this.#afterEngine();
    }
    if (this.#peerClose !== undefined) {
      this.#completeClose();
    } else {
      this.#closeTimer = setTimeout(() => this.#closeTimedOut(), this.settings.closeTimeout);
    }
    return NO_ERROR;
  }

  #completeClose(): void {
    if (this.#close !== 'pending') return;
    this.#close = 'done';
    this.#clearCloseTimer();
    this.#closeStatusAvailable = true;
    notify(this, WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE);
  }

  #closeTimedOut(): void {
    this.#closeTimer = undefined;
    if (this.#close !== 'pending') return;
    this.#close = 'done';
    this.#failure ??= ERROR_WINHTTP_TIMEOUT;
    const result = asyncResult(WINHTTP_WEB_SOCKET_CLOSE_OPERATION, ERROR_WINHTTP_TIMEOUT);
    notify(this, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, result, 24);
    this.#transport.abort();
  }

  #clearCloseTimer(): void {
    if (this.#closeTimer !== undefined) clearTimeout(this.#closeTimer);
    this.#closeTimer = undefined;
  }

  // ---- WinHttpWebSocketQueryCloseStatus -------------------------------------------------------

  queryCloseStatus(
    status: OutParameter<number>,
    reason: Uint8Array | null,
    reasonLength: number,
    reasonLengthConsumed: OutParameter<number>,
  ): number {
    if (typeof status !== 'object' || status === null) return ERROR_INVALID_PARAMETER;
    if (typeof reasonLengthConsumed !== 'object' || reasonLengthConsumed === null)
      return ERROR_INVALID_PARAMETER;
    if (!isDword(reasonLength) || reasonLength > WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH) {
      return ERROR_INVALID_PARAMETER;
    }
    if (reason === null || reason === undefined) {
      if (reasonLength !== 0) return ERROR_INVALID_PARAMETER;
    } else if (!(reason instanceof Uint8Array) || reasonLength > reason.byteLength) {
      return ERROR_INVALID_PARAMETER;
    }
    const close = this.#peerClose;
    if (!this.#closeStatusAvailable || close === undefined) return ERROR_INVALID_OPERATION;
    if (close.reason.length > reasonLength) {
      reasonLengthConsumed.value = close.reason.length;
      return ERROR_INSUFFICIENT_BUFFER;
    }
    reason?.set(close.reason);
    status.value = close.status;
    reasonLengthConsumed.value = close.reason.length;
    return NO_ERROR;
  }

  // ---- WinHttpCloseHandle ---------------------------------------------------------------------

  /**
   * Closes the handle: every pending operation gets its REQUEST_ERROR with
   * `ERROR_WINHTTP_OPERATION_CANCELLED`, then HANDLE_CLOSING, the last callback. The connection ends
   * gracefully after a completed close handshake, and is aborted otherwise.
   */
  close(): void {
    this.closed = true;
    const cancel = (operation: WINHTTP_WEB_SOCKET_OPERATION): void =>
      notify(
        this,
        WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
        asyncResult(operation, ERROR_WINHTTP_OPERATION_CANCELLED),
        24,
      );
    this.#writeWaiter = undefined;
    if (this.#receive !== undefined) {
      this.#receive = undefined;
      cancel(WINHTTP_WEB_SOCKET_RECEIVE_OPERATION);
    }
    if (this.#send !== undefined) {
      this.#send = undefined;
      cancel(WINHTTP_WEB_SOCKET_SEND_OPERATION);
    }
    if (this.#shutdown === 'pending') {
      this.#shutdown = 'done';
      cancel(WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION);
    }
    if (this.#close === 'pending') {
      this.#close = 'done';
      cancel(WINHTTP_WEB_SOCKET_CLOSE_OPERATION);
    }
    this.#clearCloseTimer();
    this.#keepalive.stop();
    this.#queue.clear();
    if (this.#engine.state === 'CLOSE_RECEIVED') {
      // The server closed and the application did not answer: the reply echoes its status.
      this.#engine.flushClose();
      this.#afterEngine();
    }
    if (this.#engine.state === 'CLOSED' && this.#peerClose !== undefined && this.#failure === undefined) {
      this.#closeTransport();
    } else if (!this.#transportClosed) {
      this.#transport.abort();
    }
    notify(this, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, this.handle, 8);
  }

  /** `WinHttpSetOption` changed the keep-alive interval: time it from the last activity again. */
  keepaliveChanged(): void {
    this.#keepalive.restart();
  }

  // ---- the transport and the engine -----------------------------------------------------------

  #handler(): TransportHandler {
    return {
      onData: (chunk) => this.#receiveData(chunk),
      onEnd: () => this.#receiveEof(),
      onDrain: () => {
        this.#blocked = false;
        const waiter = this.#writeWaiter;
        this.#writeWaiter = undefined;
        waiter?.();
      },
      onError: (error) => {
        this.#lastEngineError ??= error;
      },
      onClose: () => {
        this.#transportClosed = true;
        if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
        this.#graceTimer = undefined;
        this.#receiveEof();
        this.#keepalive.stop();
        const waiter = this.#writeWaiter;
        this.#writeWaiter = undefined;
        // The transport writes what it holds before it ends: after a close handshake, it went out.
        waiter?.(this.#failure);
      },
    };
  }

  #receiveData(chunk: Uint8Array): void {
    if (this.#eof) return;
    this.#lastActivity = now();
    this.#engine.receiveData(chunk);
    this.#afterEngine();
  }

  #receiveEof(): void {
    if (this.#eof) return;
    this.#eof = true;
    this.#engine.receiveEof();
    this.#afterEngine();
  }

  /**
   * Handles what the engine reported, then writes what it wants written; whether the transport took
   * it without pushing back. After a protocol error from the server, the failing close frame goes
   * once the pieces before the error are queued.
   */
  #afterEngine(): boolean {
    const engine = this.#engine;
    for (const event of engine.events()) this.#onEngineEvent(event);
    if (engine.state === 'FAILING') {
      engine.flushClose();
      for (const event of engine.events()) this.#onEngineEvent(event);
    }
    return this.#flush();
  }

  #onEngineEvent(event: ConnectionEvent): void {
    switch (event.type) {
      case 'messagePiece':
        if (this.#close !== 'none' || this.closed) return; // Close discards data
        this.#queue.push(event.messageType, event.data, event.final);
        if (!this.#paused && this.#queue.bytes >= Math.max(1, this.settings.receiveBufferSize)) {
          this.#paused = true;
          this.#transport.pause();
        }
        this.#serveReceive();
        return;
      case 'error':
        this.#lastEngineError = event.error;
        return;
      case 'closeReceived':
        this.#onPeerClose();
        return;
      case 'close':
        this.#onEngineClose();
        return;
      default:
        // open; ping (the engine answered it); pong (consumed, as WinHTTP does); no whole messages.
        return;
    }
  }

  /** The server's close frame arrived (in wire order, behind the pieces before it). */
  #onPeerClose(): void {
    if (this.#peerClose !== undefined) return;
    this.#keepalive.stop();
    const received = this.#engine.closeReceived!;
    this.#peerClose = {
      status: received.code ?? WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS,
      reason: textEncoder.encode(received.reason),
    };
    if (this.#close === 'pending') {
      this.#completeClose();
      return;
    }
    this.#terminal = { kind: 'close' };
    this.#serveReceive();
  }

  #onEngineClose(): void {
    this.#keepalive.stop();
    if (this.#engine.closeReceived !== undefined) {
      // The close handshake is complete. A client waits for the server to end the connection
      // (RFC 6455 §7.1.1), but not forever.
      this.#armGrace();
      this.#onPeerClose();
      return;
    }
    const error = failureCode(this.#lastEngineError);
    this.#failure ??= error;
    this.#terminal = { kind: 'error', error: this.#failure };
    if (this.#close === 'pending') {
      this.#close = 'done';
      this.#clearCloseTimer();
      notify(
        this,
        WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
        asyncResult(WINHTTP_WEB_SOCKET_CLOSE_OPERATION, error),
        24,
      );
    }
    const waiter = this.#writeWaiter;
    this.#writeWaiter = undefined;
    waiter?.(error);
    this.#serveReceive();
  }

  /** Writes the engine's output; whether the transport took it without pushing back. */
  #flush(): boolean {
    const chunks = this.#engine.dataToSend();
    if (chunks.length > 0 && !this.#transportClosed) {
      this.#lastActivity = now();
      if (!this.#transport.write(chunks)) this.#blocked = true;
    }
    // Writing a due close frame (the reply to the server's close, or a failure's) closes the engine.
    for (const event of this.#engine.events()) this.#onEngineEvent(event);
    if (this.#engine.shouldCloseTransport) this.#closeTransport();
    return !this.#blocked;
  }

  #closeTransport(): void {
    if (this.#transportClosing || this.#transportClosed) return;
    this.#transportClosing = true;
    this.#transport.close();
    this.#armGrace();
  }

  /** Aborts the transport if it has not closed within the close timeout. */
  #armGrace(): void {
    if (this.#graceTimer !== undefined || this.#transportClosed) return;
    this.#graceTimer = setTimeout(() => {
      this.#graceTimer = undefined;
      if (!this.#transportClosed) this.#transport.abort();
    }, this.settings.closeTimeout);
  }
}
