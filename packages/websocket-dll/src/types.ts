/**
 * The structures of websocket.dll, TypeScript-shaped: a pointer and a length become one value (a
 * string, a `Uint8Array` view), an out-parameter becomes a field of a returned result object.
 */
import type {
  WEB_SOCKET_ACTION,
  WEB_SOCKET_BUFFER_TYPE,
  WEB_SOCKET_CLOSE_STATUS,
  WEB_SOCKET_PROPERTY_TYPE,
} from './constants.js';

declare const handleBrand: unique symbol;
declare const actionContextBrand: unique symbol;

/**
 * A session handle (`WEB_SOCKET_HANDLE`): an opaque object for one connection, client or server,
 * from the handshake to `WebSocketDeleteHandle`. Using it after deletion throws
 * `TypeError("invalid handle")` where Windows would crash.
 */
export interface WEB_SOCKET_HANDLE {
  /** A type-only brand (absent at run time): other objects do not pass as a handle. */
  readonly [handleBrand]: 'WEB_SOCKET_HANDLE';
}

/**
 * The action context `WebSocketGetAction` returns (`pvActionContext`): pass it to
 * `WebSocketCompleteAction`, once.
 */
export interface WEB_SOCKET_ACTION_CONTEXT {
  /** A type-only brand (absent at run time): other objects do not pass as a context. */
  readonly [actionContextBrand]: 'WEB_SOCKET_ACTION_CONTEXT';
}

/**
 * An HTTP header (`WEB_SOCKET_HTTP_HEADER`): the name (a token, no ':') and the value, as strings of
 * ISO-8859-1 characters (one char per byte, `pcName`/`ulNameLength` and `pcValue`/`ulValueLength`).
 */
export interface WEB_SOCKET_HTTP_HEADER {
  /** `pcName`/`ulNameLength`: the field name, a token (case-insensitive, no `:`). */
  readonly name: string;
  /** `pcValue`/`ulValueLength`: the field value. */
  readonly value: string;
}

/** The close status of a close buffer (the `CloseStatus` member of `WEB_SOCKET_BUFFER`). */
export interface WEB_SOCKET_CLOSE_STATUS_BUFFER {
  /** `usStatus`: the close code (a {@link WEB_SOCKET_CLOSE_STATUS} or any other valid code). */
  readonly status: WEB_SOCKET_CLOSE_STATUS | number;
  /**
   * `pbReason`/`ulReasonLength`: the reason as UTF-8, at most 123 bytes; `undefined` (`NULL`) when
   * there is none. An empty array is accepted on send.
   */
  readonly reason?: Uint8Array | undefined;
}

/**
 * A buffer (`WEB_SOCKET_BUFFER`, a union): `data` for every buffer type except
 * `WEB_SOCKET_CLOSE_BUFFER_TYPE`, which uses `closeStatus`.
 */
export type WEB_SOCKET_BUFFER =
  | {
      /** `Data.pbBuffer`/`Data.ulBufferLength`: the bytes of a data, ping or pong buffer. */
      readonly data: Uint8Array;
      /** Absent: this is not a close buffer. */
      readonly closeStatus?: undefined;
    }
  | {
      /** `CloseStatus`: the code and reason of a close buffer. */
      readonly closeStatus: WEB_SOCKET_CLOSE_STATUS_BUFFER;
      /** Absent: a close buffer carries no data. */
      readonly data?: undefined;
    };

/**
 * A property given to `WebSocketCreateClientHandle` or `WebSocketCreateServerHandle`
 * (`WEB_SOCKET_PROPERTY`). `value` is a number for ULONG properties, a boolean (or 0/1) for BOOL
 * ones and a `Uint8Array` for the allocated buffer. `size` (`ulValueSize`), when given, must be the
 * value's size in bytes: 4 for ULONG and BOOL, the buffer's length for the allocated buffer.
 */
export interface WEB_SOCKET_PROPERTY {
  /** `Type`: which property, e.g. `WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE`. */
  readonly type: WEB_SOCKET_PROPERTY_TYPE;
  /** `pvValue`: the number, boolean or buffer the property type takes. */
  readonly value: number | boolean | Uint8Array;
  /** `ulValueSize`: the value's size in bytes; checked when given, else taken from `value`. */
  readonly size?: number;
}

/** What `WebSocketCreateClientHandle` and `WebSocketCreateServerHandle` return. */
export interface WebSocketCreateHandleResult {
  /** `S_OK` or `E_INVALIDARG` (an invalid property). */
  readonly hr: number;
  /** `*phWebSocket`: the new handle, `undefined` on failure. */
  readonly handle: WEB_SOCKET_HANDLE | undefined;
}

/** What `WebSocketBeginClientHandshake` returns. */
export interface WebSocketBeginClientHandshakeResult {
  /**
   * `S_OK`; `E_INVALIDARG` for bad subprotocols, extensions or headers; `E_INVALID_PROTOCOL_OPERATION`
   * for a server handle or a handshake already begun.
   */
  readonly hr: number;
  /** `pAdditionalHeaders`: the request headers to send (replacing any of the same name); empty on failure. */
  readonly additionalHeaders: readonly WEB_SOCKET_HTTP_HEADER[];
}

/** What `WebSocketEndClientHandshake` returns. */
export interface WebSocketEndClientHandshakeResult {
  /**
   * `S_OK`; `E_INVALID_PROTOCOL_FORMAT` for a response that does not accept the handshake,
   * `E_SUBPROTOCOL_NOT_SUPPORTED` or `E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED` for a selection that was
   * not offered.
   */
  readonly hr: number;
  /** `pulSelectedExtensions`: indexes into the extensions given to the Begin call, in the server's order. */
  readonly selectedExtensions: readonly number[];
  /** `pulSelectedSubprotocol`: the index of the server's subprotocol, `undefined` when it selected none. */
  readonly selectedSubprotocol: number | undefined;
}

/** What `WebSocketBeginServerHandshake` returns. */
export interface WebSocketBeginServerHandshakeResult {
  /**
   * `S_OK`; `E_INVALID_PROTOCOL_FORMAT` for a request that is not a valid opening handshake,
   * `E_PROTOCOL_VERSION_NOT_SUPPORTED` for a version other than 13, `E_INVALIDARG` for bad arguments.
   */
  readonly hr: number;
  /** `pResponseHeaders`: the headers to send with `101 Switching Protocols`; empty on failure. */
  readonly responseHeaders: readonly WEB_SOCKET_HTTP_HEADER[];
}

/** What `WebSocketGetAction` returns. */
export interface WebSocketGetActionResult {
  /** `S_OK`, or on the receive side a protocol error (`E_INVALID_PROTOCOL_FORMAT`, `…_OPERATION`). */
  readonly hr: number;
  /** `*pAction`. */
  readonly action: WEB_SOCKET_ACTION;
  /** `*pBufferType`: the kind of data; `undefined` for `NO_ACTION` and `RECEIVE_FROM_NETWORK`. */
  readonly bufferType: WEB_SOCKET_BUFFER_TYPE | undefined;
  /**
   * `pDataBuffers` / `*pulDataBufferCount`: the buffers, owned by the library and valid until the
   * action is completed. For `RECEIVE_FROM_NETWORK`, one free space to fill.
   */
  readonly dataBuffers: readonly WEB_SOCKET_BUFFER[];
  /** `*pvApplicationContext`: the context given to Send or Receive; `undefined` for the library's own sends. */
  readonly applicationContext: unknown;
  /** `*pvActionContext`: pass to `WebSocketCompleteAction`; `undefined` for `NO_ACTION`. */
  readonly actionContext: WEB_SOCKET_ACTION_CONTEXT | undefined;
}

/** What `WebSocketGetGlobalProperty` returns. */
export interface WebSocketGetGlobalPropertyResult {
  /** `S_OK`, `E_NOT_SUFFICIENT_BUFFER` (see `valueSize`) or `E_INVALIDARG` (not a global property). */
  readonly hr: number;
  /** The value: milliseconds for the keep-alive interval, the version list for supported versions. */
  readonly value: number | readonly number[] | undefined;
  /** `*ulSize`: the value's size in bytes (the size needed after `E_NOT_SUFFICIENT_BUFFER`). */
  readonly valueSize: number;
}
