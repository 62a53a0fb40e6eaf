// Issue 17, measurement 5, on Bun: a request head that never ends is cut at wskit's own handshake
// timeout (default 10 s, the same as the Node server's), so a slowloris cannot hold descriptors.
import { describe, expect, it } from 'bun:test';
import type { Socket } from 'node:net';
import { DefaultServerOptions, serve } from '@wskit/bun';
import { slowloris } from '@wskit/tooling/cve-attacks';
import { defer } from '../helpers.js';

const LIMIT = 300;
const SLOWLORIS = 20;

function closed(socket: Socket): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

describe('handshakeTimeout (Bun server)', () => {
  it('defaults to 10 s, as on Node, and refuses a bad value', () => {
    expect(DefaultServerOptions.handshakeTimeout).toBe(10_000);
    expect(() => serve({ hostname: '127.0.0.1', handshakeTimeout: -1 })).toThrow(RangeError);
    expect(() => serve({ hostname: '127.0.0.1', handshakeTimeout: Number.NaN })).toThrow(RangeError);
  });

  it('cuts a slowloris at the limit, and reports each as rejected before any answer', async () => {
    const server = serve({ hostname: '127.0.0.1', handshakeTimeout: LIMIT });
    defer(() => server.close());
    const rejected: number[] = [];
    server.on('rejected', (status) => rejected.push(status));
    const started = performance.now();
    const sockets = await slowloris(server.port, SLOWLORIS);
    defer(() => {
      for (const socket of sockets) socket.destroy();
    });
    await Promise.all(sockets.map(closed));
    expect(performance.now() - started).toBeGreaterThanOrEqual(LIMIT - 20);
    // The server ended them: none was destroyed by this side.
    expect(sockets.every((socket) => socket.readableEnded || socket.destroyed)).toBe(true);
    expect(rejected).toEqual(new Array(SLOWLORIS).fill(0));
  });

  it('keeps a slow head alive while it is within the limit', async () => {
    const server = serve({ hostname: '127.0.0.1', handshakeTimeout: 5_000 });
    defer(() => server.close());
    const [socket] = await slowloris(server.port, 1);
    defer(() => socket!.destroy());
    await Bun.sleep(LIMIT * 2);
    expect(socket!.destroyed).toBe(false);
    expect(socket!.readableEnded).toBe(false);
  });
});
