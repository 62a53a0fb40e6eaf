/**
 * Hex-literal vectors fed straight to the decoder, as ws does, including every example of
 * RFC 6455 §5.7; and the encoder producing the same bytes.
 */
import { FrameEncoder, Opcode } from '@wskit/codec';
import { describe, expect, it } from 'vitest';
import { concat, counting, decodeHex, fixedKeys, fromHex, toHex, utf8 } from './helpers.js';

const client = { role: 'client' } as const; // decodes what a server sends: unmasked
const server = { role: 'server' } as const; // decodes what a client sends: masked

describe('RFC 6455 §5.7 examples, decoded', () => {
  it('a single-frame unmasked text message', () => {
    const { events, error } = decodeHex(['810548656c6c6f'], client);
    expect(error).toBeUndefined();
    expect(events).toEqual([{ event: 'text', text: 'Hello' }]);
  });

  it('a single-frame masked text message (key 37fa213d)', () => {
    const { events, error } = decodeHex(['818537fa213d7f9f4d5158'], server);
    expect(error).toBeUndefined();
    expect(events).toEqual([{ event: 'text', text: 'Hello' }]);
  });

  it("a fragmented unmasked text message: 'Hel' then 'lo'", () => {
    const { events, error } = decodeHex(['010348656c', '80026c6f'], client);
    expect(error).toBeUndefined();
    expect(events).toEqual([{ event: 'text', text: 'Hello' }]);
  });

  it('the fragmented message in one chunk, and in pieces mode', () => {
    expect(decodeHex(['010348656c80026c6f'], client).events).toEqual([{ event: 'text', text: 'Hello' }]);
    expect(decodeHex(['010348656c', '80026c6f'], { ...client, delivery: 'pieces' }).events).toEqual([
      { event: 'piece', type: 'text', data: '48656c', final: false },
      { event: 'piece', type: 'text', data: '6c6f', final: true },
    ]);
  });

  it('an unmasked ping', () => {
    expect(decodeHex(['890548656c6c6f'], client).events).toEqual([{ event: 'ping', data: '48656c6c6f' }]);
  });

  it('an unmasked pong', () => {
    expect(decodeHex(['8a0548656c6c6f'], client).events).toEqual([{ event: 'pong', data: '48656c6c6f' }]);
  });

  it('a masked pong answering the ping (key 37fa213d)', () => {
    expect(decodeHex(['8a8537fa213d7f9f4d5158'], server).events).toEqual([
      { event: 'pong', data: '48656c6c6f' },
    ]);
  });

  it('256 bytes of binary data in a single unmasked frame (16-bit length)', () => {
    const payload = counting(256);
    const { events, error } = decodeHex([`827e0100${toHex(payload)}`], client);
    expect(error).toBeUndefined();
    expect(events).toEqual([{ event: 'binary', data: toHex(payload) }]);
  });

  it('64 KiB of binary data in a single unmasked frame (64-bit length)', () => {
    const payload = counting(65536);
    const { events, error } = decodeHex([`827f0000000000010000${toHex(payload)}`], client);
    expect(error).toBeUndefined();
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual({ event: 'binary', data: toHex(payload) });
  });
});

describe('more hex vectors', () => {
  it('empty text, binary, ping, pong and close frames', () => {
    expect(decodeHex(['8100', '8200', '8900', '8a00', '8800'], client).events).toEqual([
      { event: 'text', text: '' },
      { event: 'binary', data: '' },
      { event: 'ping', data: '' },
      { event: 'pong', data: '' },
      { event: 'close', code: undefined, reason: '' },
    ]);
  });

  it('a close frame with code 1000 and a reason', () => {
    expect(decodeHex(['880503e8627965'], client).events).toEqual([
      { event: 'close', code: 1000, reason: 'bye' },
    ]);
  });

  it('a masked close frame with code 1001', () => {
    // payload 03e9 masked with key 00000000 is itself
    expect(decodeHex(['88820000000003e9'], server).events).toEqual([
      { event: 'close', code: 1001, reason: '' },
    ]);
  });

  it('a masked binary frame with a key of all ones', () => {
    // 0x00 0x01 0x02 XOR 0xff → ff fe fd
    expect(decodeHex(['8283fffffffffffefd'], server).events).toEqual([{ event: 'binary', data: '000102' }]);
  });

  it('a two-byte and a four-byte UTF-8 character', () => {
    expect(decodeHex(['8106c3a9f09f9880'], client).events).toEqual([{ event: 'text', text: 'é😀' }]);
  });

  it('a ping between two fragments of a text message', () => {
    expect(decodeHex(['010348656c', '8900', '80026c6f'], client).events).toEqual([
      { event: 'ping', data: '' },
      { event: 'text', text: 'Hello' },
    ]);
  });
});

describe('the encoder produces the RFC 6455 §5.7 bytes', () => {
  const serverEncoder = () => new FrameEncoder({ role: 'server' });
  const clientEncoder = () => new FrameEncoder({ role: 'client', maskKeys: fixedKeys(0x37fa213d) });
  const hello = utf8.encode('Hello');

  it('unmasked text', () => {
    expect(toHex(concat(serverEncoder().encodeText('Hello')))).toBe('810548656c6c6f');
    expect(toHex(concat(serverEncoder().encode(Opcode.Text, hello)))).toBe('810548656c6c6f');
  });

  it('masked text with key 37fa213d', () => {
    expect(toHex(concat(clientEncoder().encodeText('Hello')))).toBe('818537fa213d7f9f4d5158');
    expect(toHex(concat(clientEncoder().encode(Opcode.Text, hello)))).toBe('818537fa213d7f9f4d5158');
  });

  it('a fragmented unmasked text message', () => {
    const encoder = serverEncoder();
    expect(toHex(concat(encoder.encode(Opcode.Text, utf8.encode('Hel'), { fin: false })))).toBe('010348656c');
    expect(toHex(concat(encoder.encode(Opcode.Continuation, utf8.encode('lo'))))).toBe('80026c6f');
    expect(toHex(concat(encoder.encodeText('Hel', { fin: false })))).toBe('010348656c');
  });

  it('unmasked ping and pong, masked pong', () => {
    expect(toHex(concat(serverEncoder().encode(Opcode.Ping, hello)))).toBe('890548656c6c6f');
    expect(toHex(concat(serverEncoder().encode(Opcode.Pong, hello)))).toBe('8a0548656c6c6f');
    expect(toHex(concat(clientEncoder().encode(Opcode.Pong, hello)))).toBe('8a8537fa213d7f9f4d5158');
  });

  it('256 bytes and 64 KiB of binary data', () => {
    const small = counting(256);
    expect(toHex(concat(serverEncoder().encode(Opcode.Binary, small)))).toBe(`827e0100${toHex(small)}`);
    const large = counting(65536);
    expect(toHex(concat(serverEncoder().encode(Opcode.Binary, large)))).toBe(
      `827f0000000000010000${toHex(large)}`,
    );
  });

  it('a masked frame with a fixed key, and its decoding', () => {
    const frame = concat(clientEncoder().encode(Opcode.Binary, fromHex('000102030405060708')));
    expect(toHex(frame)).toBe('828937fa213d37fb233e33ff273a3f');
    expect(decodeHex([toHex(frame)], server).events).toEqual([
      { event: 'binary', data: '000102030405060708' },
    ]);
  });
});
