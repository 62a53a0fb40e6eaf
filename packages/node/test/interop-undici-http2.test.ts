// Interop with undici's WebSocket over HTTP/2 (RFC 8441): undici's own client (the `undici` package,
// which opens WebSockets as extended CONNECT streams on a dispatcher with `allowH2`) against our
// WebSocketServer attached to an `http2.createSecureServer`; the server asserts the HTTP/2 path.
import { once } from 'node:events';
import { createSecureServer, Http2ServerRequest, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocketServerRequest } from '@wskit/node';
import { Agent, WebSocket as UndiciWebSocket } from 'undici';
import { describe, expect, it } from 'vitest';
import { certificate, defer, privateKey } from './helpers.js';
import { patternBytes, patternText } from './interop-helpers.js';

describe("interop with undici's WebSocket over HTTP/2", () => {
  it('opens as an extended CONNECT stream and echoes text and binary', async () => {
    const server = createSecureServer({ key: privateKey, cert: certificate, allowHTTP1: true });
    const sessions = new Set<Http2Session>();
    server.on('session', (session) => sessions.add(session));
    const wss = new WebSocketServer({ server, protocols: ['chat'] });
    const requests: WebSocketServerRequest[] = [];
    wss.on('connection', (ws, request) => {
      requests.push(request);
      ws.on('message', (data) => void ws.send(data));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    defer(
      () =>
        new Promise<void>((resolve) => {
          for (const session of sessions) session.destroy();
          void wss.close();
          server.close(() => resolve());
        }),
    );
    const dispatcher = new Agent({ allowH2: true, connect: { ca: certificate } });
    defer(() => dispatcher.close());
    const { port } = server.address() as AddressInfo;
    const ws = new UndiciWebSocket(`wss://localhost:${port}/undici`, { protocols: ['chat'], dispatcher });
    ws.binaryType = 'arraybuffer';
    const inbox: unknown[] = [];
    const waiters: ((data: unknown) => void)[] = [];
    ws.addEventListener('message', (event) => {
      const waiter = waiters.shift();
      if (waiter) waiter(event.data);
      else inbox.push(event.data);
    });
    const next = () =>
      inbox.length > 0
        ? Promise.resolve(inbox.shift())
        : new Promise<unknown>((resolve) => waiters.push(resolve));
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve);
      ws.addEventListener('error', (event) =>
        reject((event as { error?: unknown }).error ?? new Error('error')),
      );
    });
    expect(ws.protocol).toBe('chat');
    for (const size of [0, 125, 65536, 256 * 1024]) {
      ws.send(patternText(size));
      expect(await next()).toBe(patternText(size));
      ws.send(patternBytes(size, 3));
      expect(Buffer.compare(Buffer.from((await next()) as ArrayBuffer), patternBytes(size, 3))).toBe(0);
    }
    const closed = new Promise<{ code: number; wasClean: boolean }>((resolve) =>
      ws.addEventListener('close', (event) => resolve({ code: event.code, wasClean: event.wasClean })),
    );
    const closing = Date.now();
    ws.close(1000);
    expect(await closed).toEqual({ code: 1000, wasClean: true });
    // Our END_STREAM and then RST_STREAM NO_ERROR end the stream at once; undici waits for that, not
    // for the close timeout.
    expect(Date.now() - closing).toBeLessThan(5_000);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toBeInstanceOf(Http2ServerRequest);
    expect([requests[0]!.method, requests[0]!.headers[':protocol']]).toEqual(['CONNECT', 'websocket']);
  });
});
