import { MAX_CONTROL_PAYLOAD, Opcode } from './constants.js';
import type { Role } from './frame-decoder.js';
import { frameHeaderSize, writeFrameHeader } from './frame-header.js';
import { applyMask, MaskKeyPool, maskInto } from './mask.js';

/** Options of {@link FrameEncoder}. */
export interface FrameEncoderOptions {
  /** Our role: a `client` masks every frame (RFC 6455 §5.3), a `server` never does. */
  role: Role;
  /** Mask frames regardless of role (`false` for the websocket.dll-style "masking off" property). */
  mask?: boolean;
  /** Where masking keys come from (default: a pool over `crypto.getRandomValues`). */
  maskKeys?: MaskKeyPool;
  /**
   * Payloads up to this many bytes are copied behind their header into one array (one write);
   * larger unmasked payloads are returned as a separate view, never copied. Default 1024.
   */
  copyThreshold?: number;
}

/** Per-frame options of {@link FrameEncoder.encode}. */
export interface EncodeOptions {
  /** FIN: the frame ends its message (default true). */
  fin?: boolean;
  /** RSV bits as they sit in the first header byte (an extension's business; default 0). */
  rsv?: number;
}

const textEncoder = new TextEncoder();

/**
 * Encodes frames. Output is a list of byte arrays to write in order (one array, or a header and the
 * caller's payload), so a transport can write them with one vectored call.
 *
 * The encoder never modifies a payload it was given: a masked frame is written into a new array
 * that holds the header too. It does not check message-level rules (that belongs to the
 * connection), but it refuses control frames that break §5.5.
 */
export class FrameEncoder {
  readonly #mask: boolean;
  readonly #keys: MaskKeyPool | undefined;
  readonly #copyThreshold: number;

  constructor(options: FrameEncoderOptions) {
    if (options.role !== 'client' && options.role !== 'server') {
      throw new TypeError(`FrameEncoder role must be 'client' or 'server', not ${String(options.role)}`);
    }
    this.#mask = options.mask ?? options.role === 'client';
    this.#keys = this.#mask ? (options.maskKeys ?? new MaskKeyPool()) : undefined;
    this.#copyThreshold = options.copyThreshold ?? 1024;
  }

  /** Whether frames from this encoder are masked. */
  get masking(): boolean {
    return this.#mask;
  }

  /**
   * Encodes one frame.
   *
   * @returns one array holding the whole frame, or the header followed by `payload` itself.
   */
  encode(opcode: Opcode, payload: Uint8Array, options?: EncodeOptions): Uint8Array[] {
    const fin = options?.fin ?? true;
    const rsv = options?.rsv ?? 0;
    const length = payload.length;
    if (opcode >= 0x8) checkControl(opcode, length, fin);
    if (this.#mask) {
      const maskKey = this.#keys!.next();
      const frame = new Uint8Array(frameHeaderSize(length, true) + length);
      const offset = writeFrameHeader(frame, 0, { fin, rsv, opcode, payloadLength: length, maskKey });
      maskInto(payload, frame, offset, maskKey);
      return [frame];
    }
    const headerLength = frameHeaderSize(length, false);
    if (length <= this.#copyThreshold) {
      const frame = new Uint8Array(headerLength + length);
      writeFrameHeader(frame, 0, { fin, rsv, opcode, payloadLength: length });
      frame.set(payload, headerLength);
      return [frame];
    }
    const header = new Uint8Array(headerLength);
    writeFrameHeader(header, 0, { fin, rsv, opcode, payloadLength: length });
    return [header, payload];
  }

  /**
   * Encodes a text frame from a string. Short strings are encoded straight into the frame, with no
   * intermediate array.
   */
  encodeText(text: string, options?: EncodeOptions): Uint8Array[] {
    // Up to 41 UTF-16 units always fit a 7-bit length (3 bytes each at most): encode in place.
    if (text.length <= 41) {
      const masked = this.#mask;
      const headerLength = masked ? 6 : 2;
      const frame = new Uint8Array(headerLength + text.length * 3);
      const { written } = textEncoder.encodeInto(text, frame.subarray(headerLength));
      const maskKey = masked ? this.#keys!.next() : undefined;
      writeFrameHeader(frame, 0, {
        fin: options?.fin ?? true,
        rsv: options?.rsv ?? 0,
        opcode: Opcode.Text,
        payloadLength: written,
        maskKey,
      });
      const payload = frame.subarray(headerLength, headerLength + written);
      if (maskKey !== undefined) applyMask(payload, maskKey);
      return [frame.subarray(0, headerLength + written)];
    }
    return this.encode(Opcode.Text, textEncoder.encode(text), options);
  }
}

function checkControl(opcode: number, length: number, fin: boolean): void {
  if (opcode !== Opcode.Close && opcode !== Opcode.Ping && opcode !== Opcode.Pong) {
    throw new RangeError(`Unknown opcode 0x${opcode.toString(16)}`);
  }
  if (length > MAX_CONTROL_PAYLOAD) {
    throw new RangeError(`Control frame payloads are at most 125 bytes, not ${length} (RFC 6455 §5.5)`);
  }
  if (!fin) throw new RangeError('Control frames cannot be fragmented (RFC 6455 §5.5)');
}
