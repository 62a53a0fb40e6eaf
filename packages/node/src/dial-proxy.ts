/**
 * The proxy path of `nodeDialer`: loaded on demand, only when a `DialTarget` names a proxy, so that a
 * client connecting directly does not carry it. (`connect` tunnels through undici instead; this is
 * for `dialWebSocket(nodeDialer, …)` and other users of the `Dialer` port.)
 */
import { isIP, connect as netConnect, type Socket } from 'node:net';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { DialTarget, ProxyTarget } from '@wskit/transport';
import { ConnectResponseReader, formatConnectRequest } from '@wskit/transport/proxy-tunnel';
import { nodeTls } from './builtins.js';
import { NodeSocketTransport } from './node-socket-transport.js';

/** A socket whose errors no longer matter, destroyed. */
function discard(socket: Socket): void {
  socket.on('error', () => {}).destroy();
}

/**
 * Waits for `socket`'s `event` (`connect`, `secureConnect`); rejects with its error, with an error
 * when it closes first, or with the signal's reason.
 */
function waitFor(socket: Socket, event: 'connect' | 'secureConnect', signal: AbortSignal | undefined) {
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      socket.off(event, onEvent);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    };
    const onEvent = () => {
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('The connection closed before it was established'));
    };
    const onAbort = () => {
      cleanup();
      reject(signal!.reason);
    };
    socket.once(event, onEvent);
    socket.once('error', onError);
    socket.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Sends `CONNECT` over `socket` and reads the proxy's answer: resolves once the tunnel is open (the
 * socket paused, nothing read beyond the answer's head), rejects with the `HandshakeFailedError`
 * `WS_ERR_UPGRADE_PROXY` of a refusal, the socket's error, or the signal's reason.
 */
function requestTunnel(socket: Socket, target: DialTarget, proxy: ProxyTarget): Promise<void> {
  const { signal } = target;
  const authority = target.host.includes(':') ? `[${target.host}]` : target.host;
  const url = `${target.secure ? 'wss' : 'ws'}://${authority}:${target.port}/`;
  const reader = new ConnectResponseReader(proxy, url);
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      socket.pause();
      socket.off('data', onData);
      socket.off('end', onClosed);
      socket.off('close', onClosed);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const settle = (step: () => true | undefined) => {
      let open: true | undefined;
      try {
        open = step();
      } catch (error) {
        cleanup();
        reject(error);
        return;
      }
      if (open) {
        cleanup();
        resolve();
      }
    };
    const onData = (chunk: Buffer) => settle(() => reader.write(chunk));
    const onClosed = () => settle(() => reader.closed());
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAbort = () => {
      cleanup();
      reject(signal!.reason);
    };
    socket.on('data', onData);
    socket.once('end', onClosed);
    socket.once('close', onClosed);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.write(formatConnectRequest(proxy, target.host, target.port));
  });
}

/**
 * Opens a connection to the target through `proxy` (RFC 9110 §9.3.6): TCP to the proxy (TLS for an
 * `https:` proxy: `proxyTls` are its `tls.connect` options, the certificate checked against the
 * proxy's host name), the `CONNECT` exchange, then for a `secure` target TLS with the server inside
 * the tunnel (ALPN `http/1.1`, `servername`, then `tls`). Resolves with an unstarted
 * `NodeSocketTransport` over the socket to run the WebSocket over; rejects with a `TypeError` for a
 * Unix domain socket target, with a `HandshakeFailedError` `WS_ERR_UPGRADE_PROXY`
 * when the proxy refuses (a 407 wants credentials in the proxy URL), with Node's error for a network
 * or TLS failure, or with the signal's reason; whatever was opened is destroyed then.
 */
export async function dialThroughProxy(target: DialTarget, proxy: ProxyTarget): Promise<NodeSocketTransport> {
  const { signal } = target;
  if (target.socketPath !== undefined) {
    throw new TypeError('A ws+unix: URL connects to a local socket: a proxy does not apply');
  }
  signal?.throwIfAborted();
  const toProxy: Socket = proxy.secure
    ? nodeTls.connect({
        host: proxy.host,
        port: proxy.port,
        ALPNProtocols: ['http/1.1'],
        ...(isIP(proxy.host) === 0 ? { servername: proxy.host } : {}),
        ...(target.proxyTls as TlsConnectionOptions | undefined),
        // tls.connect passes it on to the TLSSocket (not in its types).
        allowHalfOpen: true,
      } as TlsConnectionOptions)
    : netConnect({ host: proxy.host, port: proxy.port, allowHalfOpen: true, noDelay: true });
  let socket = toProxy;
  try {
    await waitFor(toProxy, proxy.secure ? 'secureConnect' : 'connect', signal);
    await requestTunnel(toProxy, target, proxy);
    if (target.secure) {
      socket = nodeTls.connect({
        socket: toProxy,
        ALPNProtocols: ['http/1.1'],
        ...(target.servername === undefined ? {} : { servername: target.servername }),
        ...(target.tls as TlsConnectionOptions | undefined),
        allowHalfOpen: true,
      } as TlsConnectionOptions);
      // The server's TLS runs inside the proxy's connection: closing one closes both.
      socket.once('close', () => toProxy.destroy());
      await waitFor(socket, 'secureConnect', signal);
    }
    return new NodeSocketTransport(socket);
  } catch (error) {
    if (socket !== toProxy) discard(socket);
    discard(toProxy);
    throw error;
  }
}
