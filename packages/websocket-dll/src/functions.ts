/**
 * The exported functions of websocket.dll, one for one, with the names and parameter order of
 * websocket.h. HRESULTs are returned as numbers (never thrown), out-parameters as fields of the
 * returned object; VOID functions return `undefined`. A handle that was deleted (or is not a handle)
 * throws `TypeError("invalid handle")` where Windows would crash.
 */
import {
  E_INVALIDARG,
  S_OK,
  type WEB_SOCKET_ACTION_QUEUE,
  type WEB_SOCKET_BUFFER_TYPE,
} from './constants.js';
import { readHandleProperties } from './properties.js';
import { Session } from './session.js';
import type {
  WEB_SOCKET_ACTION_CONTEXT,
  WEB_SOCKET_BUFFER,
  WEB_SOCKET_HANDLE,
  WEB_SOCKET_HTTP_HEADER,
  WEB_SOCKET_PROPERTY,
  WebSocketBeginClientHandshakeResult,
  WebSocketBeginServerHandshakeResult,
  WebSocketCreateHandleResult,
  WebSocketEndClientHandshakeResult,
  WebSocketGetActionResult,
} from './types.js';

const sessions = new WeakMap<object, Session>();

function sessionOf(handle: WEB_SOCKET_HANDLE): Session {
  const session = typeof handle === 'object' && handle !== null ? sessions.get(handle) : undefined;
  if (session === undefined) throw new TypeError('invalid handle');
  return session;
}

function createHandle(
  role: 'client' | 'server',
  properties: readonly WEB_SOCKET_PROPERTY[] | undefined,
): WebSocketCreateHandleResult {
  const settings = readHandleProperties(properties, role);
  if (settings === E_INVALIDARG) return { hr: E_INVALIDARG, handle: undefined };
  const handle = Object.freeze(Object.create(null)) as WEB_SOCKET_HANDLE;
  sessions.set(handle, new Session(role, settings));
  return { hr: S_OK, handle };
}

/**
 * `WebSocketCreateClientHandle(pProperties, ulPropertyCount, phWebSocket)`: a client handle with the
 * given properties (types 0–4; none for the defaults: receive buffer 4096, send buffer 4096, masking
 * on, UTF-8 checked). `E_INVALIDARG` for an invalid property.
 */
export function WebSocketCreateClientHandle(
  properties?: readonly WEB_SOCKET_PROPERTY[],
): WebSocketCreateHandleResult {
  return createHandle('client', properties);
}

/**
 * `WebSocketCreateServerHandle(pProperties, ulPropertyCount, phWebSocket)`: a server handle, as
 * {@link WebSocketCreateClientHandle} but with a default send buffer of 16 bytes.
 */
export function WebSocketCreateServerHandle(
  properties?: readonly WEB_SOCKET_PROPERTY[],
): WebSocketCreateHandleResult {
  return createHandle('server', properties);
}

/**
 * `WebSocketBeginClientHandshake`: takes the subprotocols and extensions to offer (one per entry)
 * and the request headers the caller plans to send, and returns the headers to add to the request
 * (replacing any of the same name). Then send the request, and call
 * {@link WebSocketEndClientHandshake} with the response's headers.
 */
export function WebSocketBeginClientHandshake(
  handle: WEB_SOCKET_HANDLE,
  subprotocols: readonly string[] | undefined,
  extensions: readonly string[] | undefined,
  initialHeaders: readonly WEB_SOCKET_HTTP_HEADER[] | undefined,
): WebSocketBeginClientHandshakeResult {
  return sessionOf(handle).beginClientHandshake(subprotocols, extensions, initialHeaders);
}

/**
 * `WebSocketEndClientHandshake`: checks the response headers (the caller checked the status, 101)
 * and returns the indexes of the extensions and of the subprotocol the server selected. Errors:
 * `E_INVALID_PROTOCOL_FORMAT`, `E_SUBPROTOCOL_NOT_SUPPORTED`, `E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED`.
 * On success the session functions may be used.
 */
export function WebSocketEndClientHandshake(
  handle: WEB_SOCKET_HANDLE,
  responseHeaders: readonly WEB_SOCKET_HTTP_HEADER[],
): WebSocketEndClientHandshakeResult {
  return sessionOf(handle).endClientHandshake(responseHeaders);
}

/**
 * `WebSocketBeginServerHandshake`: checks the request headers and returns the headers to send with
 * `101 Switching Protocols`, with the subprotocol and extensions the caller selected. Errors:
 * `E_INVALID_PROTOCOL_FORMAT`, `E_PROTOCOL_VERSION_NOT_SUPPORTED`.
 */
export function WebSocketBeginServerHandshake(
  handle: WEB_SOCKET_HANDLE,
  subprotocolSelected: string | undefined,
  extensionSelected: readonly string[] | undefined,
  requestHeaders: readonly WEB_SOCKET_HTTP_HEADER[],
): WebSocketBeginServerHandshakeResult {
  return sessionOf(handle).beginServerHandshake(subprotocolSelected, extensionSelected, requestHeaders);
}

/**
 * `WebSocketEndServerHandshake`: finishes the server handshake. Optional (any session function does
 * it) and idempotent; it checks nothing new.
 */
export function WebSocketEndServerHandshake(handle: WEB_SOCKET_HANDLE): number {
  return sessionOf(handle).endServerHandshake();
}

/**
 * `WebSocketSend(hWebSocket, BufferType, pBuffer, Context)`: queues one send. `buffer` is
 * `{ data }` for data types, `{ closeStatus }` (or `undefined` for no status) for CLOSE, and must be
 * `undefined` for PING_PONG (a ping) and UNSOLICITED_PONG. The bytes are not copied: keep them
 * unchanged until `INDICATE_SEND_COMPLETE`. `E_INVALID_PROTOCOL_OPERATION` while another send is
 * outstanding, for data after CLOSE, or out of fragment sequence; `E_INVALIDARG` for a bad buffer.
 *
 * After the peer's close was indicated the handle is half closed: data may still be sent, and the
 * application's CLOSE is the reply, with its own status and reason (W9); nothing is sent after it.
 * A client's message longer than its send buffer goes out as several frames (W25, W30).
 */
export function WebSocketSend(
  handle: WEB_SOCKET_HANDLE,
  bufferType: WEB_SOCKET_BUFFER_TYPE,
  buffer?: WEB_SOCKET_BUFFER,
  context?: unknown,
): number {
  return sessionOf(handle).send(bufferType, buffer, context);
}

/**
 * `WebSocketReceive(hWebSocket, pBuffer, pvContext)`: queues one receive. Without a buffer the data
 * is indicated as views into the library's buffers (zero-copy); with `{ data }` it is copied there.
 * `E_INVALID_PROTOCOL_OPERATION` while another receive is outstanding or after the peer's close.
 */
export function WebSocketReceive(
  handle: WEB_SOCKET_HANDLE,
  buffer?: WEB_SOCKET_BUFFER,
  context?: unknown,
): number {
  return sessionOf(handle).receive(buffer, context);
}

/**
 * `WebSocketGetAction`: the next action on `queue`, with at most `dataBufferCount` buffers. Pair
 * every action other than `NO_ACTION` with one {@link WebSocketCompleteAction}; a queue hands out
 * its next action only after that. Receive-side protocol errors are returned here as `hr`, after the
 * pieces received before the bad data and after the failing close frame.
 *
 * The library's own frames (the automatic pong answering a ping, W30; the failing close frame) are
 * `SEND_TO_NETWORK` actions of the receive queue, with no application context, and go before
 * anything else: while one waits for the other queue's write to be completed, the receive queue
 * returns `NO_ACTION` (no read) and the send queue returns `NO_ACTION` between two frames. A driver
 * asks again after `NO_ACTION` until its operation completes, as .NET's `WebSocketBase` does.
 */
export function WebSocketGetAction(
  handle: WEB_SOCKET_HANDLE,
  queue: WEB_SOCKET_ACTION_QUEUE,
  dataBufferCount: number,
): WebSocketGetActionResult {
  return sessionOf(handle).getAction(queue, dataBufferCount);
}

/**
 * `WebSocketCompleteAction(hWebSocket, pvActionContext, ulBytesTransferred)`: finishes an action.
 * For `SEND_TO_NETWORK`, fewer bytes than handed out cancel the send; for `RECEIVE_FROM_NETWORK`,
 * 0 cancels the receive. The count is ignored for the other actions. Throws `TypeError` for a
 * context that is not waiting to be completed, `RangeError` for more bytes than handed out.
 */
export function WebSocketCompleteAction(
  handle: WEB_SOCKET_HANDLE,
  actionContext: WEB_SOCKET_ACTION_CONTEXT,
  bytesTransferred: number,
): void {
  sessionOf(handle).completeAction(actionContext, bytesTransferred);
}

/**
 * `WebSocketAbortHandle`: aborts the session. Later sends and receives fail; operations already
 * queued are drained with `WebSocketGetAction` (they complete without touching the network). A
 * no-op before the handshake completed.
 */
export function WebSocketAbortHandle(handle: WEB_SOCKET_HANDLE): void {
  sessionOf(handle).abort();
}

/** `WebSocketDeleteHandle`: releases the handle; any later use throws `TypeError("invalid handle")`. */
export function WebSocketDeleteHandle(handle: WEB_SOCKET_HANDLE): void {
  sessionOf(handle);
  sessions.delete(handle);
}
