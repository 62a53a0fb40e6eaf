import { type Allocate, allocateChecked, checkAllocate } from './allocate.js';
import {
  MAX_7BIT_LENGTH,
  MAX_CONTROL_PAYLOAD,
  OPCODE_CLOSE,
  OPCODE_PING,
  OPCODE_PONG,
  OPCODE_TEXT,
  type Opcode,
} from './constants.js';
import { baseHeaderSize, copyPayload, maskPooled, writeHeaderStart, writeUint32 } from './frame-bytes.js';
import { checkChoice, type Role } from './frame-decoder.js';
import { framePool } from './frame-pool.js';
import { POOLED_FRAME_LIMIT, SHARED_KEY_BATCH, SHORT_PAYLOAD, SIMD_THRESHOLD } from './internal-constants.js';
import { MaskKeyPool, maskBytesInto, maskInto } from './mask.js';
import { utf8Encoder } from './text.js';

/** Options of {@link FrameEncoder}. */
export interface FrameEncoderOptions {
  /** Our role: a `client` masks every frame (RFC 6455 §5.3), a `server` never does. */
  role: Role;
  /** Mask frames regardless of role (`false` for the websocket.dll-style "masking off" property). */
  mask?: boolean;
  /**
   * Where masking keys come from (default: a pool over `crypto.getRandomValues` shared by the
   * encoders that have none of their own, refilled 4096 keys at a time).
   */
  maskKeys?: MaskKeyPool;
  /**
   * Payloads up to this many bytes are copied behind their header into one array (one write);
   * larger unmasked payloads are returned as a separate view, never copied. Default 1024.
   */
  copyThreshold?: number;
  /**
   * Allocates the array of a frame over 4 KiB that the encoder fills (a masked frame, or an unmasked
   * one up to `copyThreshold`); smaller frames come from a shared pool. Default:
   * `length => new Uint8Array(length)`. Every byte is written before the frame is returned, so it
   * need not be zeroed: on Node, pass `Buffer.allocUnsafe`.
   */
  allocate?: (length: number) => Uint8Array;
  /**
   * Where a masked frame over 4 KiB may be written instead of a new array: returns `length` bytes
   * that nothing else uses until the frame was written (a transport's reused scratch buffer, see
   * `@wskit/transport`'s `Transport.frameScratch`), or `undefined` to allocate as usual. A masked
   * frame cannot reuse the caller's payload, so without it every large frame is fresh memory, which
   * costs more than the masking (allocation, first-touch page faults, collection). Default: none.
   */
  scratch?: (length: number) => Uint8Array | undefined;
}

/** Per-frame options of {@link FrameEncoder.encode}. */
export interface EncodeOptions {
  /** FIN: the frame ends its message (default true). */
  fin?: boolean;
  /** RSV bits as they sit in the first header byte (an extension's business; default 0). */
  rsv?: number;
}

let sharedKeys: MaskKeyPool | undefined;

/** The key pool of encoders given none, created on first use. */
function sharedKeyPool(): MaskKeyPool {
  sharedKeys ??= new MaskKeyPool(SHARED_KEY_BATCH);
  return sharedKeys;
}

/**
 * Encodes frames. Output is a list of byte arrays to write in order (one array, or a header and the
 * caller's payload), so a transport can write them with one vectored call.
 *
 * The encoder never modifies a payload it was given: a masked frame is written into a new array
 * that holds the header too. It does not check message-level rules (that belongs to the
 * connection), but it refuses control frames that break §5.5.
 *
 * Frames of up to 4 KiB are views into a shared, pooled `ArrayBuffer` (as Node's small `Buffer`s
 * are): each frame's bytes are its own and are never written again once returned, however long the
 * frame is held, but do not transfer or detach `frame.buffer`. Larger frames come from the
 * `allocate` option.
 */
export class FrameEncoder {
  readonly #mask: boolean;
  readonly #keys: MaskKeyPool | undefined;
  readonly #copyThreshold: number;
  readonly #allocate: Allocate;
  readonly #scratch: ((length: number) => Uint8Array | undefined) | undefined;

  constructor(options: FrameEncoderOptions) {
    checkChoice('FrameEncoder role', options.role, 'client', 'server');
    this.#mask = options.mask ?? options.role === 'client';
    this.#keys = this.#mask ? (options.maskKeys ?? sharedKeyPool()) : undefined;
    this.#copyThreshold = options.copyThreshold ?? 1024;
    this.#allocate = checkAllocate(options.allocate);
    const { scratch } = options;
    if (scratch !== undefined && typeof scratch !== 'function')
      throw new TypeError('scratch must be a function');
    this.#scratch = scratch;
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
    const length = payload.length;
    const first = firstByte(opcode, length, options);
    if (this.#mask) return [this.#encodeMasked(first, payload, this.#keys!.next())];
    if (length > this.#copyThreshold) {
      const header = framePool.bytes(baseHeaderSize(length), this.#allocate);
      writeHeaderStart(header, 0, first, 0, length);
      return [header, payload];
    }
    const size = baseHeaderSize(length) + length;
    const frame =
      size <= POOLED_FRAME_LIMIT
        ? framePool.bytes(size, this.#allocate)
        : allocateChecked(this.#allocate, size);
    copyPayload(payload, frame, writeHeaderStart(frame, 0, first, 0, length));
    return [frame];
  }

  /**
   * Encodes one frame into `target` at `offset`, payload included (copied, and masked by a masking
   * encoder), and returns the offset just past it. Writing many small frames into one buffer this
   * way creates no array per frame, where {@link encode} creates at least one: a transport that
   * batches small frames into one write buffer saves most of the cost of encoding them.
   *
   * The frame takes `frameHeaderSize(payload.length, encoder.masking) + payload.length` bytes.
   * Throws `RangeError` when they do not fit in `target` from `offset` (nothing is written, and no
   * masking key is used up), or when `offset` is not a non-negative integer.
   */
  encodeInto(
    target: Uint8Array,
    offset: number,
    opcode: Opcode,
    payload: Uint8Array,
    options?: EncodeOptions,
  ): number {
    const length = payload.length;
    const first = firstByte(opcode, length, options);
    const masked = this.#mask;
    const end = offset + baseHeaderSize(length) + (masked ? 4 : 0) + length;
    if (!(offset >= 0 && end <= target.length) || offset !== Math.floor(offset)) {
      throw new RangeError(
        `encodeInto: a frame of ${end - offset} bytes does not fit in ${target.length} bytes at offset ${offset}`,
      );
    }
    const at = writeHeaderStart(target, offset, first, masked ? 0x80 : 0, length);
    if (!masked) {
      copyPayload(payload, target, at);
      return end;
    }
    const maskKey = this.#keys!.next();
    writeUint32(target, at, maskKey);
    // Short payloads go byte by byte, long ones to the word or SIMD kernel.
    maskInto(payload, target, at + 4, maskKey);
    return end;
  }

  /**
   * Encodes a text frame from a string. Short strings are encoded straight into the frame, with no
   * intermediate array.
   */
  encodeText(text: string, options?: EncodeOptions): Uint8Array[] {
    const units = text.length;
    // Up to 41 UTF-16 units always fit a 7-bit length (3 bytes each at most).
    if (units <= 41) {
      let ascii = 0;
      for (let i = 0; i < units; i++) ascii |= text.charCodeAt(i);
      if (ascii < 0x80) {
        // ASCII: one byte per unit, written here (no view for TextEncoder, no unused space).
        const headerLength = this.#mask ? 6 : 2;
        const frame = framePool.frame(headerLength + units, headerLength, this.#allocate);
        for (let i = 0; i < units; i++) frame[headerLength + i] = text.charCodeAt(i);
        return this.#textFrame(frame, headerLength, units, options);
      }
    }
    return this.#encodeUtf8Text(text, options);
  }

  /**
   * Text that is not short ASCII: encoded straight into a pooled frame while it fits one (no
   * intermediate array, no copy), with room for the longest header it may need; the header written
   * is the minimal one (RFC 6455 §5.2), placed right before the payload. Longer text is encoded first.
   */
  #encodeUtf8Text(text: string, options: EncodeOptions | undefined): Uint8Array[] {
    const units = text.length;
    const keyLength = this.#mask ? 4 : 0;
    if (units * 3 + 4 + keyLength > POOLED_FRAME_LIMIT) {
      return this.encode(OPCODE_TEXT, utf8Encoder.encode(text), options);
    }
    const reserve = (units * 3 <= MAX_7BIT_LENGTH ? 2 : 4) + keyLength;
    const region = framePool.frame(reserve + units * 3, reserve, this.#allocate);
    const written = utf8Encoder.encodeInto(text, region.subarray(reserve)).written;
    const headerLength = (written <= MAX_7BIT_LENGTH ? 2 : 4) + keyLength;
    const frame = region.subarray(reserve - headerLength, reserve + written);
    return this.#textFrame(frame, headerLength, written, options);
  }

  /** Writes the header of a text frame whose `length`-byte payload is in place, and masks it. */
  #textFrame(
    frame: Uint8Array,
    headerLength: number,
    length: number,
    options: EncodeOptions | undefined,
  ): Uint8Array[] {
    const masked = this.#mask;
    writeHeaderStart(frame, 0, firstByte(OPCODE_TEXT, 0, options), masked ? 0x80 : 0, length);
    if (masked) {
      const maskKey = this.#keys!.next();
      writeUint32(frame, headerLength - 4, maskKey);
      maskPooled(frame, headerLength, length, maskKey);
    }
    return [frame];
  }

  /**
   * A masked frame: pooled up to 4 KiB, beyond from the `scratch` option when it lends one, else
   * from {@link FrameEncoderOptions.allocate}. Payloads up to 32 bytes are masked straight from the
   * source a byte at a time, then up to the SIMD threshold copied and masked a word at a time.
   */
  #encodeMasked(first: number, payload: Uint8Array, maskKey: number): Uint8Array {
    const length = payload.length;
    const headerLength = baseHeaderSize(length) + 4;
    const size = headerLength + length;
    const pooled = size <= POOLED_FRAME_LIMIT;
    const frame = pooled
      ? framePool.frame(size, headerLength, this.#allocate)
      : (this.#lentScratch(size) ?? allocateChecked(this.#allocate, size));
    writeUint32(frame, writeHeaderStart(frame, 0, first, 0x80, length), maskKey);
    if (length <= SHORT_PAYLOAD) maskBytesInto(payload, frame, headerLength, maskKey, 0);
    else if (pooled && length < SIMD_THRESHOLD) {
      frame.set(payload, headerLength);
      maskPooled(frame, headerLength, length, maskKey);
    } else {
      maskInto(payload, frame, headerLength, maskKey);
    }
    return frame;
  }

  /** The `scratch` option's buffer for a frame of `size` bytes, checked, or `undefined`. */
  #lentScratch(size: number): Uint8Array | undefined {
    const lent = this.#scratch?.(size);
    if (lent === undefined) return undefined;
    if (!(lent instanceof Uint8Array) || lent.length !== size) {
      throw new TypeError(`scratch(${size}) must return a Uint8Array of ${size} bytes or undefined`);
    }
    return lent;
  }
}

/**
 * The first header byte; checks a control frame against RFC 6455 §5.5. Anything but an integer 0–7
 * must be a control opcode (this also refuses values that would spill out of the 4-bit opcode field,
 * §5.2).
 */
function firstByte(opcode: Opcode, length: number, options: EncodeOptions | undefined): number {
  if (options === undefined) {
    if ((opcode & 0x7) !== opcode) checkControl(opcode, length, true);
    return 0x80 | opcode;
  }
  const fin = options.fin ?? true;
  if ((opcode & 0x7) !== opcode) checkControl(opcode, length, fin);
  return (fin ? 0x80 : 0) | ((options.rsv ?? 0) & 0x70) | opcode;
}

function checkControl(opcode: number, length: number, fin: boolean): void {
  if (opcode !== OPCODE_CLOSE && opcode !== OPCODE_PING && opcode !== OPCODE_PONG) {
    throw new RangeError(`Invalid opcode 0x${opcode.toString(16)}`);
  }
  if (length > MAX_CONTROL_PAYLOAD) {
    throw new RangeError(`Control frame payloads are at most 125 bytes, not ${length} (RFC 6455 §5.5)`);
  }
  if (!fin) throw new RangeError('Control frames must not be fragmented (RFC 6455 §5.5)');
}
