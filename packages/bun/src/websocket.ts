import {
  connectorFor,
  refuseUnsupportedOptions,
  StandardWebSocket,
  WebSocketStream as StandardWebSocketStream,
  type WebSocketStreamOptions,
} from '@wskit/transport';
import { type ConnectOptions, connect, UnsupportedConnectOptions } from './connect.js';
import { bunRuntime } from './runtime.js';

/** The options of the {@link WebSocket} class: those of {@link connect} but the subprotocols. */
export type WebSocketOptions = Omit<ConnectOptions, 'protocols'>;

/**
 * A WebSocket that behaves as the WHATWG `WebSocket` (`onopen`, `onmessage`, `send`, `close`,
 * `binaryType`, `bufferedAmount`, …) over this package's client: `new WebSocket('wss://example.com',
 * ['chat'])`. Unlike Bun's global `WebSocket`, its sends honour backpressure end to end and it takes
 * the options of {@link connect} as a third argument (headers, TLS, timeouts, session limits).
 * Throws at once outside Bun, and for an option of `UnsupportedConnectOptions`.
 */
export class WebSocket extends StandardWebSocket {
  constructor(url: string | URL, protocols?: string | readonly string[], options: WebSocketOptions = {}) {
    bunRuntime('new WebSocket()');
    refuseUnsupportedOptions('@wskit/bun new WebSocket()', options, UnsupportedConnectOptions);
    super(url, protocols, { connect: connectorFor(connect, options) });
  }
}

/**
 * `WebSocketStream` (the WHATWG proposal Chromium and undici ship) over this package's client:
 * `opened` gives `{ readable, writable, protocol, extensions }`, with backpressure end to end. The
 * third argument, not in the proposal, takes the options of {@link connect}. Throws at once
 * outside Bun.
 */
export class WebSocketStream extends StandardWebSocketStream {
  constructor(
    url: string | URL,
    options?: WebSocketStreamOptions | null,
    connectOptions: WebSocketOptions = {},
  ) {
    bunRuntime('new WebSocketStream()');
    refuseUnsupportedOptions('@wskit/bun new WebSocketStream()', connectOptions, UnsupportedConnectOptions);
    super(url, options, { connect: connectorFor(connect, connectOptions) });
  }
}
