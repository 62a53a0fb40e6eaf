// Issue 17, measurement 1: a client that sends pings and never reads the pongs grew the server by
// about 600 MiB per connection in 2–3 s (1.6 M pings): one queued pong per ping. Automatic pongs now
// coalesce (RFC 6455 §5.5.3): one pong for the pings of one read, none queued while the socket pushes
// back; a peer whose pings outrun that by more than maxPendingPings fails with 1008.
import { once } from 'node:events';
import { createServer, type WebSocketServerOptions, type WebSocketSession } from '@wskit/node';
import { pingFlood, RawClient } from '@wskit/tooling/cve-attacks';
import { expect, it } from 'vitest';
import { defer } from '../helpers.js';

/** A server and a raw client that completed the handshake and reads nothing from then on. */
async function floodTarget(options: WebSocketServerOptions = {}) {
  const server = createServer({ port: 0, host: '127.0.0.1', closeTimeout: 500, ...options });
  defer(() => server.close());
  await once(server, 'listening');
  const accepted = new Promise<WebSocketSession>((resolve) => server.once('connection', resolve));
  const peer = await RawClient.connect(server.port!);
  defer(() => peer.destroy());
  expect(await peer.upgrade()).toBe(101);
  peer.socket.pause();
  const ws = await accepted;
  const errors: unknown[] = [];
  ws.on('error', (error) => errors.push(error));
  return { ws, peer, errors };
}

it('queues at most a few pongs under 400 000 unread 125-byte pings', async () => {
  const { ws, peer } = await floodTarget();
  let received = 0;
  let mostBuffered = 0;
  ws.on('ping', () => {
    received++;
    mostBuffered = Math.max(mostBuffered, ws.bufferedAmount);
  });
  const batch = pingFlood(2000, 125);
  for (let sent = 0; sent < 200; sent++) await peer.write(batch);
  while (received < 400_000 && ws.readyState === ws.OPEN) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(received).toBe(400_000);
  // One pong per ping would queue 400 000 × 127 bytes (48 MiB) once the peer's window is full.
  expect(mostBuffered).toBeLessThan(256 * 1024);
  expect(ws.readyState).toBe(ws.OPEN);
}, 60_000);

it('fails a flood of more than maxPendingPings pings in one read with 1008', async () => {
  const { ws, peer, errors } = await floodTarget();
  // Empty pings: 6 bytes each, over 10 000 in one 64 KiB read, past the default 4096.
  const batch = pingFlood(20_000, 0);
  void peer.write(batch);
  const info = await ws.closed;
  expect(info.code).toBe(1008);
  expect(errors).toContainEqual(expect.objectContaining({ code: 'WS_ERR_PING_FLOOD' }));
}, 30_000);
