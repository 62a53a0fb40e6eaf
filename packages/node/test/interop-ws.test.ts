// Interop with ws (https://github.com/websockets/ws) both ways, on loopback.
import { once } from 'node:events';
import { connect, createServer, type WebSocketSession } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import { type RawData, WebSocket as WsClient, WebSocketServer as WsServer } from 'ws';
import { defer } from './helpers.js';
import {
  BIG,
  clientExchange,
  expectSameBytes,
  expectSameText,
  interopServerOptions,
  LIMITS,
  observation,
  patternBytes,
  patternText,
  SIZES,
} from './interop-helpers.js';

/** A ws server speaking the interop command set; records the closes and pongs it saw. */
async function startWsServer() {
  const closes: { code: number; reason: string }[] = [];
  const pongs: string[] = [];
  const server = new WsServer({
    port: 0,
    host: '127.0.0.1',
    maxPayload: 64 * 1024 * 1024,
    perMessageDeflate: false,
  });
  server.on('connection', (ws) => {
    ws.on('pong', (data) => pongs.push(data.toString()));
    ws.on('close', (code, reason) => closes.push({ code, reason: reason.toString() }));
    ws.on('message', (data: RawData, isBinary) => {
      if (!isBinary) {
        const text = data.toString();
        if (text.startsWith('close:')) {
          const [, code, reason] = text.split(':');
          ws.close(Number(code), reason);
          return;
        }
        if (text === 'fragments') {
          ws.send('frag-', { fin: false });
          ws.send('ment-', { fin: false });
          ws.send('ed', { fin: true });
          return;
        }
        if (text === 'ping-me') {
          ws.ping('from-server');
          return;
        }
      }
      ws.send(data, { binary: isBinary });
    });
  });
  await once(server, 'listening');
  defer(
    () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as { port: number };
  return { url: `ws://127.0.0.1:${port}`, closes, pongs };
}

/** Our server for ws clients. */
async function startOurServer() {
  const seen = observation();
  const { onConnection, ...options } = interopServerOptions(seen);
  const server = createServer({ port: 0, host: '127.0.0.1', ...options }, onConnection);
  defer(() => server.close());
  await once(server, 'listening');
  return { url: `ws://127.0.0.1:${server.port}`, seen };
}

/** A ws client with an in-order inbox of `[data, isBinary]`. */
async function openWsClient(url: string) {
  const ws = new WsClient(url, { maxPayload: 64 * 1024 * 1024, perMessageDeflate: false });
  defer(() => ws.terminate());
  const queue: [Buffer, boolean][] = [];
  const waiters: ((message: [Buffer, boolean]) => void)[] = [];
  ws.on('message', (data: Buffer, isBinary) => {
    const waiter = waiters.shift();
    if (waiter) waiter([data, isBinary]);
    else queue.push([data, isBinary]);
  });
  await once(ws, 'open');
  const next = () =>
    queue.length > 0
      ? Promise.resolve(queue.shift()!)
      : new Promise<[Buffer, boolean]>((resolve) => waiters.push(resolve));
  const closed = new Promise<[number, string]>((resolve) =>
    ws.on('close', (code, reason) => resolve([code, reason.toString()])),
  );
  return { ws, next, closed };
}

async function expectText(message: Promise<[Buffer, boolean]>, expected: string, what: string) {
  const [data, isBinary] = await message;
  expect(isBinary, what).toBe(false);
  expectSameText(data.toString('utf8'), expected, what);
}

async function expectBinary(message: Promise<[Buffer, boolean]>, expected: Uint8Array, what: string) {
  const [data, isBinary] = await message;
  expect(isBinary, what).toBe(true);
  expectSameBytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), expected, what);
}

describe('interop with ws', () => {
  describe('our client, ws server', () => {
    it('exchanges text and binary from 0 B to 16 MiB, fragments and pings', async () => {
      const peer = await startWsServer();
      const ws: WebSocketSession = await connect(peer.url, LIMITS);
      defer(() => ws.terminate());
      await clientExchange(ws, ['text', 'binary']);
      await expect.poll(() => peer.pongs).toEqual(['from-server']);
      ws.close(1000);
      expect(await ws.closed).toEqual({ code: 1000, reason: '', wasClean: true });
    });

    it('closes with a code and reason that ws receives', async () => {
      const peer = await startWsServer();
      const ws = await connect(peer.url);
      ws.close(4001, 'client-bye é');
      expect((await ws.closed).code).toBe(4001);
      expect((await ws.closed).wasClean).toBe(true);
      await expect.poll(() => peer.closes).toEqual([{ code: 4001, reason: 'client-bye é' }]);
    });

    it('receives the code and reason of a close by ws', async () => {
      const peer = await startWsServer();
      const ws = await connect(peer.url);
      void ws.send('close:4002:server-bye');
      expect(await ws.closed).toEqual({ code: 4002, reason: 'server-bye', wasClean: true });
    });
  });

  describe('ws client, our server', () => {
    it('exchanges text and binary from 0 B to 16 MiB, fragments and pings', async () => {
      const server = await startOurServer();
      const { ws, next } = await openWsClient(`${server.url}/interop`);
      for (const size of SIZES) {
        ws.send(patternText(size));
        ws.send(patternBytes(size, size));
        await expectText(next(), patternText(size), `text of ${size} bytes`);
        await expectBinary(next(), patternBytes(size, size), `binary of ${size} bytes`);
      }
      ws.send(patternBytes(BIG, 9));
      await expectBinary(next(), patternBytes(BIG, 9), '16 MiB binary');
      ws.send(patternText(BIG));
      await expectText(next(), patternText(BIG), '16 MiB text');
      ws.send(patternBytes(10, 1), { fin: false });
      ws.send(patternBytes(70_000, 2), { fin: false });
      ws.send(patternBytes(5, 3), { fin: true });
      await expectBinary(
        next(),
        Buffer.concat([patternBytes(10, 1), patternBytes(70_000, 2), patternBytes(5, 3)]),
        'binary in three fragments',
      );
      ws.send('é€', { fin: false });
      ws.send('😀', { fin: true });
      await expectText(next(), 'é€😀', 'text in two fragments');
      const pong = once(ws, 'pong');
      ws.ping('client-ping');
      expect(String((await pong)[0])).toBe('client-ping');
      ws.send('fragments');
      await expectText(next(), 'frag-ment-ed', 'fragments from our server');
      const ping = once(ws, 'ping');
      ws.send('ping-me');
      expect(String((await ping)[0])).toBe('from-server');
      await expect.poll(() => server.seen.pongs).toEqual(['from-server']);
    });

    it('receives the code and reason of a ws client close', async () => {
      const server = await startOurServer();
      const { ws, closed } = await openWsClient(server.url);
      ws.close(4003, 'ws-client-bye');
      // The close reply echoes the code (RFC 6455 §5.5.1), not the reason.
      expect((await closed)[0]).toBe(4003);
      await expect
        .poll(() => server.seen.closes)
        .toEqual([{ code: 4003, reason: 'ws-client-bye', wasClean: true }]);
    });

    it('closes with a code and reason that the ws client receives', async () => {
      const server = await startOurServer();
      const { ws, closed } = await openWsClient(server.url);
      ws.send('close:4004:our-server-bye');
      expect(await closed).toEqual([4004, 'our-server-bye']);
      await expect
        .poll(() => server.seen.closes)
        .toEqual([{ code: 4004, reason: 'our-server-bye', wasClean: true }]);
    });
  });
});
