// The client: connect, the WHATWG WebSocket class and bunDialer against Bun.serve and raw Bun.listen
// servers: refusals with status, headers and body; early frames; TLS; timeouts; misuse.
import { describe, expect, it } from 'bun:test';
import {
  bunDialer,
  connect,
  HandshakeFailedError,
  isHandshakeFailedError,
  isWebSocketError,
  serve,
  WebSocket,
} from '@wskit/bun';
import { dialWebSocket } from '@wskit/transport';
import { certificate, defer, pattern, privateKey, rejection } from './helpers.js';

/** A raw Bun.listen server that answers every request with `answer(request)`. */
function rawServer(answer: (request: string) => string | Uint8Array | undefined) {
  let request = '';
  const listener = Bun.listen({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      data(socket, data) {
        request += new TextDecoder().decode(data);
        if (!request.includes('\r\n\r\n')) return;
        const response = answer(request);
        if (response !== undefined) socket.write(response);
      },
    },
  });
  defer(() => listener.stop(true));
  return `ws://127.0.0.1:${listener.port}`;
}

function acceptFor(request: string): string {
  const key = /sec-websocket-key: (.*)\r\n/i.exec(request)![1]!;
  const hasher = new Bun.CryptoHasher('sha1');
  hasher.update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`);
  return hasher.digest('base64');
}

describe('connect', () => {
  it('reports a refusal with its status, headers and body', async () => {
    const server = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch: () => new Response('who are you?', { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } }),
    });
    defer(() => server.stop(true));
    const error = await rejection(connect(`ws://127.0.0.1:${server.port}/secret`));
    expect(error).toBeInstanceOf(HandshakeFailedError);
    expect(isHandshakeFailedError(error)).toBe(true);
    const refusal = error as HandshakeFailedError;
    expect(refusal.code).toBe('WS_HANDSHAKE_ERR_UNEXPECTED_STATUS');
    expect(refusal.status).toBe(401);
    expect(refusal.headers?.get('www-authenticate')).toBe('Bearer');
    expect(new TextDecoder().decode(refusal.body)).toBe('who are you?');
    expect(refusal.url).toBe(`ws://127.0.0.1:${server.port}/secret`);
  });

  it('keeps the frames a server sends right behind its 101', async () => {
    const url = rawServer((request) => {
      const head = new TextEncoder().encode(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(request)}\r\n\r\n`,
      );
      // The head and an unmasked text frame "early" in one write.
      const frame = Uint8Array.of(0x81, 0x05, ...new TextEncoder().encode('early'));
      const bytes = new Uint8Array(head.byteLength + frame.byteLength);
      bytes.set(head, 0);
      bytes.set(frame, head.byteLength);
      return bytes;
    });
    const ws = await connect(`${url}/`);
    defer(() => ws.terminate());
    expect(await new Promise((resolve) => ws.once('message', resolve))).toBe('early');
  });

  it('fails on a wrong Sec-WebSocket-Accept, and when the server closes before its head', async () => {
    const wrong = rawServer(
      () =>
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n',
    );
    const error = (await rejection(connect(wrong))) as HandshakeFailedError;
    expect(error.code).toBe('WS_HANDSHAKE_ERR_INVALID_ACCEPT');
    expect(error.status).toBe(101);
    const listener = Bun.listen({
      hostname: '127.0.0.1',
      port: 0,
      socket: {
        data: (socket) => {
          socket.end('HTTP/1.1 10');
        },
      },
    });
    defer(() => listener.stop(true));
    const closed = (await rejection(connect(`ws://127.0.0.1:${listener.port}`))) as HandshakeFailedError;
    expect(closed.code).toBe('WS_ERR_UPGRADE_CONNECTION_CLOSED');
  });

  it('times out, follows the signal, and passes network errors through', async () => {
    const silent = rawServer(() => undefined);
    const timeout = await rejection(connect(silent, { handshakeTimeout: 50 }));
    expect(isWebSocketError(timeout) && timeout.code).toBe('WS_ERR_HANDSHAKE_TIMEOUT');
    const controller = new AbortController();
    const pending = connect(silent, { signal: controller.signal });
    controller.abort(new Error('stop'));
    expect(((await rejection(pending)) as Error).message).toBe('stop');
    const listener = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
    const port = listener.port;
    listener.stop(true);
    const refused = (await rejection(connect(`ws://127.0.0.1:${port}/`))) as { code?: string };
    expect(refused.code).toBe('ECONNREFUSED');
  });

  it('connects over TLS with a custom CA, and refuses an untrusted certificate', async () => {
    const server = serve({ hostname: '127.0.0.1', tls: { key: privateKey, cert: certificate } }, (ws) => {
      ws.on('message', (message) => void ws.send(message));
    });
    defer(() => server.close());
    const ws = await connect(`wss://localhost:${server.port}/`, { tls: { ca: certificate } });
    await ws.send('secure');
    expect(await new Promise((resolve) => ws.once('message', resolve))).toBe('secure');
    ws.close(1000);
    await ws.closed;
    const untrusted = await rejection(connect(`wss://localhost:${server.port}/`));
    expect(untrusted).toBeInstanceOf(Error);
    expect(isHandshakeFailedError(untrusted)).toBe(false);
  });

  it('throws TypeError at once for misuse', () => {
    expect(() => connect('ftp://example.com/')).toThrow(TypeError);
    expect(() => connect('ws://example.com/', { headers: { Upgrade: 'x' } })).toThrow(TypeError);
    expect(() => connect('ws://example.com/', { protocols: ['a b'] })).toThrow(TypeError);
  });
});

describe('bunDialer', () => {
  it("is @wskit/transport's Dialer: dialWebSocket runs a client over it", async () => {
    const server = serve({ hostname: '127.0.0.1' }, (ws) =>
      ws.on('message', (message) => void ws.send(message)),
    );
    defer(() => server.close());
    const ws = await dialWebSocket(bunDialer, `ws://127.0.0.1:${server.port}/`);
    await ws.send(Uint8Array.of(1, 2, 3));
    expect(await new Promise((resolve) => ws.once('message', resolve))).toEqual(Uint8Array.of(1, 2, 3));
    ws.close(1000);
    await ws.closed;
  });

  // Reported as a hang: the transport pauses the socket when it is built, and building it in `open`
  // (before Bun's TLS handshake completes) would stall TLS. bunDialer builds it in `handshake`.
  it('dials over TLS (secure: true): resolves after the TLS handshake, and the session runs', async () => {
    const server = serve({ hostname: '127.0.0.1', tls: { key: privateKey, cert: certificate } }, (ws) =>
      ws.on('message', (message) => void ws.send(message)),
    );
    defer(() => server.close());
    const transport = await bunDialer({
      host: '127.0.0.1',
      port: server.port,
      secure: true,
      servername: 'localhost',
      tls: { ca: certificate },
    });
    expect(transport.remoteAddress).toBe(`127.0.0.1:${server.port}`);
    transport.abort();

    for (const url of [`wss://localhost:${server.port}/`, `wss://127.0.0.1:${server.port}/`]) {
      const ws = await dialWebSocket(bunDialer, url, { tls: { ca: certificate }, handshakeTimeout: 3000 });
      for (const message of ['over TLS', pattern(300_000, 5)]) {
        const echoed = new Promise((resolve) => ws.once('message', resolve));
        await ws.send(message);
        expect(await echoed).toEqual(message);
      }
      ws.close(1000);
      expect(await ws.closed).toMatchObject({ code: 1000, wasClean: true });
    }

    // An untrusted certificate rejects at once (no hang); rejectUnauthorized: false lets it through.
    const untrusted = await rejection(
      bunDialer({ host: '127.0.0.1', port: server.port, secure: true, servername: 'localhost' }),
    );
    expect(untrusted).toBeInstanceOf(Error);
    const insecure = await dialWebSocket(bunDialer, `wss://127.0.0.1:${server.port}/`, {
      tls: { rejectUnauthorized: false },
      handshakeTimeout: 3000,
    });
    insecure.close(1000);
    await insecure.closed;
  }, 10_000);
});

describe('WebSocket (WHATWG)', () => {
  it('opens, exchanges messages and closes as the standard says', async () => {
    const server = serve({ hostname: '127.0.0.1', protocols: ['chat'] }, (ws) => {
      ws.on('message', (message) => {
        if (message === 'bye') ws.close(4000, 'done');
        else void ws.send(message);
      });
    });
    defer(() => server.close());
    const events: string[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/`, ['chat']);
    ws.binaryType = 'arraybuffer';
    await new Promise<void>((resolve) => {
      ws.onopen = () => {
        events.push(`open ${ws.protocol}`);
        ws.send('hello');
        ws.send(Uint8Array.of(7));
      };
      ws.onmessage = (event) => {
        events.push(
          `message ${typeof event.data === 'string' ? event.data : new Uint8Array(event.data as ArrayBuffer).join()}`,
        );
        if (events.length === 3) ws.send('bye');
      };
      ws.onclose = (event) => {
        events.push(`close ${event.code} ${event.reason} ${event.wasClean}`);
        resolve();
      };
    });
    expect(events).toEqual(['open chat', 'message hello', 'message 7', 'close 4000 done true']);
  });
});
