/**
 * The idle-memory process (run with `--expose-gc`): a wskit or ws server on 127.0.0.1, port 0.
 * It measures its memory after full collections, prints `ready`, waits until the requested number
 * of connections are open (the parent opens them from another process, so no client memory is
 * counted), lets them settle, collects again and prints the difference per connection.
 *
 * With `warmup` (a number of connections), the first `ready` asks for that many connections,
 * which are not counted: once they are open the process settles, measures, and prints `ready`
 * again to ask for the `connections` it counts. What a process spends once (code compiled on
 * the first connections, the allocator arenas of the compiler and GC threads: 5 to 12 MB that
 * vary from run to run of the same server) then stays out of the per-connection figure.
 *
 *   node --expose-gc src/e2e/memory-server.ts '{"server":"wskit","connections":1000,"warmup":500}'
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
const warmup = request.warmup ?? 0;
let connected = 0;
let target = 0;
let reached: () => void = () => {};
/** Resolves once `count` connections (warm-up ones included) are open. */
const openConnections = (count: number): Promise<void> =>
  new Promise<void>((resolve) => {
    target = count;
    reached = resolve;
    if (connected >= count) resolve();
  });
const counted = (): void => {
  if (++connected === target) reached();
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

/** Waits for `count` open connections, or reports the shortfall and exits after the timeout. */
async function waitFor(count: number): Promise<void> {
  const timeout = setTimeout(() => {
    say({ type: 'error', message: `only ${connected} of ${count} connections opened` });
    process.exit(1);
  }, TIMEOUT_MS);
  await openConnections(count);
  clearTimeout(timeout);
}

if (warmup > 0) {
  say({ type: 'ready', port });
  await waitFor(warmup);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}
const before = await settle();
say({ type: 'ready', port });
await waitFor(warmup + request.connections);
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
