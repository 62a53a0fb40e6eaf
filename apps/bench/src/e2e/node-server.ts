/**
 * A Node echo server process: wskit's `WebSocketServer`, ws's `WebSocketServer` (with bufferutil
 * when installed, ws's default) or a raw `net` echo. Listens on 127.0.0.1, port 0, prints
 * `{"type":"ready","port":…}` and stops when the parent closes its standard input.
 *
 *   node src/e2e/node-server.ts '{"server":"ws","deflate":false}'
 */
import { createServer as createTcpServer, type Socket } from 'node:net';
import { WebSocketServer as WskitServer } from '@wskit/node';
import { WebSocketServer as WsServer } from 'ws';
import { onParentGone, readRequest, type ServerRequest, say } from './protocol.ts';

const ignore = (): void => {};

/** Starts the server; resolves with its port and a function that stops it. */
async function start(request: ServerRequest): Promise<{ port: number; stop: () => Promise<void> }> {
  if (request.server === 'wskit') {
    const server = new WskitServer({ host: '127.0.0.1', port: 0, perMessageDeflate: request.deflate });
    server.on('connection', (ws) => {
      ws.on('message', (data) => ws.write(data)); // no promise per message
      ws.on('error', ignore);
    });
    await new Promise<void>((resolve) => server.on('listening', () => resolve()));
    return { port: server.port!, stop: () => server.close() };
  }
  if (request.server === 'ws') {
    const server = new WsServer({ host: '127.0.0.1', port: 0, perMessageDeflate: request.deflate });
    server.on('connection', (ws) => {
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      ws.on('error', ignore);
    });
    await new Promise<void>((resolve) => server.on('listening', () => resolve()));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected address');
    return {
      port: address.port,
      stop: () =>
        new Promise((resolve) => {
          for (const client of server.clients) client.terminate();
          server.close(() => resolve());
        }),
    };
  }
  if (request.server === 'tcp') {
    const sockets = new Set<Socket>();
    const server = createTcpServer({ noDelay: true }, (socket) => {
      sockets.add(socket);
      socket.on('data', (chunk) => socket.write(chunk));
      socket.on('error', ignore);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected address');
    return {
      port: address.port,
      stop: () =>
        new Promise((resolve) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => resolve());
        }),
    };
  }
  throw new Error(`not a Node server: ${request.server}`);
}

try {
  const { port, stop } = await start(readRequest<ServerRequest>());
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
