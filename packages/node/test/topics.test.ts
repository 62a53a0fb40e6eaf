// Topics on the Node server: subscribe/publish, a socket's publish skipping itself, frames encoded
// once for every subscriber (plain, and compressed once per shared permessage-deflate group), order
// with the socket's own sends, and the slow-subscriber policies. Real sockets on loopback.
import { once } from 'node:events';
import { FrameEncoder } from '@wskit/codec';
import { connect, createServer, type WebSocketServerOptions, type WebSocketSession } from '@wskit/node';
import { describe, expect, it, vi } from 'vitest';
import { defer } from './helpers.js';

async function startServer(options: WebSocketServerOptions = {}) {
  const server = createServer({ port: 0, host: '127.0.0.1', ...options });
  const sockets: WebSocketSession[] = [];
  server.on('connection', (ws) => {
    sockets.push(ws);
    // A client asks for a topic by sending `sub:<topic>`; `pub:<topic>:<text>` publishes from it.
    ws.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('sub:'))
        void ws.subscribe(text.slice(4)).then(() => ws.send(`subscribed:${text.slice(4)}`));
      else if (text.startsWith('pub:')) {
        const [, topic = '', body = ''] = text.split(':');
        ws.publish(topic, body);
      }
    });
  });
  defer(() => server.close());
  await once(server, 'listening');
  return { server, sockets, url: `ws://127.0.0.1:${server.port}` };
}

/** Connects; collects every message received; terminated after the test. */
async function client(url: string, options: Parameters<typeof connect>[1] = {}) {
  const ws = await connect(url, options);
  defer(() => ws.terminate());
  const received: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  ws.on('message', (data) => {
    received.push(typeof data === 'string' ? data : new TextDecoder().decode(data));
    for (const waiter of waiters.splice(0)) {
      if (received.length >= waiter.count) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  const until = (count: number) =>
    received.length >= count
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ count, resolve }));
  const subscribe = async (topic: string) => {
    void ws.send(`sub:${topic}`);
    await until(received.length + 1);
    expect(received.pop()).toBe(`subscribed:${topic}`);
  };
  return { ws, received, until, subscribe };
}

describe('topics on the Node server', () => {
  it('delivers a publish to the subscribers only; subscriptions is a live read-only view', async () => {
    const { server, sockets, url } = await startServer();
    const a = await client(url);
    const b = await client(url);
    const c = await client(url);
    await a.subscribe('room');
    await b.subscribe('room');
    await c.subscribe('other');
    expect(server.topics.subscriberCount('room')).toBe(2);
    server.publish('room', 'hello');
    server.publish('room', new TextEncoder().encode('bytes'));
    await a.until(2);
    await b.until(2);
    expect(a.received).toEqual(['hello', 'bytes']);
    expect(b.received).toEqual(['hello', 'bytes']);
    const first = sockets[0]!;
    const view = first.subscriptions;
    expect(first.isSubscribed('room')).toBe(true);
    expect([...view]).toEqual(['room']);
    expect(first.unsubscribe('room')).toBe(true);
    expect(first.unsubscribe('room')).toBe(false);
    expect(view.size).toBe(0);
    expect(server.topics.subscriberCount('room')).toBe(1);
    server.publish('room', 'later');
    server.publish('other', 'to c');
    await b.until(3);
    await c.until(1);
    expect(b.received[2]).toBe('later');
    expect(c.received).toEqual(['to c']);
    expect(a.received).toEqual(['hello', 'bytes']);
  });

  it("a socket's publish reaches every subscriber but itself", async () => {
    const { url } = await startServer();
    const a = await client(url);
    const b = await client(url);
    await a.subscribe('chat');
    await b.subscribe('chat');
    void a.ws.send('pub:chat:from-a');
    await b.until(1);
    void b.ws.send('pub:chat:from-b');
    await a.until(1);
    expect(a.received).toEqual(['from-b']);
    expect(b.received).toEqual(['from-a']);
  });

  it('frames a published message once for every subscriber that encodes nothing', async () => {
    const { server, url } = await startServer();
    const clients = await Promise.all(Array.from({ length: 5 }, () => client(url)));
    for (const each of clients) await each.subscribe('news');
    const encode = vi.spyOn(FrameEncoder.prototype, 'encode');
    defer(() => encode.mockRestore());
    server.publish('news', 'x'.repeat(2000));
    expect(encode).toHaveBeenCalledTimes(1);
    for (const each of clients) await each.until(1);
    for (const each of clients) expect(each.received).toEqual(['x'.repeat(2000)]);
  });

  it('compresses once per group that shares permessage-deflate parameters, per subscriber otherwise', async () => {
    const shared = await startServer({ perMessageDeflate: { serverNoContextTakeover: true, threshold: 0 } });
    const takeover = await startServer({ perMessageDeflate: { threshold: 0 } });
    const message = 'compressible '.repeat(500);
    for (const [setup, framesPerPublish] of [
      [shared, 1],
      [takeover, 4],
    ] as const) {
      const clients = await Promise.all(
        Array.from({ length: 4 }, () => client(setup.url, { perMessageDeflate: true })),
      );
      for (const each of clients) {
        expect(each.ws.extensions).toContain('permessage-deflate');
        await each.subscribe('feed');
      }
      const encode = vi.spyOn(FrameEncoder.prototype, 'encode');
      setup.server.publish('feed', message);
      setup.server.publish('feed', 'second');
      for (const each of clients) await each.until(2);
      // Server frames only: the clients sent nothing meanwhile.
      expect(encode).toHaveBeenCalledTimes(2 * framesPerPublish);
      encode.mockRestore();
      for (const each of clients) expect(each.received).toEqual([message, 'second']);
    }
  });

  it("keeps a socket's own sends and its topic messages in order", async () => {
    const { server, sockets, url } = await startServer();
    const a = await client(url);
    await a.subscribe('t');
    const socket = sockets[0]!;
    void socket.send('one');
    server.publish('t', 'two');
    void socket.send('three');
    server.publish('t', 'four');
    await a.until(4);
    expect(a.received).toEqual(['one', 'two', 'three', 'four']);
  });

  it('close() sends what was queued, topic messages included, in order before the close frame', async () => {
    const { server, sockets, url } = await startServer();
    const a = await client(url);
    await a.subscribe('t');
    const socket = sockets[0]!;
    void socket.send('one');
    server.publish('t', 'two');
    void socket.send('three');
    server.publish('t', 'four');
    void socket.send('five');
    socket.close(1000, 'done');
    const info = await a.ws.closed;
    expect(info.code).toBe(1000);
    expect(a.received).toEqual(['one', 'two', 'three', 'four', 'five']);
  });

  for (const policy of ['close', 'drop'] as const) {
    it(`a slow subscriber does not hold up the others (backpressure: '${policy}')`, async () => {
      const { server, url } = await startServer({
        topics: { backpressure: policy, backpressureLimit: 256 * 1024 },
      });
      const fast = await client(url);
      await fast.subscribe('firehose');
      // The slow client stops reading once it holds one undelivered message (no consumer).
      const slowSocket = await connect(url, { maxBufferedMessages: 1 });
      defer(() => slowSocket.terminate());
      const subscribed = new Promise<void>((resolve) => {
        slowSocket.on('message', function first(data) {
          if (String(data) === 'subscribed:firehose') {
            slowSocket.off('message', first);
            resolve();
          }
        });
      });
      void slowSocket.send('sub:firehose');
      await subscribed;
      const slowEvents: number[] = [];
      const drops: string[] = [];
      server.topics.on('slow', () => slowEvents.push(1));
      server.topics.on('drop', (_socket, topic) => drops.push(topic));
      const chunk = 'y'.repeat(64 * 1024);
      const count = 200;
      for (let index = 0; index < count; index++) {
        server.publish('firehose', `${index}:${chunk}`);
        // A live feed's pace: the fast subscriber keeps up, the slow one falls behind.
        await fast.until(index + 1);
      }
      await fast.until(count);
      expect(fast.received.map((text) => Number(text.slice(0, text.indexOf(':'))))).toEqual(
        Array.from({ length: count }, (_, index) => index),
      );
      if (policy === 'close') {
        expect(slowEvents.length).toBe(1);
        slowSocket.on('message', () => {}); // read again: the close frame comes after what was queued
        expect((await slowSocket.closed).code).toBe(1013);
      } else {
        expect(drops.length).toBeGreaterThan(0);
        expect(server.topics.dropped).toBe(drops.length);
        expect(slowEvents.length).toBe(0);
      }
    });
  }

  it('throws for topics on a client WebSocket', async () => {
    const { url } = await startServer();
    const a = await client(url);
    expect(() => a.ws.isSubscribed('x')).toThrow(TypeError);
    expect(() => a.ws.publish('x', 'y')).toThrow(TypeError);
  });

  it('refuses a bad slow-subscriber policy', () => {
    expect(() => createServer({ topics: { backpressure: 'ignore' as 'drop' } })).toThrow(TypeError);
    expect(() => createServer({ topics: { backpressureCloseCode: 1000 as 1013 } })).toThrow(RangeError);
  });
});
