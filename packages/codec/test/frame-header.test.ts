/**
 * Frame headers: encoding and decoding of 7-, 16- and 64-bit lengths, the minimal length form, and
 * lengths refused from the header alone.
 */
import {
  CodecError,
  encodeFrameHeader,
  FrameDecoder,
  type FrameHeader,
  frameHeaderSize,
  MAX_7BIT_LENGTH,
  MAX_16BIT_LENGTH,
  MAX_HEADER_SIZE,
  Opcode,
  Rsv,
  writeFrameHeader,
} from '@wskit/codec';
import { describe, expect, it } from 'vitest';
import { bytewise, decodeHex, fromHex, toHex } from './helpers.js';

/** Decodes one header with a FrameDecoder and returns a copy of what it reported. */
function decodeHeader(
  bytes: Uint8Array,
  role: 'client' | 'server' = 'client',
  enforceMasking = true,
): FrameHeader | CodecError {
  let seen: FrameHeader | undefined;
  const decoder = new FrameDecoder(
    {
      onFrameStart: (header) => {
        seen = { ...header };
      },
      onFramePayload() {},
      onFrameEnd() {},
    },
    { role, maxFrameSize: Number.MAX_SAFE_INTEGER, enforceMasking },
  );
  const error = decoder.write(bytes);
  if (error !== undefined) return error;
  if (seen === undefined) throw new Error('no header decoded');
  return seen;
}

describe('frameHeaderSize', () => {
  it('is 2, 4 or 10 bytes by length, plus 4 when masked', () => {
    expect(frameHeaderSize(0, false)).toBe(2);
    expect(frameHeaderSize(125, false)).toBe(2);
    expect(frameHeaderSize(126, false)).toBe(4);
    expect(frameHeaderSize(65535, false)).toBe(4);
    expect(frameHeaderSize(65536, false)).toBe(10);
    expect(frameHeaderSize(2 ** 40, false)).toBe(10);
    expect(frameHeaderSize(0, true)).toBe(6);
    expect(frameHeaderSize(125, true)).toBe(6);
    expect(frameHeaderSize(126, true)).toBe(8);
    expect(frameHeaderSize(65536, true)).toBe(MAX_HEADER_SIZE);
  });
});

describe('encodeFrameHeader', () => {
  const cases: [number, string][] = [
    [0, '8200'],
    [1, '8201'],
    [MAX_7BIT_LENGTH, '827d'],
    [126, '827e007e'],
    [127, '827e007f'],
    [256, '827e0100'],
    [MAX_16BIT_LENGTH, '827effff'],
    [65536, '827f0000000000010000'],
    [2 ** 32 - 1, '827f00000000ffffffff'],
    [2 ** 32, '827f0000000100000000'],
    [2 ** 32 + 258, '827f0000000100000102'],
    [Number.MAX_SAFE_INTEGER, '827f001fffffffffffff'],
  ];

  it.each(cases)('uses the minimal length form for %d bytes', (length, hex) => {
    expect(toHex(encodeFrameHeader({ opcode: Opcode.Binary, payloadLength: length }))).toBe(hex);
  });

  it.each(cases)('decodes the header of %d bytes back', (length, hex) => {
    const header = decodeHeader(fromHex(hex));
    expect(header).toEqual({
      fin: true,
      rsv: 0,
      opcode: Opcode.Binary,
      masked: false,
      maskKey: 0,
      payloadLength: length,
    });
  });

  it('round-trips masked headers at the boundaries', () => {
    for (const length of [0, 125, 126, 65535, 65536, 2 ** 31, 2 ** 33 + 5]) {
      const header = encodeFrameHeader({ opcode: Opcode.Text, payloadLength: length, maskKey: 0x01020304 });
      expect(header).toHaveLength(frameHeaderSize(length, true));
      expect(toHex(header.subarray(header.length - 4))).toBe('01020304');
      expect(decodeHeader(header, 'server')).toEqual({
        fin: true,
        rsv: 0,
        opcode: Opcode.Text,
        masked: true,
        maskKey: 0x01020304,
        payloadLength: length,
      });
    }
  });

  it('writes FIN, RSV bits, the opcode and a high mask key', () => {
    expect(toHex(encodeFrameHeader({ opcode: Opcode.Text, payloadLength: 3, fin: false }))).toBe('0103');
    expect(toHex(encodeFrameHeader({ opcode: Opcode.Continuation, payloadLength: 0 }))).toBe('8000');
    expect(toHex(encodeFrameHeader({ opcode: Opcode.Text, payloadLength: 0, rsv: Rsv.Rsv1 }))).toBe('c100');
    expect(
      toHex(encodeFrameHeader({ opcode: Opcode.Text, payloadLength: 0, rsv: Rsv.Rsv2 | Rsv.Rsv3 })),
    ).toBe('b100');
    // Bits outside the RSV field are dropped.
    expect(toHex(encodeFrameHeader({ opcode: Opcode.Text, payloadLength: 0, rsv: 0xff }))).toBe('f100');
    expect(toHex(encodeFrameHeader({ opcode: Opcode.Close, payloadLength: 2, maskKey: 0xfffefdfc }))).toBe(
      '8882fffefdfc',
    );
    expect(decodeHeader(fromHex('c100'), 'client')).toBeInstanceOf(CodecError); // RSV1 not negotiated
  });

  it('writeFrameHeader writes at an offset and returns the size', () => {
    const target = new Uint8Array(20).fill(0xee);
    expect(
      writeFrameHeader(target, 3, { opcode: Opcode.Binary, payloadLength: 300, maskKey: 0xa1b2c3d4 }),
    ).toBe(8);
    expect(toHex(target)).toBe('eeeeee82fe012ca1b2c3d4eeeeeeeeeeeeeeeeee');
  });

  it('refuses an opcode that does not fit 4 bits instead of corrupting FIN and RSV (found by this suite)', () => {
    expect(() => encodeFrameHeader({ opcode: 0x11 as Opcode, payloadLength: 0 })).toThrow(RangeError);
    expect(() => encodeFrameHeader({ opcode: -1 as Opcode, payloadLength: 0 })).toThrow(RangeError);
    expect(() => encodeFrameHeader({ opcode: 1.5 as Opcode, payloadLength: 0 })).toThrow(RangeError);
    // Reserved opcodes are an extension's business: written as given.
    expect(toHex(encodeFrameHeader({ opcode: 0x3 as Opcode, payloadLength: 0 }))).toBe('8300');
    expect(toHex(encodeFrameHeader({ opcode: 0xf as Opcode, payloadLength: 0 }))).toBe('8f00');
  });

  it('refuses lengths that are not non-negative safe integers', () => {
    expect(() => encodeFrameHeader({ opcode: Opcode.Binary, payloadLength: -1 })).toThrow(RangeError);
    expect(() => encodeFrameHeader({ opcode: Opcode.Binary, payloadLength: 1.5 })).toThrow(RangeError);
    expect(() => encodeFrameHeader({ opcode: Opcode.Binary, payloadLength: Number.NaN })).toThrow(RangeError);
    expect(() => encodeFrameHeader({ opcode: Opcode.Binary, payloadLength: 2 ** 53 })).toThrow(RangeError);
  });
});

describe('header decoding', () => {
  it('accepts a non-minimal length form (RFC 6455 leaves minimality to the sender)', () => {
    expect(decodeHex(['827e000161'], { role: 'client' }).events).toEqual([{ event: 'binary', data: '61' }]);
    expect(decodeHex(['827f000000000000000161'], { role: 'client' }).events).toEqual([
      { event: 'binary', data: '61' },
    ]);
  });

  it('decodes a header split at every byte', () => {
    for (const hex of [
      '827e0100',
      '827f0000000000010000',
      '82fe0100a1b2c3d4',
      '82ff0000000000010000a1b2c3d4',
    ]) {
      let seen: FrameHeader | undefined;
      const decoder = new FrameDecoder(
        {
          onFrameStart: (header) => {
            seen = { ...header };
          },
          onFramePayload() {},
          onFrameEnd() {},
        },
        { role: 'client', enforceMasking: false },
      );
      const chunks = bytewise(fromHex(hex));
      for (const [index, chunk] of chunks.entries()) {
        expect(decoder.write(chunk)).toBeUndefined();
        expect(seen === undefined).toBe(index < chunks.length - 1);
        expect(decoder.atFrameBoundary).toBe(false);
      }
      expect(seen).toEqual(decodeHeader(fromHex(hex), 'server', false));
    }
  });
});

describe('lengths refused from the header alone', () => {
  const topBitSet = [
    '827f8000000000000000',
    '827fffffffffffffffff',
    '827f8000000000000001',
    '027f8000000000000000', // also on a non-final frame
  ];

  it.each(topBitSet)('a 64-bit length with the most significant bit set (%s)', (hex) => {
    const { error, errorAt } = decodeHex([hex], { role: 'client' });
    expect(error).toBeInstanceOf(CodecError);
    expect(error).toMatchObject({ code: 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', closeCode: 1002 });
    expect(errorAt).toBe(0);
  });

  it('the top-bit check applies to a masked header too', () => {
    const { error } = decodeHex(['82ff8000000000000000a1b2c3d4'], { role: 'server' });
    expect(error).toMatchObject({ code: 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', closeCode: 1002 });
  });

  it('a length over maxFrameSize, 16-bit and 64-bit forms, fed one byte at a time', () => {
    for (const hex of ['827e0401', '827f0000000000000401', '82fe0401a1b2c3d4']) {
      const chunks = bytewise(fromHex(hex));
      const { error, errorAt } = decodeHex([hex], {
        role: 'client',
        maxFrameSize: 1024,
        enforceMasking: false,
      });
      expect(error).toMatchObject({ code: 'WS_ERR_FRAME_TOO_LARGE', closeCode: 1009 });
      expect(errorAt).toBe(0);
      const split = decodeHex(
        chunks.map((chunk) => toHex(chunk)),
        { role: 'client', maxFrameSize: 1024, enforceMasking: false },
      );
      expect(split.error).toMatchObject({ code: 'WS_ERR_FRAME_TOO_LARGE', closeCode: 1009 });
      // The error comes with the last header byte: no payload byte was needed.
      expect(split.errorAt).toBe(chunks.length - 1);
    }
  });

  it('a length of exactly maxFrameSize is accepted', () => {
    const payload = '61'.repeat(1024);
    const { error, events } = decodeHex([`827e0400${payload}`], { role: 'client', maxFrameSize: 1024 });
    expect(error).toBeUndefined();
    expect(events).toEqual([{ event: 'binary', data: payload }]);
  });

  it('the default maxFrameSize (16 MiB) refuses 16 MiB + 1 from the header', () => {
    expect(decodeHex(['827f0000000001000001'], { role: 'client' }).error).toMatchObject({
      code: 'WS_ERR_FRAME_TOO_LARGE',
      closeCode: 1009,
    });
    // 16 MiB exactly: accepted, waiting for payload.
    expect(decodeHex(['827f0000000001000000'], { role: 'client' }).error).toBeUndefined();
  });

  it('a huge declared length below 2^63 is refused as too large, not buffered', () => {
    const { error } = decodeHex(['827f7fffffffffffffff'], { role: 'client' });
    expect(error).toMatchObject({ code: 'WS_ERR_FRAME_TOO_LARGE', closeCode: 1009 });
  });
});
