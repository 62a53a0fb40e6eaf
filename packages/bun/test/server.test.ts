// The server (serve / WebSocketServer over Bun.listen): verify, selectProtocol, headers,
// maxConnections, the handshake timeout, bad requests, close().
import { describe, expect, it } from 'bun:test';
import { connect, type HandshakeFailedError, serve, WebSocketServer } from '@wskit/bun';
import { defer, rejection, until } from './helpers.js';

function start(options: Parameters<typeof serve>[0] = {}) {
  const rejected: number[] = [];
  const server = serve({ hostname: '127.0.0.1', ...options }, (ws) => {
    ws.on('message', (message) => void ws.send(message));
  });
  server.on('rejected', (status) => rejected.push(status));
  defer(() => server.close());
  return { server, rejected, url: `ws://127.0.0.1:${server.port}` };
}

/** Sends raw bytes to the server and collects its answer until it closes. */
async function rawExchange(port: number, request: string): Promise<string> {
  let answer = '';
  let done!: () => void;
  const closed = new Promise<void>((resolve) => {
    done = resolve;
  });
  const socket = await Bun.connect({
    hostname: '127.0.0.1',
    port,
    socket: {
      data: (_socket, data) => {
        answer += new TextDecoder().decode(data);
      },
      close: () => done(),
    },
  });
  socket.write(request);
  await closed;
  return answer;
}

describe('serve', () => {
  it('verifies requests: refusals with status, headers and body, 403, 500 for a hook that throws', async () => {
    const { url, rejected } = start({
      verify: (request, info) => {
        if (request.target === '/boom') throw new Error('bug');
        if (request.target === '/no') return false;
        if (request.headers.get('authorization') !== 'Bearer ok') {
          return { status: 401, headers: { 'WWW-Authenticate': 'Bearer' }, body: 'log in' };
        }
        return info.origin === 'https://app.example' && info.secure === false;
      },
    });
    const refusal = (await rejection(connect(`${url}/`))) as HandshakeFailedError;
    expect(refusal.status).toBe(401);
    expect(refusal.headers?.get('www-authenticate')).toBe('Bearer');
    expect(new TextDecoder().decode(refusal.body)).toBe('log in');
    expect(((await rejection(connect(`${url}/no`))) as HandshakeFailedError).status).toBe(403);
    expect(((await rejection(connect(`${url}/boom`))) as HandshakeFailedError).status).toBe(500);
    const ws = await connect(`${url}/`, {
      headers: { Authorization: 'Bearer ok' },
      origin: 'https://app.example',
    });
    ws.close(1000);
    await ws.closed;
    expect(rejected).toEqual([401, 403, 500]);
  });

  it('selects the subprotocol and adds the response headers', async () => {
    const { url } = start({
      selectProtocol: (offered) => offered.find((protocol) => protocol.startsWith('v2')) ?? null,
      headers: (request) => ({ 'X-Target': request.target }),
    });
    const ws = await connect(`${url}/room`, { protocols: ['v1.chat', 'v2.chat'] });
    expect(ws.protocol).toBe('v2.chat');
    ws.close(1000);
    await ws.closed;
  });

  it('answers 503 beyond maxConnections, and takes connections again once one closed', async () => {
    const { url, server } = start({ maxConnections: 1 });
    const first = await connect(url);
    const refusal = (await rejection(connect(url))) as HandshakeFailedError;
    expect(refusal.status).toBe(503);
    first.close(1000);
    await first.closed;
    await until(() => server.clients.size === 0);
    const second = await connect(url);
    second.close(1000);
    await second.closed;
  });

  it('answers a bad request with its status, and drops a client that sends nothing in time', async () => {
    const { server, rejected } = start({ handshakeTimeout: 50 });
    const answer = await rawExchange(server.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(answer).toStartWith('HTTP/1.1 426');
    const silent = await Bun.connect({ hostname: '127.0.0.1', port: server.port, socket: { data() {} } });
    defer(() => silent.terminate());
    await until(() => rejected.includes(0));
    expect(rejected).toEqual([426, 0]);
  });

  it('close() sends 1001 to every client and stops listening', async () => {
    const server = new WebSocketServer({ hostname: '127.0.0.1' });
    const url = `ws://127.0.0.1:${server.port}`;
    const clients = await Promise.all([connect(url), connect(url)]);
    await until(() => server.clients.size === 2);
    let closedEvent = false;
    server.on('close', () => {
      closedEvent = true;
    });
    await server.close();
    expect(closedEvent).toBe(true);
    for (const client of clients) expect((await client.closed).code).toBe(1001);
    expect(await rejection(connect(url))).toBeInstanceOf(Error);
  });

  it('throws RangeError for a bad port or limit', () => {
    expect(() => new WebSocketServer({ port: 70000 })).toThrow(RangeError);
    expect(() => new WebSocketServer({ maxConnections: -1 })).toThrow(RangeError);
  });
});
