// The CONNECT exchange of `cloudflareDialer` through a proxy: loaded on demand, only when a proxy is
// used, so that a bundled Worker that connects directly does not carry it.
import type { ProxyTarget } from '@wskit/transport';
import { ConnectResponseReader, formatConnectRequest } from '@wskit/transport/proxy-tunnel';
import type { CloudflareSocket } from './sockets.js';

/**
 * Asks the proxy for a `CONNECT` tunnel to `host:port` over the socket's streams, resolving once it
 * answered 2xx (the streams' locks released for the transport) and rejecting with a
 * `HandshakeFailedError` `WS_ERR_UPGRADE_PROXY` for a refusal.
 */
export async function openTunnel(
  socket: CloudflareSocket,
  proxy: ProxyTarget,
  host: string,
  port: number,
  secure: boolean,
): Promise<void> {
  const response = new ConnectResponseReader(proxy, `${secure ? 'wss' : 'ws'}://${host}:${port}/`);
  const writer = socket.writable.getWriter();
  const reader = socket.readable.getReader();
  try {
    await writer.write(formatConnectRequest(proxy, host, port));
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return response.closed();
      if (response.write(value)) return;
    }
  } finally {
    writer.releaseLock();
    reader.releaseLock();
  }
}
