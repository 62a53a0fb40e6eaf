// Issue 17, measurement 4: a peer that vanishes without a FIN (here: one that stops reading and
// answering) is found by the server's keepalive, which is on by default, and its connection released.
import { once } from 'node:events';
import { createServer, DefaultServerOptions, type WebSocketSession } from '@wskit/node';
import { RawClient } from '@wskit/tooling/cve-attacks';
import { expect, it } from 'vitest';
import { defer } from '../helpers.js';

it('keepalive is on by default on a server: 30 s, then pongTimeout', () => {
  expect(DefaultServerOptions.keepaliveInterval).toBe(30_000);
});

it('fails a silent peer with 1011 after keepaliveInterval + pongTimeout and releases it', async () => {
  const server = createServer({
    port: 0,
    host: '127.0.0.1',
    keepaliveInterval: 200,
    pongTimeout: 200,
    closeTimeout: 200,
  });
  defer(() => server.close());
  await once(server, 'listening');
  const accepted = new Promise<WebSocketSession>((resolve) => server.once('connection', resolve));
  const peer = await RawClient.connect(server.port!);
  defer(() => peer.destroy());
  expect(await peer.upgrade()).toBe(101);
  peer.socket.pause(); // gone silent: reads nothing, answers nothing
  const ws = await accepted;
  ws.on('error', () => {});
  const info = await ws.closed;
  expect(info.code).toBe(1011);
  expect(server.clients.size).toBe(0);
});
