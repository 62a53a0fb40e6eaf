import { MAX_7BIT_LENGTH, MAX_16BIT_LENGTH, MAX_CONTROL_PAYLOAD, Opcode } from './constants.js';
import type { Role } from './frame-decoder.js';
import { MaskKeyPool, maskedCopy, maskInto, platformKeyWord, SIMD_THRESHOLD } from './mask.js';

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
 * Frames of at most this many bytes are carved out of a shared slab rather than given an
 * `ArrayBuffer` each: allocating a buffer costs far more than encoding a small frame (the same
 * trade Node makes for `Buffer.allocUnsafe` below 4 KiB).
 */
const POOLED_FRAME_LIMIT = 4096;

/** Size of one slab. A slab stays alive while any frame carved from it does. */
const SLAB_SIZE = 64 * 1024;

let slab: ArrayBuffer | undefined;
/** All of {@link slab} as words, for masking pooled frames in place without a view per frame. */
let slabWords: Int32Array | undefined;
let slabOffset = 0;

/**
 * Keys drawn per refill of the shared pool: `getRandomValues` costs about as much per call as for
 * 4096 keys, so a larger batch makes a key several times cheaper than the per-pool default.
 */
const SHARED_KEY_BATCH = 4096;
let sharedKeys: MaskKeyPool | undefined;

/** The key pool of encoders given none, created on first use. */
function sharedKeyPool(): MaskKeyPool {
  if (sharedKeys === undefined) sharedKeys = new MaskKeyPool(SHARED_KEY_BATCH);
  return sharedKeys;
}

/**
 * A new, zeroed array of `size` bytes for one frame whose payload starts at `payloadOffset`. Small
 * frames share a slab: each gets its own region, never handed out twice, so a frame stays valid
 * for as long as it is referenced. The payload is placed 8-byte aligned, so masking it in place
 * works on whole words from its first byte.
 */
function frameBuffer(size: number, payloadOffset: number): Uint8Array {
  if (size > POOLED_FRAME_LIMIT) return new Uint8Array(size);
  let start = ((slabOffset + payloadOffset + 7) & ~7) - payloadOffset;
  if (slab === undefined || start + size > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabWords = new Int32Array(slab);
    start = ((payloadOffset + 7) & ~7) - payloadOffset;
  }
  slabOffset = start + size;
  return new Uint8Array(slab, start, size);
}

/**
 * Masks, in place, the `length`-byte payload at `headerLength` of the pooled frame just carved out
 * by {@link frameBuffer}: whole words through the slab's word view (the payload is 8-byte aligned
 * in the slab), then the last few bytes one by one. With a native copy of the payload in front of
 * it, this beats a byte loop from source to target several times over on short payloads.
 */
function maskPooled(frame: Uint8Array, headerLength: number, length: number, key: number): void {
  const words = slabWords!;
  const word = platformKeyWord(key, 0);
  let w = (frame.byteOffset + headerLength) >>> 2;
  const end = w + (length >>> 2);
  for (; w < end; w++) words[w] = words[w]! ^ word;
  for (let i = length & ~3; i < length; i++) {
    frame[headerLength + i] = frame[headerLength + i]! ^ ((key >>> (24 - ((i & 3) << 3))) & 0xff);
  }
}

/** Payloads up to this size are masked straight from the source, a byte at a time. */
const SHORT_PAYLOAD = 32;

/** Writes `payload` XORed with `key` into `frame` at `at`, a byte at a time (short payloads only). */
function maskShort(payload: Uint8Array, frame: Uint8Array, at: number, key: number): void {
  const k0 = key >>> 24;
  const k1 = (key >>> 16) & 0xff;
  const k2 = (key >>> 8) & 0xff;
  const k3 = key & 0xff;
  const length = payload.length;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    frame[at + i] = payload[i]! ^ k0;
    frame[at + i + 1] = payload[i + 1]! ^ k1;
    frame[at + i + 2] = payload[i + 2]! ^ k2;
    frame[at + i + 3] = payload[i + 3]! ^ k3;
  }
  if (i < length) frame[at + i] = payload[i]! ^ k0;
  if (i + 1 < length) frame[at + i + 1] = payload[i + 1]! ^ k1;
  if (i + 2 < length) frame[at + i + 2] = payload[i + 2]! ^ k2;
}

/** The size of a header for a `length`-byte payload without its masking key (RFC 6455 §5.2). */
function baseHeaderSize(length: number): number {
  return length <= MAX_7BIT_LENGTH ? 2 : length <= MAX_16BIT_LENGTH ? 4 : 10;
}

/**
 * Writes the first two bytes and the extended length of a header (the minimal length form, RFC
 * 6455 §5.2) at the start of `frame`; returns the offset after them (where a masking key goes).
 */
function writeHeaderStart(frame: Uint8Array, first: number, maskBit: number, length: number): number {
  frame[0] = first;
  if (length <= MAX_7BIT_LENGTH) {
    frame[1] = maskBit | length;
    return 2;
  }
  if (length <= MAX_16BIT_LENGTH) {
    frame[1] = maskBit | 126;
    frame[2] = length >>> 8;
    frame[3] = length & 0xff;
    return 4;
  }
  frame[1] = maskBit | 127;
  const high = Math.floor(length / 0x1_0000_0000);
  const low = length >>> 0;
  frame[2] = high >>> 24;
  frame[3] = (high >>> 16) & 0xff;
  frame[4] = (high >>> 8) & 0xff;
  frame[5] = high & 0xff;
  frame[6] = low >>> 24;
  frame[7] = (low >>> 16) & 0xff;
  frame[8] = (low >>> 8) & 0xff;
  frame[9] = low & 0xff;
  return 10;
}

function writeMaskKey(frame: Uint8Array, at: number, key: number): void {
  frame[at] = key >>> 24;
  frame[at + 1] = (key >>> 16) & 0xff;
  frame[at + 2] = (key >>> 8) & 0xff;
  frame[at + 3] = key & 0xff;
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
 * are): each frame's bytes are its own, but do not transfer or detach `frame.buffer`.
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
    this.#keys = this.#mask ? (options.maskKeys ?? sharedKeyPool()) : undefined;
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
    const length = payload.length;
    // Anything but an integer 0–7 must be a control opcode (this also refuses values that would
    // spill out of the 4-bit opcode field, RFC 6455 §5.2).
    if ((opcode & 0x7) !== opcode) checkControl(opcode, length, fin);
    const first = (fin ? 0x80 : 0) | ((options?.rsv ?? 0) & 0x70) | opcode;
    if (this.#mask) {
      const maskKey = this.#keys!.next();
      const headerLength = baseHeaderSize(length) + 4;
      const size = headerLength + length;
      if (size <= POOLED_FRAME_LIMIT) {
        const frame = frameBuffer(size, headerLength);
        writeMaskKey(frame, writeHeaderStart(frame, first, 0x80, length), maskKey);
        if (length <= SHORT_PAYLOAD) {
          maskShort(payload, frame, headerLength, maskKey);
        } else if (length < SIMD_THRESHOLD) {
          frame.set(payload, headerLength);
          maskPooled(frame, headerLength, length, maskKey);
        } else {
          maskInto(payload, frame, headerLength, maskKey);
        }
        return [frame];
      }
      // Past the pool, a frame masked in the SIMD kernel's memory and copied out once beats a
      // zero-filled allocation written over.
      const copied = maskedCopy(payload, headerLength, maskKey);
      const frame = copied ?? new Uint8Array(size);
      writeMaskKey(frame, writeHeaderStart(frame, first, 0x80, length), maskKey);
      if (copied === undefined) maskInto(payload, frame, headerLength, maskKey);
      return [frame];
    }
    const headerLength = baseHeaderSize(length);
    if (length <= this.#copyThreshold) {
      const frame = frameBuffer(headerLength + length, headerLength);
      writeHeaderStart(frame, first, 0, length);
      frame.set(payload, headerLength);
      return [frame];
    }
    const header = frameBuffer(headerLength, 0);
    writeHeaderStart(header, first, 0, length);
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
      const frame = frameBuffer(headerLength + text.length * 3, headerLength);
      const { written } = textEncoder.encodeInto(text, frame.subarray(headerLength));
      const first = ((options?.fin ?? true) ? 0x80 : 0) | ((options?.rsv ?? 0) & 0x70) | Opcode.Text;
      writeHeaderStart(frame, first, masked ? 0x80 : 0, written);
      if (masked) {
        const maskKey = this.#keys!.next();
        writeMaskKey(frame, 2, maskKey);
        maskPooled(frame, headerLength, written, maskKey);
      }
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
