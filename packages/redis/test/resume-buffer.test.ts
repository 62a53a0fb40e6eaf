// A resume of a recoverable topic on a busy topic: the live messages that arrive while the history
// is written are kept within `resumeBufferLimit`, past it let go and read again from the stream;
// the subscriber still gets everything exactly once and in order. A real redis-server (started by
// the test on a free loopback port), a @wskit/node server in this process, @wskit/node clients.
import { connect, createServer, type WebSocketServer, type WebSocketSession } from '@wskit/node';
import { jsonEnvelope } from '@wskit/transport';
import { describe, expect, it } from 'vitest';
import { redisBroker } from '../src/index.js';
import { defer, haveRedis, REDIS_SERVER, RedisProcess } from './helpers.js';

const TOPIC = 'r:busy';
const LIMIT = 256 * 1024;
const SIZE = 32 * 1024;

async function listening(server: WebSocketServer): Promise<number> {
  if (server.port === undefined)
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return server.port!;
}

/** `index` as a text message of `SIZE` characters. */
function body(index: number): string {
  return `${index}:`.padEnd(SIZE, 'x');
}

describe.skipIf(!haveRedis && !process.env.CI)('a resume on a busy recoverable topic', () => {
  it('keeps at most resumeBufferLimit of live messages, and still delivers all exactly once in order', async () => {
    expect(haveRedis, `${REDIS_SERVER} is missing: CI installs Debian's redis-server`).toBe(true);
    const redis = await RedisProcess.start();
    const broker = redisBroker({ url: redis.url });
    broker.on('error', () => {});
    const server = createServer({
      port: 0,
      host: '127.0.0.1',
      topics: {
        broker,
        mode: () => 'recoverable',
        envelope: jsonEnvelope,
        resumeBufferLimit: LIMIT,
        // The whole history in one page: what is let go can only come back by reading it again.
        resumePageSize: 512,
        // The reference subscriber takes the whole history in one burst: not what this test is about.
        backpressureLimit: 64 * 1024 * 1024,
      },
    });
    defer(() => server.close());
    let resumer: WebSocketSession | undefined;
    let caughtUp = false;
    server.on('connection', (ws, request) => {
      if (request.url === '/resume') {
        resumer = ws;
        void ws.subscribe(TOPIC, { offset: '0-0' }).then(() => {
          caughtUp = true;
        });
      } else {
        void ws.subscribe(TOPIC);
      }
    });
    let overflows = 0;
    server.topics.on('overflow', () => overflows++);
    const port = await listening(server);

    // A reference subscriber reads everything: it tells when Redis has handed a message back.
    const reference = await connect(`ws://127.0.0.1:${port}/`);
    defer(() => reference.terminate());
    let seen = 0;
    reference.on('message', () => seen++);
    const until = async (test: () => boolean, what = ''): Promise<void> => {
      const deadline = Date.now() + 8_000;
      while (!test()) {
        if (Date.now() > deadline)
          throw new Error(
            `timed out: ${what} seen=${seen} buffered=${server.topics.resumeBuffered} needsDrain=${resumer?.needsDrain} amount=${resumer?.bufferedAmount}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    await until(() => server.topics.subscriberCount(TOPIC) === 1, 'sub');

    // The history: 400 messages of 32 KiB (12.5 MiB), more than the socket buffers hold.
    const history = 400;
    for (let index = 0; index < history; index++) server.publish(TOPIC, body(index));
    await until(() => seen === history, 'history');

    // The resumer asks for everything from the start and does not read: its replay waits for the
    // socket to drain, and the topic's live messages pile up for it meanwhile.
    const client = await connect(`ws://127.0.0.1:${port}/resume`, { maxMessageSize: 2 * SIZE });
    defer(() => client.terminate());
    client.pause(); // nothing read: the kernel's socket buffers fill, then the server's
    await until(() => resumer?.needsDrain === true, 'drain');
    const live = 200; // 6.25 MiB while it does not read
    for (let index = history; index < history + live; index++) {
      server.publish(TOPIC, body(index));
      expect(server.topics.resumeBuffered).toBeLessThanOrEqual(LIMIT + SIZE);
    }
    await until(() => seen === history + live, 'live');

    expect(caughtUp).toBe(false);
    expect(server.topics.resumeBuffered).toBeLessThanOrEqual(LIMIT + SIZE);
    expect(overflows).toBeGreaterThan(0);

    // Now it reads: every message once, in order, with increasing offsets, and no `missed`.
    const received: { data?: string; offset?: string; missed?: boolean }[] = [];
    client.on('message', (message) => {
      received.push(JSON.parse(String(message)) as (typeof received)[number]);
    });
    client.resume();
    await until(() => received.length >= history + live && caughtUp, 'received');
    expect(received.some((each) => each.missed)).toBe(false);
    const indexes = (): number[] =>
      received.map((each) => Number(each.data!.slice(0, each.data!.indexOf(':'))));
    expect(indexes()).toEqual(Array.from({ length: history + live }, (_, index) => index));
    expect(server.topics.resumeBuffered).toBe(0);

    // Live again: the next publish comes straight through, once.
    server.publish(TOPIC, body(history + live));
    await until(() => received.length > history + live);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(indexes().slice(history + live)).toEqual([history + live]);
  });
});
