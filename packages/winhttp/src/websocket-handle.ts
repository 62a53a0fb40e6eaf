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
 * beyond it); a send completes when its frame was handed to the transport.
 *
 * The engine runs inside `@wskit/transport`'s `Session`, the one driver every front end uses
 * (receive, end of stream, batched writes, timers, closing the transport). This handle sets it up
 * the WinHTTP way: `closeReply: 'application'` (the reply to the server's Close is the application's
 * Close or Shutdown, H8), `keepalive: 'pong'` (an unsolicited pong after the keep-alive interval
 * with nothing sent or received, H19), and the close timeout restarted by `WinHttpWebSocketClose`
 * (H18); the timeout is reported as that operation's `REQUEST_ERROR`.
 */
import { Utf8Validator } from '@wskit/codec';
import { isConnectionError } from '@wskit/protocol';
import { type CloseInfo, Session, type SessionHost } from '@wskit/transport';
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
  ERROR_WINHTTP_CONNECTION_ERROR,
  ERROR_WINHTTP_OPERATION_CANCELLED,
  ERROR_WINHTTP_TIMEOUT,
  NO_ERROR,
} from './error-codes.js';
import { HandleState } from './handles.js';
import { notify } from './notifications.js';
import { WINHTTP_HANDLE_TYPE_WEBSOCKET } from './option-constants.js';
import { ReceiveQueue } from './receive-queue.js';
import type { RequestState } from './request-handle.js';
import type { OutParameter } from './types.js';
import {
  type WINHTTP_WEB_SOCKET_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_CLOSE_OPERATION,
  WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH,
  type WINHTTP_WEB_SOCKET_OPERATION,
  WINHTTP_WEB_SOCKET_RECEIVE_OPERATION,
  WINHTTP_WEB_SOCKET_SEND_OPERATION,
  WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION,
  WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
} from './websocket-constants.js';
import { asyncResult, closeFrame, failureCode, isDword } from './websocket-values.js';

/** No limit on received frames and messages: they reach the application in buffer-sized pieces. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;
const EMPTY: Uint8Array = new Uint8Array(0);
const textEncoder = new TextEncoder();

/** A fragmented message's place in the session's queue. */
type StreamEntry = ReturnType<Session['openStream']>;

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
  readonly #session: Session;
  readonly #queue = new ReceiveQueue();
  readonly #utf8 = new Utf8Validator();

  #receive: PendingReceive | undefined;
  #serveScheduled = false;
  /** The receive side is over: CLOSE or the failure was delivered. */
  #receiveFinished = false;
  #terminal: Terminal | undefined;
  /** The data send waiting for its WRITE_COMPLETE. */
  #send: { readonly bytes: number; readonly type: number } | undefined;
  /** The fragmented message being sent: its type and its place in the session's queue. */
  #sending: { readonly type: 'binary' | 'text'; readonly stream: StreamEntry | undefined } | undefined;
  #shutdown: 'none' | 'pending' | 'done' = 'none';
  #close: 'none' | 'pending' | 'done' = 'none';
  #peerClose: CloseStatus | undefined;
  #closeStatusAvailable = false;
  /** The connection failed (not a close handshake): the error code. */
  #failure: number | undefined;
  /** What completes when the transport drains: the send or the Shutdown whose frame it holds. */
  #writeWaiter: ((error?: number) => void) | undefined;
  #paused = false;

  constructor(request: RequestState, context: unknown) {
    super(request);
    this.context = context;
    const { transport, earlyData } = request.takeTransport();
    this.#session = new Session(
      transport,
      {
        role: 'client',
        delivery: 'pieces',
        // The server's close is answered by WinHttpWebSocketClose or Shutdown, with their status (H8).
        closeReply: 'application',
        // WinHTTP's idle keep-alive: an unsolicited pong, no answer expected (H19).
        keepalive: 'pong',
        keepaliveInterval: this.settings.keepaliveInterval,
        closeTimeout: this.settings.closeTimeout,
        // WinHTTP has no send timeout of its own on a WebSocket; the application cancels by closing.
        writeTimeout: 0,
        // A send completes once its frame was handed to the transport and the transport did not
        // push back (`needsDrain` from the first buffered byte while it does), as before.
        highWaterMark: 1,
        maxFrameSize: UNLIMITED,
        maxMessageSize: UNLIMITED,
        maxFragments: UNLIMITED,
      },
      this.#host(),
    );
    this.#session.start(earlyData.length > 0 ? earlyData : undefined);
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
    // Sending ends with the server's close frame or a failure, as in WinHTTP.
    if (!this.#sendingOpen()) return ERROR_INVALID_OPERATION;
    const type = bufferType <= 1 ? 'binary' : 'text';
    const final = bufferType === 0 || bufferType === WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE;
    const sending = this.#sending;
    if (sending !== undefined && sending.type !== type) return ERROR_INVALID_PARAMETER;
    if (type === 'text') {
      if (sending === undefined) this.#utf8.reset();
      if (!this.#utf8.write(data) || (final && !this.#utf8.end())) return ERROR_INVALID_PARAMETER;
    }
    const session = this.#session;
    let written: Promise<void>;
    if (sending === undefined && final) {
      written = session.send(type, data, length);
    } else {
      const stream = sending?.stream ?? session.openStream(type);
      written = session.sendFragment(stream, data, length, final);
      this.#sending = final ? undefined : { type, stream };
    }
    const send = { bytes: length, type: bufferType };
    this.#send = send;
    // WRITE_COMPLETE inside the call when the frame went to the transport at once (H17), otherwise
    // once it did and the transport stopped pushing back.
    if (session.flush() && !session.needsDrain) {
      this.#completeSend(send);
      return NO_ERROR;
    }
    written.then(
      () => {
        if (this.#session.needsDrain) this.#writeWaiter = (error) => this.#completeSend(send, error);
        else this.#completeSend(send);
      },
      () => this.#completeSend(send, this.#failure ?? ERROR_WINHTTP_CONNECTION_ERROR),
    );
    return NO_ERROR;
  }

  /** Whether data may still be sent: no close frame either way and no failure. */
  #sendingOpen(): boolean {
    return this.#peerClose === undefined && this.#failure === undefined && this.#session.state === 'OPEN';
  }

  #completeSend(send: { readonly bytes: number; readonly type: number }, error?: number): void {
    if (this.#send !== send) return; // cancelled by WinHttpCloseHandle
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
    this.#scheduleServe();
    return NO_ERROR;
  }

  #scheduleServe(): void {
    if (this.#serveScheduled) return;
    this.#serveScheduled = true;
    queueMicrotask(() => {
      this.#serveScheduled = false;
      this.#serveReceive();
    });
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
      this.#session.resumeReading();
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
    // After the server's close this is the reply, with the application's status (H8).
    this.#session.close(frame.code, frame.reason);
    // SHUTDOWN_COMPLETE once the close frame was handed to the transport (after a drain if it pushed back).
    if (this.#session.needsDrain) this.#writeWaiter = (error) => this.#completeShutdown(error);
    else this.#completeShutdown();
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
    if (this.#receive !== undefined) {
      this.#receive = undefined;
      const result = asyncResult(WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, ERROR_WINHTTP_OPERATION_CANCELLED);
      notify(this, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, result, 24);
    }
    // Data that arrives while closing is discarded; reading goes on until the peer's close frame.
    this.#queue.clear();
    this.#resumeIfRoom();
    // The wait for the server's close frame is bounded by the close timeout from now (H18), also
    // when Shutdown sent our close frame earlier.
    this.#session.setTimeouts({ closeTimeout: this.settings.closeTimeout });
    // After the server's close this is the reply, with the application's status (H8); after a
    // Shutdown our close frame is already out.
    if (this.#shutdown === 'none') this.#session.close(frame.code, frame.reason);
    if (this.#peerClose !== undefined) this.#completeClose();
    return NO_ERROR;
  }

  #completeClose(): void {
    if (this.#close !== 'pending') return;
    this.#close = 'done';
    this.#closeStatusAvailable = true;
    notify(this, WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE);
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
    this.#queue.clear();
    const session = this.#session;
    // The server closed and the application did not answer: the reply echoes its status.
    if (this.#peerClose !== undefined) session.replyToClose();
    // After a completed close handshake the session ends the transport itself (a client lets the
    // server end it first, up to the close timeout); anything else is dropped now.
    const closedCleanly =
      this.#peerClose !== undefined &&
      this.#failure === undefined &&
      (this.#shutdown !== 'none' || this.#close !== 'none' || session.state !== 'OPEN');
    if (!closedCleanly) session.terminate();
    notify(this, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, this.handle, 8);
  }

  /** `WinHttpSetOption` changed the keep-alive interval: time it from the last activity again. */
  keepaliveChanged(): void {
    this.#session.setTimeouts({ keepaliveInterval: this.settings.keepaliveInterval });
  }

  // ---- what the session reports ----------------------------------------------------------------

  #host(): SessionHost {
    return {
      message: () => {}, // delivery 'pieces': no whole messages
      messagePiece: (type, data, final) => this.#onPiece(type, data, final),
      ping: () => {}, // the engine answered it
      pong: () => {}, // consumed, as WinHTTP does
      closeReceived: (code, reason) => this.#onPeerClose(code, reason),
      error: (error) => this.#onFailure(error),
      drain: () => {
        const waiter = this.#writeWaiter;
        this.#writeWaiter = undefined;
        waiter?.();
      },
      closed: (info) => this.#onClosed(info),
    };
  }

  #onPiece(type: 'text' | 'binary', data: Uint8Array, final: boolean): void {
    if (this.#close !== 'none' || this.closed) return; // Close discards data
    this.#queue.push(type, data, final);
    if (!this.#paused && this.#queue.bytes >= Math.max(1, this.settings.receiveBufferSize)) {
      this.#paused = true;
      this.#session.pauseReading();
    }
    this.#serveReceive();
  }

  /** The server's close frame arrived (in wire order, behind the pieces before it). */
  #onPeerClose(code: number, reason: string): void {
    if (this.#peerClose !== undefined) return;
    // 1005 (no status in the frame) is WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS.
    this.#peerClose = { status: code, reason: textEncoder.encode(reason) };
    if (this.#close === 'pending') {
      this.#completeClose();
      return;
    }
    this.#terminal = { kind: 'close' };
    this.#serveReceive();
  }

  /** The connection failed: bad frames from the server, a lost transport, or the close timeout. */
  #onFailure(error: Error): void {
    if (this.#terminal !== undefined && this.#terminal.kind === 'error') return;
    const timedOut = isConnectionError(error) && error.code === 'WS_ERR_CLOSE_TIMEOUT';
    if (timedOut && this.#close === 'pending') {
      // WinHttpWebSocketClose waited its close timeout for the server's close frame (H8, H18).
      this.#close = 'done';
      this.#failure ??= ERROR_WINHTTP_TIMEOUT;
      notify(
        this,
        WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
        asyncResult(WINHTTP_WEB_SOCKET_CLOSE_OPERATION, ERROR_WINHTTP_TIMEOUT),
        24,
      );
      this.#session.terminate();
      return;
    }
    if (this.#peerClose !== undefined) return; // the close handshake is what the receive reports
    const code = failureCode(error);
    this.#failure ??= code;
    this.#terminal = { kind: 'error', error: this.#failure };
    if (this.#close === 'pending') {
      this.#close = 'done';
      notify(
        this,
        WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
        asyncResult(WINHTTP_WEB_SOCKET_CLOSE_OPERATION, code),
        24,
      );
    }
    const waiter = this.#writeWaiter;
    this.#writeWaiter = undefined;
    waiter?.(code);
    this.#serveReceive();
  }

  /** The engine and the transport are both closed. */
  #onClosed(info: CloseInfo): void {
    const waiter = this.#writeWaiter;
    this.#writeWaiter = undefined;
    // The transport writes what it holds before it ends: after a close handshake, it went out.
    waiter?.(this.#failure);
    if (this.#terminal === undefined && this.#peerClose === undefined && !info.wasClean) {
      this.#onFailure(new Error('the connection closed'));
    }
  }
}
