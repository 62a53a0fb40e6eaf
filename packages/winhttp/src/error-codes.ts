/**
 * The error codes this API returns, with the exact values of the Windows SDK (`winerror.h` for the
 * system codes, `winhttp.h` for the `ERROR_WINHTTP_*` codes, which are `WINHTTP_ERROR_BASE` 12000
 * plus an offset). WebSocket functions return them as DWORDs; BOOL and HINTERNET functions leave
 * them for {@link WinHttpGetLastError}; asynchronous failures carry them in `dwError`.
 */

/** 0: the operation succeeded (`NO_ERROR`). */
export const NO_ERROR = 0;
/** 0: the operation succeeded (`ERROR_SUCCESS`, the same value as `NO_ERROR`). */
export const ERROR_SUCCESS = 0;
/** 6: the handle is not a handle, or it was closed with `WinHttpCloseHandle`. */
export const ERROR_INVALID_HANDLE = 6;
/** 8: not enough memory (Wine's code for a send buffer below 16 bytes at `WinHttpSendRequest`). */
export const ERROR_NOT_ENOUGH_MEMORY = 8;
/** 50: the request is not supported (here: synchronous sessions, named proxies, plain HTTP requests). */
export const ERROR_NOT_SUPPORTED = 50;
/** 87: a parameter is invalid. */
export const ERROR_INVALID_PARAMETER = 87;
/** 122: the buffer is too small; the needed size is returned beside it. */
export const ERROR_INSUFFICIENT_BUFFER = 122;
/** 997: the operation completes asynchronously (documented for Shutdown; never returned here). */
export const ERROR_IO_PENDING = 997;
/** 4317: the operation is not valid now (a second pending send or receive, a send after Shutdown, …). */
export const ERROR_INVALID_OPERATION = 4317;

/** 12002: the operation timed out (connect, response, or the close handshake of `WinHttpWebSocketClose`). */
export const ERROR_WINHTTP_TIMEOUT = 12002;
/** 12004: an internal error (an unexpected exception in a dialer or transport). */
export const ERROR_WINHTTP_INTERNAL_ERROR = 12004;
/** 12005: the URL (server name or object name) is invalid. */
export const ERROR_WINHTTP_INVALID_URL = 12005;
/** 12007: the server name could not be resolved. */
export const ERROR_WINHTTP_NAME_NOT_RESOLVED = 12007;
/** 12009: the option is unknown or not valid for this query or set. */
export const ERROR_WINHTTP_INVALID_OPTION = 12009;
/** 12011: the option can be queried but not set. */
export const ERROR_WINHTTP_OPTION_NOT_SETTABLE = 12011;
/** 12017: the operation was cancelled (by `WinHttpWebSocketClose` or `WinHttpCloseHandle`). */
export const ERROR_WINHTTP_OPERATION_CANCELLED = 12017;
/** 12018: the handle is of the wrong type for this function or option. */
export const ERROR_WINHTTP_INCORRECT_HANDLE_TYPE = 12018;
/** 12019: the handle is not in the right state (e.g. `WinHttpWebSocketCompleteUpgrade` before a 101). */
export const ERROR_WINHTTP_INCORRECT_HANDLE_STATE = 12019;
/** 12029: the connection to the server could not be established. */
export const ERROR_WINHTTP_CANNOT_CONNECT = 12029;
/** 12030: the connection was reset or ended before the operation completed. */
export const ERROR_WINHTTP_CONNECTION_ERROR = 12030;
/** 12150: the header asked for is not in the response (or request). */
export const ERROR_WINHTTP_HEADER_NOT_FOUND = 12150;
/** 12152: the server's response (handshake or frames) is invalid. */
export const ERROR_WINHTTP_INVALID_SERVER_RESPONSE = 12152;
/** 12153: a header given to `WinHttpAddRequestHeaders` or `WinHttpSendRequest` is invalid. */
export const ERROR_WINHTTP_INVALID_HEADER = 12153;
/** 12154: the query asked `WinHttpQueryHeaders` for something it cannot answer (e.g. a number from text). */
export const ERROR_WINHTTP_INVALID_QUERY_REQUEST = 12154;
/** 12155: `WINHTTP_ADDREQ_FLAG_ADD_IF_NEW` found the header already there. */
export const ERROR_WINHTTP_HEADER_ALREADY_EXISTS = 12155;
/** 12175: the TLS handshake failed (see the `WINHTTP_CALLBACK_STATUS_SECURE_FAILURE` flags). */
export const ERROR_WINHTTP_SECURE_FAILURE = 12175;
