import { describe, expect, it } from 'vitest';
import { describeTimers, parseDuration, sessionTimers, timersFromFlags } from '../src/timers.ts';

describe('parseDuration', () => {
  it('reads milliseconds, ms, s and m', () => {
    expect(parseDuration('5000')).toBe(5000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('20s')).toBe(20_000);
    expect(parseDuration(' 2 m ')).toBe(120_000);
    expect(parseDuration('0')).toBe(0);
  });

  it('refuses anything else', () => {
    for (const text of ['', '-1', '1.5s', '5h', 'soon', '1e3']) expect(parseDuration(text)).toBeUndefined();
  });
});

describe('timersFromFlags', () => {
  it('maps each flag to its timer, and leaves unset ones to the adapter', () => {
    const timers = timersFromFlags({
      'keepalive-interval': '5s',
      'pong-timeout': '2500',
      'handshake-timeout': '0',
    });
    expect(timers).toEqual({ keepaliveInterval: 5000, pongTimeout: 2500, handshakeTimeout: 0 });
    expect(timersFromFlags({})).toEqual({});
    expect(sessionTimers({ keepaliveInterval: 5000, handshakeTimeout: 0 })).toEqual({
      keepaliveInterval: 5000,
    });
    expect(describeTimers({ keepaliveInterval: 5000, pongTimeout: 2500, handshakeTimeout: 0 })).toBe(
      'keepalive 5 s, pong timeout 2500 ms, no handshake timeout',
    );
  });

  it('passes the idle and write timeouts to the sessions', () => {
    const timers = timersFromFlags({ 'idle-timeout': '2m', 'write-timeout': '0' });
    expect(timers).toEqual({ idleTimeout: 120_000, writeTimeout: 0 });
    expect(sessionTimers(timers as object)).toEqual({ idleTimeout: 120_000, writeTimeout: 0 });
    expect(describeTimers(timers as object)).toBe('idle timeout 2 min, no write timeout');
  });

  it('explains a bad value', () => {
    expect(timersFromFlags({ 'pong-timeout': 'later' })).toMatch(/^--pong-timeout must be a duration/);
  });
});
