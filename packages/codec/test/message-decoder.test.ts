/**
 * Message assembly in both delivery modes, control frames inside fragmented messages, close
 * handling, zero-copy delivery and ByteParts.
 */
import {
  ByteParts,
  CodecError,
  FrameEncoder,
  MessageDecoder,
  Opcode,
  textDecoderUtf8Check,
} from '@wskit/codec';
import { describe, expect, it } from 'vitest';
import {
  bytewise,
  concat,
  counting,
  decode,
  decodeHex,
  fixedKeys,
  fromHex,
  mergePieces,
  Recorder,
  randomBytes,
  toHex,
  utf8,
} from './helpers.js';

const client = { role: 'client' } as const;
const server = { role: 'server' } as const;

describe('whole delivery', () => {
  it('text arrives as a string, binary as bytes', () => {
    expect(decodeHex(['8103616263', '8203010203'], client).events).toEqual([
      { event: 'text', text: 'abc' },
      { event: 'binary', data: '010203' },
    ]);
  });

  it('a fragmented message is joined, with empty frames anywhere', () => {
    expect(decodeHex(['0100', '000161', '0000', '00026263', '8000'], client).events).toEqual([
      { event: 'text', text: 'abc' },
    ]);
    expect(decodeHex(['0200', '000101', '0000', '80020203'], client).events).toEqual([
      { event: 'binary', data: '010203' },
    ]);
  });

  it('multi-byte characters split across frames and chunks', () => {
    const text = 'é€😀 ok';
    const bytes = utf8.encode(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const encoder = new FrameEncoder({ role: 'server' });
      const frames = concat([
        ...encoder.encode(Opcode.Text, bytes.subarray(0, cut), { fin: false }),
        ...encoder.encode(Opcode.Continuation, bytes.subarray(cut)),
      ]);
      expect(decode([frames], client).events).toEqual([{ event: 'text', text }]);
      expect(decode(bytewise(frames), client).events).toEqual([{ event: 'text', text }]);
      // With a fast check, text is joined as bytes and decoded once: the same result.
      const joined = { ...client, utf8Check: textDecoderUtf8Check };
      expect(decode([frames], joined).events).toEqual([{ event: 'text', text }]);
      expect(decode(bytewise(frames), joined).events).toEqual([{ event: 'text', text }]);
    }
  });

  it('empty messages', () => {
    expect(decodeHex(['8100', '8200', '0100', '8000', '0200', '8000'], client).events).toEqual([
      { event: 'text', text: '' },
      { event: 'binary', data: '' },
      { event: 'text', text: '' },
      { event: 'binary', data: '' },
    ]);
  });

  it('control frames inside a fragmented message come first, in order', () => {
    expect(decodeHex(['010161', '890170', '8a0171', '000162', '8900', '800163'], client).events).toEqual([
      { event: 'ping', data: '70' },
      { event: 'pong', data: '71' },
      { event: 'ping', data: '' },
      { event: 'text', text: 'abc' },
    ]);
  });

  it('a control frame split across chunks inside a fragmented message', () => {
    const chunks = ['0102', '61', '62', '89', '03', '7071', '72', '80', '01', '63'];
    expect(decodeHex(chunks, client).events).toEqual([
      { event: 'ping', data: '707172' },
      { event: 'text', text: 'abc' },
    ]);
  });

  it('ping and pong payloads up to 125 bytes, masked and unmasked', () => {
    const payload = counting(125);
    const encoder = new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0x11223344) });
    const frames = concat([
      ...encoder.encode(Opcode.Ping, payload),
      ...encoder.encode(Opcode.Pong, payload.subarray(3)),
    ]);
    for (const chunks of [[frames], bytewise(frames)]) {
      expect(decode(chunks, server).events).toEqual([
        { event: 'ping', data: toHex(payload) },
        { event: 'pong', data: toHex(payload.subarray(3)) },
      ]);
    }
  });

  it('text after a binary message and binary after text reuse no state', () => {
    expect(decodeHex(['0201ff', '8001fe', '010161', '800162', '8201fd'], client).events).toEqual([
      { event: 'binary', data: 'fffe' },
      { event: 'text', text: 'ab' },
      { event: 'binary', data: 'fd' },
    ]);
  });
});

describe('pieces delivery', () => {
  const pieces = { ...client, delivery: 'pieces' } as const;

  it('each piece says whether it ends the message; the concatenation is the message', () => {
    const { events } = decodeHex(['0103616263', '00', '02', '6465', '8001', '66'], pieces);
    expect(events).toEqual([
      { event: 'piece', type: 'text', data: '616263', final: false },
      { event: 'piece', type: 'text', data: '6465', final: false },
      { event: 'piece', type: 'text', data: '66', final: true },
    ]);
  });

  it('binary pieces follow the chunks of one frame', () => {
    const { events } = decodeHex(['8206', '0102', '03', '040506'], pieces);
    expect(events).toEqual([
      { event: 'piece', type: 'binary', data: '0102', final: false },
      { event: 'piece', type: 'binary', data: '03', final: false },
      { event: 'piece', type: 'binary', data: '040506', final: true },
    ]);
  });

  it('an empty final continuation frame ends the message with an empty piece', () => {
    expect(decodeHex(['0102c3a9', '8000'], pieces).events).toEqual([
      { event: 'piece', type: 'text', data: 'c3a9', final: false },
      { event: 'piece', type: 'text', data: '', final: true },
    ]);
    expect(decodeHex(['0201ff', '0000', '8000'], pieces).events).toEqual([
      { event: 'piece', type: 'binary', data: 'ff', final: false },
      { event: 'piece', type: 'binary', data: '', final: true },
    ]);
  });

  it('empty messages are one empty final piece', () => {
    expect(decodeHex(['8100', '8200', '0100', '8000'], pieces).events).toEqual([
      { event: 'piece', type: 'text', data: '', final: true },
      { event: 'piece', type: 'binary', data: '', final: true },
      { event: 'piece', type: 'text', data: '', final: true },
    ]);
  });

  it('control frames inside a fragmented message are delivered between its pieces, in order', () => {
    const { events } = decodeHex(['010161', '890170', '000162', '8a00', '880203e8', '800163'], pieces);
    expect(events).toEqual([
      { event: 'piece', type: 'text', data: '61', final: false },
      { event: 'ping', data: '70' },
      { event: 'piece', type: 'text', data: '62', final: false },
      { event: 'pong', data: '' },
      { event: 'close', code: 1000, reason: '' },
    ]);
  });

  it('a text message split inside a character is validated across pieces', () => {
    const { events, error } = decodeHex(['0101e2', '0001', '82', '8001ac'], pieces);
    expect(error).toBeUndefined();
    expect(mergePieces(events)).toEqual([{ event: 'piece', type: 'text', data: 'e282ac', final: true }]);
  });

  it('uses the utf8Check option for long pieces', () => {
    let calls = 0;
    const utf8Check = (bytes: Uint8Array) => {
      calls++;
      return textDecoderUtf8Check(bytes);
    };
    const payload = new Uint8Array(300).fill(0x61);
    const frame = concat(new FrameEncoder({ role: 'server' }).encode(Opcode.Text, payload));
    const { error } = decode([frame], { ...pieces, utf8Check });
    expect(error).toBeUndefined();
    expect(calls).toBe(1);
  });
});

describe('close frames', () => {
  it('a close frame ends the stream: later bytes in the same and later chunks are ignored', () => {
    for (const delivery of ['whole', 'pieces'] as const) {
      // A close frame, then a text frame and garbage (a reserved opcode) in the same chunk, then more.
      const result = decodeHex(['880203e8810161ff00', '810162', 'ffffffff'], { ...client, delivery });
      expect(result.error).toBeUndefined();
      expect(result.events).toEqual([{ event: 'close', code: 1000, reason: '' }]);
      expect(result.decoder.closed).toBe(true);
      expect(result.decoder.write(fromHex('830000'))).toBeUndefined();
    }
  });

  it('a close frame inside a fragmented message discards the message', () => {
    const result = decodeHex(['010161', '8800', '800162'], client);
    expect(result.error).toBeUndefined();
    expect(result.events).toEqual([{ event: 'close', code: undefined, reason: '' }]);
  });

  it('bytes after a masked close frame are left untouched', () => {
    const encoder = new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0x0f0f0f0f) });
    const close = concat(encoder.encode(Opcode.Close, fromHex('03e9')));
    const after = concat(encoder.encode(Opcode.Binary, fromHex('aabbcc')));
    const chunk = concat([close, after]);
    const { events, error } = decode([chunk], server);
    expect(error).toBeUndefined();
    expect(events).toEqual([{ event: 'close', code: 1001, reason: '' }]);
    expect(toHex(chunk.subarray(close.length))).toBe(toHex(after));
  });

  it('an invalid close frame is an error, not a close', () => {
    const result = decodeHex(['880103'], client);
    expect(result.error?.code).toBe('WS_ERR_INVALID_CLOSE_PAYLOAD');
    expect(result.decoder.closed).toBe(false);
  });

  it('inMessage tracks a fragmented message in progress', () => {
    const recorder = new Recorder();
    const decoder = new MessageDecoder(recorder, client);
    expect(decoder.inMessage).toBe(false);
    decoder.write(fromHex('010161'));
    expect(decoder.inMessage).toBe(true);
    decoder.write(fromHex('8900'));
    expect(decoder.inMessage).toBe(true);
    decoder.write(fromHex('800162'));
    expect(decoder.inMessage).toBe(false);
    expect(decoder.closed).toBe(false);
    expect(decoder.error).toBeUndefined();
  });

  it('fail() from outside stops the decoder with that error', () => {
    const recorder = new Recorder();
    const decoder = new MessageDecoder(recorder, client);
    expect(decoder.write(fromHex('010161'))).toBeUndefined();
    const error = new CodecError('WS_ERR_MESSAGE_TOO_LARGE', 'application limit');
    expect(decoder.fail(error)).toBe(error);
    expect(decoder.error).toBe(error);
    expect(decoder.write(fromHex('800162'))).toBe(error);
    expect(decoder.fail(new CodecError('WS_ERR_INVALID_UTF8', 'later'))).toBe(error);
    expect(recorder.events).toEqual([]);
  });
});

describe('zero-copy', () => {
  it('a binary frame wholly in one chunk is delivered as a view on that chunk (unmasked in place)', () => {
    const payload = randomBytes(1000, 5);
    for (const [role, encoderRole] of [
      ['client', 'server'],
      ['server', 'client'],
    ] as const) {
      const encoder = new FrameEncoder({
        role: encoderRole,
        maskKeys: fixedKeys(0xcafebabe),
        copyThreshold: 1 << 20,
      });
      const frames = encoder.encode(Opcode.Binary, payload);
      // Two frames in one chunk, at an odd offset into a larger buffer.
      const backing = new Uint8Array(3 + 2 * frames[0]!.length + 5);
      backing.set(frames[0]!, 3);
      backing.set(frames[0]!, 3 + frames[0]!.length);
      const chunk = backing.subarray(3, backing.length - 5);
      for (const delivery of ['whole', 'pieces'] as const) {
        const copy = chunk.slice();
        const recorder = new Recorder();
        const decoder = new MessageDecoder(recorder, { role, delivery });
        expect(decoder.write(copy)).toBeUndefined();
        expect(recorder.arrays).toHaveLength(2);
        for (const data of recorder.arrays) {
          expect(data.buffer === copy.buffer).toBe(true);
          expect(toHex(data)).toBe(toHex(payload));
        }
      }
    }
  });

  it('ping payloads in one chunk are views too', () => {
    const chunk = fromHex('8903010203');
    const { recorder } = decode([chunk], client);
    expect(recorder.arrays[0]!.buffer === chunk.buffer).toBe(true);
  });

  it('a fragmented message decoded whole is joined with one copy into a buffer of its exact size', () => {
    const encoder = new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0x01020304) });
    const payload = randomBytes(5000, 11);
    const frames = concat([
      ...encoder.encode(Opcode.Binary, payload.subarray(0, 1000), { fin: false }),
      ...encoder.encode(Opcode.Ping, fromHex('01')),
      ...encoder.encode(Opcode.Continuation, payload.subarray(1000, 3000), { fin: false }),
      ...encoder.encode(Opcode.Continuation, payload.subarray(3000)),
    ]);
    const { recorder, error } = decode([frames], server);
    expect(error).toBeUndefined();
    const message = recorder.arrays[1]!;
    expect(toHex(message)).toBe(toHex(payload));
    expect(message.buffer === frames.buffer).toBe(false);
    expect(message.byteOffset).toBe(0);
    expect(message.buffer.byteLength).toBe(payload.length);
  });

  it('a single frame split across chunks is joined into a fresh buffer of its exact size', () => {
    const payload = randomBytes(3000, 12);
    const frame = concat(new FrameEncoder({ role: 'server' }).encode(Opcode.Binary, payload));
    const { recorder } = decode([frame.slice(0, 1000), frame.slice(1000, 2000), frame.slice(2000)], client);
    const message = recorder.arrays[0]!;
    expect(toHex(message)).toBe(toHex(payload));
    expect(message.buffer.byteLength).toBe(payload.length);
  });
});

describe('ByteParts', () => {
  it('joins parts in order; one part comes back as is', () => {
    const parts = new ByteParts();
    expect(parts.length).toBe(0);
    expect(parts.take()).toHaveLength(0);
    const only = fromHex('0102');
    parts.push(only);
    expect(parts.take()).toBe(only);
    parts.push(fromHex('01'));
    parts.push(new Uint8Array(0));
    parts.push(fromHex('0203'));
    expect(parts.length).toBe(3);
    expect(toHex(parts.take())).toBe('010203');
    expect(parts.length).toBe(0);
    parts.push(fromHex('ff'));
    parts.clear();
    expect(parts.length).toBe(0);
    expect(parts.take()).toHaveLength(0);
  });

  it('many tiny parts are packed: the result is right and few source chunks stay referenced', () => {
    const parts = new ByteParts();
    const sources: Uint8Array[] = [];
    const expected = new Uint8Array(50_000);
    for (let i = 0; i < 50_000; i++) {
      const source = new Uint8Array([i & 0xff, 0]);
      sources.push(source);
      expected[i] = i & 0xff;
      parts.push(source.subarray(0, 1));
    }
    // Mixed with some large parts, which are kept as views.
    const large = randomBytes(5000, 1);
    parts.push(large);
    parts.push(fromHex('77'));
    expect(parts.length).toBe(50_000 + 5000 + 1);
    // Overwrite every source: only bytes still referenced as views change in the result.
    for (const source of sources) source[0] = (source[0]! + 1) & 0xff;
    const joined = parts.take();
    expect(joined).toHaveLength(55_001);
    let referenced = 0;
    for (let i = 0; i < 50_000; i++) if (joined[i] !== expected[i]) referenced++;
    // The part count stays bounded: a handful of leading views, not one per byte.
    expect(referenced <= 16).toBe(true);
    expect(toHex(joined.subarray(50_000, 55_000))).toBe(toHex(large));
    expect(joined[55_000]).toBe(0x77);
  });

  it('a message written one byte per chunk decodes correctly, in both roles', () => {
    const payload = randomBytes(40_000, 99);
    for (const [role, encoderRole] of [
      ['client', 'server'],
      ['server', 'client'],
    ] as const) {
      const encoder = new FrameEncoder({ role: encoderRole, maskKeys: fixedKeys(0x9e3779b9) });
      const frames = concat([
        ...encoder.encode(Opcode.Binary, payload.subarray(0, 30_000), { fin: false }),
        ...encoder.encode(Opcode.Continuation, payload.subarray(30_000)),
      ]);
      const { events, error, recorder } = decode(bytewise(frames), { role });
      expect(error).toBeUndefined();
      expect(events).toHaveLength(1);
      expect(toHex(recorder.arrays[0]!)).toBe(toHex(payload));
      expect(recorder.arrays[0]!.buffer.byteLength).toBe(payload.length);
    }
  });

  it('a text message written one byte per chunk decodes correctly', () => {
    const text = 'héllo wörld 😀 '.repeat(500);
    const frame = concat(
      new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0x12345678) }).encodeText(text),
    );
    expect(decode(bytewise(frame), server).events).toEqual([{ event: 'text', text }]);
  });
});

describe('decodeText: false', () => {
  const options = { ...client, decodeText: false } as const;

  it('text arrives as its UTF-8 bytes, binary as before', () => {
    expect(decodeHex(['8103616263', '8203010203', '8100'], options).events).toEqual([
      { event: 'encodedText', data: '616263' },
      { event: 'binary', data: '010203' },
      { event: 'encodedText', data: '' },
    ]);
  });

  it('a fragmented and chunked message is joined, multi-byte characters across every split', () => {
    const text = 'é€😀 ok';
    const bytes = utf8.encode(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const encoder = new FrameEncoder({ role: 'server' });
      const frames = concat([
        ...encoder.encode(Opcode.Text, bytes.subarray(0, cut), { fin: false }),
        ...encoder.encode(Opcode.Continuation, bytes.subarray(cut)),
      ]);
      const expected = [{ event: 'encodedText', data: toHex(bytes) }];
      expect(decode([frames], client).events).toEqual([{ event: 'text', text }]);
      expect(decode([frames], options).events).toEqual(expected);
      expect(decode(bytewise(frames), options).events).toEqual(expected);
    }
  });

  it('masked text from a client is unmasked; a frame in one chunk is a view on it', () => {
    const payload = utf8.encode('héllo wörld, long enough for the fast path of the validator');
    const frame = concat(
      new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0x11223344) }).encode(Opcode.Text, payload),
    );
    const result = decode([frame], { ...server, decodeText: false });
    expect(result.events).toEqual([{ event: 'encodedText', data: toHex(payload) }]);
    expect(result.recorder.arrays[0]!.buffer).toBe(frame.buffer);
  });

  it('pieces delivery ignores it; a handler without onEncodedText is refused', () => {
    expect(decodeHex(['8102c3a9'], { ...options, delivery: 'pieces' }).events).toEqual([
      { event: 'piece', type: 'text', data: 'c3a9', final: true },
    ]);
    const handler = {
      onText() {},
      onBinary() {},
      onPiece() {},
      onExtensionMessage() {},
      onPing() {},
      onPong() {},
      onClose() {},
    };
    expect(() => new MessageDecoder(handler, options)).toThrow(/onEncodedText/);
    expect(() => new MessageDecoder(handler, { ...options, delivery: 'pieces' })).not.toThrow();
  });
});
