// The idle timeout: a connection with no message either way for idleTimeout is closed with 1001;
// messages keep it open, pings do not count.
import { once } from 'node:events';
import { connect, createServer, type WebSocketSession } from '@wskit/node';
import { expect, it } from 'vitest';
import { defer } from '../helpers.js';

it('closes a connection without messages for idleTimeout with 1001, and messages keep it open', async () => {
  const server = createServer({ port: 0, host: '127.0.0.1', idleTimeout: 400 }, (ws) => {
    ws.on('message', (data) => void ws.send(data));
  });
  defer(() => server.close());
  await once(server, 'listening');
  const accepted = new Promise<WebSocketSession>((resolve) => server.once('connection', resolve));
  const client = await connect(`ws://127.0.0.1:${server.port}/`);
  defer(() => client.terminate());
  const ws = await accepted;
  // A message every 100 ms for 800 ms: twice the idle timeout, still open.
  for (let index = 0; index < 8; index++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await client.send('still here');
  }
  expect(ws.readyState).toBe(ws.OPEN);
  const info = await ws.closed;
  expect(info.code).toBe(1001);
  expect(info.wasClean).toBe(true);
  expect(await client.closed).toMatchObject({ code: 1001, reason: 'idle timeout' });
});
