/**
 * The server's handshake timeout (issue 17, measurement 5: a slowloris on Node was cut only by
 * Node's own `headersTimeout`, after about 90 s): a request head that never ends is cut at wskit's
 * own limit, on a standalone server and on an attached `http` server.
 */
import { once } from 'node:events';
import {
  createServer as createHttpServer,
  type Server as HttpServer,
  request as httpRequest,
} from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { createServer, DefaultServerOptions, WebSocketServer } from '@wskit/node';
import { slowloris as openSlowloris } from '@wskit/tooling/cve-attacks';
import { describe, expect, it } from 'vitest';
import { defer, listen } from './helpers.js';

const LIMIT = 300;
const SLOWLORIS = 20;

/** A slowloris of `count` connections (the shared attack), destroyed after the test. */
async function slowloris(port: number, count: number): Promise<Socket[]> {
  const sockets = await openSlowloris(port, count);
  defer(() => {
    for (const socket of sockets) socket.destroy();
  });
  return sockets;
}

function closed(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : once(socket, 'close').then(() => undefined);
}

function connections(server: HttpServer): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

describe('handshakeTimeout (Node server)', () => {
  it('defaults to the limit of the Bun server and refuses a bad value', () => {
    expect(DefaultServerOptions.handshakeTimeout).toBe(10_000);
    expect(() => new WebSocketServer({ handshakeTimeout: -1 })).toThrow(RangeError);
    expect(() => new WebSocketServer({ handshakeTimeout: Number.NaN })).toThrow(RangeError);
  });

  it('cuts a slowloris on a standalone server at the limit', async () => {
    const server = createServer({ port: 0, host: '127.0.0.1', handshakeTimeout: LIMIT });
    defer(() => server.close());
    await once(server, 'listening');
    const sockets = await slowloris(server.port!, SLOWLORIS);
    await Promise.all(sockets.map(closed));
    // The server ended them: none was destroyed by this side.
    expect(sockets.every((socket) => socket.readableEnded || socket.destroyed)).toBe(true);
  });

  it('cuts a slowloris on an attached http server, whose own timeouts are left alone', async () => {
    const http = createHttpServer((_request, response) => response.end('plain'));
    const headersTimeout = http.headersTimeout;
    const requestTimeout = http.requestTimeout;
    const port = await listen(http);
    defer(() => new Promise((resolve) => http.close(resolve)));
    const wss = new WebSocketServer({ server: http, handshakeTimeout: LIMIT });
    defer(() => wss.close());
    const sockets = await slowloris(port, SLOWLORIS);
    expect(await connections(http)).toBe(SLOWLORIS);
    await Promise.all(sockets.map(closed));
    expect(await connections(http)).toBe(0);
    expect(http.headersTimeout).toBe(headersTimeout);
    expect(http.requestTimeout).toBe(requestTimeout);
  });

  it('leaves a plain request alone once its head is in, and stops timing after close()', async () => {
    const http = createHttpServer((_request, response) => {
      setTimeout(() => response.end('late'), LIMIT * 2);
    });
    const port = await listen(http);
    defer(() => new Promise((resolve) => http.close(resolve)));
    const wss = new WebSocketServer({ server: http, handshakeTimeout: LIMIT });
    defer(() => wss.close());
    const body = await new Promise<string>((resolve, reject) => {
      const request = httpRequest({ port, host: '127.0.0.1', path: '/' }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk));
        response.on('end', () => resolve(text));
      });
      request.on('error', reject);
      request.end();
    });
    expect(body).toBe('late');
    await wss.close();
    expect(http.listenerCount('connection')).toBe(1); // Node's own
    expect(http.listenerCount('request')).toBe(1); // the handler
  });

  it('bounds the hooks: a verify that never answers loses the socket', async () => {
    const rejected: number[] = [];
    const server = createServer({
      port: 0,
      host: '127.0.0.1',
      handshakeTimeout: LIMIT,
      verify: () => new Promise<boolean>(() => {}),
    });
    server.on('rejected', (_request, status) => rejected.push(status));
    defer(() => server.close());
    await once(server, 'listening');
    const socket = netConnect({ port: server.port!, host: '127.0.0.1' });
    defer(() => socket.destroy());
    socket.on('error', () => {});
    socket.write(
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await closed(socket);
    expect(socket.bytesRead).toBe(0);
  });
});
