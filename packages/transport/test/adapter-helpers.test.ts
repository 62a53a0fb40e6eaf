import { FrameScratch, formatAddress, JOIN_LIMIT, joinSmallChunks } from '@wskit/transport';
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

describe('FrameScratch', () => {
  it('lends one buffer at a time up to its limit, grows it, and frees only the lending a late callback belongs to', () => {
    const scratch = new FrameScratch(1000);
    const [a, b] = [{}, {}];
    expect(scratch.lend(a, 1001)).toBeUndefined(); // over the limit: the caller allocates
    const first = scratch.lend(a, 100)!;
    expect(first).toHaveLength(100);
    expect(scratch.lend(b, 10)).toBeUndefined(); // lent
    expect(scratch.lentTo(a) && !scratch.lentTo(b)).toBe(true);
    expect(scratch.holds(first.subarray(10))).toBe(true);
    expect(scratch.indexIn([new Uint8Array(4), first])).toBe(1);
    const lending = scratch.lending;
    scratch.free();
    expect(scratch.holds(first)).toBe(false); // free: no chunk is its
    expect(scratch.indexIn([first])).toBe(-1);
    const second = scratch.lend(b, 600)!; // grown (to the larger of the length and twice the size)
    expect(second).toHaveLength(600);
    scratch.freeLending(lending); // the first lending's late write callback
    expect(scratch.lentTo(b)).toBe(true);
    scratch.freeLending(scratch.lending);
    expect(scratch.lend(a, 1000)).toHaveLength(1000); // grown to the limit
  });
});
