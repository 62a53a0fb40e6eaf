// Topics across three server processes through a real redis-server (started by the test on a
// free loopback port, without persistence): delivery exactly once and in order per publisher, fast
// and recoverable; Redis killed and restarted mid-run; a client resuming on another process.
import { connect } from '@wskit/node';
import { describe, expect, it } from 'vitest';
import {
  defer,
  expectInOrderPerPublisher,
  haveRedis,
  REDIS_SERVER,
  RedisProcess,
  startTopicServer,
  TopicClient,
} from './helpers.js';

/** Three topic server processes on one Redis, and `perProcess` clients on each. */
async function threeProcesses(redis: RedisProcess, perProcess: number, env: Record<string, string> = {}) {
  const servers = await Promise.all([0, 1, 2].map(() => startTopicServer({ REDIS_URL: redis.url, ...env })));
  const clients: TopicClient[] = [];
  for (const { port } of servers) {
    for (let index = 0; index < perProcess; index++) clients.push(await TopicClient.open(port));
  }
  return { servers, clients };
}

describe.skipIf(!haveRedis && !process.env.CI)('topics across processes through Redis', () => {
  it.each(['room', 'r:room'])(
    'delivers every publish exactly once, in order per publisher (%s)',
    async (topic) => {
      expect(haveRedis, `${REDIS_SERVER} is missing: CI installs Debian's redis-server`).toBe(true);
      const redis = await RedisProcess.start();
      const { servers, clients } = await threeProcesses(redis, 3);
      expect(new Set(clients.map((client) => client.pid)).size).toBe(3);
      for (const client of clients) await client.subscribe(topic);
      // One publisher per process (the first client of each), interleaved; each skips itself.
      const publishers = [clients[0]!, clients[3]!, clients[6]!];
      const count = 100;
      for (let index = 0; index < count; index++) {
        publishers.forEach((publisher, which) => void publisher.publish(topic, `p${which}.${index}`));
      }
      for (const client of clients) {
        const own = publishers.indexOf(client);
        const expected = own === -1 ? 3 * count : 2 * count;
        await client.until(() => client.messages(topic).length >= expected);
        const others = ['p0', 'p1', 'p2'].filter((_, which) => which !== own);
        expectInOrderPerPublisher(client.messages(topic), others, count);
        expect(client.messages(topic).length).toBe(expected);
        if (own !== -1)
          expect(client.messages(topic).some((each) => each.data!.startsWith(`p${own}.`))).toBe(false);
      }
      if (topic.startsWith('r:')) {
        // Every process saw the same order: the offsets of one message agree everywhere.
        const reference = clients[1]!.messages(topic).map((each) => `${each.offset} ${each.data}`);
        for (const client of [clients[2]!, clients[4]!, clients[8]!]) {
          expect(client.messages(topic).map((each) => `${each.offset} ${each.data}`)).toEqual(reference);
        }
      }
      expect(servers.length).toBe(3);
    },
  );

  it('fast topics: Redis killed and restarted mid-run, the processes reconnect and report the gap', async () => {
    const redis = await RedisProcess.start();
    const { clients } = await threeProcesses(redis, 2);
    for (const client of clients) await client.subscribe('news');
    const publisher = clients[0]!;
    for (let index = 0; index < 20; index++) void publisher.publish('news', `a.${index}`);
    const listeners = clients.slice(1);
    for (const client of listeners) await client.until(() => client.messages('news').length >= 20);
    await redis.kill();
    for (let index = 20; index < 30; index++) void publisher.publish('news', `a.${index}`); // may be lost
    await redis.start();
    // Every process reports the outage to its subscribers (all of them, the publisher included).
    for (const client of clients)
      await client.until(() => client.received.some((each) => each.gap !== undefined));
    for (let index = 30; index < 50; index++) void publisher.publish('news', `a.${index}`);
    for (const client of listeners) {
      await client.until(() => client.messages('news').some((each) => each.data === 'a.49'));
      const sequence = client.messages('news').map((each) => Number(each.data!.slice(2)));
      // At most once and in order; nothing published before the outage or after the gap is missing.
      expect(sequence).toEqual([...new Set(sequence)].sort((a, b) => a - b));
      for (let index = 0; index < 20; index++) expect(sequence).toContain(index);
      for (let index = 30; index < 50; index++) expect(sequence).toContain(index);
      const gap = client.received.find((each) => each.gap !== undefined)!;
      expect(gap.topic).toBe('news');
    }
  });

  it('recoverable topics: Redis killed and restarted mid-run, nothing is lost and the order holds', async () => {
    const redis = await RedisProcess.start();
    const { clients } = await threeProcesses(redis, 2);
    for (const client of clients) await client.subscribe('r:feed');
    const publisher = clients[0]!;
    for (let index = 0; index < 30; index++) void publisher.publish('r:feed', `a.${index}`);
    const listeners = clients.slice(1);
    for (const client of listeners) await client.until(() => client.messages('r:feed').length >= 30);
    await redis.kill();
    // Published while Redis is away: they wait in the publisher's queue and are added when it is back.
    for (let index = 30; index < 60; index++) void publisher.publish('r:feed', `a.${index}`);
    await redis.start();
    for (let index = 60; index < 90; index++) void publisher.publish('r:feed', `a.${index}`);
    for (const client of listeners) {
      await client.until(() => client.messages('r:feed').length >= 90);
      expectInOrderPerPublisher(client.messages('r:feed'), ['a'], 90);
    }
  });

  it('a client resumes from its offset on another process, exactly once and in order', async () => {
    const redis = await RedisProcess.start();
    const { servers, clients } = await threeProcesses(redis, 1);
    const [first, publisher, third] = clients as [TopicClient, TopicClient, TopicClient];
    await first.subscribe('r:log');
    await third.subscribe('r:log');
    for (let index = 0; index < 10; index++) void publisher.publish('r:log', `a.${index}`);
    await first.until(() => first.messages('r:log').length >= 10);
    const offset = first.messages('r:log')[9]!.offset!;
    await first.close();
    for (let index = 10; index < 25; index++) void publisher.publish('r:log', `a.${index}`);
    await third.until(() => third.messages('r:log').length >= 25); // published, whoever listens
    // Back, on the third process this time, with the last offset it saw.
    const resumed = await TopicClient.open(servers[2]!.port);
    expect(resumed.pid).not.toBe(first.pid);
    await resumed.subscribe('r:log', offset);
    for (let index = 25; index < 30; index++) void publisher.publish('r:log', `a.${index}`);
    await resumed.until(() => resumed.messages('r:log').length >= 20);
    expect(resumed.received.some((each) => each.missed)).toBe(false);
    expect(resumed.messages('r:log').map((each) => each.data)).toEqual(
      Array.from({ length: 20 }, (_, index) => `a.${index + 10}`),
    );
  });

  it('a slow subscriber on one process does not slow the subscribers of any process', async () => {
    const redis = await RedisProcess.start();
    const { servers, clients } = await threeProcesses(redis, 1);
    const [publisher, ...fast] = clients as [TopicClient, ...TopicClient[]];
    for (const client of fast) await client.subscribe('big');
    // A subscriber on the second process that stops reading once it holds one message.
    const slow = await connect(`ws://127.0.0.1:${servers[1]!.port}`, { maxBufferedMessages: 1 });
    defer(() => slow.terminate());
    const subscribed = new Promise<void>((resolve) => {
      slow.on('message', function first(data) {
        if (String(data).includes('"subscribed"')) {
          slow.off('message', first);
          resolve();
        }
      });
    });
    void slow.send('sub:big');
    await subscribed;
    const pad = 'z'.repeat(64 * 1024);
    const count = 200;
    for (let index = 0; index < count; index++) {
      void publisher.publish('big', `a.${index}.${pad}`);
      // A live feed's pace: the fast subscribers keep up, the slow one falls behind.
      for (const client of fast) await client.until(() => client.messages('big').length > index);
    }
    for (const client of fast) {
      const sequence = client.messages('big').map((each) => Number(each.data!.split('.')[1]));
      expect(sequence).toEqual(Array.from({ length: count }, (_, index) => index));
    }
    // Its process closed it with 1013 Try Again Later once it was over the limit (1 MiB unwritten).
    slow.on('message', () => {});
    expect((await slow.closed).code).toBe(1013);
  });

  it('a resume older than the retention window is told that it missed messages', async () => {
    const redis = await RedisProcess.start();
    const { servers, clients } = await threeProcesses(redis, 1, { MAX_LENGTH: '10' });
    const [first, publisher] = clients as [TopicClient, TopicClient];
    await first.subscribe('r:short');
    void publisher.publish('r:short', 'a.0');
    await first.until(() => first.messages('r:short').length >= 1);
    const offset = first.messages('r:short')[0]!.offset!;
    await first.close();
    // `MAXLEN ~` trims whole stream nodes (100 entries each by default): publish well past one.
    for (let index = 1; index < 400; index++) void publisher.publish('r:short', `a.${index}`);
    const watcher = await TopicClient.open(servers[2]!.port);
    await watcher.subscribe('r:short');
    void publisher.publish('r:short', 'a.400');
    await watcher.until(() => watcher.messages('r:short').length >= 1);
    const resumed = await TopicClient.open(servers[2]!.port);
    await resumed.subscribe('r:short', offset);
    // The replay is written a page at a time at the client's pace: wait for its end (a.400).
    await resumed.until(() => resumed.messages('r:short').at(-1)?.data === 'a.400');
    expect(resumed.received.some((each) => each.missed === true && each.topic === 'r:short')).toBe(true);
    const sequence = resumed.messages('r:short').map((each) => Number(each.data!.slice(2)));
    expect(sequence.at(-1)).toBe(400);
    expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
    expect(sequence.length).toBeLessThan(400);
  });
});
