/**
 * The types of the API, TypeScript-shaped: a handle is an opaque object, a pointer and a length are
 * a `Uint8Array` (or a string for the `LPCWSTR` parameters), an out-parameter is an
 * {@link OutParameter} the function fills, and structures keep their C field names so that ported
 * code reads the same.
 */
import type { Dialer } from '@wskit/transport';
import type { WINHTTP_WEB_SOCKET_BUFFER_TYPE, WINHTTP_WEB_SOCKET_OPERATION } from './websocket-constants.js';

declare const handleBrand: unique symbol;

/**
 * A WinHTTP handle (`HINTERNET`): a session (`WinHttpOpen`), a connection (`WinHttpConnect`), a
 * request (`WinHttpOpenRequest`) or a WebSocket (`WinHttpWebSocketCompleteUpgrade`). An opaque,
 * frozen object; after `WinHttpCloseHandle` every function given it fails with
 * `ERROR_INVALID_HANDLE`.
 */
export interface HINTERNET {
  /** A type-only brand (absent at run time): other objects do not pass as a handle. */
  readonly [handleBrand]: 'HINTERNET';
}

/**
 * An out-parameter (`DWORD *`, `USHORT *`, …): pass `{ value: 0 }`, the function writes `value`
 * where the C function writes through the pointer, and leaves it untouched where C leaves it.
 */
export interface OutParameter<T> {
  /** What the function wrote (`*pointer` in C); the value given when it wrote nothing. */
  value: T;
}

/** `WINHTTP_ASYNC_RESULT`: which API failed (`API_*`) and its error code. */
export interface WINHTTP_ASYNC_RESULT {
  /** `API_SEND_REQUEST`, `API_RECEIVE_RESPONSE`, …; 0 for WebSocket operations (see the README). */
  readonly dwResult: number;
  /** The error code, an `ERROR_*` value. */
  readonly dwError: number;
}

/** `WINHTTP_WEB_SOCKET_ASYNC_RESULT`: a failed WebSocket operation, with REQUEST_ERROR on a WebSocket handle. */
export interface WINHTTP_WEB_SOCKET_ASYNC_RESULT {
  /** `dwResult` (0) and `dwError`. */
  readonly AsyncResult: WINHTTP_ASYNC_RESULT;
  /** Which operation failed. */
  readonly Operation: WINHTTP_WEB_SOCKET_OPERATION;
}

/** `WINHTTP_WEB_SOCKET_STATUS`: what a send (WRITE_COMPLETE) or receive (READ_COMPLETE) transferred. */
export interface WINHTTP_WEB_SOCKET_STATUS {
  /** The bytes sent or received. */
  readonly dwBytesTransferred: number;
  /** The type of the data sent or received. */
  readonly eBufferType: WINHTTP_WEB_SOCKET_BUFFER_TYPE;
}

/**
 * What a status callback receives as `lpvStatusInformation`, by status: the HINTERNET for
 * HANDLE_CREATED and HANDLE_CLOSING; a {@link WINHTTP_WEB_SOCKET_STATUS} for READ_COMPLETE and
 * WRITE_COMPLETE; a {@link WINHTTP_ASYNC_RESULT} (request) or {@link WINHTTP_WEB_SOCKET_ASYNC_RESULT}
 * (WebSocket) for REQUEST_ERROR; a number (a DWORD) for REQUEST_SENT, RESPONSE_RECEIVED and
 * SECURE_FAILURE; a string for CONNECTING_TO_SERVER and CONNECTED_TO_SERVER; `null` otherwise.
 */
export type WinHttpStatusInformation =
  | HINTERNET
  | WINHTTP_WEB_SOCKET_STATUS
  | WINHTTP_ASYNC_RESULT
  | WINHTTP_WEB_SOCKET_ASYNC_RESULT
  | number
  | string
  | null;

/**
 * `WINHTTP_STATUS_CALLBACK`: called with the handle, its context value, the status
 * (`WINHTTP_CALLBACK_STATUS_*`), the information and its length in bytes as Windows reports it on
 * x64 (8 for a handle or a `WINHTTP_WEB_SOCKET_STATUS`, 16 for a `WINHTTP_ASYNC_RESULT`, 24 for a
 * `WINHTTP_WEB_SOCKET_ASYNC_RESULT`, 4 for a DWORD, 0 for none).
 */
export type WINHTTP_STATUS_CALLBACK = (
  hInternet: HINTERNET,
  dwContext: unknown,
  dwInternetStatus: number,
  lpvStatusInformation: WinHttpStatusInformation,
  dwStatusInformationLength: number,
) => void;

/** This package's own argument to `WinHttpOpen`: how the session reaches servers. */
export interface WinHttpSessionOptions {
  /**
   * The runtime's dialer. Default: `@wskit/node`'s on Node (loaded when first needed); elsewhere
   * there is none, and `WinHttpOpen` fails with `ERROR_NOT_SUPPORTED` without one.
   */
  readonly dialer?: Dialer;
  /** TLS settings handed to the dialer for `WINHTTP_FLAG_SECURE` requests, e.g. `{ ca }`. */
  readonly tls?: unknown;
}
