/**
 * @wskit/websocket-dll: the Windows WebSocket Protocol Component API (websocket.dll), with
 * its exact names, enum values and HRESULTs, re-implemented over the `Connection` engine. Sans-I/O
 * like the original: the caller moves every byte, driven by `WebSocketGetAction` /
 * `WebSocketCompleteAction`. HRESULTs are returned as numbers, so C control flow maps one to one.
 *
 * @packageDocumentation
 */
export {
  E_FAIL,
  E_INVALID_PROTOCOL_FORMAT,
  E_INVALID_PROTOCOL_OPERATION,
  E_INVALIDARG,
  E_NOT_SUFFICIENT_BUFFER,
  E_OUTOFMEMORY,
  E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED,
  E_PROTOCOL_VERSION_NOT_SUPPORTED,
  E_SUBPROTOCOL_NOT_SUPPORTED,
  FAILED,
  S_OK,
  SUCCEEDED,
  WEB_SOCKET_ACTION,
  WEB_SOCKET_ACTION_QUEUE,
  WEB_SOCKET_BUFFER_TYPE,
  WEB_SOCKET_CLOSE_STATUS,
  WEB_SOCKET_MAX_CLOSE_REASON_LENGTH,
  WEB_SOCKET_PROPERTY_TYPE,
} from './constants.js';
export {
  WebSocketAbortHandle,
  WebSocketBeginClientHandshake,
  WebSocketBeginServerHandshake,
  WebSocketCompleteAction,
  WebSocketCreateClientHandle,
  WebSocketCreateServerHandle,
  WebSocketDeleteHandle,
  WebSocketEndClientHandshake,
  WebSocketEndServerHandshake,
  WebSocketGetAction,
  WebSocketReceive,
  WebSocketSend,
} from './functions.js';
export { setKeepaliveIntervalRegistryValue, WebSocketGetGlobalProperty } from './properties.js';
export type {
  WEB_SOCKET_ACTION_CONTEXT,
  WEB_SOCKET_BUFFER,
  WEB_SOCKET_CLOSE_STATUS_BUFFER,
  WEB_SOCKET_HANDLE,
  WEB_SOCKET_HTTP_HEADER,
  WEB_SOCKET_PROPERTY,
  WebSocketBeginClientHandshakeResult,
  WebSocketBeginServerHandshakeResult,
  WebSocketCreateHandleResult,
  WebSocketEndClientHandshakeResult,
  WebSocketGetActionResult,
  WebSocketGetGlobalPropertyResult,
} from './types.js';
