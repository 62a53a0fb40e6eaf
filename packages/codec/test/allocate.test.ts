/**
 * The `allocate` option of MessageDecoder, FrameEncoder and ByteParts: what it is called for, that
 * memory it returns need not be zeroed (every byte is written), and misuse.
 */
import { ByteParts, FrameEncoder, MessageDecoder, Opcode } from '@wskit/codec';
import { describe, expect, it } from 'vitest';
import { concat, decode, fixedKeys, fromHex, Recorder, randomBytes, splitAt, toHex } from './helpers.js';

/** An `allocate` that records each call and hands out memory full of garbage, as `Buffer.allocUnsafe` may. */
function recordingAllocate(): {
  allocate: (length: number) => Uint8Array;
  calls: number[];
  arrays: Uint8Array[];
} {
  const calls: number[] = [];
  const arrays: Uint8Array[] = [];
  return {
    calls,
    arrays,
    allocate: (length) => {
      calls.push(length);
      const bytes = new Uint8Array(length).fill(0xa5);
      arrays.push(bytes);
      return bytes;
    },
  };
}

const payload = randomBytes(10_000, 21);

/** The frame pool's slab size: what `allocate` is asked for when an encoder starts a slab. */
const SLAB = 64 * 1024;

describe('MessageDecoder allocate', () => {
  for (const [role, senderRole] of [
    ['server', 'client'],
    ['client', 'server'],
  ] as const) {
    it(`${role}: a message split across chunks is joined into one array from allocate, every byte written`, () => {
      const { allocate, calls, arrays } = recordingAllocate();
      const encoder = new FrameEncoder({ role: senderRole, maskKeys: fixedKeys(0x1f2e3d4c) });
      const frame = concat(encoder.encode(Opcode.Binary, payload));
      const { recorder, error } = decode(splitAt(frame, [3, 777, 778, 5001, 9999]), { role, allocate });
      expect(error).toBeUndefined();
      expect(calls).toEqual([payload.length]);
      expect(recorder.arrays[0]).toBe(arrays[0]);
      expect(toHex(recorder.arrays[0]!)).toBe(toHex(payload));
    });

    it(`${role}: a fragmented message with control frames between its frames, masked or not`, () => {
      const { allocate, calls } = recordingAllocate();
      const encoder = new FrameEncoder({ role: senderRole, maskKeys: fixedKeys(0x01020304) });
      const frames = concat([
        ...encoder.encode(Opcode.Binary, payload.subarray(0, 1001), { fin: false }),
        ...encoder.encode(Opcode.Ping, fromHex('0102')),
        ...encoder.encode(Opcode.Continuation, payload.subarray(1001, 1003), { fin: false }),
        ...encoder.encode(Opcode.Continuation, payload.subarray(1003)),
      ]);
      for (const cuts of [[], [1, 2, 3, 1005, 1010, 1011, 1013], [500, 4000, 4001]]) {
        calls.length = 0;
        const { events, error } = decode(splitAt(frames, cuts), { role, allocate });
        expect(error).toBeUndefined();
        expect(events).toEqual([
          { event: 'ping', data: '0102' },
          { event: 'binary', data: toHex(payload) },
        ]);
        expect(calls).toEqual([payload.length]);
      }
    });
  }

  it('is not called for a message that arrives in one piece (delivered as a view of the chunk)', () => {
    const { allocate, calls } = recordingAllocate();
    const frame = concat(new FrameEncoder({ role: 'client' }).encode(Opcode.Binary, payload));
    const { recorder } = decode([frame], { role: 'server', allocate });
    expect(calls).toEqual([]);
    expect(recorder.arrays[0]!.buffer).toBe(frame.buffer);
  });

  it('joins extension messages and control frames split across chunks too', () => {
    const { allocate, calls } = recordingAllocate();
    const encoder = new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0xa1b2c3d4) });
    const frames = concat([
      ...encoder.encode(Opcode.Binary, payload.subarray(0, 300), { rsv: 0x40 }),
      ...encoder.encode(Opcode.Ping, payload.subarray(0, 100)),
    ]);
    const { events, error } = decode(splitAt(frames, [100, 400]), {
      role: 'server',
      allowedRsv: 0x40,
      allocate,
    });
    expect(error).toBeUndefined();
    expect(events).toEqual([
      { event: 'extension', type: 'binary', data: toHex(payload.subarray(0, 300)), rsv: 0x40 },
      { event: 'ping', data: toHex(payload.subarray(0, 100)) },
    ]);
    expect(calls).toEqual([300, 100]);
  });

  it('a longer array is cut to size; a shorter one, or none, is a TypeError', () => {
    const frame = concat(new FrameEncoder({ role: 'server' }).encode(Opcode.Binary, payload.subarray(0, 50)));
    const longer = decode(splitAt(frame, [10]), {
      role: 'client',
      allocate: (length) => new Uint8Array(length + 9),
    });
    expect(longer.recorder.arrays[0]).toHaveLength(50);
    expect(toHex(longer.recorder.arrays[0]!)).toBe(toHex(payload.subarray(0, 50)));
    for (const allocate of [
      (length: number) => new Uint8Array(length - 1),
      () => [] as unknown as Uint8Array,
    ]) {
      const decoder = new MessageDecoder(new Recorder(), { role: 'client', allocate });
      decoder.write(frame.slice(0, 10));
      expect(() => decoder.write(frame.slice(10))).toThrow(TypeError);
    }
    expect(
      () =>
        new MessageDecoder(new Recorder(), { role: 'client', allocate: 1 as unknown as () => Uint8Array }),
    ).toThrow(TypeError);
  });
});

describe('FrameEncoder allocate', () => {
  it('is called for masked frames over 4 KiB, with their exact size; smaller ones come from the pool', () => {
    const { allocate, calls } = recordingAllocate();
    const encoder = new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0x37fa213d), allocate });
    for (const length of [0, 1, 125, 4000, 4088, 4089, 10_000, 70_000]) {
      const data = randomBytes(length, length);
      const frame = encoder.encode(Opcode.Binary, data);
      const expected = concat(
        new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0x37fa213d) }).encode(Opcode.Binary, data),
      );
      expect(frame).toHaveLength(1);
      expect(toHex(frame[0]!)).toBe(toHex(expected));
    }
    // A 16-bit length and the key make 8 header bytes: 4088 + 8 is the largest pooled frame. (A
    // call for 64 KiB is the shared frame pool's next slab, when this encoder happened to start it.)
    expect(calls.filter((length) => length !== SLAB)).toEqual([4097, 10_008, 70_014]);
  });

  it("gives the frame pool its slabs, whose garbage never reaches a frame's bytes", () => {
    const { allocate, calls } = recordingAllocate();
    const masking = new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0x1b2c3d4e), allocate });
    const plain = new FrameEncoder({ role: 'server', allocate });
    const reference = {
      masking: new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0x1b2c3d4e) }),
      plain: new FrameEncoder({ role: 'server' }),
    };
    // Over 3 slabs' worth of small frames of every pooled shape: headers alone, whole frames,
    // text encoded into the pool, masked and not.
    for (let index = 0; index < 400; index++) {
      const length = (index * 37) % 700;
      const data = randomBytes(length, index);
      const text = 'é'.repeat(length % 90);
      expect(toHex(concat(masking.encode(Opcode.Binary, data)))).toBe(
        toHex(concat(reference.masking.encode(Opcode.Binary, data))),
      );
      expect(toHex(concat(plain.encode(Opcode.Binary, data)))).toBe(
        toHex(concat(reference.plain.encode(Opcode.Binary, data))),
      );
      expect(toHex(concat(masking.encodeText(text)))).toBe(toHex(concat(reference.masking.encodeText(text))));
      expect(toHex(concat(plain.encodeText(text)))).toBe(toHex(concat(reference.plain.encodeText(text))));
    }
    expect(calls.filter((length) => length === SLAB).length).toBeGreaterThan(0);
  });

  it('is called for unmasked frames over 4 KiB that copyThreshold copies', () => {
    const { allocate, calls, arrays } = recordingAllocate();
    const encoder = new FrameEncoder({ role: 'server', copyThreshold: 100_000, allocate });
    const frame = encoder.encode(Opcode.Binary, payload);
    expect(frame).toHaveLength(1);
    expect(frame[0]).toBe(arrays[0]);
    expect(calls).toEqual([payload.length + 4]);
    expect(toHex(frame[0]!)).toBe(`827e2710${toHex(payload)}`);
  });

  it('a bad allocate is a TypeError', () => {
    expect(() => new FrameEncoder({ role: 'client', allocate: 'no' as unknown as () => Uint8Array })).toThrow(
      TypeError,
    );
    const short = new FrameEncoder({ role: 'client', allocate: (length) => new Uint8Array(length >> 1) });
    expect(() => short.encode(Opcode.Binary, payload)).toThrow(TypeError);
  });
});

describe('ByteParts allocate and masked pieces', () => {
  it('joins into an array from allocate, unmasking masked pieces with their own keys', () => {
    const { allocate, calls, arrays } = recordingAllocate();
    const parts = new ByteParts(allocate);
    const plain = fromHex('00112233445566');
    // A key applies from the piece's first byte: 0xa1 masks byte 0, 0xb2 byte 1, and so on.
    const masked = fromHex('a1b2c3d4a1'); // 00 00 00 00 00 masked with a1b2c3d4
    parts.push(plain);
    parts.push(masked, 0xa1b2c3d4);
    parts.push(fromHex('ff'));
    const joined = parts.take();
    expect(joined).toBe(arrays[0]);
    expect(calls).toEqual([13]);
    expect(toHex(joined)).toBe('00112233445566' + '0000000000' + 'ff');
  });

  it('a lone masked piece is unmasked in place and returned as is', () => {
    const parts = new ByteParts();
    const piece = fromHex('a1b2c3d4a1b2');
    parts.push(piece, 0xa1b2c3d4);
    expect(parts.take()).toBe(piece);
    expect(toHex(piece)).toBe('000000000000');
  });

  it('large pieces with small ones between them are all kept as views (one copy when joined)', () => {
    const { allocate, calls } = recordingAllocate();
    const parts = new ByteParts(allocate);
    const sources: Uint8Array[] = [];
    // 16 frames of 64 KiB in 64 KiB chunks: a large and a small piece per frame, as on the wire.
    for (let i = 0; i < 16; i++) {
      for (const size of [65_536 - 14 * (i + 1), 14 * (i + 1)]) {
        const source = new Uint8Array(size).fill(i);
        sources.push(source);
        parts.push(source);
      }
    }
    // Change every source: a piece kept as a view shows the change in the joined array.
    for (const source of sources) source.fill(0xee);
    const joined = parts.take();
    expect(calls).toEqual([16 * 65_536]);
    expect(joined.every((byte) => byte === 0xee)).toBe(true);
  });

  it('small pieces are packed once they average under 4 KiB, masked or not', () => {
    const parts = new ByteParts();
    const sources: Uint8Array[] = [];
    const expected: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const key = i % 3 === 0 ? 0 : (0x9e3779b9 * i) >>> 0;
      const value = i & 0xff;
      const keyByte = key >>> 24;
      const source = new Uint8Array([value ^ keyByte, 0x55]);
      sources.push(source);
      expected.push(value);
      parts.push(source.subarray(0, 1), key);
    }
    for (const source of sources) source[0] = source[0]! ^ 0xff;
    const joined = parts.take();
    expect(joined).toHaveLength(3000);
    let changed = 0;
    for (let i = 0; i < 3000; i++) if (joined[i] !== expected[i]) changed++;
    // Only the first few pieces are views; the rest were copied (and unmasked) into blocks.
    expect(changed <= 8).toBe(true);
  });
});

describe('FrameEncoder scratch', () => {
  it('writes a masked frame over 4 KiB into the lent buffer, byte for byte as allocate would; smaller ones and unlent sizes as before', () => {
    const asked: number[] = [];
    const buffer = new Uint8Array(80_000).fill(0xa5);
    let lend = true;
    const scratch = (length: number): Uint8Array | undefined => {
      asked.push(length);
      return lend && length <= buffer.length ? buffer.subarray(0, length) : undefined;
    };
    const { allocate, calls } = recordingAllocate();
    const encoder = new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0x0badf00d), allocate, scratch });
    const reference = new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0x0badf00d) });
    for (const length of [0, 125, 4000, 10_000, 70_000, 100_000]) {
      const data = randomBytes(length, length + 1);
      const frame = encoder.encode(Opcode.Binary, data);
      expect(frame).toHaveLength(1);
      expect(toHex(frame[0]!)).toBe(toHex(concat(reference.encode(Opcode.Binary, data))));
      expect(frame[0]!.buffer === buffer.buffer).toBe(length === 10_000 || length === 70_000);
    }
    // Asked only for masked frames over 4 KiB; allocate got the one the buffer could not hold.
    expect(asked).toEqual([10_008, 70_014, 100_014]);
    expect(calls.filter((length) => length !== SLAB)).toEqual([100_014]);
    lend = false;
    expect(encoder.encode(Opcode.Binary, randomBytes(10_000, 3))[0]!.buffer === buffer.buffer).toBe(false);
    // An unmasked encoder never asks (it does not copy large payloads).
    const plain = new FrameEncoder({ role: 'server', scratch });
    plain.encode(Opcode.Binary, randomBytes(10_000, 4));
    expect(asked).toHaveLength(4);
  });

  it('refuses a scratch that is not a function, or that lends the wrong size', () => {
    expect(() => new FrameEncoder({ role: 'client', scratch: 1 as never })).toThrow(TypeError);
    const wrong = new FrameEncoder({ role: 'client', scratch: (length) => new Uint8Array(length - 1) });
    expect(() => wrong.encode(Opcode.Binary, randomBytes(10_000, 5))).toThrow(
      /scratch\(10008\) must return a Uint8Array of 10008 bytes or undefined/,
    );
  });
});
