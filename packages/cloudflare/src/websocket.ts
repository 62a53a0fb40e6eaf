import {
  connectorFor,
  refuseUnsupportedOptions,
  StandardWebSocket,
  WebSocketStream as StandardWebSocketStream,
  type WebSocketStreamOptions,
} from '@wskit/transport';
import { type ConnectOptions, connect, UnsupportedConnectOptions } from './connect.js';

/** The options of the {@link WebSocket} class: those of {@link connect} but the subprotocols. */
export type WebSocketOptions = Omit<ConnectOptions, 'protocols'>;

/**
 * A WebSocket that behaves as the WHATWG `WebSocket` (`onopen`, `onmessage`, `send`, `close`,
 * `binaryType`, …) over this package's client, for code written against the browser API:
 * `new WebSocket('wss://example.com/chat', ['chat'])`. Unlike `fetch` with `Upgrade: websocket`, it
 * runs over a raw socket (`cloudflare:sockets`), with the options of {@link connect} as a third
 * argument. Create it inside a handler. Throws for an option of `UnsupportedConnectOptions`.
 */
export class WebSocket extends StandardWebSocket {
  constructor(url: string | URL, protocols?: string | readonly string[], options: WebSocketOptions = {}) {
    refuseUnsupportedOptions('@wskit/cloudflare new WebSocket()', options, UnsupportedConnectOptions);
    super(url, protocols, { connect: connectorFor(connect, options) });
  }
}

/**
 * `WebSocketStream` (the WHATWG proposal Chromium and undici ship) over this package's client:
 * `opened` gives `{ readable, writable, protocol, extensions }`, with backpressure end to end (a
 * write settles once the socket's writer took it; reading stops while `readable` is not read). The
 * third argument, not in the proposal, takes the options of {@link connect}. Create it inside a
 * handler.
 */
export class WebSocketStream extends StandardWebSocketStream {
  constructor(
    url: string | URL,
    options?: WebSocketStreamOptions | null,
    connectOptions: WebSocketOptions = {},
  ) {
    refuseUnsupportedOptions(
      '@wskit/cloudflare new WebSocketStream()',
      connectOptions,
      UnsupportedConnectOptions,
    );
    super(url, options, { connect: connectorFor(connect, connectOptions) });
  }
}
