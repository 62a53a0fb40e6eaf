import {
  DEFAULT_MAX_FRAME_SIZE,
  isKnownOpcode,
  MAX_CONTROL_PAYLOAD,
  OPCODE_CLOSE,
  type Opcode,
} from './constants.js';
import { CodecError } from './errors.js';
import type { FrameHeader } from './frame-header.js';
import { CLOSED, FAILED, READ_HEADER, READ_PAYLOAD } from './internal-constants.js';
import { applyMask } from './mask.js';

/** Which end of the connection the decoder sits on: a server receives masked frames, a client unmasked. */
export type Role = 'client' | 'server';

/** Options of {@link FrameDecoder}. */
export interface FrameDecoderOptions {
  /** Our role: a `server` requires masked frames from its client, a `client` refuses them (RFC 6455 §5.1). */
  role: Role;
  /** Largest payload of one frame (default 16 MiB). Larger declared lengths fail with close 1009. */
  maxFrameSize?: number;
  /**
   * RSV bits an extension negotiated, as they sit in the first header byte (`Rsv.Rsv1` for
   * permessage-deflate). They are allowed on the first frame of a data message only (RFC 7692 §6);
   * every other RSV bit fails with close 1002. Default 0.
   */
  allowedRsv?: number;
  /**
   * Enforce the masking rule of {@link role} (default true). `false` accepts masked and unmasked
   * frames alike, for the websocket.dll-style API's "masking off" property and for testing.
   */
  enforceMasking?: boolean;
  /**
   * Where masked payloads are unmasked: `'in-place'` (the default: the decoder unmasks each piece in
   * the chunk before the handler gets it) or `'handler'` (pieces reach the handler still masked; the
   * key is `header.maskKey`, and a piece's key position is its offset in the payload modulo 4). The
   * message decoder takes `'handler'`, so that a message joined from several pieces is unmasked
   * while it is copied, in one pass.
   */
  unmask?: 'in-place' | 'handler';
}

/**
 * What a {@link FrameDecoder} reports, in stream order. A handler may return a {@link CodecError}
 * from any callback to fail the stream: decoding stops and `write()` returns that error.
 */
export interface FrameHandler {
  /** A frame header was decoded and passed every check. `header` is reused for the next frame. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a callback with no return statement must type-check
  onFrameStart(header: FrameHeader): CodecError | undefined | void;
  /**
   * A piece of the frame's payload: a view into the chunk given to `write()`, never a copy, already
   * unmasked in place (or still masked with `unmask: 'handler'`). `last` is true for the piece that
   * completes the payload.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a callback with no return statement must type-check
  onFramePayload(data: Uint8Array, last: boolean, header: FrameHeader): CodecError | undefined | void;
  /** The frame ended (also reported for an empty payload, which has no payload piece). */
  // biome-ignore lint/suspicious/noConfusingVoidType: a callback with no return statement must type-check
  onFrameEnd(header: FrameHeader): CodecError | undefined | void;
}

/**
 * An incremental RFC 6455 frame decoder. Give it chunks of any size with {@link write}: the same
 * frames come out however the stream is split, and a payload is never copied (it is unmasked in
 * place, so `write()` takes ownership of each chunk: do not reuse a chunk after writing it).
 *
 * "Need more data" is simply the end of `write()`; a peer's protocol error is returned as a
 * {@link CodecError} (never thrown) and the decoder then stays failed. Once a close frame has ended
 * (and the handler accepted it), the decoder ignores every later byte, in the same chunk or later
 * ones, without parsing or unmasking it: RFC 6455 §5.5.1 lets nothing follow a close frame.
 */
export class FrameDecoder {
  readonly #handler: FrameHandler;
  readonly #server: boolean;
  readonly #enforceMasking: boolean;
  readonly #maxFrameSize: number;
  readonly #allowedRsv: number;
  /** Whether payload pieces are unmasked here (`unmask: 'in-place'`) or by the handler. */
  readonly #unmask: boolean;
  #state = READ_HEADER;
  #error: CodecError | undefined;
  /** Bytes of a header split across chunks. */
  /** A header split across chunks is gathered here; allocated the first time one is (idle: none). */
  #headerBytes: Uint8Array | undefined;
  #headerFill = 0;
  #remaining = 0;
  #phase = 0;
  /** The current frame's header, reused for every frame; made with the first one (idle: none). */
  #header: FrameHeader | undefined;

  constructor(handler: FrameHandler, options: FrameDecoderOptions) {
    checkChoice('FrameDecoder role', options.role, 'client', 'server');
    this.#handler = handler;
    this.#server = options.role === 'server';
    this.#enforceMasking = options.enforceMasking ?? true;
    this.#maxFrameSize = checkLimit('maxFrameSize', options.maxFrameSize, DEFAULT_MAX_FRAME_SIZE);
    this.#allowedRsv = (options.allowedRsv ?? 0) & 0x70;
    checkChoice('unmask', options.unmask, 'in-place', 'handler', true);
    this.#unmask = options.unmask !== 'handler';
  }

  /** The error that failed the stream, if any. */
  get error(): CodecError | undefined {
    return this.#error;
  }

  /** Whether the decoder is between frames (no partial header or payload pending). */
  get atFrameBoundary(): boolean {
    return (this.#state === READ_HEADER || this.#state === CLOSED) && this.#headerFill === 0;
  }

  /** Whether a close frame was decoded: later input is ignored. */
  get closed(): boolean {
    return this.#state === CLOSED;
  }

  /** Fails the stream from outside (e.g. a layer above found an error); later writes are ignored. */
  fail(error: CodecError): CodecError {
    if (this.#error === undefined) {
      this.#error = error;
      this.#state = FAILED;
    }
    return this.#error;
  }

  /**
   * Decodes as much of `chunk` as possible, reporting frames to the handler. Returns the error that
   * failed the stream (now or earlier), or `undefined`.
   */
  write(chunk: Uint8Array): CodecError | undefined {
    const length = chunk.length;
    let position = 0;
    while (position < length) {
      if (this.#state === READ_PAYLOAD) {
        const take = Math.min(this.#remaining, length - position);
        const data = chunk.subarray(position, position + take);
        position += take;
        const header = this.#header!;
        if (header.masked && this.#unmask) applyMask(data, header.maskKey, this.#phase);
        this.#phase = (this.#phase + take) & 3;
        this.#remaining -= take;
        const last = this.#remaining === 0;
        let result = this.#handler.onFramePayload(data, last, header);
        if (result === undefined && last) result = this.#endFrame(header);
        if (result !== undefined) return this.fail(result);
        continue;
      }
      if (this.#state === FAILED) return this.#error;
      if (this.#state === CLOSED) return undefined;

      // READ_HEADER: parse straight from the chunk when the whole header is in it.
      let source = chunk;
      let at = position;
      const available = length - position;
      if (this.#headerFill === 0 && available >= 2 && available >= headerSize(chunk[position + 1]!)) {
        position += headerSize(chunk[position + 1]!);
      } else {
        // Gather a header split across chunks; check the first two bytes as soon as they are here.
        this.#headerBytes ??= new Uint8Array(14);
        const bytes = this.#headerBytes;
        if (this.#headerFill < 2) {
          while (this.#headerFill < 2 && position < length) bytes[this.#headerFill++] = chunk[position++]!;
          if (this.#headerFill < 2) return undefined;
          const early = this.#checkFirstBytes(bytes[0]!, bytes[1]!);
          if (early !== undefined) return this.fail(early);
        }
        const size = headerSize(bytes[1]!);
        while (this.#headerFill < size && position < length) bytes[this.#headerFill++] = chunk[position++]!;
        if (this.#headerFill < size) return undefined;
        this.#headerFill = 0;
        source = bytes;
        at = 0;
      }
      const error = this.#parseHeader(source, at);
      if (error !== undefined) return this.fail(error);
      const header = this.#header!;
      let result = this.#handler.onFrameStart(header);
      if (result === undefined) {
        if (header.payloadLength === 0) {
          result = this.#endFrame(header);
        } else {
          this.#state = READ_PAYLOAD;
          this.#remaining = header.payloadLength;
          this.#phase = 0;
        }
      }
      if (result !== undefined) return this.fail(result);
    }
    return this.#state === FAILED ? this.#error : undefined;
  }

  /** Reports the end of the current frame; after a close frame, stops decoding. */
  #endFrame(header: FrameHeader): CodecError | undefined {
    this.#state = READ_HEADER;
    const result = this.#handler.onFrameEnd(header);
    if (result) return result;
    if (header.opcode === OPCODE_CLOSE) this.#state = CLOSED;
    return undefined;
  }

  /** Checks everything the first two header bytes decide: opcode, RSV bits, FIN and length of control frames, masking. */
  #checkFirstBytes(first: number, second: number): CodecError | undefined {
    const opcode = first & 0x0f;
    if (!isKnownOpcode(opcode)) {
      return new CodecError('WS_ERR_INVALID_OPCODE', `Invalid opcode 0x${opcode.toString(16)}`);
    }
    const rsv = first & 0x70;
    const control = opcode >= 0x8;
    // Extension bits are per message: allowed on the first frame of a data message only.
    const unexpected = control || opcode === 0 ? rsv : rsv & ~this.#allowedRsv;
    if (unexpected !== 0) {
      const bit = unexpected & 0x40 ? 1 : unexpected & 0x20 ? 2 : 3;
      return new CodecError(`WS_ERR_UNEXPECTED_RSV_${bit}`, `RSV${bit} must be clear`);
    }
    if (control) {
      if ((first & 0x80) === 0)
        return new CodecError('WS_ERR_FRAGMENTED_CONTROL_FRAME', 'Control frames must not be fragmented');
      if ((second & 0x7f) > MAX_CONTROL_PAYLOAD) {
        return new CodecError(
          'WS_ERR_CONTROL_FRAME_TOO_LONG',
          'Control frame payloads are at most 125 bytes',
        );
      }
    }
    if (this.#enforceMasking) {
      const masked = (second & 0x80) !== 0;
      if (this.#server && !masked)
        return new CodecError('WS_ERR_EXPECTED_MASK', 'Frames from a client must be masked');
      if (!this.#server && masked)
        return new CodecError('WS_ERR_UNEXPECTED_MASK', 'Frames from a server must not be masked');
    }
    return undefined;
  }

  #parseHeader(bytes: Uint8Array, at: number): CodecError | undefined {
    const first = bytes[at]!;
    const second = bytes[at + 1]!;
    const early = this.#checkFirstBytes(first, second);
    if (early !== undefined) return early;
    let length = second & 0x7f;
    let position = at + 2;
    if (length === 126) {
      length = (bytes[position]! << 8) | bytes[position + 1]!;
      position += 2;
    } else if (length === 127) {
      const high = readUint32(bytes, position);
      if (high > 0x7fffffff) {
        return new CodecError(
          'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH',
          'The most significant bit of a 64-bit payload length must be 0',
        );
      }
      length = high * 0x1_0000_0000 + readUint32(bytes, position + 4);
      position += 8;
    }
    if (length > this.#maxFrameSize) {
      return new CodecError(
        'WS_ERR_FRAME_TOO_LARGE',
        `Frame payload of ${length} bytes exceeds maxFrameSize ${this.#maxFrameSize}`,
      );
    }
    this.#header ??= { fin: true, rsv: 0, opcode: 0, masked: false, maskKey: 0, payloadLength: 0 };
    const header = this.#header;
    header.fin = (first & 0x80) !== 0;
    header.rsv = first & 0x70;
    header.opcode = (first & 0x0f) as Opcode;
    header.masked = (second & 0x80) !== 0;
    header.maskKey = header.masked ? readUint32(bytes, position) : 0;
    header.payloadLength = length;
    return undefined;
  }
}

/** Header size implied by the second header byte. */
function headerSize(second: number): number {
  const length = second & 0x7f;
  const base = length === 126 ? 4 : length === 127 ? 10 : 2;
  return second & 0x80 ? base + 4 : base;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/**
 * Checks an option that takes one of two strings (`undefined` too when `optional`: the default
 * applies). `name` names the option, with its owner where that helps, in the `TypeError`'s message.
 */
export function checkChoice(
  name: string,
  value: unknown,
  first: string,
  second: string,
  optional?: boolean,
): void {
  if (value !== first && value !== second && !(optional && value === undefined)) {
    throw new TypeError(`${name} must be '${first}' or '${second}', not ${String(value)}`);
  }
}

/** Validates a limit option: a positive safe integer, or the default when absent. */
export function checkLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, not ${value}`);
  }
  return value;
}
