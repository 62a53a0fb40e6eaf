// BunSocketTransport against the port contract, over real Bun sockets: Bun's partial writes are kept
// and resumed on drain (nothing lost, memory bounded by the high-water mark for a writer that
// waits), reads are handed over, pause pushes back through TCP, half-close, abort.
import { describe, expect, it } from 'bun:test';
import { type BunSocket, BunSocketTransport } from '@wskit/bun';
import type { TransportHandler } from '@wskit/transport';
import type { SocketHandler } from 'bun';
import { defer, pattern, until } from './helpers.js';

/** A handler that records events and received bytes. */
function recorder() {
  const events: string[] = [];
  const chunks: Uint8Array[] = [];
  let received = 0;
  const handler: TransportHandler = {
    onData: (chunk) => {
      chunks.push(chunk);
      received += chunk.byteLength;
    },
    onEnd: () => events.push('end'),
    onDrain: () => events.push('drain'),
    onError: (error) => events.push(`error:${(error as { code?: string }).code ?? error.message}`),
    onClose: () => events.push('close'),
  };
  return {
    handler,
    events,
    chunks,
    get received() {
      return received;
    },
    bytes() {
      const all = new Uint8Array(received);
      let offset = 0;
      for (const chunk of chunks) {
        all.set(chunk, offset);
        offset += chunk.byteLength;
      }
      return all;
    },
  };
}

/** BunSocketTransport's handlers, with `open` wrapping the socket, typed for Bun.listen/connect. */
function routed(open: (socket: BunSocket) => void): SocketHandler {
  return { ...BunSocketTransport.handlers, open } as unknown as SocketHandler;
}

/** Two connected BunSocketTransports (not started) over loopback. */
async function transportPair(options: { highWaterMark?: number } = {}) {
  let accept!: (transport: BunSocketTransport) => void;
  const accepted = new Promise<BunSocketTransport>((resolve) => {
    accept = resolve;
  });
  const listener = Bun.listen({
    hostname: '127.0.0.1',
    port: 0,
    allowHalfOpen: true,
    socket: routed((socket) => accept(new BunSocketTransport(socket, options))),
  });
  defer(() => listener.stop(true));
  let client!: BunSocketTransport;
  await Bun.connect({
    hostname: '127.0.0.1',
    port: listener.port,
    allowHalfOpen: true,
    socket: routed((socket) => {
      client = new BunSocketTransport(socket, options);
    }),
  });
  const server = await accepted;
  defer(() => {
    client.abort();
    server.abort();
  });
  return { client, server };
}

/** A connected pair, both started: `writer` records the client's events, `reader` the server's. */
async function startedPair() {
  const { client, server } = await transportPair();
  const writer = recorder();
  const reader = recorder();
  client.start(writer.handler);
  server.start(reader.handler);
  return { client, server, writer, reader };
}

describe('BunSocketTransport', () => {
  it('keeps what a partial write leaves, resumes on drain, and loses nothing (64 MiB through a paused reader)', async () => {
    const { client, server, writer, reader } = await startedPair();
    server.pause();
    setTimeout(() => server.resume(), 200); // the kernel's buffers fill first, then Bun writes partially
    const total = 64 * 1024 * 1024;
    const piece = 1024 * 1024;
    let written = 0;
    let peak = 0;
    let refusals = 0;
    // A writer that waits for drain, as the session driver does.
    while (written < total) {
      const ok = client.write([pattern(16, written), pattern(piece - 16, written + 16)]);
      written += piece;
      peak = Math.max(peak, client.bufferedAmount);
      if (!ok) {
        refusals++;
        expect(client.bufferedAmount).toBeGreaterThanOrEqual(client.highWaterMark);
        const drains = writer.events.filter((event) => event === 'drain').length;
        await until(() => writer.events.filter((event) => event === 'drain').length > drains, 10_000);
      }
    }
    expect(refusals).toBeGreaterThan(0);
    // Bounded: at most one write's worth above the mark.
    expect(peak).toBeLessThanOrEqual(client.highWaterMark + piece);
    await until(() => reader.received === total, 20_000);
    let offset = 0;
    for (const chunk of reader.chunks) {
      for (let index = 0; index < chunk.byteLength; index += 4099) {
        const position = offset + index;
        const base = position - (position % piece);
        const expected =
          position % piece < 16
            ? ((position % piece) * 31 + base) & 0xff
            : (((position % piece) - 16) * 31 + base + 16) & 0xff;
        if (chunk[index] !== expected) throw new Error(`byte ${position} differs`);
      }
      offset += chunk.byteLength;
    }
    expect(client.bufferedAmount).toBe(0);
  }, 30_000);

  it('lends one scratch buffer at a time; a write carrying it frees it, keeping a copy of what the kernel did not take', async () => {
    const { client, server, reader } = await startedPair();
    expect(client.frameScratch(1024 * 1024 + 17)).toBeUndefined(); // over the limit: allocate as usual
    const first = client.frameScratch(256 * 1024)!;
    expect(first.length).toBe(256 * 1024);
    expect(client.frameScratch(1024)).toBeUndefined(); // lent until a write carries it
    // A write without the lent bytes leaves it lent.
    client.write([pattern(8, 7)]);
    expect(client.frameScratch(1024)).toBeUndefined();
    // The reader is paused: the kernel takes part of what follows, the transport keeps the rest.
    server.pause();
    const frames: Uint8Array[] = [];
    let lent = first;
    for (let index = 0; index < 64; index++) {
      lent.set(pattern(lent.length, index));
      frames.push(pattern(lent.length, index));
      client.write([lent]);
      const next = client.frameScratch(256 * 1024);
      expect(next).toBeDefined(); // free again once the write returned
      expect(next!.buffer).toBe(first.buffer); // the same buffer, reused
      lent = next!;
    }
    expect(client.bufferedAmount).toBeGreaterThan(0); // some of it was kept (copied)
    server.resume();
    const total = 8 + 64 * 256 * 1024;
    await until(() => reader.received === total, 20_000);
    const bytes = reader.bytes();
    expect([...bytes.subarray(0, 8)]).toEqual([...pattern(8, 7)]);
    for (const [index, frame] of frames.entries()) {
      const at = 8 + index * frame.length;
      if (!bytes.subarray(at, at + frame.length).every((byte, offset) => byte === frame[offset])) {
        throw new Error(`frame ${index} arrived changed: the lent buffer was reused before it was written`);
      }
    }
    // The last one lent was never written: losing its borrower frees it.
    expect(client.frameScratch(1024)).toBeUndefined();
    client.abort();
    const other = server.frameScratch(1024);
    expect(other?.buffer).toBe(first.buffer);
    server.write([other!]);
  }, 30_000);

  it('gathers small chunks, tops off before large ones, and resumes partial writes mid-chunk in order', async () => {
    const { client, server, writer, reader } = await startedPair();
    server.pause();
    setTimeout(() => server.resume(), 200);
    // Headers, small and large payloads, empty chunks, runs larger than the gathering buffer.
    const sizes = [2, 10, 0, 70_000, 3, 65_536, 1, 300_000, 14, 1000, 1000, 1000, 65_537, 4, 200_000];
    const expected: Uint8Array[] = [];
    let total = 0;
    let seed = 0;
    while (total < 24 * 1024 * 1024) {
      const chunks = sizes.map((size) => pattern(size, seed++));
      for (const chunk of chunks) expected.push(chunk);
      total += chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
      if (!client.write(chunks)) {
        const drains = writer.events.filter((event) => event === 'drain').length;
        await until(() => writer.events.filter((event) => event === 'drain').length > drains, 10_000);
      }
    }
    await until(() => reader.received === total, 20_000);
    const sent = new Uint8Array(total);
    let offset = 0;
    for (const chunk of expected) {
      sent.set(chunk, offset);
      offset += chunk.byteLength;
    }
    expect(Buffer.compare(reader.bytes(), sent)).toBe(0);
    expect(client.bufferedAmount).toBe(0);
    // Bun hands the data over as plain Uint8Arrays (binaryType), not Buffers.
    expect(reader.chunks.every((chunk) => chunk.constructor === Uint8Array)).toBe(true);
  }, 30_000);

  it('returns false from the high-water mark on and drains below it', async () => {
    const { client, server } = await transportPair({ highWaterMark: 1024 });
    const writer = recorder();
    client.start(writer.handler);
    server.start(recorder().handler);
    server.pause();
    let ok = true;
    let count = 0;
    while (ok && count < 10_000) {
      ok = client.write([pattern(64 * 1024)]);
      count++;
    }
    expect(ok).toBe(false);
    expect(client.bufferedAmount).toBeGreaterThan(1024);
    server.resume();
    await until(() => writer.events.includes('drain'));
    expect(client.bufferedAmount).toBeLessThan(1024);
  });

  it('half-closes with end(): the peer sees the end and can still write back', async () => {
    const { client, server, writer: clientEvents, reader: serverEvents } = await startedPair();
    client.write([new TextEncoder().encode('last words')]);
    client.end();
    expect(client.write([new Uint8Array(1)])).toBe(false);
    await until(() => serverEvents.events.includes('end'));
    expect(new TextDecoder().decode(serverEvents.bytes())).toBe('last words');
    server.write([new TextEncoder().encode('answer')]);
    server.close();
    await until(() => clientEvents.events.includes('close') && serverEvents.events.includes('close'));
    expect(new TextDecoder().decode(clientEvents.bytes())).toBe('answer');
    expect(serverEvents.events.at(-1)).toBe('close');
  });

  it('abort() resets the connection; the peer sees an error, then close', async () => {
    const { client, writer: clientEvents, reader: serverEvents } = await startedPair();
    client.write([pattern(1000)]);
    client.abort();
    await until(() => serverEvents.events.includes('close') && clientEvents.events.includes('close'));
    expect(serverEvents.events.at(-1)).toBe('close');
    expect(clientEvents.events).toEqual(['close']);
  });

  it('delivers nothing before start, then what came meanwhile; start twice throws', async () => {
    const { client, server } = await transportPair();
    client.start(recorder().handler);
    client.write([new TextEncoder().encode('early')]);
    await Bun.sleep(20);
    const late = recorder();
    server.start(late.handler);
    expect(late.events).toEqual([]);
    await until(() => late.received === 5);
    expect(() => server.start(late.handler)).toThrow(TypeError);
    expect(server.remoteAddress).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('hands an exception from onData to onError, as Bun does, and still delivers what follows in order', async () => {
    const { client, server } = await transportPair();
    client.start(recorder().handler);
    const seen = recorder();
    let thrown = false;
    server.start({
      ...seen.handler,
      onData(chunk) {
        seen.handler.onData(chunk);
        if (!thrown) {
          thrown = true;
          throw new Error('boom');
        }
      },
    });
    client.write([new TextEncoder().encode('first')]);
    await until(() => seen.events.includes('error:boom'));
    client.write([new TextEncoder().encode(' then more')]);
    client.end();
    await until(() => seen.events.includes('end'));
    expect(new TextDecoder().decode(seen.bytes())).toBe('first then more');
    expect(seen.events).toEqual(['error:boom', 'end']);
  });

  it('delivers the reads of many sockets, each in order, and their ends after their data', async () => {
    const pairs = await Promise.all(Array.from({ length: 8 }, () => transportPair()));
    const seen = pairs.map(({ client, server }) => {
      client.start(recorder().handler);
      const events = recorder();
      server.start(events.handler);
      return events;
    });
    for (let round = 0; round < 20; round++) {
      for (const [index, { client }] of pairs.entries()) client.write([pattern(3000, index + round)]);
      await Bun.sleep(0);
    }
    for (const { client } of pairs) client.end();
    await until(() => seen.every((events) => events.events.includes('end')));
    for (const [index, events] of seen.entries()) {
      const expected = new Uint8Array(20 * 3000);
      for (let round = 0; round < 20; round++) expected.set(pattern(3000, index + round), round * 3000);
      expect(events.bytes()).toEqual(expected);
      expect(events.events).toEqual(['end']);
    }
  });
});
