/**
 * @wskit/redis: a Redis broker for wskit's topics. Give it to a server's `topics.broker` and a
 * publish on any process reaches the subscribers of every process connected to the same Redis:
 * fast topics over Redis pub/sub (at most once; an outage is reported as a gap), recoverable topics
 * over Redis Streams (each message has an offset; a client resumes from its last one on any process,
 * within the retention window). Built on node-redis (`@redis/client`).
 *
 * @packageDocumentation
 */
export {
  DefaultRedisBrokerOptions,
  RedisBroker,
  type RedisBrokerEvents,
  type RedisBrokerOptions,
  redisBroker,
} from './redis-broker.js';
