import { formatAddress, JOIN_LIMIT, joinSmallChunks } from '@wskit/transport';
import { describe, expect, it } from 'vitest';

const bytes = (length: number, fill = 1) => new Uint8Array(length).fill(fill);

describe('joinSmallChunks', () => {
  it('joins a header and small payloads into one chunk, up to the limit', () => {
    const chunks = [bytes(2, 1), bytes(100, 2), bytes(10, 3), bytes(JOIN_LIMIT, 4)];
    const run = joinSmallChunks(chunks, 0);
    expect(run.next).toBe(3);
    expect(run.chunk.length).toBe(112);
    expect([run.chunk[0], run.chunk[2], run.chunk[111]]).toEqual([1, 2, 3]);
    const large = joinSmallChunks(chunks, 3);
    expect(large).toEqual({ chunk: chunks[3], next: 4 }); // as it is: no copy
  });

  it('returns a lone chunk as it is, and a header before a large payload alone', () => {
    const chunks = [bytes(4), bytes(64 * 1024)];
    const run = joinSmallChunks(chunks, 0);
    expect(run.chunk).toBe(chunks[0]);
    expect(run.next).toBe(1);
  });

  it('stops at the limit given', () => {
    const chunks = [bytes(3), bytes(3), bytes(3)];
    expect(joinSmallChunks(chunks, 0, 6).next).toBe(2);
  });
});

describe('formatAddress', () => {
  it('brackets IPv6 and adds the port', () => {
    expect(formatAddress('::1', 8080)).toBe('[::1]:8080');
    expect(formatAddress('127.0.0.1', 80)).toBe('127.0.0.1:80');
    expect(formatAddress('127.0.0.1', undefined)).toBe('127.0.0.1');
    expect(formatAddress(undefined, 80)).toBeUndefined();
  });
});
