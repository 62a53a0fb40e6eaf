import { connect, WebSocketServer } from '@wskit/node';
import { afterEach, describe, expect, it } from 'vitest';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

describe('received messages', () => {
  it("with binaryType 'uint8array', are plain Uint8Arrays, joined or not (the allocator hands out Buffer memory as Uint8Array views)", async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    servers.push(server);
    server.on('connection', async (ws) => {
      for await (const message of ws) await ws.send(message);
    });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const client = await connect(`ws://127.0.0.1:${server.port}/`, { binaryType: 'uint8array' });
    const small = new Uint8Array([1, 2, 3]);
    const large = new Uint8Array(3 * 1024 * 1024).map((_, index) => index % 251);
    const received: Uint8Array[] = [];
    const done = new Promise<void>((resolve) =>
      client.on('message', (data) => {
        received.push(data as Uint8Array);
        if (received.length === 2) resolve();
      }),
    );
    await client.send(small);
    await client.send(large); // arrives in many chunks: joined by the codec's allocator
    await done;
    for (const message of received) expect(Object.getPrototypeOf(message)).toBe(Uint8Array.prototype);
    expect(received[0]).toEqual(small);
    expect(received[1]!.length).toBe(large.length);
    expect(Buffer.from(received[1]!).equals(Buffer.from(large))).toBe(true);
    await client.close();
  });
});
