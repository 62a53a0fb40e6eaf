/** The session driver: batching, exact bufferedAmount, drain, pausing for slow consumers, timers. */
import { FrameEncoder } from '@wskit/codec';
import { createHandshakeTimeout, isWebSocketError, openWebSocket, type WebSocket } from '@wskit/transport';
import { createTransportPair, createWebSocketPair } from '@wskit/transport/testing';
import { describe, expect, it, vi } from 'vitest';
import { concat, recordingHandler, sleep, turn, until } from './helpers.js';

/** Collects every message `ws` receives. */
function collect(ws: WebSocket): (string | Uint8Array)[] {
  const messages: (string | Uint8Array)[] = [];
  ws.on('message', (message) => messages.push(message));
  return messages;
}

describe('batching', () => {
  it('many sends in one turn go out in one transport write', async () => {
    const { client, server, transports } = createWebSocketPair();
    const received = collect(server);
    const before = transports.client.writeCount;
    const sends: Promise<void>[] = [];
    for (let index = 0; index < 100; index++) sends.push(client.send(`message ${index}`));
    sends.push(client.send(new Uint8Array(1000)));
    await Promise.all(sends);
    expect(transports.client.writeCount - before).toBe(1);
    await until(() => received.length === 101);
    expect(received.slice(0, 3)).toEqual(['message 0', 'message 1', 'message 2']);
  });

  it('replies sent from message listeners go out in one write per received chunk', async () => {
    const { client, server, transports } = createWebSocketPair();
    server.on('message', (message) => void server.send(message));
    const echoed = collect(client);
    for (let index = 0; index < 50; index++) void client.send(`m${index}`);
    await until(() => echoed.length === 50);
    expect(transports.server.writeCount).toBe(1);
    expect(echoed[49]).toBe('m49');
  });

  it('a write carries about highWaterMark payload bytes, at least one message', async () => {
    const { client, transports } = createWebSocketPair({
      client: { highWaterMark: 1000 },
      transport: { highWaterMark: 1 << 20 },
    });
    const before = transports.client.writeCount;
    const sends = [0, 1, 2, 3, 4].map(() => client.send(new Uint8Array(600)));
    await Promise.all(sends);
    expect(transports.client.writeCount - before).toBe(3); // 600+600, 600+600, 600
    await client.send(new Uint8Array(5000)); // larger than the mark: alone
    expect(transports.client.writeCount - before).toBe(4);
  });
});

describe('backpressure', () => {
  it('bufferedAmount counts queued payload bytes plus the transport buffer, exactly', async () => {
    const transports = createTransportPair({ highWaterMark: 1000 });
    // The server end is not started yet: nothing is read, everything stays buffered.
    const ws = openWebSocket(transports.client, { role: 'client', highWaterMark: 1500 });
    const first = ws.send('héllo'); // 6 bytes of UTF-8
    expect(ws.bufferedAmount).toBe(6);
    await first;
    expect(transports.client.bufferedAmount).toBe(6 + 6); // 2-byte header, 4-byte mask
    expect(ws.bufferedAmount).toBe(12);
    const second = ws.send(new Uint8Array(2000));
    expect(ws.bufferedAmount).toBe(2012);
    await second; // handed over: the transport now pushes back
    expect(ws.bufferedAmount).toBe(12 + 2000 + 8);
    expect(ws.needsDrain).toBe(true);
    let handed = false;
    const third = ws.send(new Uint8Array(500)).then(() => {
      handed = true;
    });
    await turn();
    expect(handed).toBe(false); // waits in the session while the transport pushes back
    expect(ws.bufferedAmount).toBe(2020 + 500);
    const drains: number[] = [];
    ws.on('drain', () => drains.push(ws.bufferedAmount));
    const reader = recordingHandler();
    transports.server.start(reader);
    await third;
    await ws.drained();
    expect(drains.length).toBe(1);
    await until(() => reader.bytes().length === 2020 + 508);
    expect(ws.bufferedAmount).toBe(0);
    expect(ws.needsDrain).toBe(false);
  });

  it('counts text in UTF-8 bytes', () => {
    const transports = createTransportPair();
    const ws = openWebSocket(transports.client, { role: 'client' });
    const cases: [string, number][] = [
      ['', 0],
      ['a', 1],
      ['é', 2],
      ['✓', 3],
      ['𝄞', 4],
      ['\ud834', 3], // a lone surrogate is sent as U+FFFD
      ['a\udd1eb', 5],
    ];
    let total = 0;
    for (const [text, bytes] of cases) {
      expect(new TextEncoder().encode(text).length).toBe(bytes);
      void ws.send(text);
      total += bytes;
      expect(ws.bufferedAmount).toBe(total);
    }
    ws.terminate();
  });

  it('a sender that waits on drain keeps memory bounded against a slow reader', async () => {
    const { client, server } = createWebSocketPair({
      client: { highWaterMark: 64 * 1024 },
      server: { maxBufferedMessages: 2 },
    });
    let peak = 0;
    const message = new Uint8Array(16 * 1024);
    const writer = (async () => {
      for (let index = 0; index < 200; index++) {
        await client.drained();
        void client.send(message);
        peak = Math.max(peak, client.bufferedAmount);
      }
    })();
    let received = 0;
    for await (const _ of server) {
      received++;
      if (received % 20 === 0) await sleep(1); // a slow reader
      if (received === 200) break;
    }
    await writer;
    expect(peak).toBeLessThanOrEqual(64 * 1024 + 2 * message.length + 64);
  });

  it('reading pauses while undelivered messages reach maxBufferedMessages and resumes when consumed', async () => {
    const { client, server, transports } = createWebSocketPair({ client: { maxBufferedMessages: 4 } });
    const padding = 'x'.repeat(16 * 1024);
    for (let index = 0; index < 40; index++) void server.send(`m${index} ${padding}`);
    await until(() => transports.client.paused);
    await sleep(10);
    // The rest waits in the server's transport (reads are 64 KiB: at most 4 more messages got in).
    expect(server.bufferedAmount).toBeGreaterThan(20 * padding.length);
    const received: (string | Uint8Array)[] = [];
    for await (const message of client) {
      received.push(message);
      if (received.length === 40) break;
    }
    expect(received[0]).toBe(`m0 ${padding}`);
    expect(received[39]).toBe(`m39 ${padding}`);
    expect(transports.client.paused).toBe(false);
  });

  it('keeps messages that arrive before a consumer exists and hands them to the first listener', async () => {
    const { client, server } = createWebSocketPair();
    void server.send('early 1');
    void server.send(Uint8Array.of(1, 2));
    await sleep(5);
    const received = collect(client);
    expect(received).toEqual([]);
    await turn();
    expect(received).toEqual(['early 1', Uint8Array.of(1, 2)]);
  });

  it('messages kept before the first listener stay ahead of those that arrive after it', async () => {
    const server = new FrameEncoder({ role: 'server' });
    const transports = createTransportPair();
    transports.server.start(recordingHandler());
    transports.server.write(server.encodeText('second')); // read as soon as the client starts
    const ws = openWebSocket(transports.client, {
      role: 'client',
      earlyData: concat(server.encodeText('first')),
    });
    const received = collect(ws);
    await until(() => received.length === 2);
    expect(received).toEqual(['first', 'second']);
  });

  it('a send still queued when the connection is lost rejects with WS_ERR_CLOSED_BEFORE_SENT', async () => {
    const transports = createTransportPair({ highWaterMark: 10 });
    const ws = openWebSocket(transports.client, { role: 'client' });
    transports.server.start(recordingHandler());
    transports.server.pause();
    await ws.send(new Uint8Array(100));
    const queued = ws.send(new Uint8Array(100));
    transports.server.abort();
    const error = await queued.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(isWebSocketError(error) && error.code).toBe('WS_ERR_CLOSED_BEFORE_SENT');
  });
});

describe('timers', () => {
  it('sends keepalive pings and reads the pongs', async () => {
    const { client, server } = createWebSocketPair({ client: { keepaliveInterval: 10, pongTimeout: 1000 } });
    let pongs = 0;
    let pings = 0;
    client.on('pong', () => pongs++);
    server.on('ping', () => pings++);
    await until(() => pongs >= 3);
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(client.readyState).toBe(client.OPEN);
    client.close(1000);
    await client.closed;
  });

  it('fails with 1011 when the keepalive ping goes unanswered', async () => {
    const { client, server } = createWebSocketPair({
      client: { keepaliveInterval: 10, pongTimeout: 20 },
      server: { autoPong: false },
    });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    const info = await client.closed;
    expect(info).toEqual({ code: 1011, reason: 'keepalive ping timeout', wasClean: false });
    expect((errors[0] as { code?: string }).code).toBe('WS_ERR_PONG_TIMEOUT');
    expect((await server.closed).code).toBe(1011);
  });

  it('suspends the keepalive while reading is paused for a slow consumer', async () => {
    const { client, server, transports } = createWebSocketPair({
      client: { keepaliveInterval: 10, pongTimeout: 60, maxBufferedMessages: 2 },
    });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    const message = new Uint8Array(64 * 1024);
    for (let index = 0; index < 8; index++) void server.send(message);
    await until(() => transports.client.paused);
    await sleep(150); // longer than keepaliveInterval + pongTimeout: the pongs cannot be read
    expect(client.readyState).toBe(client.OPEN);
    let received = 0;
    for await (const _ of client) {
      if (++received === 8) break;
    }
    await sleep(100);
    expect(errors).toEqual([]);
    expect(client.readyState).toBe(client.OPEN);
    client.close(1000);
    expect((await client.closed).code).toBe(1000);
  });

  it('gives up the close handshake after closeTimeout and cuts off a peer that never closes', async () => {
    const transports = createTransportPair();
    const silent = recordingHandler();
    transports.server.start(silent); // reads, never answers, never ends
    const ws = openWebSocket(transports.client, { role: 'client', closeTimeout: 30 });
    const errors: Error[] = [];
    ws.on('error', (error) => errors.push(error));
    const started = performance.now();
    ws.close(1000, 'bye');
    const info = await ws.closed;
    expect(info).toEqual({ code: 1006, reason: '', wasClean: false });
    expect((errors[0] as { code?: string }).code).toBe('WS_ERR_CLOSE_TIMEOUT');
    expect(performance.now() - started).toBeGreaterThanOrEqual(50); // close timeout, then the grace timer
    expect(transports.client.closed).toBe(true);
  });

  it('cuts off peers that never close through the shared deadline queue, not a runtime timer each', async () => {
    const sockets: WebSocket[] = [];
    const transports: ReturnType<typeof createTransportPair>[] = [];
    for (let index = 0; index < 20; index++) {
      const pair = createTransportPair();
      pair.server.start(recordingHandler()); // reads, never answers, never ends
      transports.push(pair);
      const ws = openWebSocket(pair.client, { role: 'client', closeTimeout: 20 });
      ws.on('error', () => {});
      sockets.push(ws);
    }
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      for (const ws of sockets) ws.close(1000);
      const infos = await Promise.all(sockets.map((ws) => ws.closed));
      expect(infos.every((info) => info.code === 1006 && !info.wasClean)).toBe(true);
      expect(transports.every((pair) => pair.client.closed)).toBe(true);
      // A grace timer per connection made 20 closures; the queue arms its one callback (as often as
      // the deadlines fall apart in time, which depends on the machine's load).
      const callbacks = new Set(timers.mock.calls.map((call) => call[0]));
      expect(callbacks.size).toBeLessThan(10);
    } finally {
      timers.mockRestore();
    }
  });

  it('createHandshakeTimeout aborts its signal after the time, unless cleared', async () => {
    const timeout = createHandshakeTimeout(10);
    await until(() => timeout.signal.aborted);
    expect(isWebSocketError(timeout.signal.reason) && timeout.signal.reason.code).toBe(
      'WS_ERR_HANDSHAKE_TIMEOUT',
    );

    const cleared = createHandshakeTimeout(10);
    cleared.clear();
    await sleep(20);
    expect(cleared.signal.aborted).toBe(false);

    const parent = new AbortController();
    const child = createHandshakeTimeout(10_000, { signal: parent.signal });
    parent.abort(new Error('cancelled'));
    expect(child.signal.aborted).toBe(true);
    expect((child.signal.reason as Error).message).toBe('cancelled');
    child.clear();
    expect(createHandshakeTimeout(10, { signal: parent.signal }).signal.aborted).toBe(true);
    expect(() => createHandshakeTimeout(-1)).toThrow(RangeError);
  });
});

describe('openWebSocket', () => {
  it('feeds earlyData to the engine before what the transport reads', async () => {
    const encoder = new FrameEncoder({ role: 'client' });
    const early = concat([...encoder.encodeText('first'), ...encoder.encodeText('second')]);
    const transports = createTransportPair();
    const server = openWebSocket(transports.server, { role: 'server', earlyData: early, url: '/chat' });
    const client = openWebSocket(transports.client, { role: 'client' });
    void client.send('third');
    const received: (string | Uint8Array)[] = [];
    for await (const message of server) {
      received.push(message);
      if (received.length === 3) break;
    }
    expect(received).toEqual(['first', 'second', 'third']);
    expect(server.url).toBe('/chat');
    expect(server.remoteAddress).toBe('memory:client');
  });

  it('throws for bad options and aborts the transport', async () => {
    const transports = createTransportPair();
    const peer = recordingHandler();
    transports.server.start(peer);
    // @ts-expect-error: the role is required
    expect(() => openWebSocket(transports.client, {})).toThrow(TypeError);
    expect(() => openWebSocket(transports.client, { role: 'client', highWaterMark: -1 })).toThrow(RangeError);
    await until(() => peer.events.includes('close'));
  });

  it('reports a transport failure as WS_ERR_TRANSPORT with the cause, then 1006', async () => {
    const { client, transports } = createWebSocketPair();
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    transports.server.abort();
    const info = await client.closed;
    expect(info.code).toBe(1006);
    expect(isWebSocketError(errors[0]) && errors[0].code).toBe('WS_ERR_TRANSPORT');
    expect((errors[0]!.cause as Error).message).toBe('The connection was reset by the peer');
  });
});
