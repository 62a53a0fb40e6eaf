// permessage-deflate in @wskit/node: the `perMessageDeflate` option of connect, the WHATWG class and
// WebSocketServer (off by default on both sides), negotiation over real sockets, refusing a server
// that answers what was not offered, the inflation limit, and a long compressed run.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  connect,
  createServer,
  isHandshakeFailedError,
  WebSocket,
  WebSocketServer,
  type WebSocketServerOptions,
  type WebSocketServerRequest,
  type WebSocketSession,
} from '@wskit/node';
import { describe, expect, it } from 'vitest';
import { WebSocket as WsClient } from 'ws';
import { defer, upgradeServer } from './helpers.js';
import { expectSameBytes, MiB, patternBytes, patternText } from './interop-helpers.js';

/** An echo server on loopback with `options`; records each upgrade request and its TCP socket. */
async function startServer(options: WebSocketServerOptions = {}) {
  const requests: WebSocketServerRequest[] = [];
  const sockets: Socket[] = [];
  const server = createServer({ port: 0, host: '127.0.0.1', ...options }, (ws, request) => {
    requests.push(request);
    sockets.push(request.socket);
    ws.on('message', (data) => void ws.send(data));
  });
  defer(() => server.close());
  await once(server, 'listening');
  return { server, url: `ws://127.0.0.1:${server.port}`, requests, sockets };
}

async function open(url: string, options: Parameters<typeof connect>[1] = {}): Promise<WebSocketSession> {
  const ws = await connect(url, options);
  defer(() => ws.terminate());
  return ws;
}

function nextMessage(ws: WebSocketSession): Promise<string | Uint8Array> {
  return new Promise((resolve) => ws.once('message', resolve));
}

/** A full garbage collection through V8's flag. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Heap and off-heap bytes in use after a full collection. */
async function memoryInUse(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 10));
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

describe('perMessageDeflate', () => {
  it('is offered by the client and declined by the server by default', async () => {
    const plain = await startServer();
    // The client offers nothing with perMessageDeflate: false.
    const offered = await open(plain.url, { perMessageDeflate: false });
    expect(plain.requests[0]!.headers['sec-websocket-extensions']).toBeUndefined();
    expect(offered.extensions).toBe('');
    // By default it offers (as browsers, ws and undici do); the server declines an offer by
    // default: the connection runs uncompressed.
    const client = await open(plain.url);
    expect(plain.requests[1]!.headers['sec-websocket-extensions']).toBe(
      'permessage-deflate; client_max_window_bits',
    );
    expect(client.extensions).toBe('');
    const text = patternText(64 * 1024);
    void client.send(text);
    expect(await nextMessage(client)).toBe(text);
    expect(plain.sockets[1]!.bytesRead).toBeGreaterThan(64 * 1024);
  });

  it('compresses both ways between our client and our server', async () => {
    const { url, sockets } = await startServer({ perMessageDeflate: true });
    const ws = await open(url, { perMessageDeflate: true });
    expect(ws.extensions).toBe('permessage-deflate');
    const bytes = patternBytes(MiB, 1);
    void ws.send(bytes);
    expectSameBytes(await nextMessage(ws), bytes, '1 MiB binary');
    const text = patternText(MiB);
    void ws.send(text);
    expect((await nextMessage(ws)) === text).toBe(true);
    expect(sockets[0]!.bytesRead).toBeLessThan(64 * 1024);
    expect(sockets[0]!.bytesWritten).toBeLessThan(64 * 1024);
    // The per-message opt-out: sent as it is.
    const before = sockets[0]!.bytesRead;
    void ws.send(bytes, { compress: false });
    expectSameBytes(await nextMessage(ws), bytes, '1 MiB binary, uncompressed');
    expect(sockets[0]!.bytesRead - before).toBeGreaterThan(MiB);
    ws.close(1000);
    expect(await ws.closed).toEqual({ code: 1000, reason: '', wasClean: true });
  });

  it('negotiates the options of both sides', async () => {
    const { url } = await startServer({
      perMessageDeflate: { clientNoContextTakeover: true, clientMaxWindowBits: 12, serverMaxWindowBits: 14 },
    });
    const ws = await open(url, {
      perMessageDeflate: { serverNoContextTakeover: true, serverMaxWindowBits: 11 },
    });
    expect(ws.extensions).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=11; client_max_window_bits=12',
    );
    for (let round = 0; round < 3; round++) {
      const bytes = patternBytes(300 * 1024, round);
      void ws.send(bytes);
      expectSameBytes(await nextMessage(ws), bytes, `round ${round}`);
    }
  });

  it('works through the WHATWG WebSocket class', async () => {
    const { url, sockets } = await startServer({ perMessageDeflate: true });
    const ws = new WebSocket(url, [], { perMessageDeflate: true });
    defer(() => ws.close());
    ws.binaryType = 'arraybuffer';
    await once(ws, 'open');
    expect(ws.extensions).toBe('permessage-deflate');
    const received = new Promise<{ data: unknown }>((resolve) => {
      ws.onmessage = (event) => resolve(event);
    });
    const bytes = Buffer.from(patternBytes(256 * 1024, 4));
    ws.send(bytes);
    bytes.fill(0); // send() copied it
    const { data } = await received;
    expectSameBytes(new Uint8Array(data as ArrayBuffer), patternBytes(256 * 1024, 4), '256 KiB');
    expect(sockets[0]!.bytesRead).toBeLessThan(16 * 1024);
  });

  it('refuses bad options at once', () => {
    expect(() => connect('ws://127.0.0.1:1', { perMessageDeflate: 'yes' as never })).toThrow(TypeError);
    expect(() => connect('ws://127.0.0.1:1', { perMessageDeflate: { serverMaxWindowBits: 16 } })).toThrow(
      RangeError,
    );
    expect(() => new WebSocketServer({ perMessageDeflate: 1 as never })).toThrow(
      /perMessageDeflate must be true, false or an options object/,
    );
    expect(() => new WebSocketServer({ perMessageDeflate: { clientMaxWindowBits: 7 } })).toThrow(RangeError);
  });

  it('fails the handshake when the server answers parameters that were not offered', async () => {
    const peer = await upgradeServer((request, socket) => {
      const accept = createHash('sha1')
        .update(`${request.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
        .digest('base64');
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Accept: ${accept}\r\n` +
          'Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=15\r\n\r\n',
      );
    });
    const error = await connect(peer.url, { perMessageDeflate: { serverMaxWindowBits: 10 } }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(isHandshakeFailedError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'WS_HANDSHAKE_ERR_UNEXPECTED_EXTENSION' });
    expect((error as Error).message).toMatch(/server_max_window_bits=15 is larger than the 10 offered/);
  });

  it('closes with 1009 when a message inflates past maxMessageSize', async () => {
    const { url } = await startServer({ perMessageDeflate: true, maxMessageSize: MiB });
    const ws = new WsClient(url, { perMessageDeflate: true });
    defer(() => ws.terminate());
    await once(ws, 'open');
    const closed = once(ws, 'close');
    ws.send(new Uint8Array(64 * MiB)); // zeros: about 64 KiB on the wire
    const [code] = await closed;
    expect(code).toBe(1009);
  });

  it('stays flat over 5 000 compressed messages on one connection', async () => {
    // One way (the server inflates and counts, acknowledging each batch with a short message that
    // stays under the threshold) keeps this to a few seconds: each message is a zlib step on each
    // side, a thread-pool round trip of 50 µs or more on a loaded machine. The in-memory variant
    // (100 000 messages, both ways) is @wskit/permessage-deflate's memory test.
    const batch = 1_000;
    let received = 0;
    let wrong = 0;
    const server = createServer({ port: 0, host: '127.0.0.1', perMessageDeflate: true }, (ws) => {
      ws.on('message', (message) => {
        if (message !== `message ${received} ${'payload '.repeat(128 + (received % 64))}`) wrong++;
        received++;
        if (received % batch === 0) void ws.send(`ack ${received}`);
      });
    });
    defer(() => server.close());
    await once(server, 'listening');
    const ws = await open(`ws://127.0.0.1:${server.port}`, { perMessageDeflate: true });
    const acks: string[] = [];
    ws.on('message', (message) => acks.push(message as string));
    let sent = 0;
    const run = async (count: number) => {
      for (const end = sent + count; sent < end; ) {
        const until = sent + batch;
        for (; sent < until; sent++) void ws.send(`message ${sent} ${'payload '.repeat(128 + (sent % 64))}`);
        await expect.poll(() => acks.at(-1), { interval: 1, timeout: 20_000 }).toBe(`ack ${until}`);
      }
    };
    await run(1_000); // warm up: zlib streams, JIT, pools
    const before = await memoryInUse();
    await run(4_000);
    const after = await memoryInUse();
    if (process.env.WSKIT_PRINT_MEMORY) console.log('memory growth', after - before);
    expect(received).toBe(5_000);
    expect(wrong).toBe(0);
    expect(ws.bufferedAmount).toBe(0);
    // A leak of 256 bytes a message would show as 1 MB; a retained zlib chunk as tens of MB.
    expect(after - before).toBeLessThan(MiB);
  }, 40_000);
});
