/**
 * Fuzz target of the frame and message decoders (`MessageDecoder` over `FrameDecoder`): valid frame
 * streams with random mutations (flipped bytes, cut or repeated ranges), under random chunking.
 * Whatever the bytes, write() never throws, nothing larger than the configured limits is ever
 * delivered, a failure carries 1002, 1007 or 1009, and each kind of invalid frame spliced into a
 * valid stream fails with its own close code. A short run in the test suite; `pnpm run fuzz` (or
 * `FUZZ_RUNS=<n>`) runs it long.
 */
import { CodecError, MessageDecoder, type MessageDecoderOptions, type MessageHandler } from '@wskit/codec';
import { fuzzParameters } from '@wskit/tooling/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, splitAt } from '../helpers.js';

const LIMITS = { maxFrameSize: 256, maxMessageSize: 512, maxFragments: 4 } as const;

/** One frame's bytes: `first` is FIN/RSV/opcode; masked with a zero key when `mask`. */
function frame(first: number, payload: Uint8Array, mask: boolean, length = payload.length): Uint8Array {
  const head =
    length < 126
      ? [first, (mask ? 0x80 : 0) | length]
      : length < 65536
        ? [first, (mask ? 0x80 : 0) | 126, length >> 8, length & 0xff]
        : [
            first,
            (mask ? 0x80 : 0) | 127,
            0,
            0,
            0,
            0,
            (length >>> 24) & 0xff,
            (length >> 16) & 0xff,
            (length >> 8) & 0xff,
            length & 0xff,
          ];
  return concat([Uint8Array.from(head), mask ? new Uint8Array(4) : new Uint8Array(0), payload]);
}

/** A valid message as frames: text (ASCII) or binary, in 1 to `maxFragments` fragments. */
const validMessage = (mask: boolean) =>
  fc
    .record({
      text: fc.boolean(),
      payload: fc
        .uint8Array({ maxLength: LIMITS.maxFrameSize })
        .map((bytes) => bytes.map((byte) => byte & 0x7f)),
      fragments: fc.integer({ min: 1, max: LIMITS.maxFragments }),
      ping: fc.option(fc.uint8Array({ maxLength: 125 }), { nil: undefined }),
    })
    .map(({ text, payload, fragments, ping }) => {
      const size = Math.ceil(payload.length / fragments) || 0;
      const frames: Uint8Array[] = [];
      for (let index = 0; index < fragments; index++) {
        const part = payload.subarray(index * size, (index + 1) * size);
        const opcode = index === 0 ? (text ? 0x1 : 0x2) : 0x0;
        frames.push(frame((index === fragments - 1 ? 0x80 : 0) | opcode, part, mask));
        if (ping && index === 0) frames.push(frame(0x89, ping, mask));
      }
      return concat(frames);
    });

/** Mutations of a byte stream: flipped bytes, a cut range, a repeated range. */
const mutated = (stream: fc.Arbitrary<Uint8Array>) =>
  fc
    .tuple(
      stream,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
      fc.option(fc.tuple(fc.nat(), fc.nat({ max: 16 })), { nil: undefined }),
      fc.option(fc.tuple(fc.nat(), fc.nat({ max: 16 })), { nil: undefined }),
    )
    .map(([bytes, flips, cut, repeat]) => {
      let out: Uint8Array = bytes.slice();
      for (const [at, xor] of flips) if (out.length > 0) out[at % out.length]! ^= xor;
      if (cut && out.length > 0) {
        const start = cut[0] % out.length;
        out = concat([out.subarray(0, start), out.subarray(start + cut[1])]);
      }
      if (repeat && out.length > 0) {
        const start = repeat[0] % out.length;
        const piece = out.subarray(start, start + repeat[1]);
        out = concat([out.subarray(0, start), piece, piece, out.subarray(start)]);
      }
      return out;
    });

/** Records what a decoder delivers, checking every delivery against the limits. */
class BoundedRecorder implements MessageHandler {
  delivered = 0;
  onText(text: string): void {
    expect(text.length).toBeLessThanOrEqual(LIMITS.maxMessageSize);
    this.delivered++;
  }
  onBinary(data: Uint8Array): void {
    expect(data.length).toBeLessThanOrEqual(LIMITS.maxMessageSize);
    this.delivered++;
  }
  onPiece(_type: string, data: Uint8Array): void {
    expect(data.length).toBeLessThanOrEqual(LIMITS.maxFrameSize);
  }
  onExtensionMessage(_type: string, data: Uint8Array): void {
    expect(data.length).toBeLessThanOrEqual(LIMITS.maxMessageSize);
  }
  onPing(data: Uint8Array): void {
    expect(data.length).toBeLessThanOrEqual(125);
  }
  onPong(data: Uint8Array): void {
    expect(data.length).toBeLessThanOrEqual(125);
  }
  onClose(): void {}
}

/** Feeds `chunks`, returning the failure if any; never lets an exception out. */
function feed(chunks: readonly Uint8Array[], options: MessageDecoderOptions): CodecError | undefined {
  const decoder = new MessageDecoder(new BoundedRecorder(), options);
  for (const chunk of chunks) {
    const error = decoder.write(chunk);
    if (error !== undefined) return error;
  }
  return undefined;
}

const chunked = (bytes: Uint8Array, cuts: number[]) =>
  splitAt(
    bytes,
    cuts.map((cut) => cut % (bytes.length + 1)),
  );

describe('fuzz: frame decoder', () => {
  const roles = [
    { role: 'server', mask: true },
    { role: 'client', mask: false },
  ] as const;

  for (const { role, mask } of roles) {
    for (const delivery of ['whole', 'pieces'] as const) {
      it(`${role}, ${delivery}: mutated streams never throw and stay within the limits`, () => {
        fc.assert(
          fc.property(
            mutated(fc.array(validMessage(mask), { maxLength: 4 }).map(concat)),
            fc.array(fc.nat(), { maxLength: 12 }),
            (bytes, cuts) => {
              const error = feed(chunked(bytes, cuts), { role, delivery, ...LIMITS });
              if (error !== undefined) {
                expect(error).toBeInstanceOf(CodecError);
                expect([1002, 1007, 1009]).toContain(error.closeCode);
              }
            },
          ),
          fuzzParameters(),
        );
      });
    }

    it(`${role}: each kind of invalid frame after valid ones fails with its close code`, () => {
      const invalid = fc.oneof(
        // Reserved opcodes (RFC 6455 §5.2).
        fc.constantFrom(3, 4, 5, 6, 7, 11, 12, 13, 14, 15).map((opcode) => ({
          bytes: frame(0x80 | opcode, new Uint8Array(1), mask),
          code: 1002,
        })),
        // A control frame over 125 bytes, or fragmented (RFC 6455 §5.5).
        fc.integer({ min: 126, max: 200 }).map((length) => ({
          bytes: frame(0x89, new Uint8Array(length), mask),
          code: 1002,
        })),
        fc.constant({ bytes: frame(0x09, new Uint8Array(0), mask), code: 1002 }),
        // RSV bits no extension claimed.
        fc.constantFrom(0x40, 0x20, 0x10).map((rsv) => ({
          bytes: frame(0x80 | rsv | 0x2, new Uint8Array(1), mask),
          code: 1002,
        })),
        // The wrong masking for the role (RFC 6455 §5.1).
        fc.constant({ bytes: frame(0x82, new Uint8Array(1), !mask), code: 1002 }),
        // A frame announcing more than maxFrameSize: refused from its header.
        fc.integer({ min: LIMITS.maxFrameSize + 1, max: 2 ** 31 }).map((length) => ({
          bytes: frame(0x82, new Uint8Array(0), mask, length),
          code: 1009,
        })),
        // A continuation with no message, and more fragments than maxFragments.
        fc.constant({ bytes: frame(0x80, new Uint8Array(1), mask), code: 1002 }),
        fc.constant({
          bytes: concat([
            frame(0x02, new Uint8Array(1), mask),
            ...Array.from({ length: LIMITS.maxFragments }, () => frame(0x00, new Uint8Array(1), mask)),
          ]),
          code: 1009,
        }),
        // Text that is not UTF-8 (RFC 6455 §8.1).
        fc.constant({ bytes: frame(0x81, Uint8Array.of(0xc3, 0x28), mask), code: 1007 }),
      );
      fc.assert(
        fc.property(
          fc.array(validMessage(mask), { maxLength: 3 }).map(concat),
          invalid,
          fc.array(fc.nat(), { maxLength: 12 }),
          (valid, { bytes, code }, cuts) => {
            const error = feed(chunked(concat([valid, bytes]), cuts), { role, ...LIMITS });
            expect(error?.closeCode).toBe(code);
          },
        ),
        fuzzParameters(),
      );
    });
  }
});
