/**
 * The WebSocket functions of `winhttp.h`, one for one. They return a DWORD error code and never
 * throw (`NO_ERROR` when the operation started; its outcome is a callback), except
 * `WinHttpWebSocketCompleteUpgrade`, which returns the new handle or `null` and sets
 * {@link WinHttpGetLastError}.
 */
import { WINHTTP_CALLBACK_STATUS_HANDLE_CREATED } from './callback-constants.js';
import {
  ERROR_INVALID_HANDLE,
  ERROR_WINHTTP_INCORRECT_HANDLE_STATE,
  ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
} from './error-codes.js';
import { stateOf } from './handles.js';
import { failHandle, succeed } from './last-error.js';
import { notify } from './notifications.js';
import { RequestState } from './request-handle.js';
import type { HINTERNET, OutParameter } from './types.js';
import type { WINHTTP_WEB_SOCKET_BUFFER_TYPE } from './websocket-constants.js';
import { WebSocketState } from './websocket-handle.js';

/** The open WebSocket behind `handle`, or the error to return. */
function webSocketOf(handle: HINTERNET): WebSocketState | number {
  const state = stateOf(handle);
  if (state === undefined) return ERROR_INVALID_HANDLE;
  if (!(state instanceof WebSocketState)) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
  return state;
}

/**
 * `WinHttpWebSocketCompleteUpgrade(hRequest, pContext)`: turns a request marked with
 * `WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET` whose response was a valid 101 into a WebSocket handle
 * (type 5) with `pContext` as its context value. It inherits the request's callback, mask and
 * settings and takes over its connection, with any frames that arrived right behind the response.
 * HANDLE_CREATED (information: the new handle) is delivered before it returns. The request handle may
 * be closed at once. Fails with `ERROR_WINHTTP_INCORRECT_HANDLE_STATE` for another status, an
 * unmarked request, or a second call.
 */
export function WinHttpWebSocketCompleteUpgrade(
  hRequest: HINTERNET,
  pContext: unknown = 0,
): HINTERNET | null {
  const request = stateOf(hRequest);
  if (request === undefined) return failHandle(ERROR_INVALID_HANDLE);
  if (!(request instanceof RequestState)) return failHandle(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
  if (
    !request.upgrade ||
    request.phase !== 'received' ||
    request.response?.status !== 101 ||
    request.upgraded
  ) {
    return failHandle(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
  }
  const webSocket = new WebSocketState(request, pContext);
  notify(webSocket, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, webSocket.handle, 8);
  return succeed(webSocket.handle);
}

/**
 * `WinHttpWebSocketSend(hWebSocket, eBufferType, pvBuffer, dwBufferLength)`: sends one frame. A
 * `…_FRAGMENT` type sends a frame that does not end its message, the next sends continue it and a
 * `…_MESSAGE` type ends it; a binary message cannot continue as text or the reverse
 * (`ERROR_INVALID_PARAMETER`). `pvBuffer` may be `null` when the length is 0. Text must be valid
 * UTF-8 (`ERROR_INVALID_PARAMETER`). `WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE` is refused: use Close or
 * Shutdown. `ERROR_INVALID_OPERATION` while a send is pending, after Shutdown or Close, or once the
 * server's close frame arrived. The buffer is not kept: it may be reused as soon as this returns.
 * Completion: WRITE_COMPLETE with `{ dwBytesTransferred, eBufferType }` once the frame was handed to
 * the transport, before this returns unless the transport pushed back, or REQUEST_ERROR
 * (`Operation` SEND).
 */
export function WinHttpWebSocketSend(
  hWebSocket: HINTERNET,
  eBufferType: WINHTTP_WEB_SOCKET_BUFFER_TYPE,
  pvBuffer: Uint8Array | null,
  dwBufferLength: number,
): number {
  const webSocket = webSocketOf(hWebSocket);
  if (typeof webSocket === 'number') return webSocket;
  return webSocket.send(eBufferType, pvBuffer, dwBufferLength);
}

/**
 * `WinHttpWebSocketReceive(hWebSocket, pvBuffer, dwBufferLength, pdwBytesRead, peBufferType)`: reads
 * the next bytes of a message into `pvBuffer` (at most `dwBufferLength`; at least 1). Completion:
 * READ_COMPLETE with `{ dwBytesTransferred, eBufferType }`, always after this returns: a `…_FRAGMENT`
 * while the message goes on, a `…_MESSAGE` with its last byte, `WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE`
 * with 0 bytes when the server's close frame arrived (then QueryCloseStatus answers); or REQUEST_ERROR
 * (`Operation` RECEIVE) with `ERROR_WINHTTP_CONNECTION_ERROR`, `…_INVALID_SERVER_RESPONSE` or
 * `…_OPERATION_CANCELLED` (by Close). Pings are answered and pongs consumed without a completion.
 * `pdwBytesRead` and `peBufferType` are left untouched, as in WinHTTP's async mode.
 * `ERROR_INVALID_OPERATION` while a receive or Close is pending or once the receive side ended.
 */
export function WinHttpWebSocketReceive(
  hWebSocket: HINTERNET,
  pvBuffer: Uint8Array,
  dwBufferLength: number,
  pdwBytesRead?: OutParameter<number> | null,
  peBufferType?: OutParameter<WINHTTP_WEB_SOCKET_BUFFER_TYPE> | null,
): number {
  void pdwBytesRead;
  void peBufferType;
  const webSocket = webSocketOf(hWebSocket);
  if (typeof webSocket === 'number') return webSocket;
  return webSocket.receive(pvBuffer, dwBufferLength);
}

/**
 * `WinHttpWebSocketShutdown(hWebSocket, usStatus, pvReason, dwReasonLength)`: sends our close frame
 * (once) and closes the send side; receiving goes on until the server's close frame arrives as a
 * CLOSE buffer. The reason is at most 123 bytes of UTF-8 (`null` with length 0 for none);
 * `WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS` sends an empty close frame. Completion: SHUTDOWN_COMPLETE
 * (no information; before this returns unless the transport pushed back), or REQUEST_ERROR
 * (`Operation` SHUTDOWN). `ERROR_INVALID_OPERATION` for a second Shutdown, after Close, or while a
 * send is pending.
 */
export function WinHttpWebSocketShutdown(
  hWebSocket: HINTERNET,
  usStatus: number,
  pvReason: Uint8Array | null = null,
  dwReasonLength = 0,
): number {
  const webSocket = webSocketOf(hWebSocket);
  if (typeof webSocket === 'number') return webSocket;
  return webSocket.shutdown(usStatus, pvReason, dwReasonLength);
}

/**
 * `WinHttpWebSocketClose(hWebSocket, usStatus, pvReason, dwReasonLength)`: the full close. Cancels a
 * pending receive (its REQUEST_ERROR with `ERROR_WINHTTP_OPERATION_CANCELLED` before this returns),
 * sends our close frame unless Shutdown did, discards data and waits for the server's close frame up
 * to `WINHTTP_OPTION_WEB_SOCKET_CLOSE_TIMEOUT`. Completion: CLOSE_COMPLETE (no information; before
 * this returns if the server's close frame had already arrived), or REQUEST_ERROR (`Operation`
 * CLOSE; `ERROR_WINHTTP_TIMEOUT`, `…_CONNECTION_ERROR`). It does not close the handle.
 * `ERROR_INVALID_OPERATION` for a second Close or while a send is pending.
 */
export function WinHttpWebSocketClose(
  hWebSocket: HINTERNET,
  usStatus: number,
  pvReason: Uint8Array | null = null,
  dwReasonLength = 0,
): number {
  const webSocket = webSocketOf(hWebSocket);
  if (typeof webSocket === 'number') return webSocket;
  return webSocket.closeConnection(usStatus, pvReason, dwReasonLength);
}

/**
 * `WinHttpWebSocketQueryCloseStatus(hWebSocket, pusStatus, pvReason, dwReasonLength,
 * pdwReasonLengthConsumed)`: the server's close status and reason, once a receive returned the CLOSE
 * buffer or Close completed (`ERROR_INVALID_OPERATION` before, outputs untouched). A close frame
 * without a status reads as `WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS` (1005). A reason longer than
 * `dwReasonLength` gives `ERROR_INSUFFICIENT_BUFFER` with the length needed in
 * `pdwReasonLengthConsumed` (`null`, 0 asks for the size); 123 bytes always suffice.
 */
export function WinHttpWebSocketQueryCloseStatus(
  hWebSocket: HINTERNET,
  pusStatus: OutParameter<number>,
  pvReason: Uint8Array | null,
  dwReasonLength: number,
  pdwReasonLengthConsumed: OutParameter<number>,
): number {
  const webSocket = webSocketOf(hWebSocket);
  if (typeof webSocket === 'number') return webSocket;
  return webSocket.queryCloseStatus(pusStatus, pvReason, dwReasonLength, pdwReasonLengthConsumed);
}
