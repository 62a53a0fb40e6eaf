/** The public surface of @wskit/redis: this list changes only on purpose (docs/contributing.md). */
import type { RedisBrokerEvents, RedisBrokerOptions } from '@wskit/redis';
import * as redis from '@wskit/redis';
import { expect, it } from 'vitest';

it('@wskit/redis exports exactly these names', () => {
  expect(Object.keys(redis).sort()).toEqual(['DefaultRedisBrokerOptions', 'RedisBroker', 'redisBroker']);
  const options: RedisBrokerOptions = { url: 'redis://127.0.0.1:6379', maxLength: 100 };
  const events: keyof RedisBrokerEvents = 'reconnected';
  expect([options.maxLength, events]).toEqual([100, 'reconnected']);
});

it('refuses bad options before connecting', () => {
  expect(() => redis.redisBroker({ maxLength: 0 })).toThrow(RangeError);
  expect(() => redis.redisBroker({ readCount: 1.5 })).toThrow(RangeError);
});
