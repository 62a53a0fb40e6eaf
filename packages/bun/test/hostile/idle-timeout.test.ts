// The idle timeout on Bun: a connection with no message either way for idleTimeout is closed with
// 1001; messages keep it open.
import { expect, it } from 'bun:test';
import { connect, serve, type WebSocketSession } from '@wskit/bun';
import { defer } from '../helpers.js';

it('closes a connection without messages for idleTimeout with 1001, and messages keep it open', async () => {
  const server = serve({ hostname: '127.0.0.1', idleTimeout: 400 }, (ws) => {
    ws.on('message', (data) => void ws.send(data));
  });
  defer(() => server.close());
  const accepted = new Promise<WebSocketSession>((resolve) => server.once('connection', resolve));
  const client = await connect(`ws://127.0.0.1:${server.port}/`);
  defer(() => client.terminate());
  const ws = await accepted;
  // A message every 100 ms for 800 ms: twice the idle timeout, still open.
  for (let index = 0; index < 8; index++) {
    await Bun.sleep(100);
    await client.send('still here');
  }
  expect(ws.readyState).toBe(ws.OPEN);
  const info = await ws.closed;
  expect(info.code).toBe(1001);
  expect(info.wasClean).toBe(true);
  expect(await client.closed).toMatchObject({ code: 1001, reason: 'idle timeout' });
});
