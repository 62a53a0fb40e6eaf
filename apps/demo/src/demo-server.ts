import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type VerifyResult, WebSocketServer } from '@wskit/node';
import { redisBroker } from '@wskit/redis';
import { MAX_BACKLOG, ROOM_TOPIC, Room } from './room.ts';
import { sendText, serveStatic } from './static-files.ts';

/** Where the room's WebSocket endpoint is. */
export const WEBSOCKET_PATH = '/ws';
/** The page's files. */
export const PUBLIC_DIRECTORY = fileURLToPath(new URL('../public/', import.meta.url));

/** Where and how to run the demo server. */
export interface DemoServerOptions {
  /** The port; 0 picks a free one (default 8080). */
  readonly port?: number;
  /** The address to listen on (default `127.0.0.1`; `0.0.0.0` or `::` for every interface). */
  readonly host?: string;
  /** The page's files (default `public/`). */
  readonly publicDirectory?: string;
  /**
   * A Redis URL (`redis://127.0.0.1:6379`): the room spans every demo process connected to it
   * (`@wskit/redis`, a fast topic). Without it, the room is this process's alone.
   */
  readonly redis?: string | undefined;
}

/** A running demo server. */
export interface DemoServer {
  /** The page's address, e.g. `http://127.0.0.1:8080/`. */
  readonly url: string;
  /** The port listened on (the real one after `port: 0`). */
  readonly port: number;
  readonly room: Room;
  readonly http: Server;
  readonly websockets: WebSocketServer;
  /** Closes every WebSocket with 1001 Going Away and stops listening. */
  close(): Promise<void>;
}

/** The largest message a browser may send: the page sends uploads in 64 KiB chunks. */
const MAX_MESSAGE_SIZE = 1024 * 1024;

/**
 * Starts the demo: a `node:http` server for the page's files, with a `@wskit/node`
 * `WebSocketServer` attached to it at {@link WEBSOCKET_PATH}, where every client joins the room.
 */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const host = options.host ?? '127.0.0.1';
  let websockets: WebSocketServer | undefined;
  const room = new Room((text) => websockets?.publish(ROOM_TOPIC, text));
  const files = serveStatic(options.publicDirectory ?? PUBLIC_DIRECTORY);
  const http = createServer((request, response) => {
    if (pathOf(request.url) === WEBSOCKET_PATH) {
      response.setHeader('Upgrade', 'websocket');
      return sendText(response, 426, 'This is the WebSocket endpoint of the wskit demo.\n');
    }
    files(request, response).catch((error: unknown) => {
      console.error('demo: serving a file failed:', error);
      if (!response.headersSent) sendText(response, 500, 'Internal Server Error\n');
      else response.destroy();
    });
  });
  websockets = new WebSocketServer({
    server: http,
    path: WEBSOCKET_PATH,
    maxConnections: 1000,
    maxMessageSize: MAX_MESSAGE_SIZE,
    verify: verifyOrigin,
    // Browsers offer permessage-deflate on every connection: accept it, so the demo shows it working.
    perMessageDeflate: true,
    topics: {
      ...(options.redis === undefined ? {} : { broker: redisBroker({ url: options.redis }) }),
      // As before topics: a member this far behind is too slow for the room (1008).
      backpressureLimit: MAX_BACKLOG,
      backpressureCloseCode: 1008,
    },
  });
  const server = websockets;
  server.on('connection', (socket, request) => {
    const name = new URL(request.url ?? '/', 'http://localhost').searchParams.get('name') ?? '';
    void room.join(socket, name);
  });

  http.listen(options.port ?? 8080, host);
  try {
    await once(http, 'listening');
  } catch (error) {
    room.stop();
    throw error;
  }
  const { port } = http.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${port}/`,
    port,
    room,
    http,
    websockets: server,
    close() {
      closing ??= (async () => {
        room.stop();
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        await server.close(1001, 'server shutting down');
        http.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}

/**
 * Refuses cross-site WebSockets (a page elsewhere cannot use a visitor's browser to join): a
 * browser's `Origin` must name the host the request was sent to. Clients without `Origin`
 * (command-line tools, servers) are let in.
 */
function verifyOrigin(request: IncomingMessage, info: { origin: string | undefined }): VerifyResult {
  if (info.origin === undefined) return true;
  try {
    if (new URL(info.origin).host === request.headers.host) return true;
  } catch {}
  return { status: 403, body: 'Cross-origin WebSockets are not allowed here\n' };
}

function pathOf(target: string | undefined): string {
  const url = target ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** How a listening address is written in a URL a person can open. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
