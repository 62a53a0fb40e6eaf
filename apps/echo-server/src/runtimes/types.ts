/**
 * What a runtime module gives the conformance endpoints: a server (`listen`) and a client
 * (`connect`), both handing out `@wskit/transport`'s WebSocket sessions.
 */
import type { SessionOptions, WebSocket } from '@wskit/transport';

/** How to listen. */
export interface ListenOptions {
  /** The address to listen on, e.g. `127.0.0.1`, `::1` or `0.0.0.0`. */
  readonly host: string;
  /** The port; 0 for any free one. */
  readonly port: number;
  /** Limits and timeouts for every session. */
  readonly session: SessionOptions;
  /** A client's time to complete its upgrade request, in milliseconds (0: no limit; default the adapter's). */
  readonly handshakeTimeout?: number | undefined;
  /** Offer permessage-deflate (only when {@link Runtime.supportsDeflate}). */
  readonly deflate: boolean;
  /** Called with every accepted session. */
  readonly onConnection: (session: WebSocket) => void;
}

/** A listening server. */
export interface Listener {
  /** The `ws:` URL clients connect to, with the port actually bound. */
  readonly url: string;
  /** The port actually bound. */
  readonly port: number;
  /** Open sessions. */
  readonly connections: number;
  /**
   * Stops listening and closes every open session with `code` and `reason`; settles once they are
   * all closed.
   */
  close(code: number, reason: string): Promise<void>;
}

/** How to connect. */
export interface ConnectOptions {
  /** Limits and timeouts for the session. */
  readonly session: SessionOptions;
  /** Offer permessage-deflate (only when {@link Runtime.supportsDeflate}). */
  readonly deflate: boolean;
  /** Give up on the opening handshake after this many milliseconds. */
  readonly handshakeTimeout?: number | undefined;
}

/** One runtime: see `runtimes/node.ts`, and the README on adding one. */
export interface Runtime {
  /** The name `--runtime` takes. */
  readonly name: string;
  /** Whether `deflate: true` works: the adapter can negotiate permessage-deflate. */
  readonly supportsDeflate: boolean;
  /** Starts a server; rejects when it cannot listen (`EADDRINUSE`, …). */
  listen(options: ListenOptions): Promise<Listener>;
  /** Opens a client session to a `ws:` or `wss:` URL; rejects when the handshake fails. */
  connect(url: string, options: ConnectOptions): Promise<WebSocket>;
}
