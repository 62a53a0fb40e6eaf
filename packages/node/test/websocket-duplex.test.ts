// createWebSocketStream: a stream.Duplex over a session, for code that pipes. Large payloads both
// ways through pipeline, backpressure from a reader that does not read, end → close, errors.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { connect, createServer, createWebSocketStream, type WebSocketSession } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import { defer, until, untilSteady } from './helpers.js';

/** `total` bytes of a pattern, in `chunk`-byte pieces, as a Readable; and their SHA-256. */
function pattern(total: number, chunk: number): { source: () => Readable; digest: string } {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < total; offset += chunk) {
    const piece = Buffer.alloc(Math.min(chunk, total - offset));
    for (let index = 0; index < piece.length; index++) piece[index] = (offset + index) % 251;
    pieces.push(piece);
  }
  const hash = createHash('sha256');
  for (const piece of pieces) hash.update(piece);
  return { source: () => Readable.from(pieces), digest: hash.digest('hex') };
}

/** A Writable that hashes what it gets and counts it. */
function hashSink(): { sink: Writable; digest: () => string; bytes: () => number } {
  const hash = createHash('sha256');
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback();
    },
  });
  return { sink, digest: () => hash.digest('hex'), bytes: () => bytes };
}

async function pair(options: Parameters<typeof createServer>[0] = {}) {
  const sessions: WebSocketSession[] = [];
  const server = createServer({ port: 0, host: '127.0.0.1', ...options }, (ws) => sessions.push(ws));
  defer(() => server.close());
  await once(server, 'listening');
  const client = await connect(`ws://127.0.0.1:${server.port}/`);
  defer(() => client.terminate());
  await until(() => sessions.length === 1);
  return { client, server: sessions[0]! };
}

describe('createWebSocketStream', () => {
  it('pipes 24 MiB each way through an echoing server, every byte intact', async () => {
    const { client, server } = await pair();
    // The server echoes through a Duplex of its own: pipe it into itself.
    const serverStream = createWebSocketStream(server);
    serverStream.pipe(serverStream);
    const total = 24 * 1024 * 1024;
    const { source, digest } = pattern(total, 100_000);
    const clientStream = createWebSocketStream(client);
    const { sink, digest: received, bytes } = hashSink();
    const reading = pipeline(clientStream, sink);
    // Not ended by the source: echoes still in flight when the client closes would be lost.
    source().pipe(clientStream, { end: false });
    await until(() => bytes() === total, 50_000);
    // end() closes the WebSocket (an empty close frame: 1005 on the server); the readable side ends.
    clientStream.end();
    await reading;
    expect(bytes()).toBe(total);
    expect(received()).toBe(digest);
    expect((await client.closed).wasClean).toBe(true);
    expect((await server.closed).code).toBe(1005);
  }, 60_000);

  it('pushes back on the peer while the readable side is not read, and resumes when it is', async () => {
    const { client, server } = await pair({ highWaterMark: 16 * 1024 });
    const stream = createWebSocketStream(client);
    const count = 512;
    const size = 64 * 1024; // 32 MiB: more than every socket buffer on the way holds
    let sent = 0;
    const sending = (async () => {
      for (; sent < count; sent++) await server.send(new Uint8Array(size).fill(sent & 0xff));
      server.close(1000);
    })();
    // Nobody reads the Duplex: its buffer fills, the session stops reading, the server stalls.
    await untilSteady(() => sent);
    expect(client.isPaused).toBe(true);
    expect(server.needsDrain).toBe(true);
    expect(sent).toBeLessThan(count);
    const { sink, bytes } = hashSink();
    await pipeline(stream, sink);
    await sending;
    expect(bytes()).toBe(count * size);
  }, 60_000);

  it('delivers text messages as their UTF-8 bytes, or as strings with readableObjectMode', async () => {
    const { client, server } = await pair();
    const bytes = createWebSocketStream(client);
    void server.send('héllo');
    const [chunk] = (await once(bytes, 'data')) as [Buffer];
    expect(Buffer.isBuffer(chunk) && chunk.toString('utf8')).toBe('héllo');
    const other = await pair();
    const objects = createWebSocketStream(other.client, { readableObjectMode: true });
    void other.server.send('text');
    void other.server.send(new Uint8Array([1, 2]));
    const received: unknown[] = [];
    objects.on('data', (message) => received.push(message));
    await until(() => received.length === 2);
    expect(received[0]).toBe('text');
    expect(Buffer.isBuffer(received[1]) && [...(received[1] as Buffer)]).toEqual([1, 2]);
    bytes.destroy();
    objects.destroy();
  });

  it('is destroyed with the error when the connection fails, and destroy() terminates the WebSocket', async () => {
    const { client, server } = await pair();
    const stream = createWebSocketStream(client);
    stream.resume();
    server.terminate();
    const [error] = (await once(stream, 'error')) as [Error];
    expect(error).toBeInstanceOf(Error);
    expect(stream.destroyed).toBe(true);
    const other = await pair();
    const second = createWebSocketStream(other.client);
    second.destroy();
    await once(second, 'close');
    expect((await other.client.closed).code).toBe(1006);
    expect(() => createWebSocketStream({} as WebSocketSession)).toThrow(TypeError);
  });

  it('ends the readable side when the peer closes cleanly', async () => {
    const { client, server } = await pair();
    const stream = createWebSocketStream(client);
    void server.send('last');
    server.close(1000);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('last');
  });
});
