// binaryType on Node: Buffers by default (as ws users expect), views over the received memory.
import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import { connect, EncodedText, WebSocket, WebSocketServer } from '@wskit/node';
import { openWebSocket } from '@wskit/transport';
import { createTransportPair } from '@wskit/transport/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { binaryViewFor } from '../src/binary-type.js';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function listening(options: ConstructorParameters<typeof WebSocketServer>[0] = {}) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  servers.push(server);
  await once(server, 'listening');
  return server;
}

describe("binaryType 'nodebuffer' (the default of connect and WebSocketServer)", () => {
  it('delivers messages, pings and pongs as Buffers over the received memory, to listeners and iterators', async () => {
    const server = await listening();
    const serverSide = new Promise<unknown[]>((resolve) =>
      server.on('connection', (ws) => {
        const seen: unknown[] = [];
        ws.on('message', (data) => {
          seen.push(data);
          if (seen.length === 1) void ws.send(Buffer.from('back'));
          if (seen.length === 1) void ws.ping(new Uint8Array([7]));
        });
        ws.on('pong', (data) => {
          seen.push(data);
          resolve(seen);
        });
      }),
    );
    const client = await connect(`ws://127.0.0.1:${server.port}/`);
    const pings: unknown[] = [];
    client.on('ping', (data) => pings.push(data));
    await client.send(new Uint8Array([104, 105]));
    const iterator = client[Symbol.asyncIterator]();
    const first = await iterator.next();
    const [message, pong] = await serverSide;
    for (const data of [message, pong, first.value, pings[0]]) expect(Buffer.isBuffer(data)).toBe(true);
    expect(String(message)).toBe('hi'); // Buffer's toString, not "104,105"
    expect(String(first.value)).toBe('back');
    expect(pings[0]).toEqual(Buffer.from([7]));
    expect(pong).toEqual(Buffer.from([7]));
    await iterator.return?.();
    await client.close();
  });

  it('text kept as bytes (decodeText: false) stays an EncodedText, so an echo sends it back as text', async () => {
    const server = await listening({ decodeText: false });
    server.on('connection', async (ws) => {
      for await (const data of ws) void ws.send(data);
    });
    const seen: unknown[] = [];
    server.on('connection', (ws) => ws.on('message', (data) => seen.push(data)));
    const client = await connect(`ws://127.0.0.1:${server.port}/`);
    void client.send('grüße');
    void client.send(Buffer.from('bytes'));
    const iterator = client[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe('grüße');
    expect(Buffer.isBuffer((await iterator.next()).value)).toBe(true);
    expect(seen[0]).toBeInstanceOf(EncodedText);
    expect(String(seen[0])).toBe('grüße');
    expect(Buffer.isBuffer(seen[1])).toBe(true);
    await iterator.return?.();
    await client.close();
  });

  it('wraps without copying: the Buffer is a view of the very bytes the session received', async () => {
    const { client } = createTransportPair();
    // An unmasked binary frame from the server, [1, 2, 3], as the first bytes after the handshake.
    const received = new Uint8Array([0x82, 3, 1, 2, 3]);
    const ws = openWebSocket(client, {
      role: 'client',
      earlyData: received,
      binaryView: binaryViewFor('nodebuffer'),
    });
    const first = await ws[Symbol.asyncIterator]().next();
    const data = first.value as Buffer;
    expect(Buffer.isBuffer(data)).toBe(true);
    expect(data.buffer).toBe(received.buffer);
    expect(data.byteOffset).toBe(2);
    expect([...data]).toEqual([1, 2, 3]);
    const plain = openWebSocket(createTransportPair().client, {
      role: 'client',
      earlyData: new Uint8Array([0x82, 1, 9]),
      binaryView: binaryViewFor('uint8array'),
    });
    const value = (await plain[Symbol.asyncIterator]().next()).value;
    expect(Object.getPrototypeOf(value)).toBe(Uint8Array.prototype);
    ws.terminate();
    plain.terminate();
  });

  it('refuses a binaryType it does not know, at once', async () => {
    expect(() => connect('ws://127.0.0.1:1/', { binaryType: 'blob' as never })).toThrow(TypeError);
    expect(() => new WebSocketServer({ port: 0, binaryType: 'arraybuffer' } as never)).toThrow(
      /binaryType must be 'nodebuffer' or 'uint8array'/,
    );
  });

  it("leaves the WHATWG class's standard binaryType as it is", async () => {
    const server = await listening();
    server.on('connection', (ws) => void ws.send(new Uint8Array([1, 2, 3])));
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/`);
    expect(socket.binaryType).toBe('blob');
    socket.binaryType = 'arraybuffer';
    const [event] = await once(socket, 'message');
    expect((event as MessageEvent).data).toBeInstanceOf(ArrayBuffer);
    socket.close();
  });
});
