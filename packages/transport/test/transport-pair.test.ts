/** The in-memory transport pair keeps the port contract (packages/transport/src/port.ts). */
import { createTransportPair } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';
import { recordingHandler, turn, until } from './helpers.js';

describe('createTransportPair', () => {
  it('delivers bytes in order, in fresh chunks of at most chunkSize', async () => {
    const { client, server } = createTransportPair({ chunkSize: 4 });
    const received = recordingHandler();
    client.start(recordingHandler());
    server.start(received);
    const first = Uint8Array.of(1, 2, 3);
    const second = Uint8Array.of(4, 5, 6, 7, 8, 9);
    expect(client.write([first, second])).toBe(true);
    expect(client.write([Uint8Array.of(10)])).toBe(true);
    expect(client.bufferedAmount).toBe(10);
    expect(received.events).toEqual([]); // never from inside a call
    await until(() => received.bytes().length === 10);
    expect([...received.bytes()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(received.data.every((chunk) => chunk.length <= 4)).toBe(true);
    received.data[0]![0] = 99; // the receiver owns its chunks: the writer's arrays are not shared
    expect(first[0]).toBe(1);
    expect(client.bufferedAmount).toBe(0);
    expect(client.writeCount).toBe(2);
    expect(client.bytesWritten).toBe(10);
  });

  it('delivers what was written before the peer started', async () => {
    const { client, server } = createTransportPair();
    client.start(recordingHandler());
    client.write([Uint8Array.of(1, 2)]);
    await turn();
    const received = recordingHandler();
    server.start(received);
    await until(() => received.data.length === 1);
    expect(() => server.start(received)).toThrow(TypeError);
  });

  it('write returns false from the high-water mark on; drain follows once below it', async () => {
    const { client, server } = createTransportPair({ highWaterMark: 8, chunkSize: 4 });
    const writer = recordingHandler();
    client.start(writer);
    expect(client.write([new Uint8Array(7)])).toBe(true);
    expect(client.write([new Uint8Array(1)])).toBe(false);
    expect(client.write([new Uint8Array(8)])).toBe(false); // writing anyway is allowed: nothing is lost
    expect(client.bufferedAmount).toBe(16);
    const reader = recordingHandler();
    server.start(reader);
    await until(() => writer.events.includes('drain'));
    await until(() => reader.bytes().length === 16);
    expect(writer.events.filter((event) => event === 'drain')).toHaveLength(1);
  });

  it('a paused end receives nothing; the writer buffers; resume delivers', async () => {
    const { client, server } = createTransportPair({ highWaterMark: 4 });
    const writer = recordingHandler();
    const reader = recordingHandler();
    client.start(writer);
    server.start(reader);
    server.pause();
    server.pause(); // idempotent
    expect(server.paused).toBe(true);
    expect(client.write([new Uint8Array(10)])).toBe(false);
    client.end();
    await turn();
    await turn();
    expect(reader.events).toEqual([]);
    expect(client.bufferedAmount).toBe(10);
    server.resume();
    await until(() => reader.events.includes('end'));
    expect(reader.events).toEqual(['data:10', 'end']);
    expect(writer.events).toContain('drain');
  });

  it('end half-closes; once both sides ended both close', async () => {
    const { client, server } = createTransportPair();
    const a = recordingHandler();
    const b = recordingHandler();
    client.start(a);
    server.start(b);
    client.write([Uint8Array.of(1)]);
    client.end();
    expect(client.write([Uint8Array.of(2)])).toBe(false); // ignored after end
    await until(() => b.events.includes('end'));
    expect(a.events).toEqual([]);
    server.write([Uint8Array.of(3)]); // the other direction still works
    server.close();
    await until(() => a.events.includes('close') && b.events.includes('close'));
    expect(a.events).toEqual(['data:1', 'end', 'close']);
    expect(b.events).toEqual(['data:1', 'end', 'close']);
    expect(client.closed && server.closed).toBe(true);
  });

  it('abort drops what is queued: the local end closes, the peer sees an error then close', async () => {
    const { client, server } = createTransportPair();
    const a = recordingHandler();
    const b = recordingHandler();
    client.start(a);
    server.start(b);
    server.pause();
    client.write([new Uint8Array(100)]);
    client.abort(new Error('bye'));
    expect(client.bufferedAmount).toBe(0);
    expect(client.write([Uint8Array.of(1)])).toBe(false);
    await until(() => a.events.includes('close') && b.events.includes('close'));
    expect(a.events).toEqual(['close']);
    expect(b.events).toEqual(['error:The connection was reset by the peer', 'close']);
  });

  it('rejects bad options', () => {
    expect(() => createTransportPair({ chunkSize: 0 })).toThrow(RangeError);
  });
});
