/** The Node runtime: `@wskit/node`'s `WebSocketServer` and `connect`. */
import { once } from 'node:events';
import {
  connect,
  DefaultClientOptions,
  DefaultServerOptions,
  type ConnectOptions as NodeConnectOptions,
  WebSocketServer,
  type WebSocketServerOptions,
} from '@wskit/node';
import type { WebSocket } from '@wskit/transport';
import type { ConnectOptions, Listener, ListenOptions, Runtime } from './types.ts';

/**
 * Whether this `@wskit/node` negotiates permessage-deflate: it has a `perMessageDeflate` option (off
 * by default, so listed in its defaults) on both the client and the server. Older builds have none,
 * and `--deflate` explains that instead of starting.
 */
const supportsDeflate =
  'perMessageDeflate' in DefaultServerOptions && 'perMessageDeflate' in DefaultClientOptions;

/** The options with `perMessageDeflate`, typed so that builds without the option still compile. */
type WithDeflate<T> = T & { perMessageDeflate?: boolean };

function deflateOption(deflate: boolean): { perMessageDeflate?: boolean } {
  if (deflate && !supportsDeflate)
    throw new TypeError('permessage-deflate is not available in this @wskit/node');
  return deflate ? { perMessageDeflate: true } : {};
}

/** `host:port` for a URL: IPv6 addresses in brackets. */
export function urlHost(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function listen(options: ListenOptions): Promise<Listener> {
  const serverOptions: WithDeflate<WebSocketServerOptions> = {
    ...options.session,
    host: options.host,
    port: options.port,
    ...(options.handshakeTimeout === undefined ? {} : { handshakeTimeout: options.handshakeTimeout }),
    ...deflateOption(options.deflate),
  };
  const server = new WebSocketServer(serverOptions);
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
  const connectOptions: WithDeflate<NodeConnectOptions> = {
    ...options.session,
    proxy: false,
    ...(options.handshakeTimeout === undefined ? {} : { handshakeTimeout: options.handshakeTimeout }),
    ...deflateOption(options.deflate),
  };
  return connect(url, connectOptions);
}

/** The Node runtime. */
export const runtime: Runtime = {
  name: 'node',
  supportsDeflate,
  listen,
  connect: open,
};
