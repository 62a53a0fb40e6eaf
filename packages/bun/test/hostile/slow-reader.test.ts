// Issue 17, measurement 2, on Bun: with 16 MiB messages, a server whose application reads slowly
// kept about 300 MiB per connection before it stopped reading. Kept messages also count in bytes
// (maxBufferedBytes, 32 MiB): reading pauses after two, and TCP holds the rest on the peer's side.
// The peer runs in its own process: Bun's node:net copies what it is given to write, which would
// otherwise count in this process's memory.
import { expect, it } from 'bun:test';
import { serve, type WebSocketSession } from '@wskit/bun';
import { peakMemory } from '@wskit/tooling/cve-attacks';
import { defer } from '../helpers.js';

const MiB = 1024 * 1024;
const COUNT = 8;
const peerScript = new URL('../fixtures/large-messages-client.ts', import.meta.url).pathname;

it('stops reading after 32 MiB of kept 16 MiB messages, and delivers them all once taken', async () => {
  const server = serve({ hostname: '127.0.0.1' });
  defer(() => server.close());
  const accepted = new Promise<WebSocketSession>((resolve) => server.once('connection', resolve));
  const peer = Bun.spawn([process.execPath, peerScript, String(server.port), String(COUNT), '16'], {
    stdout: 'pipe',
    stderr: 'inherit',
  });
  defer(() => peer.kill());
  const ws = await accepted;
  const { grew } = await peakMemory(async () => {
    // The server keeps what arrives for a consumer that has not started yet, until the budget.
    await Bun.sleep(1500);
  });
  // Eight kept messages would be 128 MiB; two (and one being read) about 48 MiB.
  expect(grew).toBeLessThan(80 * MiB);
  let received = 0;
  for await (const data of ws) {
    expect((data as Uint8Array).byteLength).toBe(16 * MiB);
    if (++received === COUNT) break;
  }
  expect(received).toBe(COUNT);
}, 60_000);
