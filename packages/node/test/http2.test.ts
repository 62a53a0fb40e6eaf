// WebSockets over HTTP/2 (RFC 8441) between this package's server and client: TLS (the self-signed
// fixture certificate) and h2c, HTTP/1.1 upgrades and extended CONNECT streams on one port, many
// WebSockets on one session, refusals with their statuses, options the HTTP/2 path refuses, close
// and flow control.
import { once } from 'node:events';
import { IncomingMessage } from 'node:http';
import {
  type ClientHttp2Session,
  connect as connectHttp2,
  constants,
  createServer as createH2cServer,
  createSecureServer,
  type Http2SecureServer,
  type Http2Server,
  Http2ServerRequest,
  type Http2Session,
} from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import {
  connect,
  Http2StreamTransport,
  isHandshakeFailedError,
  WebSocket as StandardWebSocket,
  WebSocketServer,
  type WebSocketServerRequest,
  type WebSocketSession,
} from '@wskit/node';
import { isUnsupportedOptionError } from '@wskit/transport';
import { describe, expect, it } from 'vitest';
import { certificate, defer, privateKey } from './helpers.js';

/** Listens on 127.0.0.1:0; after the test, destroys every session and closes the server. */
async function listenHttp2(server: Http2Server | Http2SecureServer): Promise<number> {
  const sessions = new Set<Http2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  // HTTP/1.1 connections (allowHTTP1) are no sessions.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  defer(
    () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

/** An `h2` server with HTTP/1.1 too (`allowHTTP1`), a page handler, and an echoing WebSocketServer. */
async function secureEchoServer(options: ConstructorParameters<typeof WebSocketServer>[0] = {}) {
  const server = createSecureServer(
    { key: privateKey, cert: certificate, allowHTTP1: true },
    (request, response) => response.end(`page over HTTP/${request.httpVersion}`),
  );
  const wss = new WebSocketServer({ server, ...options });
  const requests: WebSocketServerRequest[] = [];
  wss.on('connection', (ws, request) => {
    requests.push(request);
    ws.on('message', (data) => void ws.send(data).catch(() => {}));
  });
  defer(() => wss.close());
  const port = await listenHttp2(server);
  return { server, wss, port, requests };
}

/** A session to the test server, trusting the fixture certificate; destroyed after the test. */
function session(port: number): ClientHttp2Session {
  const client = connectHttp2(`https://localhost:${port}`, { ca: certificate });
  client.on('error', () => {});
  defer(() => client.destroy());
  return client;
}

function nextMessage(ws: WebSocketSession): Promise<string | Uint8Array> {
  return new Promise((resolve) => ws.once('message', resolve));
}

/** The failure of `promise`, which must reject. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const tls = { ca: certificate };

describe('WebSocketServer on an HTTP/2 server (RFC 8441)', () => {
  it('takes extended CONNECT streams and HTTP/1.1 upgrades on one TLS port', async () => {
    const { port, requests, wss } = await secureEchoServer({ protocols: ['chat'], perMessageDeflate: true });
    const h2 = await connect(`wss://localhost:${port}/room?x=1`, { http2: true, tls, protocols: ['chat'] });
    const h1 = await connect(`wss://localhost:${port}/room`, { tls, protocols: ['chat'] });
    expect([h2.protocol, h2.extensions]).toEqual(['chat', 'permessage-deflate']);
    expect([h1.protocol, h1.extensions]).toEqual(['chat', 'permessage-deflate']);
    const big = new Uint8Array(1024 * 1024).map((_, index) => index % 251);
    for (const ws of [h2, h1]) {
      void ws.send('héllo');
      expect(await nextMessage(ws)).toBe('héllo');
      void ws.send(big);
      expect(Buffer.compare((await nextMessage(ws)) as Buffer, big)).toBe(0);
    }
    // The server side: one request came as an HTTP/2 stream, the other as an HTTP/1.1 upgrade.
    expect(requests[0]).toBeInstanceOf(Http2ServerRequest);
    expect([requests[0]!.httpVersion, requests[0]!.method, requests[0]!.url]).toEqual([
      '2.0',
      'CONNECT',
      '/room?x=1',
    ]);
    expect((requests[0] as Http2ServerRequest).stream.session?.alpnProtocol).toBe('h2');
    expect(requests[1]).toBeInstanceOf(IncomingMessage);
    expect(requests[1]!.httpVersion).toBe('1.1');
    expect(wss.clients.size).toBe(2);
    // Pages are still served over both protocols by the server's own handler.
    const page = await new Promise<string>((resolve, reject) => {
      const request = session(port).request({ ':path': '/' });
      let text = '';
      request.setEncoding('utf8');
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => resolve(text));
      request.on('error', reject);
    });
    expect(page).toBe('page over HTTP/2.0');
    // The close handshake ends the same way on both.
    h2.close(4000, 'bye');
    h1.close(4000, 'bye');
    const closed = await Promise.all([h2.closed, h1.closed]);
    expect(closed[0]).toMatchObject({ code: 4000, wasClean: true });
    expect(closed[0]).toEqual(closed[1]);
  });

  it('serves h2c (cleartext HTTP/2 with prior knowledge) from the stream event alone', async () => {
    const server = createH2cServer();
    // The server's own streams: answered by its `stream` listener, not by Node's compatibility
    // layer, which the WebSocketServer must not set up (it would answer them too).
    server.on('stream', (stream, headers) => {
      if (headers[':method'] === 'GET') stream.respond({ ':status': 200 }, { endStream: true });
    });
    const wss = new WebSocketServer({ server });
    defer(() => wss.close());
    expect(server.listenerCount('request')).toBe(0);
    const closes: number[] = [];
    wss.on('connection', (ws, request) => {
      expect(request).toBeInstanceOf(Http2ServerRequest);
      ws.on('message', (data) => void ws.send(data));
      ws.on('close', (code) => closes.push(code));
    });
    const port = await listenHttp2(server);
    const plain = connectHttp2(`http://127.0.0.1:${port}`);
    defer(() => plain.destroy());
    const [response] = (await once(plain.request({ ':path': '/' }), 'response')) as [Record<string, unknown>];
    expect(response[':status']).toBe(200);
    const ws = await connect(`ws://127.0.0.1:${port}/`, { http2: true, perMessageDeflate: false });
    expect(ws.remoteAddress).toBe(`127.0.0.1:${port}`);
    void ws.send(new Uint8Array([1, 2, 3]));
    expect([...((await nextMessage(ws)) as Buffer)]).toEqual([1, 2, 3]);
    ws.close(1000);
    expect((await ws.closed).wasClean).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closes).toEqual([1000]);
  });

  it('multiplexes many WebSockets on one session, which outlives them', async () => {
    const { port, requests } = await secureEchoServer();
    const shared = session(port);
    const sockets = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        connect(`wss://localhost:${port}/s${index}`, { http2: shared }),
      ),
    );
    const echoes = await Promise.all(
      sockets.map((ws, index) => {
        const reply = nextMessage(ws);
        void ws.send(`message ${index}`);
        return reply;
      }),
    );
    expect(echoes).toEqual(sockets.map((_, index) => `message ${index}`));
    const sessions = new Set(requests.map((request) => (request as Http2ServerRequest).stream.session));
    expect(sessions.size).toBe(1);
    for (const ws of sockets) ws.close();
    await Promise.all(sockets.map((ws) => ws.closed));
    expect(shared.closed).toBe(false);
    // The session still takes a new WebSocket.
    const again = await connect(`wss://localhost:${port}/again`, { http2: shared });
    void again.send('x');
    expect(await nextMessage(again)).toBe('x');
    again.terminate();
  });

  it('answers refusals with their status, headers and body', async () => {
    const { port } = await secureEchoServer({
      path: '/ws',
      maxConnections: 1,
      verify: (request) => {
        if (request.headers.authorization === 'Bearer fail') throw new Error('hook failed');
        if (request.headers.authorization !== 'Bearer ok') {
          return { status: 401, headers: { 'WWW-Authenticate': 'Bearer' }, body: 'who are you?' };
        }
        return true;
      },
    });
    const shared = session(port);
    const attempt = (path: string, authorization?: string) =>
      failure(
        connect(`wss://localhost:${port}${path}`, {
          http2: shared,
          ...(authorization === undefined ? {} : { headers: { authorization } }),
        }),
      );
    const unauthorized = await attempt('/ws');
    expect(isHandshakeFailedError(unauthorized)).toBe(true);
    if (!isHandshakeFailedError(unauthorized)) return;
    expect([unauthorized.code, unauthorized.status, unauthorized.headers?.get('www-authenticate')]).toEqual([
      'WS_HANDSHAKE_ERR_UNEXPECTED_STATUS',
      401,
      'Bearer',
    ]);
    expect(new TextDecoder().decode(unauthorized.body)).toBe('who are you?');
    expect(await attempt('/elsewhere', 'Bearer ok')).toMatchObject({ status: 404 });
    expect(await attempt('/ws', 'Bearer fail')).toMatchObject({ status: 500 });
    const first = await connect(`wss://localhost:${port}/ws`, {
      http2: shared,
      headers: { authorization: 'Bearer ok' },
    });
    expect(await attempt('/ws', 'Bearer ok')).toMatchObject({ status: 503 });
    first.terminate();
  });

  it('refuses bad extended CONNECT requests with 400 (and the version HTTP/2 asks for)', async () => {
    const { port, wss } = await secureEchoServer();
    const rejected: number[] = [];
    wss.on('rejected', (_request, status) => rejected.push(status));
    const shared = session(port);
    const raw = (headers: Record<string, string>) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const stream = shared.request(
          {
            ':method': 'CONNECT',
            ':protocol': 'websocket',
            ':scheme': 'https',
            ':path': '/',
            ':authority': `localhost:${port}`,
            ...headers,
          },
          { endStream: false },
        );
        stream.on('response', (response) => {
          resolve(response);
          stream.close();
        });
        stream.on('error', reject);
      });
    const version = await raw({ 'sec-websocket-version': '8' });
    expect([version[':status'], version['sec-websocket-version']]).toEqual([400, '13']);
    expect((await raw({}))[':status']).toBe(400);
    expect((await raw({ 'sec-websocket-version': '13', 'sec-websocket-protocol': 'a b' }))[':status']).toBe(
      400,
    );
    expect((await raw({ 'sec-websocket-version': '13' }))[':status']).toBe(200);
    expect(rejected).toEqual([400, 400, 400]);
  });

  it('tells the client when the server does not take extended CONNECT', async () => {
    // A plain HTTP/2 server, no WebSocketServer: no SETTINGS_ENABLE_CONNECT_PROTOCOL.
    const server = createSecureServer({ key: privateKey, cert: certificate }, (_request, response) =>
      response.end(),
    );
    const port = await listenHttp2(server);
    const error = await failure(connect(`wss://localhost:${port}/`, { http2: true, tls }));
    expect(error).toMatchObject({ code: 'WS_NODE_ERR_NO_EXTENDED_CONNECT' });
    const shared = session(port);
    expect(await failure(connect(`wss://localhost:${port}/`, { http2: shared }))).toMatchObject({
      code: 'WS_NODE_ERR_NO_EXTENDED_CONNECT',
    });
    expect(shared.closed).toBe(false);
  });

  it('throws for options the HTTP/2 path cannot honour', async () => {
    const { port } = await secureEchoServer();
    const shared = session(port);
    const url = `wss://localhost:${port}/`;
    for (const [name, options] of [
      ['proxy', { proxy: 'http://127.0.0.1:1' }],
      ['dispatcher', { dispatcher: {} as never }],
      ['followRedirects', { followRedirects: true }],
      ['headLimits', { headLimits: { maxHeadSize: 1 } }],
    ] as const) {
      let thrown: unknown;
      try {
        void connect(url, { http2: true, ...options });
      } catch (error) {
        thrown = error;
      }
      expect(isUnsupportedOptionError(thrown), name).toBe(true);
      expect((thrown as { option: string }).option).toBe(name);
    }
    expect(() => connect(url, { http2: shared, tls })).toThrow(/tls/);
    expect(await failure(connect(`ws://localhost:${port}/`, { http2: shared }))).toMatchObject({
      message: expect.stringMatching(/cannot carry a ws: URL/),
    });
    expect(() => connect('ws+unix:///tmp/x.sock:/', { http2: true })).toThrow(/ws\+unix/);
    expect(() => connect(url, { http2: 'yes' as never })).toThrow(TypeError);
    // Header misuse is found by the HTTP/2 client, loaded on first use: the promise rejects.
    expect(await failure(connect(url, { http2: shared, headers: { connection: 'close' } }))).toBeInstanceOf(
      TypeError,
    );
    process.env.HTTPS_PROXY = 'http://127.0.0.1:1';
    try {
      expect(() => connect(url, { http2: true, tls })).toThrow(/environment names a proxy/);
      const direct = await connect(url, { http2: true, tls, proxy: false });
      direct.terminate();
    } finally {
      delete process.env.HTTPS_PROXY;
    }
  });

  it('times out hooks that do not decide, and resets the stream', async () => {
    const { port, wss } = await secureEchoServer({
      handshakeTimeout: 150,
      verify: () => new Promise<boolean>(() => {}),
    });
    const rejected = once(wss, 'rejected');
    const error = await failure(connect(`wss://localhost:${port}/`, { http2: true, tls }));
    expect(error).toMatchObject({ code: 'WS_ERR_UPGRADE_CONNECTION_CLOSED' });
    const [, status, reason] = await rejected;
    expect([status, (reason as { code?: string }).code]).toEqual([0, 'WS_ERR_HANDSHAKE_TIMEOUT']);
  });

  it('cuts a slow HTTP/1.1 client on the HTTP/2 port after the handshake timeout', async () => {
    const { port } = await secureEchoServer({ handshakeTimeout: 150 });
    const socket = tlsConnect({
      port,
      host: '127.0.0.1',
      servername: 'localhost',
      ca: certificate,
      ALPNProtocols: ['http/1.1'],
    });
    defer(() => socket.destroy());
    await once(socket, 'secureConnect');
    expect(socket.alpnProtocol).toBe('http/1.1');
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n'); // never finished
    const started = Date.now();
    await once(socket, 'close');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('closes idle HTTP/2 connections after the handshake timeout, not those with a stream', async () => {
    const { port } = await secureEchoServer({ handshakeTimeout: 150 });
    const idle = session(port);
    const used = session(port);
    const ws = await connect(`wss://localhost:${port}/`, { http2: used });
    await once(idle, 'close');
    expect(used.closed).toBe(false);
    void ws.send('still here');
    expect(await nextMessage(ws)).toBe('still here');
    ws.close();
  });

  it('follows flow control: a reader that stops holds the sender back, nothing is lost', async () => {
    const { port, wss } = await secureEchoServer();
    const opened = once(wss, 'connection') as Promise<[WebSocketSession]>;
    const client = await connect(`wss://localhost:${port}/`, { http2: true, tls, perMessageDeflate: false });
    const [serverSide] = await opened;
    client.pause();
    const chunk = new Uint8Array(256 * 1024).fill(7);
    const sends = Array.from({ length: 16 }, () => serverSide.send(chunk));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // HTTP/2 windows (64 KiB by default) are closed: most of the 4 MiB wait on the server.
    expect(serverSide.bufferedAmount).toBeGreaterThan(2 * 1024 * 1024);
    let received = 0;
    client.on('message', (data) => {
      received += (data as Uint8Array).byteLength;
    });
    client.resume();
    await Promise.all(sends);
    while (received < 16 * chunk.byteLength) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received).toBe(16 * chunk.byteLength);
    expect(serverSide.bufferedAmount).toBe(0);
    client.close();
    await client.closed;
  });

  it('closes with the server (1001) and after a reset (1006), leaving the session to others', async () => {
    const { port, wss } = await secureEchoServer();
    const shared = session(port);
    const serverSockets: WebSocketSession[] = [];
    const streams: Http2ServerRequest['stream'][] = [];
    wss.on('connection', (ws, request) => {
      serverSockets.push(ws);
      streams.push((request as Http2ServerRequest).stream);
    });
    const a = await connect(`wss://localhost:${port}/a`, { http2: shared });
    const b = await connect(`wss://localhost:${port}/b`, { http2: shared });
    // A reset of one stream (RST_STREAM CANCEL) fails that WebSocket only.
    a.terminate();
    expect((await serverSockets[0]!.closed).code).toBe(1006);
    void b.send('alive');
    expect(await nextMessage(b)).toBe('alive');
    await wss.close();
    expect(await b.closed).toMatchObject({ code: 1001, wasClean: true });
    expect(streams[1]!.rstCode).toBe(constants.NGHTTP2_NO_ERROR);
    expect(shared.closed).toBe(false);
  });

  it('handleStream serves streams of a server it is not attached to', async () => {
    const server = createH2cServer({ settings: { enableConnectProtocol: true } });
    const wss = new WebSocketServer({ protocols: ['p'] });
    defer(() => wss.close());
    server.on('stream', (stream, headers) => {
      if (headers[':protocol'] === 'websocket') void wss.handleStream(stream, headers);
      else stream.respond({ ':status': constants.HTTP_STATUS_NOT_FOUND }, { endStream: true });
    });
    wss.on('connection', (ws) => ws.on('message', (data) => void ws.send(data)));
    const port = await listenHttp2(server);
    const ws = await connect(`ws://127.0.0.1:${port}/`, { http2: true, protocols: ['p'] });
    expect(ws.protocol).toBe('p');
    void ws.send('via handleStream');
    expect(await nextMessage(ws)).toBe('via handleStream');
    ws.close();
    await ws.closed;
  });

  it('Http2StreamTransport: write is DATA, end() END_STREAM, abort() RST_STREAM CANCEL', async () => {
    const server = createH2cServer({ settings: { enableConnectProtocol: true } });
    const seen: { data: string; ended: boolean; rstCode: number }[] = [];
    server.on('stream', (stream) => {
      const record = { data: '', ended: false, rstCode: -1 };
      seen.push(record);
      stream.respond({ ':status': 200 });
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (record.data += chunk));
      stream.on('end', () => (record.ended = true));
      stream.on('error', () => {});
      stream.on('close', () => (record.rstCode = stream.rstCode));
    });
    const port = await listenHttp2(server);
    const client = connectHttp2(`http://127.0.0.1:${port}`);
    defer(() => client.destroy());
    await once(client, 'remoteSettings');
    const open = async () => {
      const stream = client.request(
        {
          ':method': 'CONNECT',
          ':protocol': 'websocket',
          ':scheme': 'http',
          ':path': '/',
          ':authority': 'x',
        },
        { endStream: false },
      );
      await once(stream, 'response');
      const transport = new Http2StreamTransport(stream);
      const closed = new Promise<void>((resolve) =>
        transport.start({
          onData: () => {},
          onEnd: () => {},
          onDrain: () => {},
          onError: () => {},
          onClose: resolve,
        }),
      );
      return { transport, closed };
    };
    const first = await open();
    expect(first.transport.write([new TextEncoder().encode('ab'), new TextEncoder().encode('cd')])).toBe(
      true,
    );
    first.transport.end();
    await expect.poll(() => seen[0]?.ended).toBe(true);
    expect(seen[0]!.data).toBe('abcd');
    first.transport.close();
    await first.closed;
    const second = await open();
    second.transport.abort();
    await second.closed;
    await expect.poll(() => seen[1]?.rstCode).toBe(constants.NGHTTP2_CANCEL);
    expect(client.closed).toBe(false);
  });

  it('the client gives up after handshakeTimeout, and a shared session goes on', async () => {
    let verified = 0;
    const { port } = await secureEchoServer({
      verify: () => (verified++ === 0 ? new Promise<boolean>(() => {}) : true),
    });
    const shared = session(port);
    const error = await failure(
      connect(`wss://localhost:${port}/`, { http2: shared, handshakeTimeout: 100 }),
    );
    expect(error).toMatchObject({ code: 'WS_ERR_HANDSHAKE_TIMEOUT' });
    const ws = await connect(`wss://localhost:${port}/`, { http2: shared });
    void ws.send('after the timeout');
    expect(await nextMessage(ws)).toBe('after the timeout');
    ws.close();
    await ws.closed;
  });

  it('the WHATWG WebSocket class takes the http2 option too', async () => {
    const { port, requests } = await secureEchoServer({ protocols: ['chat'] });
    const ws = new StandardWebSocket(`wss://localhost:${port}/whatwg`, ['chat'], { http2: session(port) });
    const opened = new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    await opened;
    const message = new Promise<unknown>((resolve) => {
      ws.onmessage = (event) => resolve(event.data);
    });
    ws.send('standard');
    expect(await message).toBe('standard');
    expect(ws.protocol).toBe('chat');
    expect(requests[0]).toBeInstanceOf(Http2ServerRequest);
    const closed = new Promise<number>((resolve) => {
      ws.onclose = (event) => resolve(event.code);
    });
    ws.close(1000);
    expect(await closed).toBe(1000);
  });

  it('topics reach HTTP/2 and HTTP/1.1 subscribers alike', async () => {
    const server = createSecureServer({ key: privateKey, cert: certificate, allowHTTP1: true });
    const wss = new WebSocketServer({ server });
    defer(() => wss.close());
    wss.on('connection', (ws) => void ws.subscribe('news'));
    const port = await listenHttp2(server);
    const h2 = await connect(`wss://localhost:${port}/`, { http2: session(port) });
    const h1 = await connect(`wss://localhost:${port}/`, { tls });
    await expect.poll(() => wss.topics.subscriberCount('news')).toBe(2);
    const received = Promise.all([nextMessage(h2), nextMessage(h1)]);
    wss.publish('news', 'to everyone');
    expect(await received).toEqual(['to everyone', 'to everyone']);
    h2.close();
    h1.close();
    await Promise.all([h2.closed, h1.closed]);
  });
});
