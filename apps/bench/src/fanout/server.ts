/**
 * A fan-out server for the benchmark: `node server.ts <kind> [redisUrl]` prints `{"port":N}`.
 * Subscribers connect to `/sub`; a control client on `/control` sends `go:<messages>:<size>` and the
 * server sends that many messages of `size` bytes to every subscriber, each starting with its send
 * time (float64 ms since the epoch, performance.timeOrigin + now()), the same clock in every process.
 * One message per turn of the event loop (see `paced`), in every contender.
 *
 * - `wskit-publish`: `server.publish('bench', …)` (framed once, shared);
 * - `wskit-loop`: `for (const ws of server.clients) ws.send(…)` (framed per client);
 * - `ws-loop`: the same loop over `ws`'s `wss.clients`;
 * - `wskit-redis`: `server.publish` through `@wskit/redis` (fast topic) to every process.
 */
import { createServer as createWskitServer, type WebSocketSession } from '@wskit/node';
import { redisBroker } from '@wskit/redis';
import { WebSocketServer as WsServer } from 'ws';

const [kind = 'wskit-publish', redisUrl] = process.argv.slice(2);

function payload(size: number): Uint8Array {
  const bytes = new Uint8Array(Math.max(size, 8));
  new DataView(bytes.buffer).setFloat64(0, performance.timeOrigin + performance.now());
  return bytes;
}

/**
 * Runs `count` sends, one per turn of the event loop, as messages that come from I/O (a feed, a
 * client) would. Several sends in one turn would measure something else: wskit writes a turn's sends
 * to a socket in one write (its flush runs in `setImmediate`) while `ws` writes each `send` at once,
 * so a burst of 50 per turn gave wskit 50 frames per system call and ws one.
 */
async function paced(count: number, size: number, send: (data: Uint8Array) => void): Promise<void> {
  for (let index = 0; index < count; index++) {
    send(payload(size));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function parseGo(text: string): [number, number] | undefined {
  const [command, count, size] = text.split(':');
  return command === 'go' ? [Number(count), Number(size)] : undefined;
}

if (kind === 'ws-loop') {
  const control = new Set<unknown>();
  const server = new WsServer({ port: 0, host: '127.0.0.1' }, () => {
    console.log(JSON.stringify({ port: (server.address() as { port: number }).port }));
  });
  server.on('connection', (ws, request) => {
    if (request.url !== '/control') return;
    control.add(ws);
    ws.on('message', (data) => {
      const go = parseGo(String(data));
      if (go === undefined) return;
      void paced(go[0], go[1], (bytes) => {
        for (const client of server.clients) if (!control.has(client)) client.send(bytes);
      });
    });
  });
} else {
  const broker = kind === 'wskit-redis' ? redisBroker({ url: redisUrl }) : undefined;
  const server = createWskitServer({
    port: 0,
    host: '127.0.0.1',
    topics: broker === undefined ? {} : { broker },
  });
  const control = new Set<WebSocketSession>();
  server.on('listening', () => console.log(JSON.stringify({ port: server.port })));
  server.on('connection', (ws, request) => {
    if (request.url === '/sub') {
      if (kind !== 'wskit-loop') void ws.subscribe('bench');
      return;
    }
    control.add(ws);
    ws.on('message', (data) => {
      const go = parseGo(String(data));
      if (go === undefined) return;
      void paced(go[0], go[1], (bytes) => {
        if (kind === 'wskit-loop') {
          for (const client of server.clients) if (!control.has(client)) void client.send(bytes);
        } else {
          server.publish('bench', bytes);
        }
      });
    });
  });
}
