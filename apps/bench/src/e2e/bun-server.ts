/**
 * A Bun echo server process (run with the `bun` binary): wskit's `serve` from `@wskit/bun`, Bun's
 * native `Bun.serve` with its `websocket` handler, or `tcp`: a raw `Bun.listen` echo of the same
 * bytes (no handshake: what any WebSocket server on Bun could at best reach, as the raw `net` echo
 * is on Node; driven by `wsload load --raw`). Listens on 127.0.0.1, port 0, prints
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
/** A socket of `Bun.listen` with the echo's own state. */
interface RawSocket {
  data: { queue: Uint8Array[] };
  write(data: Uint8Array): number;
}
declare const Bun: {
  listen(options: {
    hostname: string;
    port: number;
    socket: {
      binaryType: 'uint8array';
      open(socket: RawSocket): void;
      data(socket: RawSocket, chunk: Uint8Array): void;
      drain(socket: RawSocket): void;
    };
  }): { port: number; stop(closeActiveConnections?: boolean): void };
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
  if (request.server === 'tcp') {
    // Bun's write takes what the kernel takes now and keeps nothing: the rest waits for drain, in
    // order (the load generator keeps a bounded number of bytes in flight, so this queue is bounded).
    const flush = (socket: RawSocket): void => {
      const queue = socket.data.queue;
      while (queue.length > 0) {
        const chunk = queue[0]!;
        const written = socket.write(chunk);
        if (written < 0) {
          queue.length = 0;
          return;
        }
        if (written < chunk.byteLength) {
          queue[0] = chunk.subarray(written);
          return;
        }
        queue.shift();
      }
    };
    const listener = Bun.listen({
      hostname: '127.0.0.1',
      port: 0,
      socket: {
        binaryType: 'uint8array',
        open: (socket) => {
          socket.data = { queue: [] };
        },
        data: (socket, chunk) => {
          const queue = socket.data.queue;
          if (queue.length > 0) {
            queue.push(chunk);
            return;
          }
          const written = socket.write(chunk);
          if (written >= 0 && written < chunk.byteLength) queue.push(chunk.subarray(written));
        },
        drain: flush,
      },
    });
    return {
      port: listener.port,
      stop: async () => {
        listener.stop(true);
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
