// Issue 17, measurement 2: with 16 MiB messages, a server whose application reads slowly kept about
// 300 MiB per connection (16 kept messages × 16 MiB, plus those in flight) before it stopped reading.
// Kept messages now also count in bytes (maxBufferedBytes, 32 MiB): reading pauses after two.
import { once } from 'node:events';
import { createServer, type WebSocketSession } from '@wskit/node';
import { clientFrame, peakMemory, RawClient } from '@wskit/tooling/cve-attacks';
import { expect, it } from 'vitest';
import { defer } from '../helpers.js';

const MiB = 1024 * 1024;
const COUNT = 8;

it('stops reading after 32 MiB of kept 16 MiB messages, and delivers them all once taken', async () => {
  const server = createServer({ port: 0, host: '127.0.0.1' });
  defer(() => server.close());
  await once(server, 'listening');
  const accepted = new Promise<WebSocketSession>((resolve) => server.once('connection', resolve));
  // A raw client writes one 16 MiB frame (masked with a zero key) COUNT times: no copies on its side.
  const peer = await RawClient.connect(server.port!);
  defer(() => peer.destroy());
  expect(await peer.upgrade()).toBe(101);
  const ws = await accepted;
  const frame = clientFrame(0x2, new Uint8Array(16 * MiB));
  const { grew } = await peakMemory(async () => {
    for (let index = 0; index < COUNT; index++) peer.socket.write(frame);
    // The server keeps what arrives for a consumer that has not started yet, until the budget.
    for (let waited = 0; waited < 20; waited++) await new Promise((resolve) => setTimeout(resolve, 50));
  });
  // Eight kept messages would be 128 MiB; two (and one being read) about 48 MiB.
  expect(grew).toBeLessThan(80 * MiB);
  expect(peer.socket.writableLength).toBeGreaterThan(0); // the rest waits on the client's side
  let received = 0;
  for await (const data of ws) {
    expect((data as Uint8Array).byteLength).toBe(16 * MiB);
    if (++received === COUNT) break;
  }
  expect(received).toBe(COUNT);
}, 60_000);
