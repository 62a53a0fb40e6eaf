/** After the handshake the session uses the connection's own transport, not the handed-over wrapper (issue 12). */
import { beginHandshake, openWebSocket } from '@wskit/transport';
import { createTransportPair } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';
import { takeDirect } from '../src/handshake-transport.js';

describe('the handed-over transport', () => {
  it('gives the session the underlying transport when nothing was kept after the head', async () => {
    const pair = createTransportPair();
    const handshake = beginHandshake(pair.server);
    const handedOver = handshake.handOver();
    const direct = (handedOver as unknown as { [takeDirect](): { transport: unknown } | undefined })[
      takeDirect
    ]();
    expect(direct?.transport).toBe(pair.server);
  });

  it('keeps the wrapper (and the order) when events were kept, and a session over either works', async () => {
    const pair = createTransportPair();
    const handshake = beginHandshake(pair.server);
    pair.client.start({ onData() {}, onEnd() {}, onDrain() {}, onError() {}, onClose() {} });
    // A masked text frame "hi" arrives before the hand-over and is kept.
    pair.client.write([Uint8Array.of(0x81, 0x82, 0, 0, 0, 0, 0x68, 0x69)]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const handedOver = handshake.handOver();
    expect((handedOver as unknown as { [takeDirect](): unknown })[takeDirect]()).toBeUndefined();
    const server = openWebSocket(handedOver, { role: 'server' });
    const [message] = await new Promise<unknown[]>((resolve) =>
      server.once('message', (...args) => resolve(args)),
    );
    expect(message).toBe('hi');
    server.terminate();
    pair.client.abort();
    await server.closed;
  });
});
