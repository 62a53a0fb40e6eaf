import { once } from 'node:events';
import { createServer as createHttpServer, get as httpGet, type IncomingMessage } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { createClientHandshake, HeadParser, isHandshakeError, type ResponseHead } from '@wskit/handshake';
import {
  connect,
  createServer,
  type HandshakeFailedError,
  isHandshakeFailedError,
  WebSocketServer,
  type WebSocketServerOptions,
  type WebSocketSession,
} from '@wskit/node';
import { describe, expect, it, vi } from 'vitest';
import { certificate, defer, delay, listen, privateKey } from './helpers.js';

/** Starts a standalone server on loopback, port 0, echoing every message; closed after the test. */
async function startServer(options: WebSocketServerOptions = {}) {
  const server = createServer({ port: 0, host: '127.0.0.1', ...options }, (ws) => {
    ws.on('message', (data) => void ws.send(data));
  });
  defer(() => server.close());
  await once(server, 'listening');
  return { server, url: `ws://127.0.0.1:${server.port}` };
}

/** Connects and terminates the WebSocket after the test. */
async function open(url: string, options: Parameters<typeof connect>[1] = {}): Promise<WebSocketSession> {
  const ws = await connect(url, options);
  defer(() => ws.terminate());
  return ws;
}

async function refusal(promise: Promise<unknown>): Promise<HandshakeFailedError> {
  const error = await promise.then(
    () => new Error('expected a refusal'),
    (reason: unknown) => reason,
  );
  expect(isHandshakeFailedError(error)).toBe(true);
  return error as HandshakeFailedError;
}

function nextMessage(ws: WebSocketSession): Promise<string | Uint8Array> {
  return new Promise((resolve) => ws.once('message', resolve));
}

/** A masked client text frame (payload under 126 bytes, RFC 6455 §5.2). */
function maskedText(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.of(1, 2, 3, 4);
  return Buffer.concat([
    Buffer.of(0x81, 0x80 | payload.length),
    mask,
    payload.map((byte, index) => byte ^ mask[index % 4]!),
  ]);
}

/** A raw TCP client: writes `bytes` (a handshake request, maybe followed by frames). */
async function rawClient(port: number): Promise<Socket> {
  const socket = netConnect({ port, host: '127.0.0.1' });
  defer(() => socket.destroy());
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

/** Reads one HTTP response head from a raw socket, leaving the socket open. */
function readResponse(socket: Socket) {
  const parser = new HeadParser('response');
  return new Promise<{ head: ResponseHead; rest: Buffer }>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const parsed = parser.write(chunk);
      if (!parsed.done) return;
      socket.off('data', onData);
      if (parsed.ok) resolve({ head: parsed.head, rest: Buffer.from(parsed.rest) });
      else reject(parsed.error);
    };
    socket.on('data', onData);
  });
}

describe('WebSocketServer', () => {
  it('listens on port 0 and tells the port, echoes, and answers plain requests with 426', async () => {
    const { server, url } = await startServer();
    expect(server.port).toBeGreaterThan(0);
    expect(server.address()).toMatchObject({ address: '127.0.0.1', port: server.port });
    const ws = await open(`${url}/echo?x=1`);
    ws.send('hello');
    expect(await nextMessage(ws)).toBe('hello');
    expect(server.clients.size).toBe(1);
    const [response] = (await once(httpGet(`http://127.0.0.1:${server.port}/`), 'response')) as [
      IncomingMessage,
    ];
    expect(response.statusCode).toBe(426);
    expect(response.headers.upgrade).toBe('websocket');
    response.resume();
  });

  it('hands the request and the path to connection listeners', async () => {
    const { server, url } = await startServer();
    const connection = once(server, 'connection') as Promise<[WebSocketSession, IncomingMessage]>;
    await open(`${url}/room/7?user=a`, { headers: { 'X-Token': 'abc' } });
    const [ws, request] = await connection;
    expect(ws.url).toBe('/room/7?user=a');
    expect(ws.role).toBe('server');
    expect(request.headers['x-token']).toBe('abc');
  });

  it('serves wss: with tls options', async () => {
    const { url } = await startServer({ tls: { key: privateKey, cert: certificate } });
    const ws = await open(url.replace('ws://127.0.0.1', 'wss://localhost'), { tls: { ca: certificate } });
    ws.send(Uint8Array.of(1, 2, 3));
    expect(await nextMessage(ws)).toEqual(Buffer.from([1, 2, 3]));
  });

  it('refuses a bad port and a path without a slash', () => {
    expect(() => new WebSocketServer({ port: 70000 })).toThrow(RangeError);
    expect(() => new WebSocketServer({ path: 'x' })).toThrow(TypeError);
    expect(() => new WebSocketServer({ maxConnections: -1 })).toThrow(RangeError);
  });

  it('reports a listen error', async () => {
    const { server } = await startServer();
    const second = new WebSocketServer({ port: server.port!, host: '127.0.0.1' });
    const [error] = (await once(second, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('EADDRINUSE');
    await second.close();
  });

  describe('attached to an http server', () => {
    it('shares the port with plain HTTP', async () => {
      const http = createHttpServer((_request, response) => response.end('plain http'));
      const port = await listen(http);
      const wss = new WebSocketServer({ server: http });
      defer(() => wss.close());
      wss.on('connection', (ws) => ws.on('message', (data) => void ws.send(data)));
      expect(wss.port).toBe(port);
      const ws = await open(`ws://127.0.0.1:${port}/`);
      ws.send('over http server');
      expect(await nextMessage(ws)).toBe('over http server');
      const [response] = (await once(httpGet(`http://127.0.0.1:${port}/`), 'response')) as [IncomingMessage];
      response.setEncoding('utf8');
      const [body] = await once(response, 'data');
      expect(body).toBe('plain http');
      await wss.close();
      expect(http.listening).toBe(true);
      expect(http.listenerCount('upgrade')).toBe(0);
    });

    it('routes by path between several servers, and answers 404 to unknown paths', async () => {
      const http = createHttpServer();
      const port = await listen(http);
      const chat = new WebSocketServer({ server: http, path: '/chat' });
      const feed = new WebSocketServer({ server: http, path: '/feed' });
      defer(() => Promise.all([chat.close(), feed.close()]));
      chat.on('connection', (ws) => void ws.send('chat'));
      feed.on('connection', (ws) => void ws.send('feed'));
      expect(await nextMessage(await open(`ws://127.0.0.1:${port}/chat?room=1`))).toBe('chat');
      expect(await nextMessage(await open(`ws://127.0.0.1:${port}/feed`))).toBe('feed');
      expect((await refusal(connect(`ws://127.0.0.1:${port}/other`))).status).toBe(404);
      await chat.close();
      expect((await refusal(connect(`ws://127.0.0.1:${port}/chat`))).status).toBe(404);
      expect(await nextMessage(await open(`ws://127.0.0.1:${port}/feed`))).toBe('feed');
      // With an upgrade listener of someone else's, paths no WebSocketServer takes are left to it.
      http.on('upgrade', (_request, socket: Socket) => {
        socket.end("HTTP/1.1 418 I'm a teapot\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      });
      expect((await refusal(connect(`ws://127.0.0.1:${port}/custom`))).status).toBe(418);
    });
  });

  describe('handleUpgrade', () => {
    it('serves upgrades a framework hands over', async () => {
      const wss = new WebSocketServer({ protocols: ['v2'] });
      defer(() => wss.close());
      const accepted: Promise<WebSocketSession | undefined>[] = [];
      const http = createHttpServer();
      http.on('upgrade', (request, socket, head) =>
        accepted.push(wss.handleUpgrade(request, socket as Socket, head)),
      );
      const port = await listen(http);
      const connection = once(wss, 'connection');
      const client = await open(`ws://127.0.0.1:${port}/`, { protocols: ['v1', 'v2'] });
      expect(client.protocol).toBe('v2');
      const server = await accepted[0];
      expect(server).toBe((await connection)[0]);
      expect(server?.protocol).toBe('v2');
      server?.send('from handleUpgrade');
      expect(await nextMessage(client)).toBe('from handleUpgrade');
    });

    it('never loses the bytes that came with the request or during verify', async () => {
      const wss = new WebSocketServer({
        verify: async () => {
          await delay(100);
          return true;
        },
      });
      defer(() => wss.close());
      const received: (string | Uint8Array)[] = [];
      wss.on('connection', (ws) => ws.on('message', (data) => received.push(data)));
      const http = createHttpServer();
      http.on('upgrade', (request, socket, head) => void wss.handleUpgrade(request, socket as Socket, head));
      const port = await listen(http);
      const handshake = createClientHandshake({ host: `127.0.0.1:${port}` });
      const socket = await rawClient(port);
      // The request and a frame in one packet: the frame is in `head`.
      socket.write(Buffer.concat([handshake.request.bytes, maskedText('in the head')]));
      await delay(30);
      // While verify runs: the socket must not drop these.
      socket.write(maskedText('during verify'));
      const { head } = await readResponse(socket);
      expect(handshake.validateResponse(head).ok).toBe(true);
      socket.write(maskedText('after the 101'));
      await vi.waitFor(() => expect(received).toEqual(['in the head', 'during verify', 'after the 101']));
    });
  });

  describe('accepting and refusing', () => {
    it('verify refuses with 403 on false, or with a status, headers and body', async () => {
      const calls: unknown[] = [];
      const rejected: number[] = [];
      const { server, url } = await startServer({
        protocols: ['chat'],
        verify: (request, info) => {
          calls.push(info);
          const token = request.headers.authorization;
          if (token === 'Bearer good') return true;
          if (token === undefined) return false;
          return { status: 401, headers: { 'WWW-Authenticate': 'Bearer' }, body: 'bad token' };
        },
      });
      server.on('rejected', (_request, status) => rejected.push(status));
      expect((await refusal(connect(url))).status).toBe(403);
      const unauthorized = await refusal(connect(url, { headers: { Authorization: 'Bearer bad' } }));
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers?.get('www-authenticate')).toBe('Bearer');
      expect(Buffer.from(unauthorized.body).toString()).toBe('bad token');
      const ws = await open(url, {
        headers: { Authorization: 'Bearer good' },
        origin: 'https://app.example',
        protocols: ['chat'],
      });
      expect(ws.protocol).toBe('chat');
      expect(rejected).toEqual([403, 401]);
      expect(calls[2]).toEqual({ origin: 'https://app.example', secure: false, protocol: 'chat' });
    });

    it('verify may answer asynchronously; an exception answers 500 and is reported', async () => {
      const rejected: unknown[] = [];
      const { server, url } = await startServer({
        verify: async (request) => {
          await delay(10);
          if (request.url === '/boom') throw new Error('verify broke');
          return request.url === '/ok';
        },
      });
      server.on('rejected', (_request, status, error) => rejected.push([status, (error as Error)?.message]));
      await open(`${url}/ok`);
      expect((await refusal(connect(`${url}/boom`))).status).toBe(500);
      expect((await refusal(connect(`${url}/no`))).status).toBe(403);
      expect(rejected).toEqual([
        [500, 'verify broke'],
        [403, undefined],
      ]);
    });

    it('selectProtocol picks among the offers, with the request', async () => {
      const { url } = await startServer({
        selectProtocol: (offered, request) => (request.url === '/none' ? null : offered.at(-1)),
      });
      expect((await open(url, { protocols: ['a', 'b', 'c'] })).protocol).toBe('c');
      expect((await open(`${url}/none`, { protocols: ['a'] })).protocol).toBe('');
    });

    it('adds response headers to the 101', async () => {
      const { url } = await startServer({ headers: (request) => ({ 'Set-Cookie': `seen=${request.url}` }) });
      const socket = await rawClient(Number(new URL(url).port));
      const handshake = createClientHandshake({ host: new URL(url).host, path: '/x' });
      socket.write(handshake.request.bytes);
      const { head } = await readResponse(socket);
      expect(head.status).toBe(101);
      expect(head.headers.get('set-cookie')).toBe('seen=/x');
    });

    it('answers invalid handshakes with their status and reports the HandshakeError', async () => {
      const { server, url } = await startServer();
      const rejected = once(server, 'rejected');
      const socket = await rawClient(Number(new URL(url).port));
      socket.write(
        `GET / HTTP/1.1\r\nHost: ${new URL(url).host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
      const { head } = await readResponse(socket);
      expect(head.status).toBe(400);
      const [, status, error] = await rejected;
      expect(status).toBe(400);
      expect(isHandshakeError(error)).toBe(true);
      expect((error as { code: string }).code).toBe('WS_HANDSHAKE_ERR_INVALID_KEY');
    });

    it('maxConnections answers 503 beyond the limit', async () => {
      const { server, url } = await startServer({ maxConnections: 2 });
      const first = await open(url);
      await open(url);
      const refused = await refusal(connect(url));
      expect(refused.status).toBe(503);
      expect(refused.headers?.get('retry-after')).toBe('1');
      first.close(1000);
      await first.closed;
      await vi.waitFor(() => expect(server.clients.size).toBe(1));
      await open(url);
      expect(server.clients.size).toBe(2);
    });
  });

  describe('close()', () => {
    it('closes every client with 1001, stops listening and emits close', async () => {
      const { server, url } = await startServer();
      const clients = await Promise.all([open(url), open(url)]);
      const closeEvent = once(server, 'close');
      await server.close();
      await closeEvent;
      for (const ws of clients) {
        const info = await ws.closed;
        expect(info.code).toBe(1001);
        expect(info.wasClean).toBe(true);
      }
      expect(server.clients.size).toBe(0);
      await expect(connect(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect(server.close()).toBe(server.close());
    });

    it('stops a server closed before it was listening', async () => {
      const server = new WebSocketServer({ port: 0, host: 'localhost' });
      const closing = server.close();
      await closing;
      expect(server.address()).toBeNull();
    });

    it('sends a code and reason of your choice, and refuses handshakes still in progress', async () => {
      let release: () => void = () => {};
      const verifying = new Promise<void>((resolve) => {
        release = resolve;
      });
      let verifyStarted: () => void = () => {};
      const started = new Promise<void>((resolve) => {
        verifyStarted = resolve;
      });
      const { server, url } = await startServer({
        verify: async (request) => {
          if (request.url === '/slow') {
            verifyStarted();
            await verifying;
          }
          return true;
        },
      });
      const ws = await open(url);
      const pending = refusal(connect(`${url}/slow`));
      await started;
      const closing = server.close(4000, 'maintenance');
      release();
      expect(await ws.closed).toMatchObject({ code: 4000, reason: 'maintenance' });
      await closing;
      expect((await pending).status).toBe(503);
    });
  });
});
