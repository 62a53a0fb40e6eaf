/**
 * Frames that arrive with the handshake's last bytes (`earlyData`) are handled on the next turn, so
 * whoever opened the session can attach listeners first. Found by the CLI: a server sending a bad
 * frame right behind its 101 produced a 1002 close but no `error` event.
 */
import { encodeClosePayload, FrameEncoder, Opcode } from '@wskit/codec';
import { openWebSocket } from '@wskit/transport';
import { createTransportPair, type InMemoryTransport } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';
import { concat, until } from './helpers.js';

const server = new FrameEncoder({ role: 'server' });
const frame = (opcode: Opcode, payload: Uint8Array) => concat(server.encode(opcode, payload));

/** The server end of the pair as a bare peer: it closes once the client has ended its side. */
function startPeer(transport: InMemoryTransport): void {
  transport.start({ onData() {}, onEnd: () => transport.close(), onDrain() {}, onError() {}, onClose() {} });
}

/** Opens a client session the way an adapter does, and lets the caller listen after an await. */
async function openWithEarlyData(earlyData: Uint8Array) {
  const transports = createTransportPair();
  startPeer(transports.server);
  const connect = async () => openWebSocket(transports.client, { role: 'client', earlyData });
  const ws = await connect();
  await Promise.resolve(); // a few promise hops, as in `const ws = await connect(url)`
  return { ws, transports };
}

describe('early data', () => {
  it('delivers a ping that came with the handshake to listeners attached after connect resolves', async () => {
    const { ws } = await openWithEarlyData(frame(Opcode.Ping, new Uint8Array([1, 2, 3])));
    const pings: Uint8Array[] = [];
    ws.on('ping', (data) => pings.push(data));
    await until(() => pings.length === 1);
    expect([...pings[0]!]).toEqual([1, 2, 3]);
    ws.terminate();
  });

  it('reports a protocol error in early data as an error event, then a 1002 close', async () => {
    const bad = new Uint8Array([0x83, 0x00]); // reserved opcode 3
    const { ws } = await openWithEarlyData(bad);
    const seen: string[] = [];
    ws.on('error', () => seen.push('error'));
    ws.on('close', (code) => seen.push(`close ${code}`));
    await until(() => seen.length === 2);
    expect(seen).toEqual(['error', 'close 1002']);
  });

  it('keeps order: early data first, then what the transport delivered meanwhile', async () => {
    const transports = createTransportPair();
    const ws = openWebSocket(transports.client, {
      role: 'client',
      earlyData: frame(Opcode.Text, new TextEncoder().encode('first')),
      closeTimeout: 200, // the bare peer never closes first: don't wait the default 10 s for it
    });
    startPeer(transports.server);
    transports.server.write([frame(Opcode.Text, new TextEncoder().encode('second'))]);
    transports.server.write([frame(Opcode.Close, encodeClosePayload(1000))]);
    const received: unknown[] = [];
    for await (const message of ws) received.push(message);
    expect(received).toEqual(['first', 'second']);
  });
});
