/**
 * The Promise layer: WinHTTP's model (one pending send, one pending receive, fixed receive buffers,
 * Shutdown and Close) without callbacks. Each method is one call of the callback API and a promise
 * that its completion callback settles; nothing is implemented twice.
 */
import {
  WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS,
  WINHTTP_CALLBACK_FLAG_HANDLES,
  WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE,
  WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING,
  WINHTTP_CALLBACK_STATUS_READ_COMPLETE,
  WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
  WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE,
  WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE,
} from './callback-constants.js';
import { ERROR_INVALID_OPERATION, ERROR_WINHTTP_OPERATION_CANCELLED, NO_ERROR } from './error-codes.js';
import {
  WINHTTP_INVALID_STATUS_CALLBACK,
  WinHttpCloseHandle,
  WinHttpSetStatusCallback,
} from './handle-functions.js';
import { WinHttpGetLastError } from './last-error.js';
import type {
  HINTERNET,
  WINHTTP_STATUS_CALLBACK,
  WINHTTP_WEB_SOCKET_ASYNC_RESULT,
  WINHTTP_WEB_SOCKET_STATUS,
  WinHttpStatusInformation,
} from './types.js';
import {
  type WINHTTP_WEB_SOCKET_BUFFER_TYPE,
  WINHTTP_WEB_SOCKET_CLOSE_OPERATION,
  WINHTTP_WEB_SOCKET_RECEIVE_OPERATION,
  WINHTTP_WEB_SOCKET_SEND_OPERATION,
  WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION,
  WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS,
} from './websocket-constants.js';
import {
  WinHttpWebSocketClose,
  WinHttpWebSocketQueryCloseStatus,
  WinHttpWebSocketReceive,
  WinHttpWebSocketSend,
  WinHttpWebSocketShutdown,
} from './websocket-functions.js';
import { WinHttpError } from './winhttp-error.js';

/** What a receive read: the READ_COMPLETE's `WINHTTP_WEB_SOCKET_STATUS`, in plain names. */
export interface WinHttpReceiveResult {
  /** Bytes written at the start of the buffer. */
  readonly bytesTransferred: number;
  /** A `…_FRAGMENT`, a `…_MESSAGE`, or `WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE` (0 bytes) for the server's close. */
  readonly bufferType: WINHTTP_WEB_SOCKET_BUFFER_TYPE;
}

/** The server's close frame: its status (1005 when it had none) and its reason as UTF-8 bytes. */
export interface WinHttpCloseStatus {
  /** The close code (`pusStatus`), 1005 when the frame had none. */
  readonly status: number;
  /** The reason's UTF-8 bytes, at most 123; empty when none. */
  readonly reason: Uint8Array;
}

interface Pending<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: WinHttpError) => void;
  readonly operation: string;
}

const textEncoder = new TextEncoder();
const NOTIFICATIONS = WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS | WINHTTP_CALLBACK_FLAG_HANDLES;

type OperationKind = 'send' | 'receive' | 'shutdown' | 'close';

const OPERATIONS: Record<number, OperationKind> = {
  [WINHTTP_WEB_SOCKET_SEND_OPERATION]: 'send',
  [WINHTTP_WEB_SOCKET_RECEIVE_OPERATION]: 'receive',
  [WINHTTP_WEB_SOCKET_CLOSE_OPERATION]: 'close',
  [WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION]: 'shutdown',
};

/**
 * A WebSocket handle with promises. Wrap a handle from `WinHttpWebSocketCompleteUpgrade` (its
 * callback is replaced by the wrapper's, which calls the previous one too) or get one from
 * `connectWinHttpWebSocket`. Calls that WinHTTP refuses (a second pending receive, a send after
 * Shutdown, …) reject at once with the {@link WinHttpError} of the returned code.
 */
export class WinHttpWebSocket {
  /** The WebSocket handle, for the callback API's other functions (`WinHttpSetOption`, …). */
  readonly handle: HINTERNET;
  readonly #owned: readonly HINTERNET[];
  readonly #previous: WINHTTP_STATUS_CALLBACK | null;
  readonly #pending = new Map<OperationKind, Pending<unknown>>();

  /**
   * @param handle a WebSocket handle. Throws `TypeError` for anything else.
   * @param owned handles to close with it (`connectWinHttpWebSocket` passes its session and connection).
   */
  constructor(handle: HINTERNET, owned: readonly HINTERNET[] = []) {
    const previous = WinHttpSetStatusCallback(handle, (...args) => this.#onStatus(...args), NOTIFICATIONS, 0);
    if (previous === WINHTTP_INVALID_STATUS_CALLBACK) {
      throw new TypeError(`WinHttpWebSocket needs an open handle (error ${WinHttpGetLastError()})`);
    }
    this.handle = handle;
    this.#owned = owned;
    this.#previous = previous;
  }

  /**
   * Sends one frame (`WinHttpWebSocketSend`): a string is sent as its UTF-8 bytes. Settles at its
   * WRITE_COMPLETE. With a `…_FRAGMENT` type the message goes on with the next send.
   */
  send(
    bufferType: WINHTTP_WEB_SOCKET_BUFFER_TYPE,
    data: Uint8Array | string = new Uint8Array(0),
  ): Promise<void> {
    const bytes = typeof data === 'string' ? textEncoder.encode(data) : data;
    return this.#start('send', 'WinHttpWebSocketSend', () =>
      WinHttpWebSocketSend(this.handle, bufferType, bytes, bytes.byteLength),
    );
  }

  /**
   * Receives into `buffer` (`WinHttpWebSocketReceive`, at most `length` bytes, default the whole
   * buffer). Resolves with what READ_COMPLETE reported; rejects with the REQUEST_ERROR's code.
   */
  receive(buffer: Uint8Array, length: number = buffer.byteLength): Promise<WinHttpReceiveResult> {
    return this.#start('receive', 'WinHttpWebSocketReceive', () =>
      WinHttpWebSocketReceive(this.handle, buffer, length),
    );
  }

  /** Sends our close frame and keeps receiving (`WinHttpWebSocketShutdown`); settles at SHUTDOWN_COMPLETE. */
  shutdown(
    status: number = WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS,
    reason?: Uint8Array | string,
  ): Promise<void> {
    const bytes = typeof reason === 'string' ? textEncoder.encode(reason) : (reason ?? null);
    return this.#start('shutdown', 'WinHttpWebSocketShutdown', () =>
      WinHttpWebSocketShutdown(this.handle, status, bytes, bytes?.byteLength ?? 0),
    );
  }

  /** The full close (`WinHttpWebSocketClose`); settles at CLOSE_COMPLETE. A pending receive rejects (cancelled). */
  close(
    status: number = WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS,
    reason?: Uint8Array | string,
  ): Promise<void> {
    const bytes = typeof reason === 'string' ? textEncoder.encode(reason) : (reason ?? null);
    return this.#start('close', 'WinHttpWebSocketClose', () =>
      WinHttpWebSocketClose(this.handle, status, bytes, bytes?.byteLength ?? 0),
    );
  }

  /**
   * The server's close status and reason (`WinHttpWebSocketQueryCloseStatus`) once a receive got the
   * CLOSE buffer or Close completed; `undefined` before.
   */
  queryCloseStatus(): WinHttpCloseStatus | undefined {
    const status = { value: 0 };
    const consumed = { value: 0 };
    const reason = new Uint8Array(123);
    const error = WinHttpWebSocketQueryCloseStatus(this.handle, status, reason, reason.length, consumed);
    if (error === ERROR_INVALID_OPERATION) return undefined;
    if (error !== NO_ERROR) throw new WinHttpError(error, 'WinHttpWebSocketQueryCloseStatus');
    return { status: status.value, reason: reason.slice(0, consumed.value) };
  }

  /**
   * Closes the handle (`WinHttpCloseHandle`) and the handles it owns; pending operations reject with
   * `ERROR_WINHTTP_OPERATION_CANCELLED`.
   */
  closeHandle(): void {
    WinHttpCloseHandle(this.handle);
    for (const owned of this.#owned) WinHttpCloseHandle(owned);
  }

  #start<T>(kind: OperationKind, operation: string, call: () => number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending = { resolve, reject, operation } as Pending<T>;
      const earlier = this.#pending.get(kind);
      this.#pending.set(kind, pending as Pending<unknown>);
      const error = call();
      if (error !== NO_ERROR) {
        // Refused: this one is not pending; an earlier one still is.
        if (earlier === undefined) this.#pending.delete(kind);
        else this.#pending.set(kind, earlier);
        reject(new WinHttpError(error, operation));
      }
    });
  }

  #take(kind: OperationKind): Pending<unknown> | undefined {
    const pending = this.#pending.get(kind);
    this.#pending.delete(kind);
    return pending;
  }

  #onStatus(
    hInternet: HINTERNET,
    context: unknown,
    status: number,
    information: WinHttpStatusInformation,
    length: number,
  ): void {
    switch (status) {
      case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
        this.#take('send')?.resolve(undefined);
        break;
      case WINHTTP_CALLBACK_STATUS_READ_COMPLETE: {
        const { dwBytesTransferred, eBufferType } = information as WINHTTP_WEB_SOCKET_STATUS;
        this.#take('receive')?.resolve({ bytesTransferred: dwBytesTransferred, bufferType: eBufferType });
        break;
      }
      case WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE:
        this.#take('shutdown')?.resolve(undefined);
        break;
      case WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE:
        this.#take('close')?.resolve(undefined);
        break;
      case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR: {
        const { AsyncResult, Operation } = information as WINHTTP_WEB_SOCKET_ASYNC_RESULT;
        const pending = this.#take(OPERATIONS[Operation] ?? 'send');
        pending?.reject(new WinHttpError(AsyncResult.dwError, pending.operation));
        break;
      }
      case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
        for (const kind of [...this.#pending.keys()]) {
          const pending = this.#take(kind);
          pending?.reject(new WinHttpError(ERROR_WINHTTP_OPERATION_CANCELLED, pending.operation));
        }
        break;
    }
    this.#previous?.(hInternet, context, status, information, length);
  }
}
