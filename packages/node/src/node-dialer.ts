import { connect as netConnect, type Socket } from 'node:net';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { Dialer, DialTarget } from '@wskit/transport';
import { nodeTls } from './builtins.js';
import { NodeSocketTransport } from './node-socket-transport.js';

/** Opens a TCP or TLS socket to the target, half-open allowed (the close handshake needs it). */
function openSocket(target: DialTarget): Socket {
  const { host, port, socketPath } = target;
  if (socketPath !== undefined && !target.secure)
    return netConnect({ path: socketPath, allowHalfOpen: true });
  if (!target.secure) return netConnect({ host, port, allowHalfOpen: true, noDelay: true });
  const options: TlsConnectionOptions & { allowHalfOpen: boolean } = {
    ALPNProtocols: ['http/1.1'],
    ...(target.servername === undefined ? {} : { servername: target.servername }),
    ...(target.tls as TlsConnectionOptions | undefined),
    ...(socketPath === undefined ? { host, port } : { path: socketPath }),
    // tls.connect passes it on to the TLSSocket (not in its types).
    allowHalfOpen: true,
  };
  return nodeTls.connect(options);
}

/**
 * The `@wskit/transport` {@link Dialer} of Node: a TCP connection (`net.connect`), or TLS
 * (`tls.connect`, ALPN `http/1.1`) when `secure`, resolving once connected (TLS handshake done) with
 * an unstarted {@link NodeSocketTransport}; a Unix domain socket (`net.connect({ path })`) for a
 * target with `socketPath`. `tls` takes `tls.connect` options (`ca`, `cert`, `key`,
 * `rejectUnauthorized`, `servername`, …), which win over `servername`. Rejects with Node's error
 * (`ECONNREFUSED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …) or the signal's reason, destroying the socket.
 *
 * With `proxy` (`dialWebSocket`'s `proxy` option), it tunnels through that HTTP proxy: TCP to the
 * proxy (TLS for an `https:` proxy, with `proxyTls` as its `tls.connect` options), a `CONNECT` to
 * the target, then TLS with the server inside the tunnel for `wss:`. A refusal rejects with a
 * `HandshakeFailedError` `WS_ERR_UPGRADE_PROXY` (with the proxy's `status`: a 407 wants credentials
 * in the proxy URL). This path is loaded on demand; `connect` goes through undici instead.
 *
 * ```ts
 * import { dialWebSocket } from '@wskit/transport';
 * const ws = await dialWebSocket(nodeDialer, 'wss://example.com/chat');
 * ```
 */
export const nodeDialer: Dialer = (target) => {
  const { proxy } = target;
  if (proxy === undefined) return dialDirect(target);
  return import('./dial-proxy.js').then((module) => module.dialThroughProxy(target, proxy));
};

/** {@link nodeDialer} without a proxy: TCP, TLS or a Unix domain socket to the target itself. */
function dialDirect(target: DialTarget): Promise<NodeSocketTransport> {
  return new Promise((resolve, reject) => {
    const { signal } = target;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const socket = openSocket(target);
    const connected = target.secure ? 'secureConnect' : 'connect';
    const cleanup = () => {
      socket.off(connected, onConnect);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onConnect = () => {
      cleanup();
      resolve(new NodeSocketTransport(socket));
    };
    const onError = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onAbort = () => {
      cleanup();
      socket.on('error', () => {}).destroy();
      reject(signal!.reason);
    };
    socket.once(connected, onConnect);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
