/**
 * The idle-memory process (run with `--expose-gc`): a wskit or ws server on 127.0.0.1, port 0.
 * It measures its memory after full collections, prints `ready`, waits until the requested number
 * of connections are open (the parent opens them from another process, so no client memory is
 * counted), lets them settle, collects again and prints the difference per connection.
 *
 *   node --expose-gc src/e2e/memory-server.ts '{"server":"wskit","connections":1000}'
 */
import { WebSocketServer as WskitServer } from '@wskit/node';
import { WebSocketServer as WsServer } from 'ws';
import { type MemoryRequest, type MemoryResult, onParentGone, readRequest, say } from './protocol.ts';

const SETTLE_MS = 500;
const TIMEOUT_MS = 60_000;

const collect = globalThis.gc;
if (collect === undefined) throw new Error('run with --expose-gc');

/** Full collections until the heap stops shrinking (at most five). */
async function settle(): Promise<NodeJS.MemoryUsage> {
  let usage = process.memoryUsage();
  for (let round = 0; round < 5; round++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    collect!();
    const next = process.memoryUsage();
    const stable = next.heapUsed >= usage.heapUsed * 0.99;
    usage = next;
    if (stable && round > 0) break;
  }
  return usage;
}

const request = readRequest<MemoryRequest>();
let connected = 0;
let reached: () => void = () => {};
const allConnected = new Promise<void>((resolve) => {
  reached = resolve;
});
const counted = (): void => {
  if (++connected === request.connections) reached();
};

let port: number;
let stop: () => void;
if (request.server === 'wskit') {
  const server = new WskitServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', counted);
  await new Promise<void>((resolve) => server.on('listening', () => resolve()));
  port = server.port!;
  stop = () => void server.close();
} else {
  const server = new WsServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', counted);
  await new Promise<void>((resolve) => server.on('listening', () => resolve()));
  port = (server.address() as { port: number }).port;
  stop = () => {
    for (const client of server.clients) client.terminate();
    server.close();
  };
}
onParentGone(() => {
  stop();
  setTimeout(() => process.exit(0), 500).unref();
});

const before = await settle();
say({ type: 'ready', port });
const timeout = setTimeout(() => {
  say({ type: 'error', message: `only ${connected} of ${request.connections} connections opened` });
  process.exit(1);
}, TIMEOUT_MS);
await allConnected;
clearTimeout(timeout);
await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
const after = await settle();
const perConnection = (field: 'rss' | 'heapUsed' | 'external'): number =>
  (after[field] - before[field]) / request.connections;
const result: MemoryResult = {
  connections: request.connections,
  rssBytesPerConnection: perConnection('rss'),
  heapBytesPerConnection: perConnection('heapUsed'),
  externalBytesPerConnection: perConnection('external'),
};
say({ type: 'result', result });
