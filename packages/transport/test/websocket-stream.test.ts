/**
 * WebSocketStream's backpressure and WebSocket's pause/resume/ref/unref, over in-memory pairs whose
 * two ends the test holds (the WHATWG cases in standard-cases.test.ts check the rest).
 */
import {
  openWebSocket,
  StandardWebSocketError,
  type Transport,
  type WebSocket,
  WebSocketStream,
} from '@wskit/transport';
import { createTransportPair, createWebSocketPair, type WebSocketPair } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';
import { turn, until } from './helpers.js';

/** A WebSocketStream over one in-memory pair, and the pair (its server side is the test's). */
function streamOverPair(): { wss: WebSocketStream; pair: Promise<WebSocketPair> } {
  let resolve!: (pair: WebSocketPair) => void;
  const pair = new Promise<WebSocketPair>((onResolve) => {
    resolve = onResolve;
  });
  const wss = new WebSocketStream('ws://memory.invalid/', undefined, {
    connect: async () => {
      const created = createWebSocketPair({
        transport: { highWaterMark: 1024, chunkSize: 1024 },
        server: { highWaterMark: 1024 },
      });
      resolve(created);
      return created.client;
    },
  });
  return { wss, pair };
}

describe('WebSocketStream backpressure', () => {
  it('stops reading from the transport while the app does not read, and resumes on pull', async () => {
    const { wss, pair } = streamOverPair();
    const { readable } = await wss.opened;
    const { server, transports } = await pair;
    const size = 4096;
    const count = 64;
    let sent = 0;
    const sending = (async () => {
      for (; sent < count; sent++) await server.send(new Uint8Array(size).fill(sent));
    })();
    // Nobody reads: the client transport pauses and the server's sends stall behind it.
    await until(() => transports.client.paused && server.needsDrain);
    expect(sent).toBeLessThan(count);
    const stalledAt = sent;
    await turn();
    expect(sent).toBe(stalledAt);
    // Reading releases it: every message arrives, in order.
    const reader = readable.getReader();
    for (let index = 0; index < count; index++) {
      const { value } = await reader.read();
      expect(value).toBeInstanceOf(Uint8Array);
      expect((value as Uint8Array)[0]).toBe(index);
      expect((value as Uint8Array).length).toBe(size);
    }
    await sending;
    wss.close();
    await wss.closed;
  });

  it('settles a write once the message was handed to the transport, not before', async () => {
    const { wss, pair } = streamOverPair();
    const { writable } = await wss.opened;
    const { server, transports } = await pair;
    server.pause(); // the peer reads nothing
    const writer = writable.getWriter();
    let written = 0;
    const writing = (async () => {
      for (let index = 0; index < 64; index++) {
        await writer.ready;
        await writer.write(new Uint8Array(4096));
        written++;
      }
    })();
    await until(
      () => transports.server.paused && transports.client.bufferedAmount >= 1024 && writer.desiredSize === 0,
    );
    const stalledAt = written;
    expect(stalledAt).toBeLessThan(64);
    await turn();
    expect(written).toBe(stalledAt);
    let received = 0;
    server.on('message', () => received++);
    server.resume();
    await writing;
    await until(() => received === 64);
    await writer.close();
    expect((await wss.closed).closeCode).toBe(1005);
  });

  it('closes with the code and reason of a WebSocketError given to writable.abort()', async () => {
    const { wss, pair } = streamOverPair();
    const { writable } = await wss.opened;
    const { server } = await pair;
    await writable.abort(new StandardWebSocketError('leaving', { closeCode: 4321, reason: 'bye' }));
    expect(await server.closed).toEqual({ code: 4321, reason: 'bye', wasClean: true });
    await wss.closed;
  });

  it('rejects opened when the connector fails, with the failure as cause', async () => {
    const failure = new Error('ECONNREFUSED');
    const wss = new WebSocketStream('ws://memory.invalid/', {}, { connect: () => Promise.reject(failure) });
    const error = await wss.opened.catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(StandardWebSocketError);
    expect((error as Error).name).toBe('WebSocketError');
    expect((error as Error).message).toBe('ECONNREFUSED');
    expect((error as { cause?: unknown }).cause).toBe(failure);
    await expect(wss.closed).rejects.toMatchObject({ closeCode: 1006 });
  });

  it('validates StandardWebSocketError as the standard says', () => {
    const error = new StandardWebSocketError('m', { reason: 'r' });
    expect([error.name, error.message, error.closeCode, error.reason]).toEqual([
      'WebSocketError',
      'm',
      1000,
      'r',
    ]);
    expect(error).toBeInstanceOf(DOMException);
    expect(new StandardWebSocketError().closeCode).toBeNull();
    expect(() => new StandardWebSocketError('', { closeCode: 1006 })).toThrow(
      expect.objectContaining({ name: 'InvalidAccessError' }),
    );
  });

  it('needs a connector', () => {
    expect(() => new WebSocketStream('ws://x/')).toThrow(TypeError);
  });
});

describe('WebSocket pause, resume, ref and unref', () => {
  it('pause() stops reading from the transport until resume(); close() reads regardless', async () => {
    const { client, server, transports } = createWebSocketPair();
    const received: unknown[] = [];
    client.on('message', (data) => received.push(data));
    client.pause();
    expect(client.isPaused).toBe(true);
    expect(transports.client.paused).toBe(true);
    await server.send('one');
    await turn();
    expect(received).toEqual([]);
    client.resume();
    expect(client.isPaused).toBe(false);
    await until(() => received.length === 1);
    client.pause();
    client.close(1000);
    expect(transports.client.paused).toBe(false); // the close frame must arrive
    expect((await client.closed).wasClean).toBe(true);
  });

  it('ref() and unref() reach the transport where it has them, and are harmless where not', async () => {
    const calls: string[] = [];
    const { client: plain } = createWebSocketPair();
    plain.unref(); // the in-memory transport has neither: nothing happens
    plain.ref();
    const transports = createTransportPair();
    const transport: Transport = transports.client;
    transport.ref = () => calls.push('ref');
    transport.unref = () => calls.push('unref');
    const ws: WebSocket = openWebSocket(transport, { role: 'client' });
    const server = openWebSocket(transports.server, { role: 'server' });
    ws.unref();
    ws.ref();
    expect(calls).toEqual(['unref', 'ref']);
    ws.terminate();
    server.terminate();
    plain.terminate();
  });
});
