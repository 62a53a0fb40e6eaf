/**
 * The exported event classes stand in for the class chosen on first use (the runtime's own where
 * it has a complete one): they behave as that class for `new`, `instanceof`, `extends`, `name` and
 * a call without `new`. Runs on Node (vitest) and on Bun (bun test).
 */
import { CloseEvent, ErrorEvent, MessageEvent } from '@wskit/transport';
import { describe, expect, it } from 'vitest';

const runtime = globalThis as { CloseEvent?: unknown; MessageEvent?: unknown; ErrorEvent?: unknown };

describe('CloseEvent, MessageEvent and ErrorEvent', () => {
  it('construct events with their init dictionaries', () => {
    const close = new CloseEvent('close', { code: 4000, reason: 'bye', wasClean: true });
    expect([close.type, close.code, close.reason, close.wasClean]).toEqual(['close', 4000, 'bye', true]);
    const message = new MessageEvent('message', { data: 'hi', origin: 'ws://example.com' });
    expect([message.type, message.data, message.origin, message.lastEventId]).toEqual([
      'message',
      'hi',
      'ws://example.com',
      '',
    ]);
    const failure = new Error('lost');
    const error = new ErrorEvent('error', { message: 'lost', error: failure });
    expect([error.message, error.error]).toEqual(['lost', failure]);
    expect(close).toBeInstanceOf(Event);
  });

  it('are the runtime’s own classes where it has complete ones', () => {
    const message = new MessageEvent('message', { data: 1, origin: 'ws://example.com' });
    if (typeof runtime.MessageEvent === 'function') {
      // Node, Bun and browsers keep `origin` (workerd's does not: there the fallback class is used).
      expect(message).toBeInstanceOf(runtime.MessageEvent as typeof Event);
      expect(Object.getPrototypeOf(message)).toBe((runtime.MessageEvent as typeof Event).prototype);
    }
    const close = new CloseEvent('close', { code: 1000 });
    if (typeof runtime.CloseEvent === 'function')
      expect(close).toBeInstanceOf(runtime.CloseEvent as typeof Event);
    expect(Object.prototype.toString.call(message)).toBe('[object MessageEvent]');
  });

  it('behave as the chosen class for instanceof, name, prototype, extends and a call without new', () => {
    for (const [Class, name] of [
      [CloseEvent, 'CloseEvent'],
      [MessageEvent, 'MessageEvent'],
      [ErrorEvent, 'ErrorEvent'],
    ] as const) {
      const event = new Class('x');
      expect(event).toBeInstanceOf(Class);
      expect(Object.getPrototypeOf(event)).toBe(Class.prototype);
      expect((Class as unknown as { name: string }).name).toBe(name);
      expect(new Event('x')).not.toBeInstanceOf(Class);
      expect(() => (Class as unknown as (type: string) => unknown)('x')).toThrow(TypeError);
    }
    class Tagged extends CloseEvent {
      readonly tag = 'tagged';
    }
    const tagged = new Tagged('close', { code: 4001 });
    expect(tagged).toBeInstanceOf(Tagged);
    expect(tagged).toBeInstanceOf(CloseEvent);
    expect([tagged.tag, tagged.code]).toEqual(['tagged', 4001]);
  });
});
