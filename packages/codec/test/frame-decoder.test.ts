/**
 * FrameDecoder, the layer below messages: the callbacks it makes, payload pieces per chunk,
 * in-place unmasking with the running key phase, and stopping after a close frame.
 */
import { CodecError, FrameDecoder, type FrameDecoderOptions, FrameEncoder, Opcode } from '@wskit/codec';
import { describe, expect, it } from 'vitest';
import { bytewise, concat, fixedKeys, fromHex, randomBytes, splitAt, toHex } from './helpers.js';

/** A FrameDecoder that logs its callbacks as strings. */
function logDecoder(options: FrameDecoderOptions) {
  const log: string[] = [];
  const decoder = new FrameDecoder(
    {
      onFrameStart: (header) =>
        void log.push(
          `start op=${header.opcode} fin=${header.fin} rsv=${header.rsv} masked=${header.masked} length=${header.payloadLength}`,
        ),
      onFramePayload: (data, last) => void log.push(`payload ${toHex(data)}${last ? ' last' : ''}`),
      onFrameEnd: (header) => void log.push(`end op=${header.opcode}`),
    },
    options,
  );
  return { log, decoder };
}

describe('FrameDecoder callbacks', () => {
  it('start, payload pieces per chunk, end', () => {
    const { log, decoder } = logDecoder({ role: 'client' });
    expect(decoder.atFrameBoundary).toBe(true);
    expect(decoder.write(fromHex('0203aabb'))).toBeUndefined();
    expect(decoder.atFrameBoundary).toBe(false);
    expect(decoder.write(fromHex('cc8000'))).toBeUndefined();
    expect(decoder.atFrameBoundary).toBe(true);
    expect(log).toEqual([
      'start op=2 fin=false rsv=0 masked=false length=3',
      'payload aabb',
      'payload cc last',
      'end op=2',
      'start op=0 fin=true rsv=0 masked=false length=0',
      'end op=0',
    ]);
  });

  it('does not enforce message rules: continuation without a message passes through', () => {
    const { log, decoder } = logDecoder({ role: 'client' });
    expect(decoder.write(fromHex('800161'))).toBeUndefined();
    expect(log).toEqual(['start op=0 fin=true rsv=0 masked=false length=1', 'payload 61 last', 'end op=0']);
  });

  it('reports allowed RSV bits in the header', () => {
    const { log, decoder } = logDecoder({ role: 'client', allowedRsv: 0x40 });
    expect(decoder.write(fromHex('c100'))).toBeUndefined();
    expect(log[0]).toBe('start op=1 fin=true rsv=64 masked=false length=0');
  });

  it('unmasks in place with the key phase carried across chunks', () => {
    const payload = randomBytes(103, 17);
    const frame = concat(
      new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0x8badf00d) }).encode(Opcode.Binary, payload),
    );
    for (const cuts of [[], [6, 7, 8, 9, 10], [7, 40, 41, 42], [8, 9, 50, 51, 107]]) {
      const pieces: Uint8Array[] = [];
      const decoder = new FrameDecoder(
        {
          onFrameStart() {},
          onFramePayload: (data) => void pieces.push(data),
          onFrameEnd() {},
        },
        { role: 'server' },
      );
      const chunks = splitAt(frame, cuts);
      for (const chunk of chunks) expect(decoder.write(chunk)).toBeUndefined();
      expect(toHex(concat(pieces))).toBe(toHex(payload));
      // Each piece is a view into its chunk.
      for (const piece of pieces) expect(chunks.some((chunk) => chunk.buffer === piece.buffer)).toBe(true);
    }
  });

  it('decodes the same frames one byte at a time', () => {
    const bytes = fromHex('0102616289017a800163');
    const whole = logDecoder({ role: 'client' });
    whole.decoder.write(bytes.slice());
    const split = logDecoder({ role: 'client' });
    for (const chunk of bytewise(bytes)) expect(split.decoder.write(chunk)).toBeUndefined();
    expect(split.log.filter((line) => !line.startsWith('payload'))).toEqual(
      whole.log.filter((line) => !line.startsWith('payload')),
    );
  });
});

describe('regression (found by this suite): bytes after a close frame in the same chunk were parsed', () => {
  it('stops after a close frame: nothing later is parsed, reported or unmasked', () => {
    const { log, decoder } = logDecoder({ role: 'client' });
    // A close frame, then a reserved opcode that would fail the stream if it were parsed.
    expect(decoder.write(fromHex('880203e8ff00'))).toBeUndefined();
    expect(decoder.closed).toBe(true);
    expect(decoder.write(fromHex('ffffff'))).toBeUndefined();
    expect(decoder.error).toBeUndefined();
    expect(decoder.atFrameBoundary).toBe(true);
    expect(log).toEqual(['start op=8 fin=true rsv=0 masked=false length=2', 'payload 03e8 last', 'end op=8']);
  });

  it('an empty close frame stops it too', () => {
    const { log, decoder } = logDecoder({ role: 'server' });
    const chunk = fromHex('8880000000008281ffffffff00');
    expect(decoder.write(chunk)).toBeUndefined();
    expect(log).toEqual(['start op=8 fin=true rsv=0 masked=true length=0', 'end op=8']);
    // The masked frame after the close is left as it was.
    expect(toHex(chunk.subarray(6))).toBe('8281ffffffff00');
  });

  it('a close frame the handler refuses fails the stream instead', () => {
    const decoder = new FrameDecoder(
      {
        onFrameStart() {},
        onFramePayload() {},
        onFrameEnd: (header) =>
          header.opcode === Opcode.Close ? new CodecError('WS_ERR_INVALID_CLOSE_CODE', 'refused') : undefined,
      },
      { role: 'client' },
    );
    const error = decoder.write(fromHex('88020000'));
    expect(error).toBeInstanceOf(CodecError);
    expect(decoder.closed).toBe(false);
    expect(decoder.write(fromHex('8100'))).toBe(error);
  });
});

describe('unmask option', () => {
  const masked = () => Uint8Array.of(0x82, 0x82, 0x01, 0x02, 0x03, 0x04, 0x01 ^ 0x0a, 0x02 ^ 0x0b);
  const collect = (unmask?: 'in-place' | 'handler') => {
    const pieces: number[][] = [];
    const decoder = new FrameDecoder(
      { onFrameStart() {}, onFramePayload: (data) => void pieces.push([...data]), onFrameEnd() {} },
      { role: 'server', ...(unmask === undefined ? {} : { unmask }) },
    );
    expect(decoder.write(masked())).toBeUndefined();
    return pieces;
  };

  it("unmasks in place by default and with 'in-place'; leaves it to the handler with 'handler'", () => {
    expect(collect()).toEqual([[0x0a, 0x0b]]);
    expect(collect('in-place')).toEqual([[0x0a, 0x0b]]);
    expect(collect('handler')).toEqual([[0x01 ^ 0x0a, 0x02 ^ 0x0b]]);
  });

  it('refuses anything else', () => {
    const handler = { onFrameStart() {}, onFramePayload() {}, onFrameEnd() {} };
    expect(() => new FrameDecoder(handler, { role: 'server', unmask: 'later' as 'handler' })).toThrow(
      TypeError,
    );
  });
});
