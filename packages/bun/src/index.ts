/**
 * @wskit/bun: WebSockets for Bun over its raw TCP and TLS sockets. A client (`connect`, the
 * WHATWG `WebSocket` class and `WebSocketStream`) over `Bun.connect`, a server (`serve`, `WebSocketServer`) over
 * `Bun.listen`, `bunDialer` (`@wskit/transport`'s `Dialer`) and `BunSocketTransport`, the transport
 * port over a Bun socket, which keeps what Bun's partial writes leave and resumes on `drain`. The
 * handshakes are `@wskit/transport`'s shared `upgradeClient` and `acceptUpgrade`.
 *
 * The package imports nothing from `bun`: it reads the `Bun` global when used, and throws a clear
 * error outside Bun.
 *
 * @packageDocumentation
 */
export type { RequestHead } from '@wskit/handshake';
export type {
  Dialer,
  DialTarget,
  SessionOptions,
  StandardCloseEvent,
  StandardErrorEvent,
  StandardMessageEvent,
  UpgradeHooks,
  UpgradeRejection,
  VerifyInfo,
  VerifyResult,
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
export { bunDialer } from './bun-dialer.js';
export { BunSocketTransport, type BunSocketTransportOptions } from './bun-socket-transport.js';
export { type ConnectOptions, connect, UnsupportedConnectOptions } from './connect.js';
export type { BunSocket, BunSocketHandlers, BunTlsOptions } from './runtime.js';
export {
  DefaultServerOptions,
  serve,
  UnsupportedServerOptions,
  WebSocketServer,
  type WebSocketServerEvents,
  type WebSocketServerOptions,
} from './server.js';
export { WebSocket, type WebSocketOptions, WebSocketStream } from './websocket.js';
