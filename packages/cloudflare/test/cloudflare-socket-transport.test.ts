/**
 * CloudflareSocketTransport against the port contract, over a socket made of web streams (the shape
 * of `cloudflare:sockets`' socket): `await writer.write()` is the backpressure, reading pauses,
 * end/close/abort, events in order. The same transport runs against real sockets in workerd.
 */
import { type CloudflareSocket, CloudflareSocketTransport } from '@wskit/cloudflare';
import type { TransportHandler } from '@wskit/transport';
import { describe, expect, it } from 'vitest';

function fakeSocket() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const readable = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c;
      },
    },
    { highWaterMark: 0 },
  );
  const written: Uint8Array[] = [];
  const settle: (() => void)[] = [];
  let writerClosed = false;
  const writable = new WritableStream<Uint8Array>({
    write: (chunk) => {
      written.push(chunk);
      return new Promise<void>((resolve) => settle.push(resolve));
    },
    close: () => {
      writerClosed = true;
    },
  });
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let closeCalls = 0;
  const socket: CloudflareSocket = {
    readable,
    writable,
    opened: Promise.resolve({ remoteAddress: '127.0.0.1:9' }),
    closed,
    close: async () => {
      closeCalls++;
      resolveClosed();
    },
    startTls: () => {
      throw new Error('not here');
    },
  };
  return {
    socket,
    written,
    flush: () => {
      for (const resolve of settle.splice(0)) resolve();
    },
    push: (text: string) => controller.enqueue(new TextEncoder().encode(text)),
    endPeer: () => controller.close(),
    get writerClosed() {
      return writerClosed;
    },
    get closeCalls() {
      return closeCalls;
    },
  };
}

function recorder() {
  const events: string[] = [];
  const handler: TransportHandler = {
    onData: (chunk) => events.push(`data:${new TextDecoder().decode(chunk)}`),
    onEnd: () => events.push('end'),
    onDrain: () => events.push('drain'),
    onError: (error) => events.push(`error:${error.message}`),
    onClose: () => events.push('close'),
  };
  return { events, handler };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('CloudflareSocketTransport', () => {
  it('counts bytes until their writes settle, returns false from the mark, then drains', async () => {
    const fake = fakeSocket();
    const transport = new CloudflareSocketTransport(fake.socket, {
      highWaterMark: 100,
      remoteAddress: 'peer:1',
    });
    const { events, handler } = recorder();
    transport.start(handler);
    expect(transport.remoteAddress).toBe('peer:1');
    expect(transport.write([new Uint8Array(60)])).toBe(true);
    // A small header and payload are joined into one stream write.
    expect(transport.write([new Uint8Array(2), new Uint8Array(40)])).toBe(false);
    expect(transport.bufferedAmount).toBe(102);
    await tick();
    expect(events).toEqual([]);
    while (transport.bufferedAmount > 0) {
      fake.flush();
      await tick();
    }
    expect(events).toEqual(['drain']);
    expect(fake.written.map((chunk) => chunk.byteLength)).toEqual([60, 42]);
  });

  it('delivers reads in order, holds them while paused, and reports the end', async () => {
    const fake = fakeSocket();
    const transport = new CloudflareSocketTransport(fake.socket);
    const { events, handler } = recorder();
    transport.start(handler);
    fake.push('a');
    await tick();
    transport.pause();
    fake.push('b');
    await tick();
    expect(events).toEqual(['data:a']);
    transport.resume();
    await tick();
    fake.endPeer();
    await tick();
    expect(events).toEqual(['data:a', 'data:b', 'end']);
  });

  it('end() closes the writer; close() closes the socket once both sides ended', async () => {
    const fake = fakeSocket();
    const transport = new CloudflareSocketTransport(fake.socket);
    const { events, handler } = recorder();
    transport.start(handler);
    transport.close();
    expect(transport.write([new Uint8Array(1)])).toBe(false);
    await tick();
    expect(fake.writerClosed).toBe(true);
    expect(fake.closeCalls).toBe(0);
    fake.endPeer();
    await tick();
    expect(fake.closeCalls).toBe(1);
    expect(events).toEqual(['end', 'close']);
  });

  it('abort() closes the socket at once; close is reported once', async () => {
    const fake = fakeSocket();
    const transport = new CloudflareSocketTransport(fake.socket);
    const { events, handler } = recorder();
    transport.start(handler);
    transport.write([new Uint8Array(10)]);
    transport.abort();
    transport.abort();
    await tick();
    expect(events).toEqual(['close']);
    expect(() => transport.start(handler)).toThrow(TypeError);
  });
});
