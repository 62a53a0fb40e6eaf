import type { Dialer } from '@wskit/transport';
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
 */
export const cloudflareDialer: Dialer = async (target) => {
  if (target.socketPath !== undefined) {
    throw new TypeError(
      '@wskit/cloudflare: a Worker cannot connect to a Unix domain socket (ws+unix: URL); use ws: or wss:',
    );
  }
  const connect = await loadSockets();
  const { signal } = target;
  signal?.throwIfAborted();
  const tls = (target.tls ?? {}) as CloudflareTlsOptions;
  const secureTransport = target.secure ? (tls.secureTransport ?? 'on') : 'off';
  let socket = connect(
    { hostname: target.host, port: target.port },
    { secureTransport, allowHalfOpen: true },
  );
  const onAbort = () => void socket.close().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (secureTransport === 'starttls') {
      await socket.opened;
      await tls.beforeTls?.(socket);
      // The certificate is checked against the host connected to, or a servername given apart.
      const named = target.servername !== undefined && target.servername !== target.host;
      socket = socket.startTls(named ? { expectedServerHostname: target.servername } : undefined);
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
