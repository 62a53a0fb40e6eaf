/**
 * The public surface of @wskit/codec: this list changes only on purpose (docs/contributing.md).
 */
import * as codec from '@wskit/codec';
import { describe, expect, it } from 'vitest';

describe('@wskit/codec exports', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(codec).sort()).toEqual([
      'ByteParts',
      'CloseCode',
      'CodecError',
      'CodecErrorCodes',
      'DefaultLimits',
      'FrameDecoder',
      'FrameEncoder',
      'MAX_16BIT_LENGTH',
      'MAX_7BIT_LENGTH',
      'MAX_CLOSE_REASON_BYTES',
      'MAX_CONTROL_PAYLOAD',
      'MAX_HEADER_SIZE',
      'MaskKeyPool',
      'MessageDecoder',
      'Opcode',
      'Rsv',
      'Utf8Validator',
      'applyMask',
      'decodeClosePayload',
      'encodeClosePayload',
      'encodeFrameHeader',
      'frameHeaderSize',
      'isCodecError',
      'isControlOpcode',
      'isKnownOpcode',
      'isValidUtf8',
      'isValidWireCloseCode',
      'maskInto',
      'reportedCloseCode',
      'textDecoderUtf8Check',
      'validateLocalClose',
      'writeFrameHeader',
    ]);
  });

  it('constants hold their RFC 6455 values', () => {
    expect(codec.Opcode).toEqual({ Continuation: 0, Text: 1, Binary: 2, Close: 8, Ping: 9, Pong: 10 });
    expect(codec.Rsv).toEqual({ Rsv1: 0x40, Rsv2: 0x20, Rsv3: 0x10 });
    expect(codec.MAX_7BIT_LENGTH).toBe(125);
    expect(codec.MAX_16BIT_LENGTH).toBe(65535);
    expect(codec.MAX_CONTROL_PAYLOAD).toBe(125);
    expect(codec.MAX_CLOSE_REASON_BYTES).toBe(123);
    expect(codec.MAX_HEADER_SIZE).toBe(14);
    expect(codec.DefaultLimits).toEqual({
      maxFrameSize: 16 * 1024 * 1024,
      maxMessageSize: 16 * 1024 * 1024,
      maxFragments: 4096,
    });
    expect(codec.CloseCode).toMatchObject({
      Normal: 1000,
      GoingAway: 1001,
      ProtocolError: 1002,
      UnsupportedData: 1003,
      NoStatusReceived: 1005,
      AbnormalClosure: 1006,
      InvalidPayload: 1007,
      PolicyViolation: 1008,
      MessageTooBig: 1009,
      MandatoryExtension: 1010,
      InternalError: 1011,
      TlsHandshake: 1015,
    });
  });

  it('opcode predicates', () => {
    const known = [0, 1, 2, 8, 9, 10];
    for (let opcode = 0; opcode < 16; opcode++) {
      expect(codec.isKnownOpcode(opcode)).toBe(known.includes(opcode));
      expect(codec.isControlOpcode(opcode)).toBe(opcode >= 8);
    }
  });
});
