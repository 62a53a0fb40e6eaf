import { StandardWebSocket } from '@wskit/transport';
import { type ConnectOptions, connect } from './connect.js';

/** The options of the {@link WebSocket} class: those of {@link connect} but the subprotocols. */
export type WebSocketOptions = Omit<ConnectOptions, 'protocols'>;

/**
 * A WebSocket that behaves as the WHATWG `WebSocket` (`onopen`, `onmessage`, `send`, `close`,
 * `binaryType`, …) over this package's client, for code written against the browser API:
 * `new WebSocket('wss://example.com/chat', ['chat'])`. Unlike `fetch` with `Upgrade: websocket`, it
 * runs over a raw socket (`cloudflare:sockets`), with the options of {@link connect} as a third
 * argument. Create it inside a handler.
 */
export class WebSocket extends StandardWebSocket {
  constructor(url: string | URL, protocols?: string | readonly string[], options: WebSocketOptions = {}) {
    super(url, protocols, {
      connect: (target, offered, signal) =>
        connect(target, {
          ...options,
          protocols: offered,
          signal: options.signal ? AbortSignal.any([options.signal, signal]) : signal,
        }),
    });
  }
}
