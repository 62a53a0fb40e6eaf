import type { Dialer, ProxyTarget } from '@wskit/transport';
import { CloudflareSocketTransport } from './cloudflare-socket-transport.js';
import { type CloudflareSocket, loadSockets } from './sockets.js';

/** Cloudflare's TLS choices for `wss:` (a dialer's `tls`). */
export interface CloudflareTlsOptions {
  /**
   * `'on'` (default): TLS from the start. `'starttls'`: connect in plain text, run {@link beforeTls}
   * (a proxy's `CONNECT`, a protocol's own STARTTLS exchange), then `startTls()`.
   */
  readonly secureTransport?: 'on' | 'starttls' | undefined;
  /** With `'starttls'`: what to do over the plain socket before TLS starts. */
  readonly beforeTls?: ((socket: CloudflareSocket) => Promise<void>) | undefined;
}

/**
 * The `@wskit/transport` {@link Dialer} of Cloudflare Workers: `connect()` from `cloudflare:sockets`
 * (loaded on first use), half-open allowed, `secureTransport` `'off'` for `ws:` and `'on'` (or
 * `'starttls'`, see {@link CloudflareTlsOptions}) for `wss:`. Resolves once `socket.opened` did, with
 * an unstarted {@link CloudflareSocketTransport}; rejects with the runtime's error (a refused
 * connection, an untrusted certificate, a blocked address), the signal's reason, or, outside
 * workerd, an error saying that `cloudflare:sockets` is missing.
 *
 * With `proxy` (an `http:` proxy a Worker can reach), it connects to the proxy, asks for a
 * `CONNECT` tunnel and, for `wss:`, starts TLS inside it (`startTls` with the server's name); a
 * refusal rejects with a `HandshakeFailedError` `WS_ERR_UPGRADE_PROXY`. An `https:` proxy rejects
 * with a `TypeError` (TLS to the proxy is not implemented here).
 */
export const cloudflareDialer: Dialer = async (target) => {
  if (target.socketPath !== undefined) {
    throw new TypeError(
      '@wskit/cloudflare: a Worker cannot connect to a Unix domain socket (ws+unix: URL); use ws: or wss:',
    );
  }
  const { proxy } = target;
  if (proxy !== undefined) refuseHttpsProxy(proxy);
  const connect = await loadSockets();
  const { signal } = target;
  signal?.throwIfAborted();
  const tls = (target.tls ?? {}) as CloudflareTlsOptions;
  if (proxy !== undefined && tls.secureTransport === 'starttls') {
    throw new TypeError("@wskit/cloudflare: proxy and tls.secureTransport 'starttls' cannot be combined");
  }
  // Through a proxy, TLS (for wss:) starts inside the tunnel, once CONNECT succeeded.
  const secureTransport = target.secure
    ? proxy !== undefined
      ? 'starttls'
      : (tls.secureTransport ?? 'on')
    : 'off';
  let socket = connect(
    proxy === undefined
      ? { hostname: target.host, port: target.port }
      : { hostname: proxy.host, port: proxy.port },
    { secureTransport, allowHalfOpen: true },
  );
  const onAbort = () => void socket.close().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (proxy !== undefined) {
      // The CONNECT exchange is loaded on demand, while the connection to the proxy opens.
      const [{ openTunnel }] = await Promise.all([import('./proxy-connect.js'), socket.opened]);
      await openTunnel(socket, proxy, target.host, target.port, target.secure);
    }
    if (secureTransport === 'starttls') {
      await socket.opened;
      await tls.beforeTls?.(socket);
      // The certificate is checked against the server (not the proxy), or a servername given apart.
      const named = target.servername !== undefined && target.servername !== target.host;
      socket = socket.startTls(
        named || proxy !== undefined
          ? { expectedServerHostname: target.servername ?? target.host }
          : undefined,
      );
    }
    const info = await socket.opened;
    signal?.throwIfAborted();
    return new CloudflareSocketTransport(socket, { remoteAddress: info?.remoteAddress });
  } catch (error) {
    void socket.close().catch(() => {});
    throw signal?.aborted ? signal.reason : error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
};

/**
 * Throws the `TypeError` for an `https:` proxy: this dialer opens plain connections to a proxy
 * (TLS to the proxy, and for `wss:` the server's TLS inside that, is not implemented here).
 */
export function refuseHttpsProxy(proxy: ProxyTarget): void {
  if (!proxy.secure) return;
  throw new TypeError(
    `@wskit/cloudflare: an https: proxy (${proxy.url}) is not supported (the connection to a proxy is plain TCP here); use an http: proxy URL`,
  );
}
