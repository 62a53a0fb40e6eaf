/** The Node runtime: `@wskit/node`'s `WebSocketServer` and `connect`. */
import { once } from 'node:events';
import { connect, WebSocketServer } from '@wskit/node';
import type { WebSocket } from '@wskit/transport';
import type { ConnectOptions, Listener, ListenOptions, Runtime } from './types.ts';

/** `host:port` for a URL: IPv6 addresses in brackets. */
export function urlHost(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function listen(options: ListenOptions): Promise<Listener> {
  if (options.deflate) throw new TypeError('permessage-deflate is not available on Node yet');
  const server = new WebSocketServer({ ...options.session, host: options.host, port: options.port });
  try {
    await once(server, 'listening'); // rejects with the listener's error (EADDRINUSE, …)
  } catch (error) {
    await server.close();
    throw error;
  }
  server.on('connection', (session) => options.onConnection(session));
  const port = server.port!;
  return {
    url: `ws://${urlHost(options.host, port)}/`,
    port,
    get connections() {
      return server.clients.size;
    },
    close: (code, reason) => server.close(code, reason),
  };
}

function open(url: string, options: ConnectOptions): Promise<WebSocket> {
  if (options.deflate) throw new TypeError('permessage-deflate is not available on Node yet');
  return connect(url, {
    ...options.session,
    proxy: false,
    ...(options.handshakeTimeout === undefined ? {} : { handshakeTimeout: options.handshakeTimeout }),
  });
}

/**
 * The Node runtime. `supportsDeflate` is false: `@wskit/node` has no option yet to negotiate
 * permessage-deflate (`@wskit/permessage-deflate`); once it has, pass it in `listen` and `connect`.
 */
export const runtime: Runtime = {
  name: 'node',
  supportsDeflate: false,
  listen,
  connect: open,
};
