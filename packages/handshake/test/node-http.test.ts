/// <reference types="node" />
// The README's examples, run for real: the handshake alone behind node:http's `upgrade` event and
// behind a raw socket, against our client and against the runtime's own WebSocket client.
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net';
import {
  acceptServerHandshake,
  createClientHandshake,
  HeaderList,
  HeadParser,
  type RequestHead,
  rejectHandshake,
} from '@wskit/handshake';
import { afterEach, describe, expect, it } from 'vitest';

/** An unmasked server-to-client text frame (RFC 6455 §5.2), payload under 126 bytes. */
function textFrame(text: string): Uint8Array {
  const payload = new TextEncoder().encode(text);
  return Uint8Array.of(0x81, payload.length, ...payload);
}

/** The text of a masked client-to-server frame, payload under 126 bytes. */
function readMaskedText(frame: Uint8Array): string {
  const length = frame[1]! & 0x7f;
  const mask = frame.subarray(2, 6);
  const payload = frame.slice(6, 6 + length).map((byte, i) => byte ^ mask[i % 4]!);
  return new TextDecoder().decode(payload);
}

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** Runs our client over a raw TCP socket; resolves with the validation result and the early bytes. */
async function runClient(port: number, options: { protocols?: string[]; path?: string } = {}) {
  const client = createClientHandshake({
    host: `127.0.0.1:${port}`,
    path: options.path ?? '/chat',
    protocols: options.protocols,
  });
  const socket = connect(port, '127.0.0.1');
  closers.push(() => socket.destroy());
  await once(socket, 'connect');
  socket.write(client.request.bytes);
  const parser = new HeadParser('response');
  for await (const chunk of socket as AsyncIterable<Buffer>) {
    const parsed = parser.write(chunk);
    if (!parsed.done) continue;
    if (!parsed.ok) throw parsed.error;
    return { result: client.validateResponse(parsed.head), early: Buffer.from(parsed.rest) };
  }
  throw new Error('connection closed before the response head');
}

describe('behind node:http (upgrade event)', () => {
  async function startServer() {
    const server = createHttpServer((_request, response) => response.writeHead(426).end());
    server.on('upgrade', (req, socket: Socket, head: Buffer) => {
      const request: RequestHead = {
        method: req.method ?? '',
        target: req.url ?? '',
        version: req.httpVersion,
        headers: HeaderList.fromRawHeaders(req.rawHeaders),
      };
      if (request.headers.get('origin') === 'https://evil.example') {
        socket.end(rejectHandshake(403).bytes);
        return;
      }
      const result = acceptServerHandshake(request, { protocols: ['chat'] });
      if (!result.ok) {
        socket.end(result.response.bytes);
        return;
      }
      // The 101 and a first frame in one write: the client must not lose the frame.
      // `head` holds any frames the client sent early: hand them to the frame decoder.
      socket.write(Buffer.concat([result.response.bytes, textFrame(`welcome ${result.protocol}`)]));
      void head;
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => server.close());
    return (server.address() as AddressInfo).port;
  }

  it('completes a handshake with our client and hands on the early frame', async () => {
    const port = await startServer();
    const { result, early } = await runClient(port, { protocols: ['chat', 'other'] });
    expect(result).toMatchObject({ ok: true, protocol: 'chat' });
    expect(Buffer.from(early)).toEqual(Buffer.from(textFrame('welcome chat')));
  });

  it('sends a rejection the client can read', async () => {
    const port = await startServer();
    const client = createClientHandshake({ host: `127.0.0.1:${port}`, origin: 'https://evil.example' });
    const socket = connect(port, '127.0.0.1');
    closers.push(() => socket.destroy());
    await once(socket, 'connect');
    socket.write(client.request.bytes);
    const parser = new HeadParser('response');
    let status = 0;
    for await (const chunk of socket as AsyncIterable<Buffer>) {
      const parsed = parser.write(chunk);
      if (parsed.done && parsed.ok) {
        const result = client.validateResponse(parsed.head);
        status = result.response.status;
        expect(!result.ok && result.error.code).toBe('WS_HANDSHAKE_ERR_UNEXPECTED_STATUS');
        break;
      }
    }
    expect(status).toBe(403);
  });
});

describe('behind a raw socket', () => {
  async function startServer() {
    const received: string[] = [];
    const server = createNetServer((socket) => {
      const parser = new HeadParser('request');
      let upgraded = false;
      socket.on('data', (chunk: Buffer) => {
        if (upgraded) {
          received.push(readMaskedText(chunk));
          return;
        }
        const parsed = parser.write(chunk);
        if (!parsed.done) return;
        if (!parsed.ok) {
          socket.end(rejectHandshake(parsed.error).bytes);
          return;
        }
        const result = acceptServerHandshake(parsed.head, { protocols: ['chat'] });
        socket.write(result.response.bytes);
        if (!result.ok) {
          socket.end();
          return;
        }
        upgraded = true;
        socket.write(textFrame('welcome'));
        if (parsed.rest.length > 0) received.push(readMaskedText(parsed.rest));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => server.close());
    return { port: (server.address() as AddressInfo).port, received };
  }

  const WebSocketClient = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;

  it.skipIf(WebSocketClient === undefined)(
    'completes a handshake with the runtime’s WebSocket client',
    async () => {
      const { port, received } = await startServer();
      const socket = new WebSocketClient!(`ws://127.0.0.1:${port}/chat`, ['other', 'chat']);
      closers.push(() => socket.close());
      const message = new Promise<string>((resolve, reject) => {
        socket.onmessage = (event) => resolve(String(event.data));
        socket.onerror = () => reject(new Error('WebSocket error'));
      });
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = () => reject(new Error('WebSocket failed to open'));
      });
      expect(socket.protocol).toBe('chat');
      expect(await message).toBe('welcome');
      socket.send('hello');
      for (let i = 0; i < 100 && received.length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(received).toEqual(['hello']);
    },
  );

  it('answers a request split into single bytes, and a bad request with its status', async () => {
    const { port } = await startServer();
    const client = createClientHandshake({ host: `127.0.0.1:${port}`, protocols: ['chat'] });
    const socket = connect(port, '127.0.0.1');
    closers.push(() => socket.destroy());
    await once(socket, 'connect');
    socket.setNoDelay(true);
    for (const byte of client.request.bytes) socket.write(Uint8Array.of(byte));
    const parser = new HeadParser('response');
    for await (const chunk of socket as AsyncIterable<Buffer>) {
      const parsed = parser.write(chunk);
      if (!parsed.done) continue;
      expect(parsed.ok && client.validateResponse(parsed.head).ok).toBe(true);
      break;
    }

    const bad = connect(port, '127.0.0.1');
    closers.push(() => bad.destroy());
    await once(bad, 'connect');
    bad.write(
      'GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\n\r\n',
    );
    const chunks: Buffer[] = [];
    for await (const chunk of bad as AsyncIterable<Buffer>) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('latin1');
    expect(text.startsWith('HTTP/1.1 426 Upgrade Required\r\n')).toBe(true);
    expect(text).toContain('\r\nSec-WebSocket-Version: 13\r\n');
  });
});
