/**
 * Close payloads (RFC 6455 §5.5.1, §7.4): decoding what a peer sent, and checking and encoding what
 * the local application sends.
 */
import {
  CodecError,
  decodeClosePayload,
  encodeClosePayload,
  isValidWireCloseCode,
  reportedCloseCode,
  validateLocalClose,
} from '@wskit/codec';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from './helpers.js';

/** The wire rule written out independently: 1000–1003, 1007–1014, 3000–4999. */
function allowedOnTheWire(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014].includes(code);
}

describe('isValidWireCloseCode', () => {
  it('matches the RFC 6455 §7.4 rule for every 16-bit code', () => {
    const mismatches: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (isValidWireCloseCode(code) !== allowedOnTheWire(code)) mismatches.push(code);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('decodeClosePayload', () => {
  it('an empty payload has no code; the application sees 1005', () => {
    const close = decodeClosePayload(new Uint8Array(0));
    expect(close).toEqual({ code: undefined, reason: '' });
    expect(reportedCloseCode(close as { code: undefined; reason: string })).toBe(1005);
  });

  it('a code alone, and a code with a reason', () => {
    expect(decodeClosePayload(fromHex('03e8'))).toEqual({ code: 1000, reason: '' });
    expect(decodeClosePayload(fromHex('0fa0'))).toEqual({ code: 4000, reason: '' });
    expect(decodeClosePayload(fromHex('03f3e282ac'))).toEqual({ code: 1011, reason: '€' });
    expect(reportedCloseCode({ code: 1001, reason: '' })).toBe(1001);
  });

  it('refuses a one-byte payload, codes not allowed on the wire and reasons that are not UTF-8', () => {
    expect(decodeClosePayload(fromHex('03'))).toMatchObject({
      code: 'WS_ERR_INVALID_CLOSE_PAYLOAD',
      closeCode: 1002,
    });
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000]) {
      const payload = new Uint8Array([code >>> 8, code & 0xff]);
      expect(decodeClosePayload(payload)).toMatchObject({
        code: 'WS_ERR_INVALID_CLOSE_CODE',
        closeCode: 1002,
      });
    }
    expect(decodeClosePayload(fromHex('03e8c0af'))).toMatchObject({
      code: 'WS_ERR_INVALID_UTF8',
      closeCode: 1007,
    });
    expect(decodeClosePayload(fromHex('03e8f0'))).toBeInstanceOf(CodecError);
  });

  it('refuses a payload over 125 bytes', () => {
    const payload = new Uint8Array(126);
    payload.set([0x03, 0xe8]);
    payload.fill(0x61, 2);
    expect(decodeClosePayload(payload)).toMatchObject({
      code: 'WS_ERR_CONTROL_FRAME_TOO_LONG',
      closeCode: 1002,
    });
    expect(decodeClosePayload(payload.subarray(0, 125))).toEqual({ code: 1000, reason: 'a'.repeat(123) });
  });
});

describe('encodeClosePayload and validateLocalClose', () => {
  it('encodes the code big-endian, then the reason', () => {
    expect(toHex(encodeClosePayload(1000))).toBe('03e8');
    expect(toHex(encodeClosePayload(4999, 'é'))).toBe('1387c3a9');
    expect(toHex(encodeClosePayload())).toBe('');
    expect(toHex(encodeClosePayload(undefined))).toBe('');
  });

  it('round-trips through decodeClosePayload', () => {
    for (const [code, reason] of [
      [1000, ''],
      [1001, 'going away'],
      [3000, '😀 ok'],
      [4999, 'x'.repeat(123)],
    ] as const) {
      expect(decodeClosePayload(encodeClosePayload(code, reason))).toEqual({ code, reason });
    }
  });

  it('refuses codes that may not be sent, with RangeError', () => {
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 1000.5, Number.NaN]) {
      expect(() => encodeClosePayload(code)).toThrow(RangeError);
      expect(() => validateLocalClose(code)).toThrow(RangeError);
    }
  });

  it('refuses a reason over 123 bytes of UTF-8, counting bytes not characters', () => {
    expect(() => encodeClosePayload(1000, 'a'.repeat(124))).toThrow(RangeError);
    expect(() => encodeClosePayload(1000, '€'.repeat(42))).toThrow(RangeError); // 126 bytes
    expect(encodeClosePayload(1000, '€'.repeat(41))).toHaveLength(125);
  });

  it('refuses a reason without a code, with TypeError', () => {
    expect(() => encodeClosePayload(undefined, 'why')).toThrow(TypeError);
    expect(() => validateLocalClose(undefined, 'why')).toThrow(TypeError);
  });

  it('validateLocalClose returns the reason bytes', () => {
    expect(toHex(validateLocalClose(1000, 'ok'))).toBe(toHex(utf8.encode('ok')));
    expect(validateLocalClose(undefined)).toHaveLength(0);
  });
});
