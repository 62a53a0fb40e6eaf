// Issue 17, measurement 1, on Bun: a client that sends pings and never reads the pongs grew the Bun
// server by about 470 MiB per connection. Automatic pongs coalesce (RFC 6455 §5.5.3): none is queued
// while the socket pushes back, and a peer whose pings outrun that by more than maxPendingPings
// fails with 1008 (WS_ERR_PING_FLOOD).
import { expect, it } from 'bun:test';
import { serve, type WebSocketServerOptions, type WebSocketSession } from '@wskit/bun';
import { pingFlood, RawClient } from '@wskit/tooling/cve-attacks';
import { defer } from '../helpers.js';

/** A server and a raw client that completed the handshake and reads nothing from then on. */
async function floodTarget(options: WebSocketServerOptions = {}) {
  const server = serve({ hostname: '127.0.0.1', closeTimeout: 500, ...options });
  defer(() => server.close());
  const accepted = new Promise<WebSocketSession>((resolve) => server.once('connection', resolve));
  const peer = await RawClient.connect(server.port);
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
  while (received < 400_000 && ws.readyState === ws.OPEN) await Bun.sleep(10);
  expect(received).toBe(400_000);
  // One pong per ping would queue 400 000 × 127 bytes (48 MiB) once the peer's window is full.
  expect(mostBuffered).toBeLessThan(256 * 1024);
  expect(ws.readyState).toBe(ws.OPEN);
}, 60_000);

it('fails a flood of more than maxPendingPings pings in one read with 1008', async () => {
  const { ws, peer, errors } = await floodTarget();
  // Empty pings: 6 bytes each, over 10 000 in one 64 KiB read, past the default 4096.
  void peer.write(pingFlood(20_000, 0));
  const info = await ws.closed;
  expect(info.code).toBe(1008);
  expect(errors).toContainEqual(expect.objectContaining({ code: 'WS_ERR_PING_FLOOD' }));
}, 30_000);
