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
import { bunRuntime } from './runtime.js';

/** The options of the {@link WebSocket} class: those of {@link connect} but the subprotocols. */
export type WebSocketOptions = Omit<ConnectOptions, 'protocols'>;

/** This package's client, as the WHATWG classes use it. */
const client: RuntimeClient<ConnectOptions> = {
  name: '@wskit/bun',
  connect,
  unsupported: UnsupportedConnectOptions,
  assertRuntime: bunRuntime,
};

/**
 * A WebSocket that behaves as the WHATWG `WebSocket` (`onopen`, `onmessage`, `send`, `close`,
 * `binaryType`, `bufferedAmount`, …) over this package's client: `new WebSocket('wss://example.com',
 * ['chat'])`. Unlike Bun's global `WebSocket`, its sends honour backpressure end to end and it takes
 * the options of {@link connect} as a third argument (headers, TLS, timeouts, session limits).
 * Throws at once outside Bun, and for an option of `UnsupportedConnectOptions`. (The class is
 * `@wskit/transport`'s `runtimeWebSocketClass` over {@link connect}, as in every adapter.)
 */
export const WebSocket: RuntimeWebSocketClass<WebSocketOptions> =
  /* @__PURE__ */ runtimeWebSocketClass(client);
/** An instance of {@link WebSocket}: a `StandardWebSocket`. */
export type WebSocket = StandardWebSocket;

/**
 * `WebSocketStream` (the WHATWG proposal Chromium and undici ship) over this package's client:
 * `opened` gives `{ readable, writable, protocol, extensions }`, with backpressure end to end. The
 * third argument, not in the proposal, takes the options of {@link connect}. Throws at once
 * outside Bun.
 */
export const WebSocketStream: RuntimeWebSocketStreamClass<WebSocketOptions> =
  /* @__PURE__ */ runtimeWebSocketStreamClass(client);
/** An instance of {@link WebSocketStream}. */
export type WebSocketStream = StandardWebSocketStream;
