// The WHATWG WebSocket class over Node: against our server and against ws's.
import { once } from 'node:events';
import { createServer, WebSocket } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import { WebSocketServer as WsServer } from 'ws';
import { certificate, defer, privateKey } from './helpers.js';
import { BIG, LIMITS, patternBytes } from './interop-helpers.js';

async function echoServer(options: Parameters<typeof createServer>[0] = {}) {
  const server = createServer(
    { port: 0, host: '127.0.0.1', protocols: ['chat'], ...options },
    (ws, request) => {
      if (request.url === '/hello') void ws.send(`hello ${request.headers['x-name'] ?? ''}`);
      ws.on('message', (data) => void ws.send(data));
    },
  );
  defer(() => server.close());
  await once(server, 'listening');
  return server;
}

/** Opens a WebSocket and waits for open; closed after the test. */
async function opened(socket: WebSocket): Promise<WebSocket> {
  defer(() => socket.close());
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error('error before open'));
  });
  return socket;
}

function nextData(socket: WebSocket): Promise<unknown> {
  return new Promise((resolve) =>
    socket.addEventListener('message', (event) => resolve((event as MessageEvent).data), { once: true }),
  );
}

describe('WebSocket (the WHATWG class)', () => {
  it('connects with new WebSocket(url, protocols), sends and receives', async () => {
    const server = await echoServer();
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/`, ['superchat', 'chat']);
    expect(socket.readyState).toBe(WebSocket.CONNECTING);
    expect(socket.url).toBe(`ws://127.0.0.1:${server.port}/`);
    await opened(socket);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    expect(socket.protocol).toBe('chat');
    socket.send('text');
    expect(await nextData(socket)).toBe('text');
    socket.binaryType = 'arraybuffer';
    socket.send(Uint8Array.of(1, 2, 3));
    const data = await nextData(socket);
    expect(data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(data as ArrayBuffer)]).toEqual([1, 2, 3]);
    socket.binaryType = 'blob';
    socket.send(new Blob(['blob']));
    expect(await ((await nextData(socket)) as Blob).text()).toBe('blob');
    const closed = once(socket, 'close') as Promise<[CloseEvent]>;
    socket.close(4000, 'done');
    const [event] = await closed;
    expect([event.code, event.reason, event.wasClean]).toEqual([4000, '', true]);
    expect(socket.readyState).toBe(WebSocket.CLOSED);
  });

  it('takes connect options as a third argument (headers, TLS, limits)', async () => {
    const server = await echoServer({ tls: { key: privateKey, cert: certificate }, ...LIMITS });
    const socket = await opened(
      new WebSocket(`wss://localhost:${server.port}/hello`, 'chat', {
        headers: { 'X-Name': 'node' },
        tls: { ca: certificate },
        ...LIMITS,
      }),
    );
    expect(await nextData(socket)).toBe('hello node');
    socket.binaryType = 'arraybuffer';
    const big = patternBytes(BIG, 3);
    socket.send(big);
    const echoed = new Uint8Array((await nextData(socket)) as ArrayBuffer);
    expect(Buffer.compare(echoed, big)).toBe(0);
  });

  it('reports a refused handshake as error then close 1006', async () => {
    const server = await echoServer({ verify: () => false });
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/`);
    const events: string[] = [];
    socket.onerror = () => events.push('error');
    const [event] = (await once(socket, 'close')) as [CloseEvent];
    expect(events).toEqual(['error']);
    expect(event.code).toBe(1006);
    expect(event.wasClean).toBe(false);
  });

  it('throws SyntaxError for a bad URL or subprotocol', () => {
    expect(() => new WebSocket('ftp://example.com')).toThrow(
      expect.objectContaining({ name: 'SyntaxError' }),
    );
    expect(() => new WebSocket('ws://example.com', ['a b'])).toThrow(
      expect.objectContaining({ name: 'SyntaxError' }),
    );
  });

  it('talks to a ws server', async () => {
    const wss = new WsServer({ port: 0, host: '127.0.0.1' });
    wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
    await once(wss, 'listening');
    defer(() => new Promise((resolve) => wss.close(resolve)));
    const socket = await opened(new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`));
    socket.send('to ws');
    expect(await nextData(socket)).toBe('to ws');
  });
});
