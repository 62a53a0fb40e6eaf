import type { Transport } from './port.js';
import type { ProxyTarget } from './proxy-url.js';

/** Where a {@link Dialer} connects, and how. */
export interface DialTarget {
  /** The host name or IP address (IPv6 without brackets). */
  readonly host: string;
  /** The TCP port. */
  readonly port: number;
  /**
   * A Unix domain socket to connect to instead of `host` and `port` (a `ws+unix:` URL). A dialer
   * that cannot open one rejects with a `TypeError` saying so.
   */
  readonly socketPath?: string | undefined;
  /** Whether to run TLS over the connection (`wss:`). */
  readonly secure: boolean;
  /** The TLS server name (SNI) and the name the certificate is checked against; default `host` when it is a name. */
  readonly servername?: string | undefined;
  /** Aborts the attempt: the dialer rejects with the signal's reason and releases what it opened. */
  readonly signal?: AbortSignal | undefined;
  /**
   * An HTTP proxy to tunnel through: connect to it (with TLS for an `https:` proxy, its `secure`),
   * ask for a `CONNECT` tunnel to `host:port` (`formatConnectRequest`, `ConnectResponseReader`:
   * `@wskit/transport/proxy-tunnel`, best loaded on demand), then run TLS (for `secure`) inside the
   * tunnel. A dialer that cannot (or cannot for an `https:` proxy) rejects with a `TypeError` saying so.
   */
  readonly proxy?: ProxyTarget | undefined;
  /** The runtime's own TLS options (`tls.connect` options in Node, `tls` of `Bun.connect`, …), passed through. */
  readonly tls?: unknown;
  /** The runtime's own TLS options for the connection to an `https:` proxy (its CA, …), passed through. */
  readonly proxyTls?: unknown;
}

/**
 * Opens a raw connection (TCP, with TLS when `secure`) and resolves, once it is established (TLS
 * handshake included), with a {@link Transport} over it that has **not been started**: the caller
 * runs the opening handshake over it (`upgradeClient`) and hands it to `openWebSocket`. Rejects with
 * the runtime's own error for a network or TLS failure, or with the signal's reason.
 *
 * Each runtime adapter exports one (`nodeDialer`, `bunDialer`, `cloudflareDialer`); `dialWebSocket`
 * and the adapters' `connect` run the rest of the client over any of them.
 */
export type Dialer = (target: DialTarget) => Promise<Transport>;
