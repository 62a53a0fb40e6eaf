import { describe, expect, it } from 'vitest';
import {
  AutobahnLimits,
  DefaultLimits,
  describeLimits,
  formatSize,
  limitsFromFlags,
  parseSize,
  sessionOptions,
} from '../src/limits.ts';

describe('parseSize', () => {
  it('reads bytes and binary units, case-insensitively', () => {
    expect(parseSize('16777216')).toBe(16 * 1024 * 1024);
    expect(parseSize('64MiB')).toBe(64 * 1024 * 1024);
    expect(parseSize('512 KiB')).toBe(512 * 1024);
    expect(parseSize('1g')).toBe(1024 ** 3);
    expect(parseSize('10mb')).toBe(10 * 1024 * 1024);
    expect(parseSize('7 B')).toBe(7);
  });

  it('refuses anything else', () => {
    for (const text of ['', 'MiB', '1.5MiB', '-1', '12 parsecs', '0x10', '99999999999999999999']) {
      expect(parseSize(text)).toBeUndefined();
    }
  });

  it('is the inverse of formatSize', () => {
    for (const size of [1, 1000, 1024, 1536 * 1024, 64 * 1024 * 1024, 2 * 1024 ** 3]) {
      expect(parseSize(formatSize(size))).toBe(size);
    }
    expect(formatSize(64 * 1024 * 1024)).toBe('64 MiB');
    expect(formatSize(1000)).toBe('1000 B');
  });
});

describe('limitsFromFlags', () => {
  it('keeps the session defaults without flags', () => {
    expect(limitsFromFlags({})).toEqual(DefaultLimits);
    expect(describeLimits(DefaultLimits)).toBe('16 MiB messages, 4096 fragments');
  });

  it('raises both with --autobahn, and single flags win over it', () => {
    expect(limitsFromFlags({ autobahn: true })).toEqual({
      maxMessageSize: 64 * 1024 * 1024,
      maxFragments: 100_000,
    });
    expect(limitsFromFlags({ autobahn: true, 'max-fragments': '10' })).toEqual({
      maxMessageSize: AutobahnLimits.maxMessageSize,
      maxFragments: 10,
    });
    expect(limitsFromFlags({ 'max-message-size': '1KiB' })).toEqual({
      maxMessageSize: 1024,
      maxFragments: 4096,
    });
  });

  it('starts from the base given', () => {
    expect(limitsFromFlags({}, AutobahnLimits)).toEqual(AutobahnLimits);
  });

  it('explains bad values', () => {
    expect(limitsFromFlags({ 'max-message-size': 'lots' })).toMatch(/^--max-message-size must be/);
    expect(limitsFromFlags({ 'max-fragments': '1e3' })).toMatch(/^--max-fragments must be/);
    expect(limitsFromFlags({ 'max-buffered-bytes': 'lots' })).toMatch(/^--max-buffered-bytes must be/);
    expect(limitsFromFlags({ 'max-fragments': '0' })).toMatch(/^--max-fragments must be/);
  });
});

describe('sessionOptions', () => {
  it('sets the frame limit to the message limit', () => {
    expect(sessionOptions(AutobahnLimits)).toEqual({
      maxMessageSize: 64 * 1024 * 1024,
      maxFrameSize: 64 * 1024 * 1024,
      maxFragments: 100_000,
    });
  });
});
