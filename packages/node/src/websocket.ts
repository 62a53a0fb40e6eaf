import {
  connectorFor,
  StandardWebSocket,
  WebSocketStream as StandardWebSocketStream,
  type WebSocketStreamOptions,
} from '@wskit/transport';
import { type ConnectOptions, connect } from './connect.js';

/**
 * The options of the {@link WebSocket} class: those of {@link connect} but the subprotocols and
 * `binaryType` (the class has the standard `binaryType` property instead).
 */
export type WebSocketOptions = Omit<ConnectOptions, 'protocols' | 'binaryType'>;

/**
 * A WebSocket that behaves as the WHATWG `WebSocket` of browsers (and of Node 22's global), over
 * this package's client: `new WebSocket('wss://example.com/chat', ['chat'])`, then `onopen`,
 * `onmessage`, `send`, `close`, `binaryType`, `bufferedAmount`, … Errors surface as `error`
 * (`ErrorEvent`s with the failure as `error`) and `close` events (code 1006), as the standard says;
 * `process.unref(ws)` works as with Node's global `WebSocket`.
 *
 * The third argument, not in the standard, takes the options of {@link connect}: headers, origin,
 * TLS, proxy, handshake timeout, redirects, compression and the session's limits.
 */
export class WebSocket extends StandardWebSocket {
  constructor(url: string | URL, protocols?: string | readonly string[], options: WebSocketOptions = {}) {
    // The standard class converts binary messages itself (Blob, ArrayBuffer): it takes them as bytes.
    super(url, protocols, {
      connect: connectorFor<ConnectOptions>(connect, { ...options, binaryType: 'uint8array' }),
    });
  }
}

/**
 * `WebSocketStream` (the WHATWG proposal Chromium and undici ship) over this package's client:
 * `new WebSocketStream(url, { protocols, signal })`, then `await wss.opened` for `{ readable,
 * writable, protocol, extensions }`; `closed` and `close({ closeCode, reason })`. Backpressure runs
 * end to end (see `@wskit/transport`'s `WebSocketStream`). The third argument, not in the proposal,
 * takes the options of {@link connect}.
 */
export class WebSocketStream extends StandardWebSocketStream {
  constructor(
    url: string | URL,
    options?: WebSocketStreamOptions | null,
    connectOptions: WebSocketOptions = {},
  ) {
    super(url, options, {
      connect: connectorFor<ConnectOptions>(connect, { ...connectOptions, binaryType: 'uint8array' }),
    });
  }
}
