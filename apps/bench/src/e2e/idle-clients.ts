/**
 * Opens `connections` idle WebSocket connections (ws's client, the same for both servers) to
 * 127.0.0.1:`port`, prints `ready` and keeps them open until the parent closes standard input.
 *
 *   node src/e2e/idle-clients.ts '{"port":8080,"connections":1000}'
 */
import WebSocket from 'ws';
import { onParentGone, readRequest, say } from './protocol.ts';

/** Connections opened at once. */
const BATCH = 50;

const request = readRequest<{ port: number; connections: number }>();
const sockets: WebSocket[] = [];
const open = (): Promise<void> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${request.port}/`, { perMessageDeflate: false });
    ws.on('open', () => resolve());
    ws.on('error', reject);
    sockets.push(ws);
  });
try {
  for (let opened = 0; opened < request.connections; opened += BATCH)
    await Promise.all(Array.from({ length: Math.min(BATCH, request.connections - opened) }, open));
  say({ type: 'ready', port: request.port });
  onParentGone(() => {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  });
} catch (error) {
  say({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
