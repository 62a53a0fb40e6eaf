// Issue 17, measurement 3, on Bun: a client sends 8 MiB to be echoed, reads nothing and goes silent;
// the connection and its buffers were held indefinitely. The write timeout ends it: no write
// progress for writeTimeout fails the connection with 1008 and drops the transport.
import { expect, it } from 'bun:test';
import { serve, type WebSocketSession } from '@wskit/bun';
import { clientFrame, RawClient } from '@wskit/tooling/cve-attacks';
import { defer } from '../helpers.js';

it('fails a peer that reads nothing of its 8 MiB echo with 1008 after writeTimeout', async () => {
  const server = serve({ hostname: '127.0.0.1', writeTimeout: 300 }, (ws) => {
    ws.on('message', (data) => void ws.send(data).catch(() => {}));
  });
  defer(() => server.close());
  const accepted = new Promise<WebSocketSession>((resolve) => server.once('connection', resolve));
  const peer = await RawClient.connect(server.port);
  defer(() => peer.destroy());
  expect(await peer.upgrade()).toBe(101);
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
