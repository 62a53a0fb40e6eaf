/**
 * FrameEncoder.encodeInto: the same bytes as encode(), written into the caller's buffer, nothing
 * outside the frame touched; and the pool behind encode(): a region handed out is never rewritten.
 */
import { FrameEncoder, frameHeaderSize, MaskKeyPool, Opcode, Rsv } from '@wskit/codec';
import { describe, expect, it } from 'vitest';
import { concat, decode, fixedKeys, fixedRandom, randomBytes, toHex } from './helpers.js';

const lengths = [0, 1, 3, 4, 31, 32, 33, 125, 126, 127, 511, 512, 4096, 65_535, 65_536, 70_000];

describe('encodeInto', () => {
  for (const role of ['client', 'server'] as const) {
    it(`${role}: writes what encode() returns, at any offset, and returns the offset after it`, () => {
      const into = new FrameEncoder({ role, maskKeys: fixedKeys(0x37fa213d) });
      const reference = new FrameEncoder({ role, maskKeys: fixedKeys(0x37fa213d), copyThreshold: 1 << 20 });
      for (const length of lengths) {
        const payload = randomBytes(length, length + 1);
        const before = payload.slice();
        for (const offset of [0, 1, 7]) {
          const expected = concat(reference.encode(Opcode.Binary, payload, { fin: false, rsv: Rsv.Rsv1 }));
          const target = new Uint8Array(offset + expected.length + 5).fill(0xcc);
          const end = into.encodeInto(target, offset, Opcode.Binary, payload, { fin: false, rsv: Rsv.Rsv1 });
          expect(end).toBe(offset + expected.length);
          expect(end - offset).toBe(frameHeaderSize(length, role === 'client') + length);
          expect(toHex(target.subarray(offset, end))).toBe(toHex(expected));
          // Nothing outside the frame is written, and the payload is left as it was.
          expect(target.subarray(0, offset).every((byte) => byte === 0xcc)).toBe(true);
          expect(target.subarray(end).every((byte) => byte === 0xcc)).toBe(true);
          expect(toHex(payload)).toBe(toHex(before));
        }
      }
    });
  }

  it('many frames back to back in one buffer decode as the messages, with a fresh key each', () => {
    const encoder = new FrameEncoder({ role: 'client' });
    const messages = Array.from({ length: 200 }, (_, i) => randomBytes(i % 40, i));
    const buffer = new Uint8Array(messages.reduce((sum, message) => sum + 6 + message.length, 0));
    let offset = 0;
    for (const message of messages) offset = encoder.encodeInto(buffer, offset, Opcode.Binary, message);
    expect(offset).toBe(buffer.length);
    const { events, error } = decode([buffer], { role: 'server' });
    expect(error).toBeUndefined();
    expect(events).toEqual(messages.map((message) => ({ event: 'binary', data: toHex(message) })));
  });

  it('refuses a frame that does not fit, or a bad offset, with RangeError, using up no key', () => {
    let drawn = 0;
    const random = fixedRandom(0x01020304);
    const keys = new MaskKeyPool(1, (array) => {
      drawn++;
      return random(array);
    });
    const encoder = new FrameEncoder({ role: 'client', maskKeys: keys });
    const payload = randomBytes(10, 1);
    const target = new Uint8Array(16).fill(0xcc);
    expect(() => encoder.encodeInto(target, 1, Opcode.Binary, payload)).toThrow(RangeError);
    for (const offset of [-1, 0.5, Number.NaN, 17]) {
      expect(() => encoder.encodeInto(target, offset, Opcode.Binary, payload)).toThrow(RangeError);
    }
    expect(target.every((byte) => byte === 0xcc)).toBe(true);
    expect(drawn).toBe(0);
    expect(encoder.encodeInto(target, 0, Opcode.Binary, payload)).toBe(16);
    expect(drawn).toBe(1);
  });

  it('checks control frames as encode() does', () => {
    const encoder = new FrameEncoder({ role: 'server' });
    const target = new Uint8Array(200);
    expect(() => encoder.encodeInto(target, 0, Opcode.Ping, new Uint8Array(126))).toThrow(RangeError);
    expect(() => encoder.encodeInto(target, 0, Opcode.Close, new Uint8Array(2), { fin: false })).toThrow(
      RangeError,
    );
    expect(() => encoder.encodeInto(target, 0, 0xb as Opcode, new Uint8Array(0))).toThrow(RangeError);
    expect(encoder.encodeInto(target, 0, Opcode.Pong, new Uint8Array(125))).toBe(127);
  });
});

describe('the frame pool', () => {
  it('never rewrites a frame it handed out: frames stay intact while later ones are encoded', () => {
    const client = new FrameEncoder({ role: 'client' });
    const server = new FrameEncoder({ role: 'server', copyThreshold: 4096 });
    const kept: { frame: Uint8Array; copy: Uint8Array }[] = [];
    // Enough small frames of every kind to go through many 64 KiB slabs.
    for (let i = 0; i < 3000; i++) {
      const length = (i * 37) % 300;
      const payload = randomBytes(length, i);
      const frames = [
        ...client.encode(Opcode.Binary, payload),
        ...server.encode(Opcode.Binary, payload),
        ...client.encodeText('héllo'.repeat(i % 8)),
        ...server.encodeText('x'.repeat(i % 42)),
        ...new FrameEncoder({ role: 'server', copyThreshold: 0 }).encode(Opcode.Binary, payload).slice(0, 1),
      ];
      for (const frame of frames) kept.push({ frame, copy: frame.slice() });
    }
    for (const { frame, copy } of kept) expect(toHex(frame)).toBe(toHex(copy));
    // And no two frames share a byte.
    const byBuffer = new Map<ArrayBufferLike, [number, number][]>();
    for (const { frame } of kept) {
      const ranges = byBuffer.get(frame.buffer) ?? [];
      ranges.push([frame.byteOffset, frame.byteOffset + frame.length]);
      byBuffer.set(frame.buffer, ranges);
    }
    for (const ranges of byBuffer.values()) {
      ranges.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0] >= ranges[i - 1]![1]).toBe(true);
    }
  });
});
