import { MAX_7BIT_LENGTH, MAX_16BIT_LENGTH, type Opcode } from './constants.js';

/** RSV bit values as they sit in the first header byte (RFC 6455 §5.2). */
export const Rsv = {
  /** RSV1: used by permessage-deflate (RFC 7692 §6) to flag a compressed message. */
  Rsv1: 0x40,
  /** RSV2: reserved for extensions. */
  Rsv2: 0x20,
  /** RSV3: reserved for extensions. */
  Rsv3: 0x10,
} as const;

/** A decoded frame header (RFC 6455 §5.2). */
export interface FrameHeader {
  /** FIN: this frame ends its message. */
  fin: boolean;
  /** The RSV bits as they sit in the first header byte (a combination of {@link Rsv} values). */
  rsv: number;
  /** The frame's opcode. */
  opcode: Opcode;
  /** Whether the payload is masked. */
  masked: boolean;
  /** The masking key as an unsigned 32-bit number (first key byte most significant), or 0. */
  maskKey: number;
  /** The payload length in bytes. */
  payloadLength: number;
}

/** What {@link writeFrameHeader} needs to know about a frame. */
export interface FrameHeaderFields {
  /** FIN (default true). */
  fin?: boolean;
  /** RSV bits as they sit in the first header byte (default 0). */
  rsv?: number;
  /** The opcode. */
  opcode: Opcode;
  /** The payload length. */
  payloadLength: number;
  /** The masking key, when the frame is masked (a client's frames always are). */
  maskKey?: number | undefined;
}

/** The size of a header for a payload of `payloadLength` bytes: 2, 4 or 10 bytes, plus 4 when masked. */
export function frameHeaderSize(payloadLength: number, masked: boolean): number {
  const base = payloadLength <= MAX_7BIT_LENGTH ? 2 : payloadLength <= MAX_16BIT_LENGTH ? 4 : 10;
  return masked ? base + 4 : base;
}

/**
 * Writes a frame header into `target` at `offset` and returns its size. The length always takes its
 * minimal form (RFC 6455 §5.2): 7 bits up to 125, 16 bits up to 65535, 64 bits beyond.
 */
export function writeFrameHeader(target: Uint8Array, offset: number, fields: FrameHeaderFields): number {
  const { payloadLength, opcode } = fields;
  if (!Number.isSafeInteger(payloadLength) || payloadLength < 0) {
    throw new RangeError(`Invalid payload length: ${payloadLength}`);
  }
  // The opcode is 4 bits (RFC 6455 §5.2): a larger value would spill into the RSV and FIN bits.
  if (!Number.isInteger(opcode) || opcode < 0 || opcode > 0xf) {
    throw new RangeError(`Invalid opcode: ${opcode} (a 4-bit value, 0x0–0xF)`);
  }
  const masked = fields.maskKey !== undefined;
  target[offset] = (fields.fin === false ? 0 : 0x80) | ((fields.rsv ?? 0) & 0x70) | opcode;
  const maskBit = masked ? 0x80 : 0;
  let position = offset + 2;
  if (payloadLength <= MAX_7BIT_LENGTH) {
    target[offset + 1] = maskBit | payloadLength;
  } else if (payloadLength <= MAX_16BIT_LENGTH) {
    target[offset + 1] = maskBit | 126;
    target[offset + 2] = payloadLength >>> 8;
    target[offset + 3] = payloadLength & 0xff;
    position += 2;
  } else {
    target[offset + 1] = maskBit | 127;
    const high = Math.floor(payloadLength / 0x1_0000_0000);
    const low = payloadLength >>> 0;
    target[offset + 2] = high >>> 24;
    target[offset + 3] = (high >>> 16) & 0xff;
    target[offset + 4] = (high >>> 8) & 0xff;
    target[offset + 5] = high & 0xff;
    target[offset + 6] = low >>> 24;
    target[offset + 7] = (low >>> 16) & 0xff;
    target[offset + 8] = (low >>> 8) & 0xff;
    target[offset + 9] = low & 0xff;
    position += 8;
  }
  if (masked) {
    const key = fields.maskKey!;
    target[position] = key >>> 24;
    target[position + 1] = (key >>> 16) & 0xff;
    target[position + 2] = (key >>> 8) & 0xff;
    target[position + 3] = key & 0xff;
    position += 4;
  }
  return position - offset;
}

/** Encodes a frame header into a new buffer of exactly its size. */
export function encodeFrameHeader(fields: FrameHeaderFields): Uint8Array {
  const header = new Uint8Array(frameHeaderSize(fields.payloadLength, fields.maskKey !== undefined));
  writeFrameHeader(header, 0, fields);
  return header;
}
