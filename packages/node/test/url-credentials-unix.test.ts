// Credentials in the URL (Basic auth up front, never on to another origin after a redirect) and
// Unix domain sockets: ws+unix: URLs to a WebSocketServer whose http server listens on a path.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type WebSocketServerRequest } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import { defer, listen } from './helpers.js';

/** A WebSocketServer that records each request's target and Authorization, then closes. */
async function recordingServer() {
  const seen: { target: string; authorization: string | undefined }[] = [];
  const server = createServer({ port: 0, host: '127.0.0.1' }, (ws, request: WebSocketServerRequest) => {
    seen.push({ target: request.url ?? '', authorization: request.headers.authorization });
    ws.close();
  });
  defer(() => server.close());
  if (server.port === undefined) await once(server, 'listening');
  return { seen, url: `ws://127.0.0.1:${server.port}` };
}

/** An HTTP server that redirects every request to `location`, recording the Authorization it saw. */
async function redirector(location: string) {
  const seen: (string | undefined)[] = [];
  const server = createHttpServer();
  server.on('upgrade', (request: IncomingMessage, socket) => {
    seen.push(request.headers.authorization);
    socket.end(`HTTP/1.1 302 Found\r\nLocation: ${location}\r\nContent-Length: 0\r\n\r\n`);
  });
  const port = await listen(server);
  defer(() => new Promise((resolve) => server.close(resolve)));
  return { seen, url: `ws://127.0.0.1:${port}` };
}

describe('credentials in the URL', () => {
  it('become Basic auth sent with the first request (UTF-8, percent-decoded)', async () => {
    const { seen, url } = await recordingServer();
    const ws = await connect(url.replace('ws://', 'ws://us%C3%A9r:p%40ss@'));
    await ws.closed;
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('usér:p@ss').toString('base64')}`);
  });

  it('lose to an explicit Authorization header', async () => {
    const { seen, url } = await recordingServer();
    const ws = await connect(url.replace('ws://', 'ws://a:b@'), { headers: { Authorization: 'Bearer x' } });
    await ws.closed;
    expect(seen[0]?.authorization).toBe('Bearer x');
  });

  it('are not sent to another origin after a redirect, but a redirect URL’s own ones are', async () => {
    const target = await recordingServer();
    const front = await redirector(`${target.url}/landed`);
    const ws = await connect(front.url.replace('ws://', 'ws://a:b@'), { followRedirects: true });
    await ws.closed;
    expect(front.seen).toEqual([`Basic ${btoa('a:b')}`]);
    expect(target.seen).toEqual([{ target: '/landed', authorization: undefined }]);

    const withOwn = await redirector(`${target.url.replace('ws://', 'ws://c:d@')}/own`);
    const second = await connect(withOwn.url.replace('ws://', 'ws://a:b@'), { followRedirects: true });
    await second.closed;
    expect(target.seen[1]).toEqual({ target: '/own', authorization: `Basic ${btoa('c:d')}` });
  });
});

describe('Unix domain sockets', () => {
  it('connects to ws+unix:///path.sock:/request/path, a server listening on that path', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'wskit-node-unix-'));
    defer(() => rmSync(directory, { recursive: true, force: true }));
    const socketPath = join(directory, 'ws.sock');
    const http = createHttpServer();
    const seen: { target: string | undefined; host: string | undefined }[] = [];
    const server = createServer({ server: http }, (ws, request: WebSocketServerRequest) => {
      seen.push({ target: request.url, host: request.headers.host });
      ws.on('message', (data) => void ws.send(data));
    });
    http.listen(socketPath);
    await once(http, 'listening');
    defer(async () => {
      await server.close();
      await new Promise((resolve) => http.close(resolve));
    });
    const ws = await connect(`ws+unix://${socketPath}:/chat?room=1`);
    const [echoed] = await Promise.all([
      new Promise((resolve) => ws.once('message', resolve)),
      ws.send('over a unix socket'),
    ]);
    expect(echoed).toBe('over a unix socket');
    expect(seen).toEqual([{ target: '/chat?room=1', host: 'localhost' }]);
    expect(ws.url).toBe(`ws+unix://${socketPath}:/chat?room=1`);
    ws.close();
    await ws.closed;
  });

  it('refuses a proxy for a ws+unix: URL, and a URL without a socket path', () => {
    expect(() => connect('ws+unix:///tmp/x.sock:/', { proxy: 'http://127.0.0.1:9/' })).toThrow(TypeError);
    expect(() => connect('ws+unix://:/chat')).toThrow(TypeError);
  });
});
