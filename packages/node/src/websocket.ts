import {
  type RuntimeClient,
  type RuntimeWebSocketClass,
  type RuntimeWebSocketStreamClass,
  runtimeWebSocketClass,
  runtimeWebSocketStreamClass,
  type StandardWebSocket,
  type WebSocketStream as StandardWebSocketStream,
} from '@wskit/transport';
import { type ConnectOptions, connect } from './connect.js';

/**
 * The options of the {@link WebSocket} class: those of {@link connect} but the subprotocols and
 * `binaryType` (the class has the standard `binaryType` property instead).
 */
export type WebSocketOptions = Omit<ConnectOptions, 'protocols' | 'binaryType'>;

/** This package's client, as the WHATWG classes use it: binary messages reach them as bytes (they convert them). */
const client: RuntimeClient<ConnectOptions> = {
  name: '@wskit/node',
  connect,
  fixed: { binaryType: 'uint8array' },
};

/**
 * A WebSocket that behaves as the WHATWG `WebSocket` of browsers (and of Node 22's global), over
 * this package's client: `new WebSocket('wss://example.com/chat', ['chat'])`, then `onopen`,
 * `onmessage`, `send`, `close`, `binaryType`, `bufferedAmount`, … Errors surface as `error`
 * (`ErrorEvent`s with the failure as `error`) and `close` events (code 1006), as the standard says;
 * `process.unref(ws)` works as with Node's global `WebSocket`.
 *
 * The third argument, not in the standard, takes the options of {@link connect}: headers, origin,
 * TLS, proxy, handshake timeout, redirects, compression and the session's limits. (The class is
 * `@wskit/transport`'s `runtimeWebSocketClass` over {@link connect}, as in every adapter.)
 */
export const WebSocket: RuntimeWebSocketClass<WebSocketOptions> =
  /* @__PURE__ */ runtimeWebSocketClass(client);
/** An instance of {@link WebSocket}: a `StandardWebSocket`. */
export type WebSocket = StandardWebSocket;

/**
 * `WebSocketStream` (the WHATWG proposal Chromium and undici ship) over this package's client:
 * `new WebSocketStream(url, { protocols, signal })`, then `await wss.opened` for `{ readable,
 * writable, protocol, extensions }`; `closed` and `close({ closeCode, reason })`. Backpressure runs
 * end to end (see `@wskit/transport`'s `WebSocketStream`). The third argument, not in the proposal,
 * takes the options of {@link connect}.
 */
export const WebSocketStream: RuntimeWebSocketStreamClass<WebSocketOptions> =
  /* @__PURE__ */ runtimeWebSocketStreamClass(client);
/** An instance of {@link WebSocketStream}. */
export type WebSocketStream = StandardWebSocketStream;
