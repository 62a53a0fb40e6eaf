// N Node processes on one port (node:cluster: the primary accepts, the workers serve), with the
// Redis broker between them: clients land on different workers and share one topic.
import { describe, expect, it } from 'vitest';
import {
  expectInOrderPerPublisher,
  freePort,
  haveRedis,
  REDIS_SERVER,
  RedisProcess,
  startTopicServer,
  TopicClient,
} from './helpers.js';

describe.skipIf(!haveRedis && !process.env.CI)('node:cluster on one port with the Redis broker', () => {
  it('spreads clients over three workers on one port and delivers every publish to all of them', async () => {
    expect(haveRedis, `${REDIS_SERVER} is missing: CI installs Debian's redis-server`).toBe(true);
    const redis = await RedisProcess.start();
    const port = await freePort();
    const { port: listening } = await startTopicServer({
      REDIS_URL: redis.url,
      CLUSTER_WORKERS: '3',
      PORT: String(port),
    });
    expect(listening).toBe(port);
    const clients: TopicClient[] = [];
    for (let index = 0; index < 6; index++) clients.push(await TopicClient.open(port));
    // The primary hands connections to the workers in turn (round-robin, Node's default but on Windows).
    expect(new Set(clients.map((client) => client.pid)).size).toBe(3);
    for (const client of clients) await client.subscribe('all');
    const [publisher, ...listeners] = clients as [TopicClient, ...TopicClient[]];
    for (let index = 0; index < 50; index++) void publisher.publish('all', `p.${index}`);
    for (const client of listeners) {
      await client.until(() => client.messages('all').length >= 50);
      expectInOrderPerPublisher(client.messages('all'), ['p'], 50);
    }
    expect(publisher.messages('all')).toEqual([]);
  });
});
