/**
 * A Bun echo server process (run with the `bun` binary): wskit's `serve` from `@wskit/bun`, or
 * Bun's native `Bun.serve` with its `websocket` handler. Listens on 127.0.0.1, port 0, prints
 * `{"type":"ready","port":…}` and stops when the parent closes its standard input.
 *
 *   bun src/e2e/bun-server.ts '{"server":"bun-native","deflate":false}'
 */
import { serve } from '@wskit/bun';
import { onParentGone, readRequest, type ServerRequest, say } from './protocol.ts';

/** The part of Bun's API this file uses (the app is typed against Node's types only). */
interface NativeServerWebSocket {
  send(data: string | Uint8Array | ArrayBuffer): number;
}
interface NativeServer {
  port: number;
  upgrade(request: Request): boolean;
  stop(closeActiveConnections?: boolean): void;
}
declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    fetch(request: Request, server: NativeServer): Response | undefined;
    websocket: {
      message(ws: NativeServerWebSocket, message: string | Uint8Array): void;
      perMessageDeflate: boolean;
      maxPayloadLength: number;
    };
  }): NativeServer;
};

const ignore = (): void => {};

function start(request: ServerRequest): { port: number; stop: () => Promise<void> } {
  if (request.server === 'bun-wskit') {
    if (request.deflate) throw new Error('@wskit/bun is not measured with permessage-deflate');
    const server = serve({ hostname: '127.0.0.1', port: 0 }, (ws) => {
      ws.on('message', (message) => ws.write(message)); // no promise per message
      ws.on('error', ignore);
    });
    return { port: server.port, stop: () => server.close() };
  }
  if (request.server === 'bun-native') {
    const server = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch: (incoming, self) =>
        self.upgrade(incoming) ? undefined : new Response('upgrade only', { status: 426 }),
      websocket: {
        message: (ws, message) => {
          ws.send(message);
        },
        perMessageDeflate: request.deflate,
        maxPayloadLength: 16 * 1024 * 1024,
      },
    });
    return {
      port: server.port,
      stop: async () => {
        server.stop(true);
      },
    };
  }
  throw new Error(`not a Bun server: ${request.server}`);
}

try {
  const { port, stop } = start(readRequest<ServerRequest>());
  say({ type: 'ready', port });
  onParentGone(() => {
    const exit = setTimeout(() => process.exit(0), 2000);
    void stop().finally(() => {
      clearTimeout(exit);
      process.exit(0);
    });
  });
} catch (error) {
  say({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
