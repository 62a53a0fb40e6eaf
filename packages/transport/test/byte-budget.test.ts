/**
 * Issue 17 in the one driver: one byte budget per connection (what waits to be written plus what the
 * API above keeps undelivered), and a keepalive that keeps running while reading is paused.
 */
import { openWebSocket } from '@wskit/transport';
import { createTransportPair, createWebSocketPair } from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';
import { sleep, until } from './helpers.js';

/** A masked client text frame with a zero masking key (so the payload stays as it is). */
function maskedText(text: string): Uint8Array {
  const payload = new TextEncoder().encode(text);
  return Uint8Array.of(0x81, 0x80 | payload.length, 0, 0, 0, 0, ...payload);
}

describe('the byte budget (maxBufferedBytes)', () => {
  it('stops reading while an echo that ignores backpressure has its budget queued, and loses nothing', async () => {
    const budget = 256 * 1024;
    const { client, server, transports } = createWebSocketPair({ server: { maxBufferedBytes: budget } });
    let read = 0;
    let most = 0;
    server.on('message', (data) => {
      read++;
      void server.send(data); // never waits for drain
      most = Math.max(most, server.bufferedAmount);
    });
    const echoes: unknown[] = [];
    client.on('message', (data) => echoes.push(data));
    client.pause(); // the peer reads nothing of what it provokes
    const message = new Uint8Array(8 * 1024).fill(7);
    const count = 200; // 1.6 MiB, far over the budget
    for (let index = 0; index < count; index++) void client.send(message);
    await until(() => transports.server.paused);
    await sleep(50);
    expect(read).toBeLessThan(count);
    // What the server holds stays within the budget, plus the echoes of the one read (a 64 KiB
    // chunk here, like a TCP read) that crossed it.
    const oneRead = 64 * 1024;
    expect(most).toBeLessThan(budget + oneRead + message.length);
    expect(server.bufferedAmount).toBeLessThan(budget + oneRead + message.length);
    client.resume();
    await until(() => echoes.length === count, 5000);
    expect(read).toBe(count);
    client.close();
    await Promise.all([client.closed, server.closed]);
  });

  it('counts what the API above keeps undelivered: no consumer, 1 KiB budget, reading stops', async () => {
    const { client, server, transports } = createWebSocketPair({
      server: { maxBufferedBytes: 1024, maxBufferedMessages: 1000 },
    });
    for (let index = 0; index < 20; index++) void client.send(new Uint8Array(100));
    await until(() => transports.server.paused);
    const kept: unknown[] = [];
    server.on('message', (data) => kept.push(data));
    await until(() => kept.length === 20);
    client.close();
    await Promise.all([client.closed, server.closed]);
  });
});

describe('keepalive while reading is paused', () => {
  it('keeps pinging a live peer while the application reads nothing, and the peer stays', async () => {
    const { client, server, transports } = createWebSocketPair({
      server: { keepaliveInterval: 40, pongTimeout: 60, maxBufferedMessages: 1 },
    });
    let pings = 0;
    client.on('ping', () => pings++);
    // Nobody consumes on the server: its inbox fills and reading pauses.
    for (let index = 0; index < 3; index++) void client.send(`message ${index}`);
    await until(() => transports.server.paused);
    await sleep(400);
    expect(pings).toBeGreaterThanOrEqual(3); // before: no keepalive while paused
    expect(server.readyState).toBe(1);
    client.close();
    const kept: unknown[] = [];
    for await (const message of server) kept.push(message);
    expect(kept.length).toBeGreaterThanOrEqual(3);
  });

  it('finds a dead peer while reading is paused: no answer to the keepalive ping fails with 1011', async () => {
    const pair = createTransportPair();
    const server = openWebSocket(pair.server, {
      role: 'server',
      keepaliveInterval: 40,
      pongTimeout: 60,
      maxBufferedMessages: 1,
    });
    // The peer sends two messages, then goes silent for good (and reads nothing).
    pair.client.start({ onData() {}, onEnd() {}, onDrain() {}, onError() {}, onClose() {} });
    pair.client.pause();
    pair.client.write([maskedText('one'), maskedText('two')]);
    await until(() => pair.server.paused);
    const started = performance.now();
    const error = await new Promise<Error & { code?: string }>((resolve) => server.once('error', resolve));
    expect(error.code).toBe('WS_ERR_PONG_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(1000);
    pair.client.abort();
    const info = await server.closed;
    expect(info.code).toBe(1011); // the code we sent (the WHATWG class reports 1006)
  });
});
