/**
 * The WebSocket enumerations and limits of `winhttp.h`, with their exact values. Each enumeration
 * is exported as an object (for the type and for iteration) and, as C code names them, member by
 * member. The buffer type values differ from websocket.dll's (`WEB_SOCKET_BUFFER_TYPE`).
 */

/**
 * What a buffer holds (`WINHTTP_WEB_SOCKET_BUFFER_TYPE`). A `…_FRAGMENT` is a part of a message that
 * does not end it, a `…_MESSAGE` the part that does (or a whole message).
 */
export const WINHTTP_WEB_SOCKET_BUFFER_TYPE = Object.freeze({
  /** 0: a whole binary message, or its last part (opcode 0x2, RFC 6455 §5.6). */
  WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE: 0,
  /** 1: a part of a binary message that does not end it. */
  WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE: 1,
  /** 2: a whole UTF-8 text message, or its last part (opcode 0x1, RFC 6455 §5.6). */
  WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE: 2,
  /** 3: a part of a UTF-8 text message that does not end it. */
  WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE: 3,
  /** 4: the server's close frame arrived (receive only; 0 bytes; see `WinHttpWebSocketQueryCloseStatus`). */
  WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE: 4,
} as const);

/** One of the {@link WINHTTP_WEB_SOCKET_BUFFER_TYPE} values. */
export type WINHTTP_WEB_SOCKET_BUFFER_TYPE =
  (typeof WINHTTP_WEB_SOCKET_BUFFER_TYPE)[keyof typeof WINHTTP_WEB_SOCKET_BUFFER_TYPE];

/** 0: a whole binary message, or its last part. */
export const WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE = 0;
/** 1: a part of a binary message that does not end it. */
export const WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE = 1;
/** 2: a whole UTF-8 message, or its last part. */
export const WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE = 2;
/** 3: a part of a UTF-8 message that does not end it. */
export const WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE = 3;
/** 4: the server's close frame arrived. */
export const WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE = 4;

/** Which WebSocket operation a `WINHTTP_WEB_SOCKET_ASYNC_RESULT` reports (`WINHTTP_WEB_SOCKET_OPERATION`). */
export const WINHTTP_WEB_SOCKET_OPERATION = Object.freeze({
  /** 0: `WinHttpWebSocketSend`. */
  WINHTTP_WEB_SOCKET_SEND_OPERATION: 0,
  /** 1: `WinHttpWebSocketReceive`. */
  WINHTTP_WEB_SOCKET_RECEIVE_OPERATION: 1,
  /** 2: `WinHttpWebSocketClose`. */
  WINHTTP_WEB_SOCKET_CLOSE_OPERATION: 2,
  /** 3: `WinHttpWebSocketShutdown`. */
  WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION: 3,
} as const);

/** One of the {@link WINHTTP_WEB_SOCKET_OPERATION} values. */
export type WINHTTP_WEB_SOCKET_OPERATION =
  (typeof WINHTTP_WEB_SOCKET_OPERATION)[keyof typeof WINHTTP_WEB_SOCKET_OPERATION];

/** 0: `WinHttpWebSocketSend`. */
export const WINHTTP_WEB_SOCKET_SEND_OPERATION = 0;
/** 1: `WinHttpWebSocketReceive`. */
export const WINHTTP_WEB_SOCKET_RECEIVE_OPERATION = 1;
/** 2: `WinHttpWebSocketClose`. */
export const WINHTTP_WEB_SOCKET_CLOSE_OPERATION = 2;
/** 3: `WinHttpWebSocketShutdown`. */
export const WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION = 3;

/** The close status codes `winhttp.h` names (`WINHTTP_WEB_SOCKET_CLOSE_STATUS`; RFC 6455 §7.4.1). */
export const WINHTTP_WEB_SOCKET_CLOSE_STATUS = Object.freeze({
  /** 1000: normal closure. */
  WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS: 1000,
  /** 1001: the endpoint is going away (websocket.dll calls it ENDPOINT_UNAVAILABLE). */
  WINHTTP_WEB_SOCKET_ENDPOINT_TERMINATED_CLOSE_STATUS: 1001,
  /** 1002: protocol error. */
  WINHTTP_WEB_SOCKET_PROTOCOL_ERROR_CLOSE_STATUS: 1002,
  /** 1003: a data type the endpoint cannot accept. */
  WINHTTP_WEB_SOCKET_INVALID_DATA_TYPE_CLOSE_STATUS: 1003,
  /** 1005: no status code was given (sends an empty close frame; never on the wire as a code). */
  WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS: 1005,
  /** 1006: closed without a close frame (never sent). */
  WINHTTP_WEB_SOCKET_ABORTED_CLOSE_STATUS: 1006,
  /** 1007: a payload inconsistent with its type (e.g. invalid UTF-8). */
  WINHTTP_WEB_SOCKET_INVALID_PAYLOAD_CLOSE_STATUS: 1007,
  /** 1008: policy violation. */
  WINHTTP_WEB_SOCKET_POLICY_VIOLATION_CLOSE_STATUS: 1008,
  /** 1009: a message too big to process. */
  WINHTTP_WEB_SOCKET_MESSAGE_TOO_BIG_CLOSE_STATUS: 1009,
  /** 1010: the client expected an extension the server did not negotiate. */
  WINHTTP_WEB_SOCKET_UNSUPPORTED_EXTENSIONS_CLOSE_STATUS: 1010,
  /** 1011: the server met an unexpected condition. */
  WINHTTP_WEB_SOCKET_SERVER_ERROR_CLOSE_STATUS: 1011,
  /** 1015: the TLS handshake failed (never sent). */
  WINHTTP_WEB_SOCKET_SECURE_HANDSHAKE_ERROR_CLOSE_STATUS: 1015,
} as const);

/** One of the {@link WINHTTP_WEB_SOCKET_CLOSE_STATUS} values. */
export type WINHTTP_WEB_SOCKET_CLOSE_STATUS =
  (typeof WINHTTP_WEB_SOCKET_CLOSE_STATUS)[keyof typeof WINHTTP_WEB_SOCKET_CLOSE_STATUS];

/** 1000: normal closure. */
export const WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS = 1000;
/** 1001: the endpoint is going away. */
export const WINHTTP_WEB_SOCKET_ENDPOINT_TERMINATED_CLOSE_STATUS = 1001;
/** 1002: protocol error. */
export const WINHTTP_WEB_SOCKET_PROTOCOL_ERROR_CLOSE_STATUS = 1002;
/** 1003: a data type the endpoint cannot accept. */
export const WINHTTP_WEB_SOCKET_INVALID_DATA_TYPE_CLOSE_STATUS = 1003;
/** 1005: no status code. */
export const WINHTTP_WEB_SOCKET_EMPTY_CLOSE_STATUS = 1005;
/** 1006: closed without a close frame. */
export const WINHTTP_WEB_SOCKET_ABORTED_CLOSE_STATUS = 1006;
/** 1007: an invalid payload. */
export const WINHTTP_WEB_SOCKET_INVALID_PAYLOAD_CLOSE_STATUS = 1007;
/** 1008: policy violation. */
export const WINHTTP_WEB_SOCKET_POLICY_VIOLATION_CLOSE_STATUS = 1008;
/** 1009: message too big. */
export const WINHTTP_WEB_SOCKET_MESSAGE_TOO_BIG_CLOSE_STATUS = 1009;
/** 1010: an extension was not negotiated. */
export const WINHTTP_WEB_SOCKET_UNSUPPORTED_EXTENSIONS_CLOSE_STATUS = 1010;
/** 1011: unexpected server condition. */
export const WINHTTP_WEB_SOCKET_SERVER_ERROR_CLOSE_STATUS = 1011;
/** 1015: the TLS handshake failed. */
export const WINHTTP_WEB_SOCKET_SECURE_HANDSHAKE_ERROR_CLOSE_STATUS = 1015;

/**
 * The longest close reason, in bytes: a close frame's payload is at most 125 bytes, two of them the
 * status (RFC 6455 §5.5, §5.5.1; `WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH`).
 */
export const WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH = 123;
/** The smallest keep-alive interval `WINHTTP_OPTION_WEB_SOCKET_KEEPALIVE_INTERVAL` accepts, in ms (15000). */
export const WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE = 15000;
