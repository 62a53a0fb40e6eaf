/**
 * @wskit/cloudflare: WebSockets for Cloudflare Workers over `cloudflare:sockets`. A client
 * (`connect`, the WHATWG `WebSocket` class and `WebSocketStream`) over `connect()` with `secureTransport` `'off'`,
 * `'on'` or `'starttls'`; `cloudflareDialer` (`@wskit/transport`'s `Dialer`);
 * `CloudflareSocketTransport`, the transport port over a socket's streams (`await writer.write()` as
 * backpressure); and `bridgeWebSocket`, which relays a WebSocket a Worker accepted to an upstream
 * server. The handshake is `@wskit/transport`'s shared `upgradeClient`.
 *
 * `cloudflare:sockets` is imported on first use: the package imports anywhere, and fails with a
 * clear error when used outside workerd.
 *
 * @packageDocumentation
 */
export type {
  Dialer,
  DialTarget,
  SessionOptions,
  StandardCloseEvent,
  StandardErrorEvent,
  StandardMessageEvent,
  WebSocket as WebSocketSession,
  WebSocketCloseInfo,
  WebSocketOpenInfo,
  WebSocketStreamOptions,
} from '@wskit/transport';
export {
  CloseEvent,
  ErrorEvent,
  HandshakeFailedError,
  isHandshakeFailedError,
  isUnsupportedOptionError,
  isWebSocketError,
  MessageEvent,
  StandardWebSocketError,
  UnsupportedOptionError,
  WebSocketError,
} from '@wskit/transport';
export { type BridgeOptions, bridgeWebSocket } from './bridge.js';
export { type CloudflareTlsOptions, cloudflareDialer } from './cloudflare-dialer.js';
export {
  CloudflareSocketTransport,
  type CloudflareSocketTransportOptions,
} from './cloudflare-socket-transport.js';
export { type ConnectOptions, connect, UnsupportedConnectOptions } from './connect.js';
export type { CloudflareSocket, CloudflareSocketInfo, CloudflareSocketOptions } from './sockets.js';
export { WebSocket, type WebSocketOptions, WebSocketStream } from './websocket.js';
