/**
 * Every error the decoder can report, each with its exact close code. The last test checks that
 * every code in CodecErrorCodes was produced by at least one test above it.
 */

import { isUtf8 as nodeIsUtf8 } from 'node:buffer';
import {
  CodecError,
  type CodecErrorCode,
  CodecErrorCodes,
  FrameDecoder,
  type FrameHeader,
  isCodecError,
  type MessageDecoderOptions,
  Rsv,
} from '@wskit/codec';
import { describe, expect, it } from 'vitest';
import { bytewise, decode, decodeHex, fromHex, toHex } from './helpers.js';

const produced = new Set<string>();

/** Decodes `hexChunks` and asserts the stream fails with `code` (and its close code) at chunk `at`. */
function expectFailure(
  hexChunks: readonly string[],
  options: MessageDecoderOptions,
  code: CodecErrorCode,
  closeCode: number,
  at = hexChunks.length - 1,
) {
  const result = decodeHex(hexChunks, options);
  expect(result.error).toBeInstanceOf(CodecError);
  expect(result.error).toMatchObject({ name: 'CodecError', code, closeCode });
  expect(result.errorAt).toBe(at);
  expect(isCodecError(result.error)).toBe(true);
  // The decoder stays failed: later writes return the same error and report nothing.
  const eventsBefore = result.events.length;
  expect(result.decoder.write(fromHex('810161'))).toBe(result.error);
  expect(result.decoder.write(new Uint8Array(0))).toBe(result.error);
  expect(result.decoder.error).toBe(result.error);
  expect(result.events).toHaveLength(eventsBefore);
  produced.add(code);
  return result;
}

const client: MessageDecoderOptions = { role: 'client' };
const server: MessageDecoderOptions = { role: 'server' };

describe('the error table', () => {
  it('maps every code to 1002, 1007 or 1009', () => {
    expect(CodecErrorCodes).toEqual({
      WS_ERR_INVALID_OPCODE: 1002,
      WS_ERR_UNEXPECTED_RSV_1: 1002,
      WS_ERR_UNEXPECTED_RSV_2: 1002,
      WS_ERR_UNEXPECTED_RSV_3: 1002,
      WS_ERR_EXPECTED_MASK: 1002,
      WS_ERR_UNEXPECTED_MASK: 1002,
      WS_ERR_FRAGMENTED_CONTROL_FRAME: 1002,
      WS_ERR_CONTROL_FRAME_TOO_LONG: 1002,
      WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: 1002,
      WS_ERR_FRAME_TOO_LARGE: 1009,
      WS_ERR_MESSAGE_TOO_LARGE: 1009,
      WS_ERR_TOO_MANY_FRAGMENTS: 1009,
      WS_ERR_UNEXPECTED_CONTINUATION: 1002,
      WS_ERR_EXPECTED_CONTINUATION: 1002,
      WS_ERR_INVALID_UTF8: 1007,
      WS_ERR_INVALID_CLOSE_PAYLOAD: 1002,
      WS_ERR_INVALID_CLOSE_CODE: 1002,
      WS_ERR_INVALID_COMPRESSED_DATA: 1007,
    });
  });

  it('a CodecError of every code carries the close code the table gives it', () => {
    for (const [code, closeCode] of Object.entries(CodecErrorCodes)) {
      expect(new CodecError(code as CodecErrorCode, 'x').closeCode).toBe(closeCode);
    }
  });

  it('CodecError carries code, closeCode, name and message', () => {
    const error = new CodecError('WS_ERR_INVALID_UTF8', 'bad text');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CodecError');
    expect(error.code).toBe('WS_ERR_INVALID_UTF8');
    expect(error.closeCode).toBe(1007);
    expect(error.message).toBe('bad text');
  });

  it('isCodecError recognises a copy from a duplicated package, and nothing else', () => {
    const lookalike = Object.assign(new Error('x'), {
      name: 'CodecError',
      code: 'WS_ERR_INVALID_OPCODE',
      closeCode: 1002,
    });
    expect(isCodecError(lookalike)).toBe(true);
    expect(isCodecError(new Error('x'))).toBe(false);
    expect(isCodecError({ name: 'CodecError', code: 'WS_ERR_INVALID_OPCODE', closeCode: 1002 })).toBe(false);
    expect(
      isCodecError(Object.assign(new Error('x'), { name: 'CodecError', code: 1, closeCode: 1002 })),
    ).toBe(false);
    expect(isCodecError(undefined)).toBe(false);
    expect(isCodecError('WS_ERR_INVALID_OPCODE')).toBe(false);
  });
});

describe('WS_ERR_INVALID_OPCODE', () => {
  const reserved = [0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf];
  it.each(reserved.map((opcode) => [opcode.toString(16), opcode] as const))(
    'opcode 0x%s is reserved',
    (_hex, opcode) => {
      const first = (0x80 | opcode).toString(16);
      expectFailure([`${first}00`], client, 'WS_ERR_INVALID_OPCODE', 1002);
      expectFailure([`${first}8000000000`], server, 'WS_ERR_INVALID_OPCODE', 1002);
      // Refused from the first two bytes, before the rest of the header.
      expectFailure([`${first}7e`], client, 'WS_ERR_INVALID_OPCODE', 1002);
      // Also without FIN, and after a valid frame in the same chunk.
      expectFailure(
        [`8100${(0x00 | opcode).toString(16).padStart(2, '0')}00`],
        client,
        'WS_ERR_INVALID_OPCODE',
        1002,
      );
    },
  );

  it('reports the frames before the bad one', () => {
    const result = expectFailure(['810161', '830161'], client, 'WS_ERR_INVALID_OPCODE', 1002);
    expect(result.events).toEqual([{ event: 'text', text: 'a' }]);
  });
});

describe('RSV bits', () => {
  const rsvCases: [string, number, CodecErrorCode][] = [
    ['RSV1', 0x40, 'WS_ERR_UNEXPECTED_RSV_1'],
    ['RSV2', 0x20, 'WS_ERR_UNEXPECTED_RSV_2'],
    ['RSV3', 0x10, 'WS_ERR_UNEXPECTED_RSV_3'],
  ];

  it.each(rsvCases)('%s without a negotiated extension', (_name, bit, code) => {
    for (const opcode of [0x1, 0x2, 0x8, 0x9, 0xa]) {
      const first = (0x80 | bit | opcode).toString(16);
      expectFailure([`${first}00`], client, code, 1002);
      expectFailure([`${first}00`], { ...client, allowedRsv: 0 }, code, 1002);
    }
  });

  it('the lowest RSV bit set is reported when several are', () => {
    expectFailure(['f100'], client, 'WS_ERR_UNEXPECTED_RSV_1', 1002);
    expectFailure(['b100'], client, 'WS_ERR_UNEXPECTED_RSV_2', 1002);
  });

  it.each(rsvCases)('%s allowed: accepted on the first frame of a data message', (_name, bit) => {
    for (const delivery of ['whole', 'pieces'] as const) {
      const options = { ...client, allowedRsv: bit, delivery };
      const first = (0x80 | bit | 0x1).toString(16);
      const single = decodeHex([`${first}03616263`], options);
      expect(single.error).toBeUndefined();
      expect(single.events).toEqual([{ event: 'extension', type: 'text', data: '616263', rsv: bit }]);
      // Fragmented: RSV on the first frame only; the continuation belongs to the same message.
      const opening = (bit | 0x2).toString(16).padStart(2, '0');
      const fragmented = decodeHex([`${opening}020102`, '8900', '800103'], options);
      expect(fragmented.error).toBeUndefined();
      expect(fragmented.events).toEqual([
        { event: 'ping', data: '' },
        { event: 'extension', type: 'binary', data: '010203', rsv: bit },
      ]);
      // The next message without RSV is an ordinary one again.
      const next = decodeHex([`${first}0161`, '810162'], options);
      expect(next.events[1]).toEqual(
        delivery === 'whole'
          ? { event: 'text', text: 'b' }
          : { event: 'piece', type: 'text', data: '62', final: true },
      );
    }
  });

  it.each(rsvCases)('%s allowed: still refused on a continuation frame', (_name, bit, code) => {
    const continuation = (0x80 | bit).toString(16);
    expectFailure(['010161', `${continuation}0162`], { ...client, allowedRsv: bit }, code, 1002);
    expectFailure(
      [`${(bit | 0x1).toString(16)}0161`, `${continuation}0162`],
      { ...client, allowedRsv: bit },
      code,
      1002,
    );
  });

  it.each(rsvCases)('%s allowed: still refused on control frames', (_name, bit, code) => {
    for (const opcode of [0x8, 0x9, 0xa]) {
      expectFailure([`${(0x80 | bit | opcode).toString(16)}00`], { ...client, allowedRsv: bit }, code, 1002);
    }
  });

  it('allowing RSV1 does not allow RSV2 or RSV3', () => {
    expectFailure(['a100'], { ...client, allowedRsv: Rsv.Rsv1 }, 'WS_ERR_UNEXPECTED_RSV_2', 1002);
    expectFailure(['9100'], { ...client, allowedRsv: Rsv.Rsv1 }, 'WS_ERR_UNEXPECTED_RSV_3', 1002);
    expectFailure(['e100'], { ...client, allowedRsv: Rsv.Rsv1 }, 'WS_ERR_UNEXPECTED_RSV_2', 1002);
  });
});

describe('control frames', () => {
  it.each(['08', '09', '0a'])('%s00: a control frame without FIN', (first) => {
    expectFailure([`${first}00`], client, 'WS_ERR_FRAGMENTED_CONTROL_FRAME', 1002);
    expectFailure(['010161', `${first}00`], client, 'WS_ERR_FRAGMENTED_CONTROL_FRAME', 1002);
  });

  it.each(['88', '89', '8a'])('%s: a control frame over 125 bytes, refused from the second byte', (first) => {
    expectFailure([`${first}7e`], client, 'WS_ERR_CONTROL_FRAME_TOO_LONG', 1002);
    expectFailure([`${first}7f`], client, 'WS_ERR_CONTROL_FRAME_TOO_LONG', 1002);
    expectFailure([`${first}7e007e`], client, 'WS_ERR_CONTROL_FRAME_TOO_LONG', 1002);
    expectFailure([`${first}fe007e`], server, 'WS_ERR_CONTROL_FRAME_TOO_LONG', 1002);
  });

  it('a 125-byte ping is accepted', () => {
    const payload = '5a'.repeat(125);
    expect(decodeHex([`897d${payload}`], client).events).toEqual([{ event: 'ping', data: payload }]);
  });
});

describe('masking rules', () => {
  it('a server refuses an unmasked frame', () => {
    expectFailure(['810161'], server, 'WS_ERR_EXPECTED_MASK', 1002);
    expectFailure(['8900'], server, 'WS_ERR_EXPECTED_MASK', 1002);
  });

  it('a client refuses a masked frame', () => {
    expectFailure(['81810000000061'], client, 'WS_ERR_UNEXPECTED_MASK', 1002);
    expectFailure(['8980'], client, 'WS_ERR_UNEXPECTED_MASK', 1002);
  });

  it('enforceMasking: false accepts both forms for both roles', () => {
    for (const role of ['client', 'server'] as const) {
      const { events, error } = decodeHex(['810161', '81810000000062', '8281ffffffff00'], {
        role,
        enforceMasking: false,
      });
      expect(error).toBeUndefined();
      expect(events).toEqual([
        { event: 'text', text: 'a' },
        { event: 'text', text: 'b' },
        { event: 'binary', data: 'ff' },
      ]);
    }
  });
});

describe('fragmentation', () => {
  it('a continuation frame with no message in progress', () => {
    expectFailure(['800161'], client, 'WS_ERR_UNEXPECTED_CONTINUATION', 1002);
    expectFailure(['000161'], client, 'WS_ERR_UNEXPECTED_CONTINUATION', 1002);
    expectFailure(['810161', '800162'], client, 'WS_ERR_UNEXPECTED_CONTINUATION', 1002);
    expectFailure(['8000'], client, 'WS_ERR_UNEXPECTED_CONTINUATION', 1002);
  });

  it('a new data frame inside a fragmented message', () => {
    expectFailure(['010161', '810162'], client, 'WS_ERR_EXPECTED_CONTINUATION', 1002);
    expectFailure(['020161', '020162'], client, 'WS_ERR_EXPECTED_CONTINUATION', 1002);
    expectFailure(['010161', '8900', '8200'], client, 'WS_ERR_EXPECTED_CONTINUATION', 1002);
    expectFailure(
      ['010161', '8200'],
      { ...client, delivery: 'pieces' },
      'WS_ERR_EXPECTED_CONTINUATION',
      1002,
    );
  });
});

describe('limits', () => {
  it('a 64-bit length with the top bit set, from the header alone', () => {
    expectFailure(['827f8000000000000000'], client, 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', 1002);
    expectFailure(['827f', 'ffffffffffffffff'], client, 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', 1002);
    expectFailure(
      ['82ff8000000000000000', '01020304'],
      server,
      'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH',
      1002,
    );
  });

  it('maxFrameSize, from the header alone', () => {
    expectFailure(['820b'], { ...client, maxFrameSize: 10 }, 'WS_ERR_FRAME_TOO_LARGE', 1009);
    expectFailure(['8901'], { ...client, maxFrameSize: 0 }, 'WS_ERR_FRAME_TOO_LARGE', 1009);
    expect(decodeHex(['820a'], { ...client, maxFrameSize: 10 }).error).toBeUndefined();
  });

  it('maxMessageSize, from declared lengths, before the payload', () => {
    const options = { ...client, maxMessageSize: 10 };
    // 5 + 6 bytes declared: refused at the second header, before its payload.
    expectFailure(['02056162636465', '8006'], options, 'WS_ERR_MESSAGE_TOO_LARGE', 1009);
    expectFailure(['820b'], options, 'WS_ERR_MESSAGE_TOO_LARGE', 1009);
    expectFailure(['820b'], { ...options, delivery: 'pieces' }, 'WS_ERR_MESSAGE_TOO_LARGE', 1009);
    // Exactly 10 bytes over three frames is fine, and the count restarts with each message.
    const ok = decodeHex(['020461626364', '0003656667', '8003686970', '820a00010203040506070809'], options);
    expect(ok.error).toBeUndefined();
    expect(ok.events).toEqual([
      { event: 'binary', data: '61626364656667686970' },
      { event: 'binary', data: '00010203040506070809' },
    ]);
    // Control frames do not count towards the message.
    expect(decodeHex(['0205aaaaaaaaaa', '8905aaaaaaaaaa', '8005aaaaaaaaaa'], options).error).toBeUndefined();
  });

  it('maxFragments', () => {
    const options = { ...client, maxFragments: 3 };
    expectFailure(['0100', '0000', '0000', '0000'], options, 'WS_ERR_TOO_MANY_FRAGMENTS', 1009);
    expectFailure(['0100', '0000', '0000', '8000'], options, 'WS_ERR_TOO_MANY_FRAGMENTS', 1009);
    const ok = decodeHex(['010161', '8900', '000162', '800163', '8100'], options);
    expect(ok.error).toBeUndefined();
    expect(ok.events).toEqual([
      { event: 'ping', data: '' },
      { event: 'text', text: 'abc' },
      { event: 'text', text: '' },
    ]);
  });

  it('limits must be non-negative safe integers', () => {
    expect(() => decode([], { ...client, maxFrameSize: -1 })).toThrow(RangeError);
    expect(() => decode([], { ...client, maxMessageSize: 1.5 })).toThrow(RangeError);
    expect(() => decode([], { ...client, maxFragments: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});

describe('WS_ERR_INVALID_UTF8 in text messages', () => {
  it('whole delivery: a bad byte in a single frame', () => {
    expectFailure(['8102c328'], client, 'WS_ERR_INVALID_UTF8', 1007);
    expectFailure(['8101ff'], client, 'WS_ERR_INVALID_UTF8', 1007);
    expectFailure(['8103eda080'], client, 'WS_ERR_INVALID_UTF8', 1007);
  });

  it('pieces delivery: a bad byte in a single frame, reported before the piece', () => {
    const result = expectFailure(
      ['8102c328'],
      { ...client, delivery: 'pieces' },
      'WS_ERR_INVALID_UTF8',
      1007,
    );
    expect(result.events).toEqual([]);
  });

  const variants: Array<[string, MessageDecoderOptions]> = [
    ['whole', { ...client }],
    ['pieces', { ...client, delivery: 'pieces' }],
    ['whole, isUtf8 (joined, decoded once)', { ...client, utf8Check: nodeIsUtf8 }],
    ['whole, decodeText: false', { ...client, decodeText: false }],
    ['whole, decodeText: false, isUtf8', { ...client, decodeText: false, utf8Check: nodeIsUtf8 }],
  ];
  for (const [delivery, options] of variants) {
    it(`${delivery}: fails at the write holding the first bad byte, across frames`, () => {
      // 'é' is c3 a9: the first frame ends after c3, the second frame starts with 28, not a continuation.
      expectFailure(['010261c3', '80022862', '800163'], options, 'WS_ERR_INVALID_UTF8', 1007, 1);
      // A surrogate: ed a0 is already invalid, before its third byte.
      expectFailure(['010161', '0001ed', '0001a0', '800180'], options, 'WS_ERR_INVALID_UTF8', 1007, 2);
    });

    it(`${delivery}: fails at the write holding the first bad byte, across chunks of one frame`, () => {
      // One frame of 8 bytes cut into chunks; the bad byte (f5) is in the third chunk.
      expectFailure(['81086162', '6364', '65f5', '6667'], options, 'WS_ERR_INVALID_UTF8', 1007, 2);
      // Overlong three-byte form e0 80 80: refused at 80 after e0.
      expectFailure(['81046162e0', '80', '8063'], options, 'WS_ERR_INVALID_UTF8', 1007, 1);
      // Beyond U+10FFFF: f4 90.
      expectFailure(['8105f4', '90', '808061'], options, 'WS_ERR_INVALID_UTF8', 1007, 1);
    });

    it(`${delivery}: a sequence cut short at the end of the message fails at the final frame`, () => {
      expectFailure(['010261c3', '8000'], options, 'WS_ERR_INVALID_UTF8', 1007, 1);
      expectFailure(['010261e2', '800182'], options, 'WS_ERR_INVALID_UTF8', 1007, 1);
      expectFailure(['8102', '61', 'f0'], options, 'WS_ERR_INVALID_UTF8', 1007, 2);
    });

    it(`${delivery}: a bad byte fed one byte at a time fails on that byte`, () => {
      const frame = fromHex('810a616263c3a9ed9f bf64 ff');
      const chunks = bytewise(frame).map(toHex);
      expectFailure(chunks, options, 'WS_ERR_INVALID_UTF8', 1007, chunks.length - 1);
    });
  }

  it('validateUtf8: false accepts invalid text', () => {
    expect(decodeHex(['8102c328'], { ...client, validateUtf8: false }).events).toEqual([
      { event: 'text', text: '\ufffd(' },
    ]);
    expect(decodeHex(['010161', '8001ff'], { ...client, validateUtf8: false }).events).toEqual([
      { event: 'text', text: 'a\ufffd' },
    ]);
    expect(decodeHex(['8102c328'], { ...client, validateUtf8: false, delivery: 'pieces' }).events).toEqual([
      { event: 'piece', type: 'text', data: 'c328', final: true },
    ]);
    expect(
      decodeHex(['010161', '8001ff'], { ...client, validateUtf8: false, decodeText: false }).events,
    ).toEqual([{ event: 'encodedText', data: '61ff' }]);
  });

  it('binary messages are not validated', () => {
    expect(decodeHex(['8202c328'], client).events).toEqual([{ event: 'binary', data: 'c328' }]);
  });
});

describe('close payloads', () => {
  const closeFrame = (payloadHex: string) =>
    `88${(payloadHex.length / 2).toString(16).padStart(2, '0')}${payloadHex}`;
  const code = (value: number) => value.toString(16).padStart(4, '0');

  it('a one-byte close payload', () => {
    expectFailure([closeFrame('03')], client, 'WS_ERR_INVALID_CLOSE_PAYLOAD', 1002);
    expectFailure(['88810000000003'], server, 'WS_ERR_INVALID_CLOSE_PAYLOAD', 1002);
  });

  const invalidCodes = [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];
  it.each(invalidCodes)('close code %d may not appear on the wire', (value) => {
    expectFailure([closeFrame(code(value))], client, 'WS_ERR_INVALID_CLOSE_CODE', 1002);
    expectFailure([closeFrame(`${code(value)}6f6b`)], client, 'WS_ERR_INVALID_CLOSE_CODE', 1002);
  });

  const validCodes = [
    1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
  ];
  it.each(validCodes)('close code %d is accepted', (value) => {
    const { events, error } = decodeHex([closeFrame(`${code(value)}6f6b`)], client);
    expect(error).toBeUndefined();
    expect(events).toEqual([{ event: 'close', code: value, reason: 'ok' }]);
  });

  it('a close reason that is not UTF-8', () => {
    expectFailure([closeFrame('03e8ff')], client, 'WS_ERR_INVALID_UTF8', 1007);
    expectFailure([closeFrame('03e8c3')], client, 'WS_ERR_INVALID_UTF8', 1007);
    expectFailure([closeFrame('03e8eda080')], client, 'WS_ERR_INVALID_UTF8', 1007);
    expectFailure(['8884', '00000000', '03e8', 'c3', '28'], server, 'WS_ERR_INVALID_UTF8', 1007);
  });

  it('a close payload over 125 bytes', () => {
    expectFailure(['887e0080'], client, 'WS_ERR_CONTROL_FRAME_TOO_LONG', 1002);
  });
});

describe('a handler can fail a FrameDecoder stream', () => {
  it('by returning a CodecError from any callback', () => {
    const make = (failIn: 'start' | 'payload' | 'end') => {
      const seen: string[] = [];
      const error = new CodecError('WS_ERR_MESSAGE_TOO_LARGE', 'policy');
      const decoder = new FrameDecoder(
        {
          onFrameStart: (header: FrameHeader) => {
            seen.push(`start ${header.payloadLength}`);
            return failIn === 'start' ? error : undefined;
          },
          onFramePayload: (data) => {
            seen.push(`payload ${toHex(data)}`);
            return failIn === 'payload' ? error : undefined;
          },
          onFrameEnd: () => {
            seen.push('end');
            return failIn === 'end' ? error : undefined;
          },
        },
        { role: 'client' },
      );
      const result = decoder.write(fromHex('820161820162'));
      return { seen, result, error, decoder };
    };
    for (const failIn of ['start', 'payload', 'end'] as const) {
      const { seen, result, error, decoder } = make(failIn);
      expect(result).toBe(error);
      expect(decoder.error).toBe(error);
      expect(decoder.write(fromHex('820163'))).toBe(error);
      expect(seen).toEqual(
        ['start 1', 'payload 61', 'end'].slice(0, ['start', 'payload', 'end'].indexOf(failIn) + 1),
      );
    }
  });

  it('fail() from outside keeps the first error', () => {
    const decoder = new FrameDecoder(
      { onFrameStart() {}, onFramePayload() {}, onFrameEnd() {} },
      { role: 'client' },
    );
    const first = new CodecError('WS_ERR_INVALID_UTF8', 'first');
    expect(decoder.fail(first)).toBe(first);
    expect(decoder.fail(new CodecError('WS_ERR_INVALID_OPCODE', 'second'))).toBe(first);
    expect(decoder.write(fromHex('820161'))).toBe(first);
  });

  it('a bad role is the caller’s mistake: TypeError', () => {
    const handler = { onFrameStart() {}, onFramePayload() {}, onFrameEnd() {} };
    expect(() => new FrameDecoder(handler, { role: 'peer' as 'client' })).toThrow(TypeError);
    expect(() => decode([], { role: 'both' as 'server' })).toThrow(TypeError);
    expect(() => decode([], { role: 'server', delivery: 'stream' as 'whole' })).toThrow(TypeError);
  });
});

describe('coverage of the error table', () => {
  it('every code in CodecErrorCodes was produced above, with its close code', () => {
    // Raised by extensions (permessage-deflate tests it), never by the decoder itself.
    const extensionCodes = ['WS_ERR_INVALID_COMPRESSED_DATA'];
    const decoderCodes = Object.keys(CodecErrorCodes).filter((code) => !extensionCodes.includes(code));
    expect([...produced].sort()).toEqual(decoderCodes.sort());
  });
});
