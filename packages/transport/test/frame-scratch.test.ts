/**
 * The session hands a transport's `frameScratch` to its masking encoder: a client's large frames
 * are encoded into the lent buffer and written from it; a server (which masks nothing) never asks.
 */
import { openWebSocket, type Transport } from '@wskit/transport';
import { createTransportPair } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';
import { until } from './helpers.js';

/** `transport` with a `frameScratch` that lends `buffer`, recording what was asked and written. */
function lending(transport: Transport, buffer: Uint8Array) {
  const asked: number[] = [];
  const written: Uint8Array[] = [];
  const wrapped: Transport = {
    start: (handler) => transport.start(handler),
    write: (chunks) => {
      written.push(...chunks);
      return transport.write(chunks);
    },
    get bufferedAmount() {
      return transport.bufferedAmount;
    },
    pause: () => transport.pause(),
    resume: () => transport.resume(),
    end: () => transport.end(),
    close: () => transport.close(),
    abort: (error) => transport.abort(error),
    frameScratch: (length) => {
      asked.push(length);
      return length <= buffer.length ? buffer.subarray(0, length) : undefined;
    },
  };
  return { wrapped, asked, written };
}

describe('frameScratch', () => {
  it("a client's large frames are encoded into the transport's lent buffer; a server never asks", async () => {
    const pair = createTransportPair();
    const buffer = new Uint8Array(100_000);
    const client = lending(pair.client, buffer);
    const server = lending(pair.server, buffer);
    const clientSocket = openWebSocket(client.wrapped, { role: 'client' });
    const serverSocket = openWebSocket(server.wrapped, { role: 'server' });
    const received: Uint8Array[] = [];
    serverSocket.on('message', (data) => {
      received.push(data as Uint8Array);
      serverSocket.write(data);
    });
    const echoed: Uint8Array[] = [];
    clientSocket.on('message', (data) => echoed.push(data as Uint8Array));
    const message = new Uint8Array(64 * 1024).map((_, index) => index * 13);
    await clientSocket.send(message);
    await until(() => echoed.length === 1);
    expect(client.asked).toEqual([64 * 1024 + 14]);
    expect(client.written.some((chunk) => chunk.buffer === buffer.buffer)).toBe(true);
    expect(server.asked).toEqual([]);
    expect(received[0]).toEqual(message);
    expect(echoed[0]).toEqual(message);
    clientSocket.close();
    await clientSocket.closed;
  });
});
