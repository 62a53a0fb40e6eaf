// Issue 17, measurement 3: a client sends 8 MiB to be echoed, reads nothing and goes silent; the
// connection and its buffers were held indefinitely. The write timeout ends it: no write progress
// for writeTimeout fails the connection with 1008 and drops the transport.
import { once } from 'node:events';
import { createServer, type WebSocketSession } from '@wskit/node';
import { clientFrame, RawClient } from '@wskit/tooling/cve-attacks';
import { expect, it } from 'vitest';
import { defer } from '../helpers.js';

/**
 * An echo server with `writeTimeout` (ms) and a raw peer upgraded to it; `accepted` is the server's
 * session, `server` the server (both stopped after the test).
 */
async function echoWithRawPeer(writeTimeout = 300): Promise<{
  server: ReturnType<typeof createServer>;
  peer: RawClient;
  accepted: Promise<WebSocketSession>;
}> {
  const server = createServer({ port: 0, host: '127.0.0.1', writeTimeout }, (ws) => {
    ws.on('message', (data) => void ws.send(data).catch(() => {}));
  });
  defer(() => server.close());
  await once(server, 'listening');
  const accepted = new Promise<WebSocketSession>((resolve) => server.once('connection', resolve));
  const peer = await RawClient.connect(server.port!);
  defer(() => peer.destroy());
  expect(await peer.upgrade()).toBe(101);
  return { server, peer, accepted };
}

it('fails a peer that reads nothing of its 8 MiB echo with 1008 after writeTimeout', async () => {
  const { server, peer, accepted } = await echoWithRawPeer();
  peer.socket.pause(); // reads nothing from here on, and sends nothing after the message
  const ws = await accepted;
  const errors: unknown[] = [];
  ws.on('error', (error) => errors.push(error));
  await peer.write(clientFrame(0x2, new Uint8Array(8 * 1024 * 1024)));
  const info = await ws.closed;
  expect(info.code).toBe(1008);
  expect(errors).toContainEqual(expect.objectContaining({ code: 'WS_ERR_WRITE_TIMEOUT' }));
  expect(server.clients.size).toBe(0);
}, 30_000);

// The other side of the write timeout: a peer that reads slowly but steadily is making progress, so
// a message that takes longer than writeTimeout to reach it must not fail. Progress has to be
// visible while one large message is being written, not only once it is whole.
it('keeps a peer that reads a large echo slowly but steadily, past writeTimeout', async () => {
  // writeTimeout 600 ms: the reader runs in this test's own event loop, which a loaded CI machine
  // may stall for a few hundred ms (300 ms failed once so, with the reader still steady).
  const writeTimeout = 600;
  const size = 16 * 1024 * 1024; // the default maxMessageSize
  const { peer, accepted } = await echoWithRawPeer(writeTimeout);
  // Each chunk read is followed by a 10 ms pause: at most 64 KiB per 10 ms, so the 16 MiB echo takes over two
  // seconds, several times writeTimeout.
  let read = 0;
  peer.socket.on('data', (chunk: Buffer) => {
    read += chunk.length;
    peer.socket.pause();
    setTimeout(() => peer.socket.resume(), 10);
  });
  const ws = await accepted;
  const errors: unknown[] = [];
  ws.on('error', (error) => errors.push(error));
  const started = Date.now();
  await peer.write(clientFrame(0x2, new Uint8Array(size)));
  // The unmasked echo: a 10-byte header (64-bit length) and the payload.
  while (read < size + 10) {
    if (ws.readyState === ws.CLOSED || Date.now() - started > 10_000) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(errors).toEqual([]);
  expect(read).toBe(size + 10);
  expect(Date.now() - started).toBeGreaterThan(2 * writeTimeout);
  expect(ws.readyState).toBe(ws.OPEN);
}, 30_000);
