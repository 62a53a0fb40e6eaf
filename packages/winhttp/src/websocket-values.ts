/**
 * Values of the WebSocket handle: argument checks, the close frame for a status and reason, the
 * `WINHTTP_WEB_SOCKET_ASYNC_RESULT` of a failed operation and the error code of a failed connection.
 */
import { isCodecError, isValidWireCloseCode, Utf8Validator } from '@wskit/codec';
import { isConnectionError } from '@wskit/protocol';
import {
  ERROR_WINHTTP_CONNECTION_ERROR,
  ERROR_WINHTTP_INTERNAL_ERROR,
  ERROR_WINHTTP_INVALID_SERVER_RESPONSE,
} from './error-codes.js';
import type { WINHTTP_WEB_SOCKET_ASYNC_RESULT } from './types.js';
import {
  WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS,
  WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH,
  type WINHTTP_WEB_SOCKET_OPERATION,
} from './websocket-constants.js';

const EMPTY: Uint8Array = new Uint8Array(0);
const textDecoder = new TextDecoder();

/** A `WINHTTP_WEB_SOCKET_ASYNC_RESULT` (`dwResult` is 0, as Windows reports it for cancellations). */
export function asyncResult(
  operation: WINHTTP_WEB_SOCKET_OPERATION,
  error: number,
): WINHTTP_WEB_SOCKET_ASYNC_RESULT {
  return { AsyncResult: { dwResult: 0, dwError: error }, Operation: operation };
}

/** Whether `value` is a DWORD. */
export function isDword(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

/**
 * The close frame to send for `usStatus` and `pvReason`/`dwReasonLength`, or `undefined` when they
 * are invalid: a reason over 123 bytes, a `NULL` reason with a length, invalid UTF-8, a status that
 * may not be sent (RFC 6455 §7.4: 1000–1003, 1007–1014, 3000–4999), or 1005 (EMPTY: an empty close
 * frame) with a reason.
 */
export function closeFrame(
  status: number,
  reason: Uint8Array | null,
  length: number,
): { code: number | undefined; reason: string } | undefined {
  if (!isDword(length) || length > WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH) return undefined;
  let bytes = EMPTY;
  if (reason === null || reason === undefined) {
    if (length !== 0) return undefined;
  } else {
    if (!(reason instanceof Uint8Array) || length > reason.byteLength) return undefined;
    bytes = reason.subarray(0, length);
  }
  const validator = new Utf8Validator();
  if (!validator.write(bytes) || !validator.end()) return undefined;
  if (status === WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS) {
    return length === 0 ? { code: undefined, reason: '' } : undefined;
  }
  if (!Number.isInteger(status) || !isValidWireCloseCode(status)) return undefined;
  return { code: status, reason: textDecoder.decode(bytes) };
}

/** The error code of a connection that failed: bad frames from the server, or a lost transport. */
export function failureCode(error: Error | undefined): number {
  if (isCodecError(error)) return ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
  if (isConnectionError(error) && error.code === 'WS_ERR_INTERNAL') return ERROR_WINHTTP_INTERNAL_ERROR;
  return ERROR_WINHTTP_CONNECTION_ERROR;
}
