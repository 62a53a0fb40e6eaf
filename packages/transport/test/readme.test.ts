/** The README's example, as written there (console output collected). */
import { createWebSocketPair } from '@wskit/transport/testing';
import { expect, it } from 'vitest';

it('runs the README example', async () => {
  const logs: unknown[][] = [];
  const console = { log: (...args: unknown[]) => logs.push(args) };

  const { client, server } = createWebSocketPair();

  // Server: events. It answers every message, text upper-cased.
  server.on('message', (message) => {
    void server.send(typeof message === 'string' ? message.toUpperCase() : message);
  });
  server.on('close', (code, reason, wasClean) => console.log('server closed', code, reason, wasClean));

  await client.send('hello'); // settles once handed to the transport
  await client.send(Uint8Array.of(1, 2, 3));

  // A message in fragments: each write is one frame; later messages wait for end().
  const stream = client.stream('binary');
  await stream.write(new Uint8Array(1024));
  await stream.end(new Uint8Array(10));

  await client.ping('are you there?'); // the answer is a 'pong' event

  // Client: async iteration over the answers.
  let answers = 0;
  for await (const message of client) {
    console.log('client got', message); // 'HELLO', then Uint8Array [1, 2, 3], then 1034 bytes
    if (++answers === 3) break; // leaving the loop does not close the WebSocket
  }

  client.close(1000, 'done');
  console.log(await client.closed); // { code: 1000, reason: '', wasClean: true }

  expect(logs).toEqual([
    ['client got', 'HELLO'],
    ['client got', Uint8Array.of(1, 2, 3)],
    ['client got', new Uint8Array(1034)],
    ['server closed', 1000, 'done', true], // the server closes its transport first (RFC 6455 §7.1.1)
    [{ code: 1000, reason: '', wasClean: true }],
  ]);
});
