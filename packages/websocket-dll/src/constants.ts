/**
 * The constants of websocket.dll (the WebSocket Protocol Component API), with the exact names and
 * values of the Windows SDK header `websocket.h` and of `winerror.h`.
 */

/**
 * The longest close reason, in bytes of UTF-8: a close frame's payload is at most 125 bytes, two of
 * them the status (RFC 6455 §5.5 and §5.5.1; `WEB_SOCKET_MAX_CLOSE_REASON_LENGTH` in websocket.h).
 */
export const WEB_SOCKET_MAX_CLOSE_REASON_LENGTH = 123;

/** What the caller must do next; returned by `WebSocketGetAction` (`WEB_SOCKET_ACTION`). */
export const WEB_SOCKET_ACTION = Object.freeze({
  /** Nothing to do right now (the queue is empty, or waits for another action to be completed). */
  WEB_SOCKET_NO_ACTION: 0,
  /** Write the returned buffers to the network, in order, then complete with the bytes written. */
  WEB_SOCKET_SEND_TO_NETWORK_ACTION: 1,
  /** The operation queued by `WebSocketSend` is finished: its buffer may be reused. */
  WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION: 2,
  /** Fill the returned buffer with bytes read from the network, then complete with the count (0: cancel). */
  WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION: 3,
  /** The operation queued by `WebSocketReceive` is finished: the data and its type are returned. */
  WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION: 4,
} as const);

/** One of the {@link WEB_SOCKET_ACTION} values. */
export type WEB_SOCKET_ACTION = (typeof WEB_SOCKET_ACTION)[keyof typeof WEB_SOCKET_ACTION];

/** Which actions `WebSocketGetAction` may return (`WEB_SOCKET_ACTION_QUEUE`). */
export const WEB_SOCKET_ACTION_QUEUE = Object.freeze({
  /** Actions of the operation queued by `WebSocketSend`. */
  WEB_SOCKET_SEND_ACTION_QUEUE: 0x1,
  /** Actions of the operation queued by `WebSocketReceive`, plus the library's own sends (pongs, the close frame of a protocol failure). */
  WEB_SOCKET_RECEIVE_ACTION_QUEUE: 0x2,
  /** Both queues (`SEND | RECEIVE`). */
  WEB_SOCKET_ALL_ACTION_QUEUE: 0x3,
} as const);

/** One of the {@link WEB_SOCKET_ACTION_QUEUE} values. */
export type WEB_SOCKET_ACTION_QUEUE = (typeof WEB_SOCKET_ACTION_QUEUE)[keyof typeof WEB_SOCKET_ACTION_QUEUE];

/**
 * What a buffer holds (`WEB_SOCKET_BUFFER_TYPE`). A `…_FRAGMENT` is a part of a message that does not
 * end it, a `…_MESSAGE` the part that does (or a whole message); they need not match the frames on
 * the wire (RFC 6455 §5.4 allows any fragmentation).
 */
export const WEB_SOCKET_BUFFER_TYPE = Object.freeze({
  /** The last (or only) part of a UTF-8 text message (opcode 0x1, RFC 6455 §5.6). */
  WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE: 0x80000000,
  /** A part of a UTF-8 text message that does not end it. */
  WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE: 0x80000001,
  /** The last (or only) part of a binary message (opcode 0x2, RFC 6455 §5.6). */
  WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE: 0x80000002,
  /** A part of a binary message that does not end it. */
  WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE: 0x80000003,
  /** A close frame (RFC 6455 §5.5.1); the buffer is a `closeStatus`. */
  WEB_SOCKET_CLOSE_BUFFER_TYPE: 0x80000004,
  /** On send, a ping (RFC 6455 §5.5.2); on receive, a pong arrived (§5.5.3). */
  WEB_SOCKET_PING_PONG_BUFFER_TYPE: 0x80000005,
  /** On send, an unsolicited pong: a keep-alive heartbeat (RFC 6455 §5.5.3). */
  WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE: 0x80000006,
} as const);

/** One of the {@link WEB_SOCKET_BUFFER_TYPE} values. */
export type WEB_SOCKET_BUFFER_TYPE = (typeof WEB_SOCKET_BUFFER_TYPE)[keyof typeof WEB_SOCKET_BUFFER_TYPE];

/** The close status codes websocket.h names (`WEB_SOCKET_CLOSE_STATUS`; RFC 6455 §7.4.1). */
export const WEB_SOCKET_CLOSE_STATUS = Object.freeze({
  /** 1000: normal closure. */
  WEB_SOCKET_SUCCESS_CLOSE_STATUS: 1000,
  /** 1001: the endpoint is going away. */
  WEB_SOCKET_ENDPOINT_UNAVAILABLE_CLOSE_STATUS: 1001,
  /** 1002: protocol error. */
  WEB_SOCKET_PROTOCOL_ERROR_CLOSE_STATUS: 1002,
  /** 1003: a data type the endpoint cannot accept. */
  WEB_SOCKET_INVALID_DATA_TYPE_CLOSE_STATUS: 1003,
  /** 1005: no status code was given (never sent on the wire). */
  WEB_SOCKET_EMPTY_CLOSE_STATUS: 1005,
  /** 1006: closed without a close frame (never sent on the wire). */
  WEB_SOCKET_ABORTED_CLOSE_STATUS: 1006,
  /** 1007: payload inconsistent with the message type, e.g. invalid UTF-8. */
  WEB_SOCKET_INVALID_PAYLOAD_CLOSE_STATUS: 1007,
  /** 1008: policy violation. */
  WEB_SOCKET_POLICY_VIOLATION_CLOSE_STATUS: 1008,
  /** 1009: message too big. */
  WEB_SOCKET_MESSAGE_TOO_BIG_CLOSE_STATUS: 1009,
  /** 1010: the client expected extensions the server did not negotiate. */
  WEB_SOCKET_UNSUPPORTED_EXTENSIONS_CLOSE_STATUS: 1010,
  /** 1011: an unexpected condition on the server. */
  WEB_SOCKET_SERVER_ERROR_CLOSE_STATUS: 1011,
  /** 1015: the TLS handshake failed (never sent on the wire). */
  WEB_SOCKET_SECURE_HANDSHAKE_ERROR_CLOSE_STATUS: 1015,
} as const);

/** One of the {@link WEB_SOCKET_CLOSE_STATUS} values. */
export type WEB_SOCKET_CLOSE_STATUS = (typeof WEB_SOCKET_CLOSE_STATUS)[keyof typeof WEB_SOCKET_CLOSE_STATUS];

/** The properties of a handle (0–4, given to `WebSocketCreate…Handle`) and the global ones (5–6). */
export const WEB_SOCKET_PROPERTY_TYPE = Object.freeze({
  /** ULONG: the receive buffer size, at least 256 bytes; default 4096. Caps each network read and each indication. */
  WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE: 0,
  /** ULONG: the send buffer size, 16 to 65536 bytes; default 4096 on a client handle, 16 on a server handle. */
  WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE: 1,
  /** BOOL: a client masks with a zero key; a server accepts unmasked frames (default off). */
  WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE: 2,
  /** PVOID: a caller buffer for the library's use, at least receive + send + 256 bytes, 8-byte aligned. */
  WEB_SOCKET_ALLOCATED_BUFFER_PROPERTY_TYPE: 3,
  /** BOOL: do not check that received text is UTF-8 (default off: it is checked). */
  WEB_SOCKET_DISABLE_UTF8_VERIFICATION_PROPERTY_TYPE: 4,
  /** ULONG milliseconds, global: the keep-alive interval; default 30000, at least 15000. */
  WEB_SOCKET_KEEPALIVE_INTERVAL_PROPERTY_TYPE: 5,
  /** ULONG array, global: the WebSocket protocol versions supported, `[13]`. */
  WEB_SOCKET_SUPPORTED_VERSIONS_PROPERTY_TYPE: 6,
} as const);

/** One of the {@link WEB_SOCKET_PROPERTY_TYPE} values. */
export type WEB_SOCKET_PROPERTY_TYPE =
  (typeof WEB_SOCKET_PROPERTY_TYPE)[keyof typeof WEB_SOCKET_PROPERTY_TYPE];

// ---- HRESULTs (winerror.h), as unsigned 32-bit numbers ------------------------------------------

/** The operation succeeded. */
export const S_OK = 0;
/** An argument is invalid (`HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER)`). */
export const E_INVALIDARG = 0x80070057;
/** Out of memory (`HRESULT_FROM_WIN32(ERROR_OUTOFMEMORY)`). */
export const E_OUTOFMEMORY = 0x8007000e;
/** Unspecified failure. */
export const E_FAIL = 0x80004005;
/** The buffer is too small; the size needed is returned (`HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER)`). */
export const E_NOT_SUFFICIENT_BUFFER = 0x8007007a;
/** FACILITY_WEB_SOCKET (886): an operation the protocol does not allow now. */
export const E_INVALID_PROTOCOL_OPERATION = 0x83760001;
/** FACILITY_WEB_SOCKET (886): data (handshake headers, frames) not in the protocol's format. */
export const E_INVALID_PROTOCOL_FORMAT = 0x83760002;
/** FACILITY_WEB_SOCKET (886): the server accepted extensions that were not offered. */
export const E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED = 0x83760003;
/** FACILITY_WEB_SOCKET (886): the server selected a subprotocol that was not offered. */
export const E_SUBPROTOCOL_NOT_SUPPORTED = 0x83760004;
/** FACILITY_WEB_SOCKET (886): the client asked for a WebSocket version other than 13. */
export const E_PROTOCOL_VERSION_NOT_SUPPORTED = 0x83760005;

/** Whether an HRESULT reports success (the `SUCCEEDED` macro: the severity bit is clear). */
export function SUCCEEDED(hr: number): boolean {
  return hr >>> 31 === 0;
}

/** Whether an HRESULT reports failure (the `FAILED` macro: the severity bit is set). */
export function FAILED(hr: number): boolean {
  return hr >>> 31 === 1;
}
