/**
 * FrameEncoder: output shape (one array or header + payload), masking per role, the caller's payload
 * left untouched, text encoding at the 7-bit length boundary, and control frame checks.
 */
import { FrameEncoder, MaskKeyPool, Opcode, Rsv } from '@wskit/codec';
import { describe, expect, it } from 'vitest';
import { concat, counting, decode, fixedKeys, fromHex, randomBytes, toHex, utf8 } from './helpers.js';

describe('FrameEncoder output', () => {
  it('a server frame up to copyThreshold is one array; larger ones are header + the payload itself', () => {
    const encoder = new FrameEncoder({ role: 'server', copyThreshold: 10 });
    expect(encoder.masking).toBe(false);
    const small = counting(10);
    const smallFrame = encoder.encode(Opcode.Binary, small);
    expect(smallFrame).toHaveLength(1);
    expect(toHex(smallFrame[0]!)).toBe(`820a${toHex(small)}`);
    const large = counting(11);
    const largeFrame = encoder.encode(Opcode.Binary, large);
    expect(largeFrame).toHaveLength(2);
    expect(toHex(largeFrame[0]!)).toBe('820b');
    expect(largeFrame[1]).toBe(large);
  });

  it('always emits the minimal length form, masked and unmasked (125/126, 65535/65536)', () => {
    const forms: [number, string][] = [
      [0, '00'],
      [125, '7d'],
      [126, '7e007e'],
      [65535, '7effff'],
      [65536, '7f0000000000010000'],
    ];
    for (const [length, lengthHex] of forms) {
      const payload = new Uint8Array(length);
      const server = concat(new FrameEncoder({ role: 'server' }).encode(Opcode.Binary, payload));
      expect(toHex(server.subarray(0, 1 + lengthHex.length / 2))).toBe(`82${lengthHex}`);
      expect(server).toHaveLength(1 + lengthHex.length / 2 + length);
      const client = concat(
        new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0) }).encode(Opcode.Binary, payload),
      );
      const maskedLength =
        (Number.parseInt(lengthHex.slice(0, 2), 16) | 0x80).toString(16) + lengthHex.slice(2);
      expect(toHex(client.subarray(0, 5 + lengthHex.length / 2))).toBe(`82${maskedLength}00000000`);
      expect(client).toHaveLength(5 + lengthHex.length / 2 + length);
    }
  });

  it('the default copyThreshold is 1024', () => {
    const encoder = new FrameEncoder({ role: 'server' });
    expect(encoder.encode(Opcode.Binary, new Uint8Array(1024))).toHaveLength(1);
    expect(encoder.encode(Opcode.Binary, new Uint8Array(1025))).toHaveLength(2);
  });

  it('a client frame is one masked array, and the payload is not modified', () => {
    const encoder = new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0x37fa213d) });
    expect(encoder.masking).toBe(true);
    for (const length of [0, 1, 125, 126, 2000, 65536]) {
      const payload = randomBytes(length, length);
      const before = payload.slice();
      const frame = encoder.encode(Opcode.Binary, payload);
      expect(frame).toHaveLength(1);
      expect(toHex(payload)).toBe(toHex(before));
      const { events, error } = decode([frame[0]!], { role: 'server' });
      expect(error).toBeUndefined();
      expect(events).toEqual([{ event: 'binary', data: toHex(before) }]);
    }
  });

  it('masks a payload that is an unaligned view', () => {
    const backing = randomBytes(300, 4);
    const payload = backing.subarray(3, 203);
    const frame = concat(
      new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0xdeadbeef) }).encode(Opcode.Binary, payload),
    );
    expect(decode([frame], { role: 'server' }).events).toEqual([{ event: 'binary', data: toHex(payload) }]);
  });

  it('each frame takes the next key from the pool', () => {
    let next = 0x01010101;
    const pool = new MaskKeyPool(2, (array) => {
      for (let i = 0; i < array.length; i++) {
        array[i] = next;
        next += 0x01010101;
      }
      return array;
    });
    const encoder = new FrameEncoder({ role: 'client', maskKeys: pool });
    const keys = [0, 1, 2].map((i) =>
      toHex(encoder.encode(Opcode.Ping, new Uint8Array(i))[0]!.subarray(2, 6)),
    );
    expect(keys).toEqual(['01010101', '02020202', '03030303']);
  });

  it('mask overrides the role', () => {
    const masked = new FrameEncoder({ role: 'server', mask: true, maskKeys: fixedKeys(0xffffffff) });
    expect(masked.masking).toBe(true);
    expect(toHex(concat(masked.encode(Opcode.Binary, fromHex('00ff'))))).toBe('8282ffffffffff00');
    const unmasked = new FrameEncoder({ role: 'client', mask: false });
    expect(unmasked.masking).toBe(false);
    expect(toHex(concat(unmasked.encode(Opcode.Binary, fromHex('00ff'))))).toBe('820200ff');
  });

  it('writes FIN and RSV bits', () => {
    const encoder = new FrameEncoder({ role: 'server' });
    expect(toHex(concat(encoder.encode(Opcode.Binary, fromHex('01'), { fin: false })))).toBe('020101');
    expect(toHex(concat(encoder.encode(Opcode.Text, fromHex('61'), { rsv: Rsv.Rsv1 })))).toBe('c10161');
    expect(toHex(concat(encoder.encodeText('a', { rsv: Rsv.Rsv1, fin: false })))).toBe('410161');
  });

  it('a bad role is TypeError', () => {
    expect(() => new FrameEncoder({ role: 'proxy' as 'client' })).toThrow(TypeError);
  });
});

describe('encodeText', () => {
  const cases = [
    '',
    'a',
    'Hello',
    'a'.repeat(41),
    'a'.repeat(42),
    'a'.repeat(125),
    'a'.repeat(126),
    '€'.repeat(41), // 123 bytes: the longest string of 41 units still fits a 7-bit length
    '€'.repeat(42), // 126 bytes: 16-bit length
    '😀'.repeat(20), // 40 units, 80 bytes
    '😀'.repeat(21), // 42 units, 84 bytes
    '😀'.repeat(40), // 160 bytes
    'é'.repeat(63),
    '\ufeffBOM',
    'x'.repeat(70_000),
  ];

  for (const role of ['client', 'server'] as const) {
    it.each(cases.map((text) => [`${text.length} units, ${utf8.encode(text).length} bytes`, text] as const))(
      `${role}: %s round-trip`,
      (_label, text) => {
        const encoder = new FrameEncoder({ role, maskKeys: fixedKeys(0x5a5aa5a5) });
        const frame = concat(encoder.encodeText(text));
        const bytes = utf8.encode(text);
        const expectedHeader = bytes.length <= 125 ? 2 : bytes.length <= 65535 ? 4 : 10;
        expect(frame).toHaveLength(expectedHeader + (role === 'client' ? 4 : 0) + bytes.length);
        const binary = concat(encoder.encode(Opcode.Text, bytes));
        if (role === 'server') expect(toHex(frame)).toBe(toHex(binary));
        const { events, error } = decode([frame], { role: role === 'client' ? 'server' : 'client' });
        expect(error).toBeUndefined();
        expect(events).toEqual([{ event: 'text', text }]);
      },
    );
  }

  it('a lone surrogate is encoded as U+FFFD', () => {
    const frame = concat(new FrameEncoder({ role: 'server' }).encodeText('a\ud800b'));
    expect(toHex(frame)).toBe('810561efbfbd62');
  });
});

describe('control frames are checked', () => {
  const encoder = new FrameEncoder({ role: 'server' });

  it('refuses a control payload over 125 bytes', () => {
    for (const opcode of [Opcode.Close, Opcode.Ping, Opcode.Pong]) {
      expect(() => encoder.encode(opcode, new Uint8Array(126))).toThrow(RangeError);
      expect(encoder.encode(opcode, new Uint8Array(125))).toHaveLength(1);
    }
  });

  it('refuses a fragmented control frame', () => {
    expect(() => encoder.encode(Opcode.Ping, new Uint8Array(0), { fin: false })).toThrow(RangeError);
  });

  it('refuses an unknown control opcode', () => {
    expect(() => encoder.encode(0xb as Opcode, new Uint8Array(0))).toThrow(RangeError);
  });
});

describe('encodeText of over 41 units (straight into a pooled frame)', () => {
  const samples = (units: number): string[] => [
    'a'.repeat(units),
    'é'.repeat(units), // 2 bytes a unit
    '✓'.repeat(units), // 3 bytes a unit
    '𝄞'.repeat(Math.floor(units / 2)) + (units % 2 ? 'x' : ''), // surrogate pairs: 4 bytes per 2 units
    `${'a'.repeat(units - 1)}\ud800`, // a lone surrogate becomes U+FFFD (3 bytes)
  ];

  for (const role of ['server', 'client'] as const) {
    it(`round-trips through the decoder with the minimal header (${role})`, () => {
      const encoder = new FrameEncoder({ role, maskKeys: fixedKeys(0x11223344) });
      for (const units of [42, 43, 62, 63, 64, 100, 125, 126, 200, 1000, 1361, 1362, 1363, 1400, 5000]) {
        for (const text of samples(units)) {
          const frames = encoder.encodeText(text);
          const bytes = concat(frames);
          const length = bytes[1]! & 0x7f;
          const expected = new TextEncoder().encode(text);
          // RFC 6455 §5.2: the minimal length form.
          if (expected.length <= 125) expect(length).toBe(expected.length);
          else if (expected.length <= 65535) expect(length).toBe(126);
          const { events, error } = decode([bytes.slice()], {
            role: role === 'server' ? 'client' : 'server',
          });
          expect(error).toBeUndefined();
          expect(events).toEqual([{ event: 'text', text: new TextDecoder().decode(expected) }]);
        }
      }
    });
  }
});
