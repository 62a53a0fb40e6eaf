/**
 * Fragmented message decode: one 1 MiB binary message split into 16 frames, fed in socket-sized
 * chunks. Times wskit against ws, and counts how many times each copies the payload.
 *
 * Copies are counted by watching every native copy a decoder can make from JavaScript
 * (`TypedArray.prototype.set` and `slice`, `Buffer.prototype.copy`) and summing the bytes by
 * destination buffer:
 *
 * - into the input chunks themselves: unmasking in place (wskit's SIMD kernel writes its result
 *   back), not a copy;
 * - into a buffer that is the same in two separate decodes: reusable working memory (the staging
 *   memory of wskit's SIMD masking kernel), reported as "staged", not a copy of the payload;
 * - anything else: memory allocated during the decode to hold payload bytes, a copy.
 *
 * Short pieces are copied by JavaScript loops, which no hook sees, so the bytes allocated as
 * Buffers during the decode (both decoders allocate with `Buffer.allocUnsafe` here) are counted
 * too, and the larger of the two counts is reported.
 */

import { MessageDecoder } from '@wskit/codec';
import { chunk, fragmentedMessage, freshCopies, payload } from './frames.ts';
import { type Budget, type Contender, compare, type Timing } from './measure.ts';
import { Receiver } from './ws-reference.ts';

export const FRAGMENTED_SIZE = 1024 * 1024;
export const FRAGMENTS = 16;

/** What one decoder did with a fragmented message. */
export interface CopyReport {
  /**
   * Payload copies: the larger of {@link nativeCopies} and {@link allocated} (1 = one full copy).
   * The two measure the same thing from two sides: native copies miss bytes copied by JavaScript
   * loops (short pieces), allocations miss copies into memory allocated some other way.
   */
  copies: number;
  /** Bytes natively copied into memory allocated during the decode, per payload byte. */
  nativeCopies: number;
  /** Bytes allocated through `Buffer.allocUnsafe`, `allocUnsafeSlow` or `alloc` during the decode, per payload byte. */
  allocated: number;
  /** Bytes copied through reused working memory (kernel staging), per payload byte. */
  staged: number;
  /** Bytes written back into the input chunks (unmasking in place), per payload byte. */
  inPlace: number;
  /** Whether the delivered message is one buffer of exactly the message size, shared with no input chunk. */
  freshOutput: boolean;
}

/** The fragmented case's result. */
export interface FragmentedCase {
  size: number;
  fragments: number;
  masked: boolean;
  bytesPerSample: number;
  timings: Timing[];
  copies: Record<string, CopyReport>;
}

type Decode = (chunks: Buffer[]) => Uint8Array;

function wskitDecode(masked: boolean): Decode {
  let message: Uint8Array | undefined;
  const ignore = (): void => {};
  const decoder = new MessageDecoder(
    {
      onText: ignore,
      onBinary: (data) => {
        message = data;
      },
      onPiece: ignore,
      onExtensionMessage: ignore,
      onPing: ignore,
      onPong: ignore,
      onClose: ignore,
    },
    // WSKIT_ALLOCATE, looked up at each call so that the copy count sees the allocations.
    { role: masked ? 'server' : 'client', allocate: (length) => Buffer.allocUnsafe(length) },
  );
  return (chunks) => {
    for (const piece of chunks) {
      const error = decoder.write(piece);
      if (error !== undefined) throw error;
    }
    const result = message;
    message = undefined;
    if (result === undefined) throw new Error('wskit delivered no message');
    return result;
  };
}

function wsDecode(masked: boolean): Decode {
  let message: Uint8Array | undefined;
  const receiver = new Receiver({ isServer: masked, maxPayload: 0 });
  receiver.on('message', (data) => {
    message = data;
  });
  return (chunks) => {
    for (const piece of chunks) receiver.write(piece);
    const result = message;
    message = undefined;
    if (result === undefined) throw new Error('ws delivered no message');
    return result;
  };
}

interface CopyLog {
  bytes: Map<ArrayBufferLike, number>;
  /** Bytes allocated as Buffers. */
  allocated: number;
}

/** Runs `action` with every JavaScript-reachable native copy logged by destination buffer. */
function withCopyLog<T>(action: () => T): { result: T; log: CopyLog } {
  const log: CopyLog = { bytes: new Map(), allocated: 0 };
  const record = (buffer: ArrayBufferLike, length: number): void => {
    log.bytes.set(buffer, (log.bytes.get(buffer) ?? 0) + length);
  };
  const typedArray = Object.getPrototypeOf(Uint8Array.prototype) as {
    set(this: Uint8Array, source: ArrayLike<number>, offset?: number): void;
    slice(this: Uint8Array, start?: number, end?: number): Uint8Array;
  };
  const originalSet = typedArray.set;
  const originalSlice = typedArray.slice;
  const originalCopy = Buffer.prototype.copy;
  const allocators = ['allocUnsafe', 'allocUnsafeSlow', 'alloc'] as const;
  const originalAllocators = allocators.map((name) => Buffer[name]);
  for (const [index, name] of allocators.entries()) {
    const original = originalAllocators[index]! as (size: number, ...rest: unknown[]) => Buffer;
    (Buffer as unknown as Record<string, unknown>)[name] = (size: number, ...rest: unknown[]): Buffer => {
      log.allocated += size;
      return original.call(Buffer, size, ...rest);
    };
  }
  typedArray.set = function (this: Uint8Array, source, offset) {
    record(this.buffer, source.length);
    return originalSet.call(this, source, offset);
  };
  typedArray.slice = function (this: Uint8Array, start, end) {
    const copy = originalSlice.call(this, start, end);
    record(copy.buffer, copy.length);
    return copy;
  };
  Buffer.prototype.copy = function (this: Buffer, target: Uint8Array, ...rest: number[]) {
    const copied = originalCopy.call(this, target, ...rest);
    record(target.buffer, copied);
    return copied;
  };
  try {
    return { result: action(), log };
  } finally {
    typedArray.set = originalSet;
    typedArray.slice = originalSlice;
    Buffer.prototype.copy = originalCopy;
    for (const [index, name] of allocators.entries()) {
      (Buffer as unknown as Record<string, unknown>)[name] = originalAllocators[index];
    }
  }
}

function countCopies(decode: Decode, chunks: readonly Buffer[], size: number): CopyReport {
  const runs = [0, 1].map(() => {
    const input = freshCopies(chunks);
    const { result, log } = withCopyLog(() => decode(input));
    const inputBuffers = new Set<ArrayBufferLike>(input.map((piece) => piece.buffer));
    const freshOutput =
      result.length === size &&
      result.byteLength === result.buffer.byteLength &&
      !inputBuffers.has(result.buffer);
    return { log, inputBuffers, freshOutput };
  });
  const [first, second] = runs as [(typeof runs)[0], (typeof runs)[0]];
  let copied = 0;
  let staged = 0;
  let inPlace = 0;
  for (const [buffer, bytes] of second.log.bytes) {
    if (second.inputBuffers.has(buffer)) inPlace += bytes;
    else if (first.log.bytes.has(buffer)) staged += bytes;
    else copied += bytes;
  }
  const allocated = second.log.allocated / size;
  return {
    copies: Math.max(copied / size, allocated),
    nativeCopies: copied / size,
    allocated,
    staged: staged / size,
    inPlace: inPlace / size,
    freshOutput: first.freshOutput && second.freshOutput,
  };
}

/** Times and checks the decode of a fragmented message. */
export function runFragmentedCase(masked: boolean, budget: Budget): FragmentedCase {
  const data = payload(FRAGMENTED_SIZE, 13);
  const chunks = chunk(fragmentedMessage(data, FRAGMENTS, masked));
  const decoders: Record<string, Decode> = { wskit: wskitDecode(masked), ws: wsDecode(masked) };
  const copies: Record<string, CopyReport> = {};
  for (const [name, decode] of Object.entries(decoders)) {
    const output = decode(freshCopies(chunks));
    if (!Buffer.from(output.buffer, output.byteOffset, output.length).equals(data)) {
      throw new Error(`${name} decoded the fragmented message wrongly`);
    }
    copies[name] = countCopies(decode, chunks, FRAGMENTED_SIZE);
  }
  const contenders = Object.entries(decoders).map(([name, decode]): Contender => {
    let input: Buffer[] = [];
    return {
      name,
      prepare: () => {
        input = freshCopies(chunks);
      },
      run: () => decode(input).length,
    };
  });
  return {
    size: FRAGMENTED_SIZE,
    fragments: FRAGMENTS,
    masked,
    bytesPerSample: FRAGMENTED_SIZE,
    timings: compare(contenders, budget, true),
    copies,
  };
}
