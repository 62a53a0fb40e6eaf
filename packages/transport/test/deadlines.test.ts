import { DeadlineQueue } from '@wskit/transport';
import { describe, expect, it, vi } from 'vitest';
import { until } from './helpers.js';

function entry(log: string[], name: string) {
  return { at: 0, slot: -1, due: () => log.push(name) };
}

describe('DeadlineQueue', () => {
  it('runs due entries in deadline order and skips cancelled ones', async () => {
    const queue = new DeadlineQueue();
    const log: string[] = [];
    const now = performance.now();
    const [a, b, c] = [entry(log, 'a'), entry(log, 'b'), entry(log, 'c')];
    queue.schedule(b, now + 20);
    queue.schedule(a, now + 10);
    queue.schedule(c, now + 15);
    queue.cancel(c);
    expect(queue.size).toBe(2);
    await until(() => log.length === 2);
    expect(log).toEqual(['a', 'b']);
    expect(queue.size).toBe(0);
  });

  it('keeps its timer when emptied: short-lived entries do not make a runtime timer each', async () => {
    const queue = new DeadlineQueue();
    const log: string[] = [];
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      // A handshake's deadline: scheduled when the connection comes, cancelled once it is upgraded.
      for (let index = 0; index < 100; index++) {
        const deadline = entry(log, 'late');
        queue.schedule(deadline, performance.now() + 10_000);
        queue.cancel(deadline);
      }
      expect(timers).toHaveBeenCalledTimes(1);
    } finally {
      timers.mockRestore();
    }
    // A later entry still runs at its time.
    queue.schedule(entry(log, 'due'), performance.now() + 5);
    await until(() => log.length === 1);
    expect(log).toEqual(['due']);
  });

  it("disarms when emptied where timers cannot be unref'd (workerd drops a timer with its request)", () => {
    const queue = new DeadlineQueue();
    let next = 1;
    const armed = new Set<number>();
    // Timers as workerd and browsers make them: plain numbers, no unref.
    const timers = vi.spyOn(globalThis, 'setTimeout').mockImplementation((() => {
      armed.add(next);
      return next++;
    }) as unknown as typeof setTimeout);
    const clears = vi.spyOn(globalThis, 'clearTimeout').mockImplementation(((id: number) => {
      armed.delete(id);
    }) as unknown as typeof clearTimeout);
    try {
      const first = entry([], 'first');
      queue.schedule(first, performance.now() + 10_000);
      queue.cancel(first);
      expect(armed.size).toBe(0); // disarmed: a later request arms a timer of its own
      const second = entry([], 'second');
      queue.schedule(second, performance.now() + 20_000);
      expect(armed.size).toBe(1);
      expect(timers).toHaveBeenCalledTimes(2);
      queue.cancel(second);
      expect(armed.size).toBe(0);
    } finally {
      timers.mockRestore();
      clears.mockRestore();
    }
  });
});
