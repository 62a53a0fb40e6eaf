/**
 * @wskit/node: WebSockets for Node.js over `net` and `tls`. A client (`connect`, and the WHATWG
 * `WebSocket` class) with subprotocols, TLS options, redirects and HTTP proxies (undici); a server
 * (`WebSocketServer`: standalone, attached to an `http`/`https` server, or `handleUpgrade` for
 * frameworks) with hooks to verify requests and pick subprotocols; permessage-deflate compression on
 * both (`perMessageDeflate`: the client offers it by default, the server accepts it when enabled);
 * `WebSocketStream` and `createWebSocketStream` (a `Duplex`) for code that uses streams; WebSockets
 * over HTTP/2 (RFC 8441) on both sides, beside HTTP/1.1 on one port; and
 * `NodeSocketTransport`, the transport port over a socket, under `@wskit/transport`'s sessions.
 *
 * @packageDocumentation
 */
export type { PerMessageDeflateOptions } from '@wskit/permessage-deflate';
export type {
  BackpressurePolicy,
  Broker,
  PublishOptions,
  StandardCloseEvent,
  StandardErrorEvent,
  StandardMessageEvent,
  SubscribeOptions,
  TopicHub,
  TopicHubOptions,
  WebSocket as WebSocketSession,
  WebSocketCloseInfo,
  WebSocketOpenInfo,
  WebSocketStreamOptions,
} from '@wskit/transport';
export {
  CloseEvent,
  EncodedText,
  ErrorEvent,
  isWebSocketError,
  MessageEvent,
  StandardWebSocketError,
  WebSocketError,
  type WebSocketErrorCode,
} from '@wskit/transport';
export type { BinaryTypeOption, NodeBinaryType } from './binary-type.js';
export { type ClientHandshakeOptions, DefaultClientOptions } from './client-upgrade.js';
export type { PerMessageDeflateOption } from './compression.js';
export { type ConnectOptions, connect } from './connect.js';
export {
  HandshakeFailedError,
  type HandshakeFailedErrorCode,
  type HandshakeFailedErrorInit,
  isHandshakeFailedError,
  type NodeErrorCode,
  NodeErrorCodes,
} from './errors.js';
export type { Http2ConnectOption } from './http2-options.js';
export type { AnyHttp2Server } from './http2-server.js';
export { Http2StreamTransport, type Http2StreamTransportOptions } from './http2-transport.js';
export { nodeDialer } from './node-dialer.js';
export { NodeSocketTransport, type NodeSocketTransportOptions } from './node-socket-transport.js';
export type { UndiciDispatcher } from './proxy.js';
export {
  createServer,
  DefaultServerOptions,
  WebSocketServer,
  type WebSocketServerEvents,
  type WebSocketServerOptions,
} from './server.js';
export type {
  UpgradeHooks,
  UpgradeRejection,
  VerifyInfo,
  VerifyResult,
  WebSocketServerRequest,
} from './server-accept.js';
export { WebSocket, type WebSocketOptions, WebSocketStream } from './websocket.js';
export { createWebSocketStream, type WebSocketDuplexOptions } from './websocket-duplex.js';
