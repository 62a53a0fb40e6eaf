// Interop with undici's WebSocket client: Node's global WebSocket (Node 22 and later), against our
// server, on loopback.
import { once } from 'node:events';
import { createServer } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import { defer } from './helpers.js';
import {
  BIG,
  expectSameBytes,
  expectSameText,
  interopServerOptions,
  observation,
  patternBytes,
  patternText,
  SIZES,
} from './interop-helpers.js';

const UndiciWebSocket = (globalThis as { WebSocket?: typeof globalThis.WebSocket }).WebSocket;

async function startOurServer() {
  const seen = observation();
  const { onConnection, ...options } = interopServerOptions(seen);
  const server = createServer({ port: 0, host: '127.0.0.1', ...options }, onConnection);
  defer(() => server.close());
  await once(server, 'listening');
  return { url: `ws://127.0.0.1:${server.port}`, seen };
}

/** An undici WebSocket with an in-order inbox and its close event. */
async function openUndici(url: string, protocols?: string[]) {
  const ws = new UndiciWebSocket!(url, protocols);
  ws.binaryType = 'arraybuffer';
  defer(() => ws.close());
  const queue: (string | ArrayBuffer)[] = [];
  const waiters: ((data: string | ArrayBuffer) => void)[] = [];
  ws.addEventListener('message', (event) => {
    const waiter = waiters.shift();
    if (waiter) waiter(event.data);
    else queue.push(event.data);
  });
  const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener('close', resolve));
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve);
    ws.addEventListener('error', reject);
  });
  const next = () =>
    queue.length > 0
      ? Promise.resolve(queue.shift()!)
      : new Promise<string | ArrayBuffer>((resolve) => waiters.push(resolve));
  return { ws, next, closed };
}

describe.skipIf(UndiciWebSocket === undefined)('interop with undici (the global WebSocket)', () => {
  it('exchanges text and binary from 0 B to 16 MiB, server fragments and pings', async () => {
    const server = await startOurServer();
    const { ws, next } = await openUndici(`${server.url}/undici`, ['superchat', 'chat']);
    expect(ws.protocol).toBe('chat');
    for (const size of SIZES) {
      ws.send(patternText(size));
      ws.send(patternBytes(size, size));
      expectSameText(await next(), patternText(size), `text of ${size} bytes`);
      expectSameBytes(
        new Uint8Array((await next()) as ArrayBuffer),
        patternBytes(size, size),
        `binary of ${size} bytes`,
      );
    }
    ws.send(patternBytes(BIG, 5));
    expectSameBytes(new Uint8Array((await next()) as ArrayBuffer), patternBytes(BIG, 5), '16 MiB binary');
    ws.send('fragments');
    expectSameText(await next(), 'frag-ment-ed', 'fragments from our server');
    ws.send('ping-me');
    await expect.poll(() => server.seen.pongs).toEqual(['from-server']);
  });

  it('closes with a code and reason that our server receives', async () => {
    const server = await startOurServer();
    const { ws, closed } = await openUndici(server.url);
    ws.close(4005, 'undici-bye');
    const event = await closed;
    expect(event.code).toBe(4005);
    expect(event.wasClean).toBe(true);
    await expect
      .poll(() => server.seen.closes)
      .toEqual([{ code: 4005, reason: 'undici-bye', wasClean: true }]);
  });

  it('receives the code and reason of a close by our server', async () => {
    const server = await startOurServer();
    const { ws, closed } = await openUndici(server.url);
    ws.send('close:4006:our-server-bye');
    const event = await closed;
    expect([event.code, event.reason, event.wasClean]).toEqual([4006, 'our-server-bye', true]);
  });
});
