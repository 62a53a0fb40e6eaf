/**
 * The fuzzing peer's frame layer, written for the harness alone (no wskit code): encoding any frame,
 * legal or not (RFC 6455 §5.2), and a strict incremental reader for what the endpoint under test
 * sends back, which reports every way those frames break the RFC.
 */

/** Opcodes (RFC 6455 §5.2, §11.8). */
export const Opcode = Object.freeze({
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
});

/** One frame as the peer writes it: any opcode, RSV bits and FIN, so also frames the RFC forbids. */
export interface FrameSpec {
  readonly opcode: number;
  readonly payload: Uint8Array;
  /** FIN; true by default. */
  readonly fin?: boolean;
  /** The RSV bits as a number 0–7 (RSV1 = 4, RSV2 = 2, RSV3 = 1). */
  readonly rsv?: number;
}

const encoder = new TextEncoder();

/** `text` as UTF-8, or bytes as they are. */
export function bytes(text: string | Uint8Array): Uint8Array {
  return typeof text === 'string' ? encoder.encode(text) : text;
}

/** XORs `data[start, end)` with `key` in place (the masking of RFC 6455 §5.3). */
export function mask(data: Uint8Array, key: Uint8Array, start = 0, end = data.length): void {
  const k0 = key[0]!;
  const k1 = key[1]!;
  const k2 = key[2]!;
  const k3 = key[3]!;
  let index = start;
  for (; index + 4 <= end; index += 4) {
    data[index] = data[index]! ^ k0;
    data[index + 1] = data[index + 1]! ^ k1;
    data[index + 2] = data[index + 2]! ^ k2;
    data[index + 3] = data[index + 3]! ^ k3;
  }
  for (let offset = 0; index < end; index++, offset++) data[index] = data[index]! ^ key[offset]!;
}

let keyCounter = 0x9e3779b9;

/** A masking key that changes with every frame and is never all zeros (cheap; not for security). */
function nextKey(): Uint8Array {
  keyCounter = (Math.imul(keyCounter, 0x01000193) ^ 0x5bd1e995) >>> 0;
  const key = new Uint8Array(4);
  new DataView(key.buffer).setUint32(0, keyCounter | 0x01010101);
  return key;
}

/** Encodes `spec` (masked with a fresh key when `masked`: a client's frames). */
export function encodeFrame(spec: FrameSpec, masked: boolean): Buffer {
  const length = spec.payload.length;
  const lengthBytes = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const head = 2 + lengthBytes + (masked ? 4 : 0);
  const frame = Buffer.allocUnsafe(head + length);
  frame[0] = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode;
  const maskBit = masked ? 0x80 : 0;
  if (lengthBytes === 0) frame[1] = maskBit | length;
  else if (lengthBytes === 2) {
    frame[1] = maskBit | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = maskBit | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.set(spec.payload, head);
  if (masked) {
    const key = nextKey();
    frame.set(key, head - 4);
    mask(frame, key, head);
  }
  return frame;
}

/** A frame the endpoint sent, unmasked. */
export interface ReceivedFrame {
  readonly fin: boolean;
  readonly rsv: number;
  readonly opcode: number;
  readonly masked: boolean;
  readonly payload: Buffer;
}

/** Bytes received and not parsed yet, as the chunks they came in (no quadratic joining). */
class ByteQueue {
  #chunks: Buffer[] = [];
  size = 0;

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.size += chunk.length;
  }

  /** The first `count` bytes (a view when one chunk holds them, else a copy), removed when `take`. */
  read(count: number, take: boolean): Buffer {
    const first = this.#chunks[0]!;
    let result: Buffer;
    if (first.length >= count) {
      result = first.subarray(0, count);
      if (take) {
        if (first.length === count) this.#chunks.shift();
        else this.#chunks[0] = first.subarray(count);
      }
    } else {
      result = Buffer.allocUnsafe(count);
      let filled = 0;
      let index = 0;
      while (filled < count) {
        const chunk = this.#chunks[index]!;
        const part = Math.min(chunk.length, count - filled);
        chunk.copy(result, filled, 0, part);
        filled += part;
        if (take && part === chunk.length) this.#chunks.shift();
        else if (take) this.#chunks[index] = chunk.subarray(part);
        else index++;
      }
    }
    if (take) this.size -= count;
    return result;
  }
}

/**
 * Parses the endpoint's frames as they arrive. `push` returns the whole frames that the bytes
 * completed; `pending` counts the bytes of a frame not complete yet.
 */
export class FrameReader {
  readonly #queue = new ByteQueue();

  get pending(): number {
    return this.#queue.size;
  }

  push(chunk: Buffer): ReceivedFrame[] {
    this.#queue.push(chunk);
    const frames: ReceivedFrame[] = [];
    const queue = this.#queue;
    while (queue.size >= 2) {
      const start = queue.read(2, false);
      const masked = (start[1]! & 0x80) !== 0;
      const code = start[1]! & 0x7f;
      const head = 2 + (code === 126 ? 2 : code === 127 ? 8 : 0) + (masked ? 4 : 0);
      if (queue.size < head) break;
      const header = queue.read(head, false);
      const length =
        code === 126 ? header.readUInt16BE(2) : code === 127 ? Number(header.readBigUInt64BE(2)) : code;
      if (queue.size < head + length) break;
      const first = header[0]!;
      const key = masked ? Buffer.from(header.subarray(head - 4, head)) : undefined;
      queue.read(head, true);
      const payload = length === 0 ? Buffer.alloc(0) : queue.read(length, true);
      if (key !== undefined) mask(payload, key);
      frames.push({
        fin: (first & 0x80) !== 0,
        rsv: (first >> 4) & 0x7,
        opcode: first & 0xf,
        masked,
        payload,
      });
    }
    return frames;
  }
}
