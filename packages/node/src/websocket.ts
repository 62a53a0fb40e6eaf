import { StandardWebSocket } from '@wskit/transport';
import { type ConnectOptions, connect } from './connect.js';

/**
 * The options of the {@link WebSocket} class: those of {@link connect} but the subprotocols and
 * `binaryType` (the class has the standard `binaryType` property instead).
 */
export type WebSocketOptions = Omit<ConnectOptions, 'protocols' | 'binaryType'>;

/**
 * A WebSocket that behaves as the WHATWG `WebSocket` of browsers (and of Node 22's global), over
 * this package's client: `new WebSocket('wss://example.com/chat', ['chat'])`, then `onopen`,
 * `onmessage`, `send`, `close`, `binaryType`, `bufferedAmount`, … Errors surface as `error` and
 * `close` events (code 1006), as the standard says.
 *
 * The third argument, not in the standard, takes the options of {@link connect}: headers, origin,
 * TLS, proxy, handshake timeout, redirects and the session's limits.
 */
export class WebSocket extends StandardWebSocket {
  constructor(url: string | URL, protocols?: string | readonly string[], options: WebSocketOptions = {}) {
    super(url, protocols, {
      connect: (target, offered, signal) =>
        connect(target, {
          ...options,
          protocols: offered,
          binaryType: 'uint8array',
          signal: options.signal ? AbortSignal.any([options.signal, signal]) : signal,
        }),
    });
  }
}
