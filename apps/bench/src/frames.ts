/**
 * Test input, built independently of both codecs: payloads, frames and the byte stream a socket
 * would deliver. Everything is deterministic, so every run and every contender sees the same bytes.
 */

/** Socket-sized reads: what `net.Socket` typically delivers per `data` event. */
export const SOCKET_CHUNK = 64 * 1024;

/** A small deterministic generator (xorshift32), so inputs are the same in every run. */
export function randomWords(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** `size` bytes of incompressible, deterministic payload. */
export function payload(size: number, seed = 1): Buffer {
  const next = randomWords(seed);
  const bytes = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) bytes[i] = next() & 0xff;
  return bytes;
}

/** Frame options for {@link frame}. */
export interface FrameSpec {
  opcode: number;
  fin: boolean;
  /** The masking key (first key byte most significant), or undefined for an unmasked frame. */
  maskKey: number | undefined;
}

/** One frame as it appears on the wire: header, then the payload (masked if a key is given). */
export function frame(data: Uint8Array, spec: FrameSpec): Buffer {
  const length = data.length;
  const extended = length <= 125 ? 0 : length <= 0xffff ? 2 : 8;
  const masked = spec.maskKey !== undefined;
  const headerLength = 2 + extended + (masked ? 4 : 0);
  const out = Buffer.allocUnsafe(headerLength + length);
  out[0] = (spec.fin ? 0x80 : 0) | spec.opcode;
  out[1] = (masked ? 0x80 : 0) | (extended === 0 ? length : extended === 2 ? 126 : 127);
  if (extended === 2) out.writeUInt16BE(length, 2);
  if (extended === 8) out.writeBigUInt64BE(BigInt(length), 2);
  if (spec.maskKey === undefined) {
    out.set(data, headerLength);
    return out;
  }
  out.writeUInt32BE(spec.maskKey >>> 0, headerLength - 4);
  const key = out.subarray(headerLength - 4, headerLength);
  for (let i = 0; i < length; i++) out[headerLength + i] = data[i]! ^ key[i & 3]!;
  return out;
}

/** A wire stream of `count` binary messages, each one frame carrying `data`. */
export function messageStream(data: Uint8Array, count: number, masked: boolean, seed = 7): Buffer {
  const next = randomWords(seed);
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    frames.push(frame(data, { opcode: 0x2, fin: true, maskKey: masked ? next() | 1 : undefined }));
  }
  return Buffer.concat(frames);
}

/** One binary message of `data` split into `fragments` frames of (nearly) equal size. */
export function fragmentedMessage(data: Uint8Array, fragments: number, masked: boolean, seed = 11): Buffer {
  const next = randomWords(seed);
  const size = Math.ceil(data.length / fragments);
  const frames: Buffer[] = [];
  for (let i = 0; i < fragments; i++) {
    const piece = data.subarray(i * size, Math.min(data.length, (i + 1) * size));
    frames.push(
      frame(piece, {
        opcode: i === 0 ? 0x2 : 0x0,
        fin: i === fragments - 1,
        maskKey: masked ? next() | 1 : undefined,
      }),
    );
  }
  return Buffer.concat(frames);
}

/** Splits a wire stream into socket-sized chunks (views; copy them before handing them out). */
export function chunk(wire: Buffer, size = SOCKET_CHUNK): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < wire.length; offset += size) {
    chunks.push(wire.subarray(offset, Math.min(wire.length, offset + size)));
  }
  return chunks;
}

/**
 * Fresh copies of the chunks, one allocation each, as a socket delivers them. Both decoders unmask
 * in place (they own the chunks they are given), so every sample needs its own copy.
 */
export function freshCopies(chunks: readonly Buffer[]): Buffer[] {
  const copies = new Array<Buffer>(chunks.length);
  for (let i = 0; i < chunks.length; i++) {
    const source = chunks[i]!;
    const copy = Buffer.allocUnsafeSlow(source.length);
    copy.set(source);
    copies[i] = copy;
  }
  return copies;
}
