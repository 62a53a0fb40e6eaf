import {
  type RuntimeClient,
  type RuntimeWebSocketClass,
  type RuntimeWebSocketStreamClass,
  runtimeWebSocketClass,
  runtimeWebSocketStreamClass,
  type StandardWebSocket,
  type WebSocketStream as StandardWebSocketStream,
} from '@wskit/transport';
import { type ConnectOptions, connect, UnsupportedConnectOptions } from './connect.js';

/** The options of the {@link WebSocket} class: those of {@link connect} but the subprotocols. */
export type WebSocketOptions = Omit<ConnectOptions, 'protocols'>;

/** This package's client, as the WHATWG classes use it. */
const client: RuntimeClient<ConnectOptions> = {
  name: '@wskit/cloudflare',
  connect,
  unsupported: UnsupportedConnectOptions,
};

/**
 * A WebSocket that behaves as the WHATWG `WebSocket` (`onopen`, `onmessage`, `send`, `close`,
 * `binaryType`, …) over this package's client, for code written against the browser API:
 * `new WebSocket('wss://example.com/chat', ['chat'])`. Unlike `fetch` with `Upgrade: websocket`, it
 * runs over a raw socket (`cloudflare:sockets`), with the options of {@link connect} as a third
 * argument. Create it inside a handler. Throws for an option of `UnsupportedConnectOptions`. (The
 * class is `@wskit/transport`'s `runtimeWebSocketClass` over {@link connect}, as in every adapter.)
 */
export const WebSocket: RuntimeWebSocketClass<WebSocketOptions> =
  /* @__PURE__ */ runtimeWebSocketClass(client);
/** An instance of {@link WebSocket}: a `StandardWebSocket`. */
export type WebSocket = StandardWebSocket;

/**
 * `WebSocketStream` (the WHATWG proposal Chromium and undici ship) over this package's client:
 * `opened` gives `{ readable, writable, protocol, extensions }`, with backpressure end to end (a
 * write settles once the socket's writer took it; reading stops while `readable` is not read). The
 * third argument, not in the proposal, takes the options of {@link connect}. Create it inside a
 * handler.
 */
export const WebSocketStream: RuntimeWebSocketStreamClass<WebSocketOptions> =
  /* @__PURE__ */ runtimeWebSocketStreamClass(client);
/** An instance of {@link WebSocketStream}. */
export type WebSocketStream = StandardWebSocketStream;
