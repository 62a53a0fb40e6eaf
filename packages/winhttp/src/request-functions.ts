/**
 * The request functions of the upgrade sequence: `WinHttpAddRequestHeaders`, `WinHttpSendRequest`,
 * `WinHttpReceiveResponse` and `WinHttpQueryHeaders`. Sending and receiving are asynchronous: the
 * call returns `TRUE` and the outcome is a callback (SENDREQUEST_COMPLETE, HEADERS_AVAILABLE, or
 * REQUEST_ERROR with a `WINHTTP_ASYNC_RESULT`).
 */
import {
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_PARAMETER,
  ERROR_NOT_SUPPORTED,
  ERROR_WINHTTP_INCORRECT_HANDLE_STATE,
  ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
  NO_ERROR,
} from './error-codes.js';
import { stateOf } from './handles.js';
import { fail, succeed } from './last-error.js';
import { asksForRequestHeaders, queryHead } from './query-headers.js';
import { RequestState } from './request-handle.js';
import { applyRequestHeaders } from './request-headers.js';
import type { HINTERNET, OutParameter } from './types.js';

/** The open request behind `handle`, or the error to fail with. */
function requestOf(handle: HINTERNET): RequestState | number {
  const state = stateOf(handle);
  if (state === undefined) return ERROR_INVALID_HANDLE;
  if (!(state instanceof RequestState)) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
  return state;
}

/**
 * `WinHttpAddRequestHeaders(hRequest, lpszHeaders, dwHeadersLength, dwModifiers)`: adds header lines
 * (`Name: value`, separated by CRLF) to the request, with the `WINHTTP_ADDREQ_FLAG_*` modifiers.
 * `dwHeadersLength` is the number of characters to use, or -1 (`0xFFFFFFFF`) for the whole string.
 * Only before `WinHttpSendRequest`.
 */
export function WinHttpAddRequestHeaders(
  hRequest: HINTERNET,
  lpszHeaders: string,
  dwHeadersLength: number,
  dwModifiers: number,
): boolean {
  const request = requestOf(hRequest);
  if (typeof request === 'number') return fail(request);
  if (request.phase !== 'open') return fail(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
  if (typeof lpszHeaders !== 'string') return fail(ERROR_INVALID_PARAMETER);
  const result = applyRequestHeaders(request.headers, lpszHeaders, dwHeadersLength, dwModifiers);
  if (result.headers === undefined) return fail(result.error);
  request.headers = result.headers;
  return succeed(true);
}

/**
 * `WinHttpSendRequest(hRequest, lpszHeaders, dwHeadersLength, lpOptional, dwOptionalLength,
 * dwTotalLength, dwContext)`: connects and sends the upgrade request. Returns `TRUE` at once; then
 * CONNECTING_TO_SERVER, CONNECTED_TO_SERVER, SENDING_REQUEST, REQUEST_SENT and SENDREQUEST_COMPLETE,
 * or REQUEST_ERROR with `{ dwResult: API_SEND_REQUEST, dwError }` (`ERROR_WINHTTP_CANNOT_CONNECT`,
 * `…_NAME_NOT_RESOLVED`, `…_SECURE_FAILURE` after a SECURE_FAILURE, `…_TIMEOUT`, or
 * `ERROR_NOT_ENOUGH_MEMORY` for a WebSocket send buffer under 16 bytes). `dwContext`, unless 0,
 * becomes the request's context value. The request must be marked with `WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET`
 * (plain HTTP requests are not supported: `ERROR_NOT_SUPPORTED`) and carry no body.
 */
export function WinHttpSendRequest(
  hRequest: HINTERNET,
  lpszHeaders: string | null,
  dwHeadersLength: number,
  lpOptional: Uint8Array | null,
  dwOptionalLength: number,
  dwTotalLength: number,
  dwContext: unknown = 0,
): boolean {
  const request = requestOf(hRequest);
  if (typeof request === 'number') return fail(request);
  if (request.phase !== 'open') return fail(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
  if ((lpOptional !== null && lpOptional !== undefined) || dwOptionalLength !== 0 || dwTotalLength !== 0) {
    return fail(ERROR_INVALID_PARAMETER);
  }
  if (!request.upgrade) return fail(ERROR_NOT_SUPPORTED);
  if (lpszHeaders !== null && lpszHeaders !== undefined) {
    const result = applyRequestHeaders(request.headers, lpszHeaders, dwHeadersLength, 0);
    if (result.headers === undefined) return fail(result.error);
    request.headers = result.headers;
  }
  // As Wine does: a zero context leaves the one set with WINHTTP_OPTION_CONTEXT_VALUE.
  if (dwContext !== 0 && dwContext !== undefined && dwContext !== null) request.context = dwContext;
  request.startSending();
  return succeed(true);
}

/**
 * `WinHttpReceiveResponse(hRequest, lpReserved)`: waits for the response head, after
 * SENDREQUEST_COMPLETE. Returns `TRUE` at once; then RECEIVING_RESPONSE, RESPONSE_RECEIVED and
 * HEADERS_AVAILABLE, or REQUEST_ERROR with `{ dwResult: API_RECEIVE_RESPONSE, dwError }`. A 101 is
 * checked as RFC 6455 §4.1 asks (`Upgrade`, `Connection`, `Sec-WebSocket-Accept`, the subprotocol,
 * no extension): a bad one fails with `ERROR_WINHTTP_INVALID_SERVER_RESPONSE`. Any other status is
 * reported as HEADERS_AVAILABLE: check `WINHTTP_QUERY_STATUS_CODE` before completing the upgrade.
 */
export function WinHttpReceiveResponse(hRequest: HINTERNET, lpReserved: null = null): boolean {
  const request = requestOf(hRequest);
  if (typeof request === 'number') return fail(request);
  if (lpReserved !== null && lpReserved !== undefined) return fail(ERROR_INVALID_PARAMETER);
  if (request.phase !== 'sent') return fail(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
  request.startReceiving();
  return succeed(true);
}

/**
 * `WinHttpQueryHeaders(hRequest, dwInfoLevel, pwszName, lpBuffer, lpdwBufferLength, lpdwIndex)`:
 * reads the response head (or, with `WINHTTP_QUERY_FLAG_REQUEST_HEADERS`, the request as sent) once
 * HEADERS_AVAILABLE came. `lpBuffer.value` gets a string, or a number with
 * `WINHTTP_QUERY_FLAG_NUMBER`; `lpdwBufferLength.value` the size in bytes (of the UTF-16 string with
 * its NUL, as Windows counts). A `null` `lpBuffer` asks for the size: `FALSE` with
 * `ERROR_INSUFFICIENT_BUFFER`. `lpdwIndex` picks among repeated headers and is advanced.
 */
export function WinHttpQueryHeaders(
  hRequest: HINTERNET,
  dwInfoLevel: number,
  pwszName: string | null,
  lpBuffer: OutParameter<string | number> | null,
  lpdwBufferLength?: OutParameter<number> | null,
  lpdwIndex?: OutParameter<number> | null,
): boolean {
  const request = requestOf(hRequest);
  if (typeof request === 'number') return fail(request);
  const head = request.queryable(asksForRequestHeaders(dwInfoLevel));
  if (head === undefined) return fail(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
  const error = queryHead(head, dwInfoLevel, pwszName, lpBuffer, lpdwBufferLength, lpdwIndex);
  return error === NO_ERROR ? succeed(true) : fail(error);
}
