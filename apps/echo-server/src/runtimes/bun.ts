/**
 * The Bun runtime: `@wskit/bun`'s `serve` (over `Bun.listen`) and `connect` (over `Bun.connect`).
 * Works only when the app runs under Bun; `main.ts` relaunches itself with `bun` for `--runtime bun`
 * (see `relaunch.ts`).
 */
import { connect, serve } from '@wskit/bun';
import type { WebSocket } from '@wskit/transport';
import { urlHost } from './node.ts';
import type { ConnectOptions, Listener, ListenOptions, Runtime } from './types.ts';

function noDeflate(deflate: boolean): void {
  if (deflate) throw new TypeError('permessage-deflate is not available in @wskit/bun');
}

async function listen(options: ListenOptions): Promise<Listener> {
  noDeflate(options.deflate);
  // Bun.listen binds at once, and throws (EADDRINUSE, …) rather than emitting an error.
  const server = serve(
    {
      ...options.session,
      hostname: options.host,
      port: options.port,
      ...(options.handshakeTimeout === undefined ? {} : { handshakeTimeout: options.handshakeTimeout }),
    },
    (session) => options.onConnection(session),
  );
  server.on('rejected', () => {});
  const port = server.port;
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
  noDeflate(options.deflate);
  return connect(url, {
    ...options.session,
    ...(options.handshakeTimeout === undefined ? {} : { handshakeTimeout: options.handshakeTimeout }),
  });
}

/** The Bun runtime. */
export const runtime: Runtime = {
  name: 'bun',
  supportsDeflate: false,
  listen,
  connect: open,
};
