/// <reference types="node" />
/**
 * Fuzz target of the permessage-deflate inflater (`DeflateExtension.decodeMessage`, the server side
 * of an agreement): messages compressed by the client side of the same agreement, then mutated
 * (flipped bytes, cut or repeated ranges), and compressed runs of zeros past the limit (bombs).
 * Whatever the bytes, nothing throws synchronously, a result is a message within `maxMessageSize`,
 * a failure is a `CodecError` with 1007 (corrupt data) or 1009 (too big), and zlib never produces
 * more than the limit plus one output chunk. A short run in the test suite; `pnpm run fuzz` (or
 * `FUZZ_RUNS=<n>`) runs it long.
 */
import * as nodeZlib from 'node:zlib';
import { isCodecError } from '@wskit/codec';
import type { ExtensionParams } from '@wskit/handshake';
import { perMessageDeflate, type ZlibModule } from '@wskit/permessage-deflate';
import type { ExtensionContext, ExtensionMessage } from '@wskit/protocol';
import { fuzzParameters } from '@wskit/tooling/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat } from '../helpers.js';

const MAX_MESSAGE_SIZE = 4096;
/** zlib's output chunk (`ZLIB_CHUNK_SIZE`): the inflater may overshoot the limit by one. */
const CHUNK = 16 * 1024;

/** node:zlib whose inflaters add what they produce to `produced.bytes`. */
function measuredZlib(produced: { bytes: number }): ZlibModule {
  return {
    createDeflateRaw: (options) => nodeZlib.createDeflateRaw(options),
    createInflateRaw: (options) => {
      const stream = nodeZlib.createInflateRaw(options);
      stream.on('data', (chunk: Uint8Array) => (produced.bytes += chunk.byteLength));
      return stream;
    },
  };
}

/** Agreements a server may have made (RFC 7692 §7.1). */
const agreements: ExtensionParams[] = [
  [],
  [['client_no_context_takeover', true]],
  [['client_max_window_bits', '9']],
  [
    ['client_max_window_bits', '15'],
    ['server_no_context_takeover', true],
  ],
];

const client = (maxMessageSize: number): ExtensionContext => ({ role: 'client', maxMessageSize });
const server: ExtensionContext = { role: 'server', maxMessageSize: MAX_MESSAGE_SIZE };

/** Compressed messages: random bytes, or text-like runs (compressible), of up to the limit. */
const plain = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc
    .array(fc.constantFrom(...'abc de'.split('')), { maxLength: MAX_MESSAGE_SIZE })
    .map((chars) => new TextEncoder().encode(chars.join(''))),
);

const mutation = fc.record({
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }),
  cut: fc.option(fc.tuple(fc.nat(), fc.nat({ max: 8 })), { nil: undefined }),
  repeat: fc.option(fc.tuple(fc.nat(), fc.nat({ max: 8 })), { nil: undefined }),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer Value> ? Value : never;

function mutate(bytes: Uint8Array, { flips, cut, repeat }: Mutation): Uint8Array {
  let out: Uint8Array = bytes.slice();
  for (const [at, xor] of flips) if (out.length > 0) out[at % out.length]! ^= xor;
  if (cut && out.length > 0) {
    const start = cut[0] % out.length;
    out = concat([out.subarray(0, start), out.subarray(start + cut[1])]);
  }
  if (repeat && out.length > 0) {
    const start = repeat[0] % out.length;
    const piece = out.subarray(start, start + repeat[1]);
    out = concat([out.subarray(0, start), piece, out.subarray(start)]);
  }
  return out;
}

/** Decodes `messages` in order on one server extension; checks each outcome and zlib's output. */
async function inflateAll(agreed: ExtensionParams, messages: Uint8Array[]): Promise<void> {
  const produced = { bytes: 0 };
  const extension = perMessageDeflate({ zlib: measuredZlib(produced) }).createExtension(agreed, 'server');
  try {
    for (const data of messages) {
      produced.bytes = 0;
      let result: ExtensionMessage | undefined;
      let failure: unknown;
      try {
        result = await extension.decodeMessage({ type: 'binary', data, rsv: 0x40 }, server);
      } catch (error) {
        failure = error;
      }
      expect(produced.bytes).toBeLessThanOrEqual(MAX_MESSAGE_SIZE + CHUNK);
      if (result !== undefined) {
        expect(result.data.byteLength).toBeLessThanOrEqual(MAX_MESSAGE_SIZE);
        continue;
      }
      expect(isCodecError(failure)).toBe(true);
      expect([1007, 1009]).toContain((failure as { closeCode: number }).closeCode);
      return; // the connection fails at its first bad message
    }
  } finally {
    extension.dispose?.();
  }
}

async function compressAll(agreed: ExtensionParams, messages: Uint8Array[]): Promise<Uint8Array[]> {
  const extension = perMessageDeflate({ threshold: 0 }).createExtension(agreed, 'client');
  try {
    const out: Uint8Array[] = [];
    for (const data of messages) {
      const message = await extension.encodeMessage!({ type: 'binary', data, rsv: 0 }, client(1 << 24));
      out.push(message.data);
    }
    return out;
  } finally {
    extension.dispose?.();
  }
}

describe('fuzz: deflate inflater', () => {
  it('mutated compressed messages: a message within the limit, or 1007/1009; zlib output bounded', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...agreements),
        fc.array(fc.tuple(plain, fc.option(mutation, { nil: undefined })), { minLength: 1, maxLength: 3 }),
        async (agreed, messages) => {
          const compressed = await compressAll(
            agreed,
            messages.map(([data]) => data),
          );
          const sent = compressed.map((data, index) => {
            const change = messages[index]![1];
            return change === undefined ? data : mutate(data, change);
          });
          await inflateAll(agreed, sent);
        },
      ),
      fuzzParameters(100),
    );
  });

  it('bombs: zeros past maxMessageSize fail with 1009 and zlib stops within one chunk of the limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...agreements),
        fc.integer({ min: MAX_MESSAGE_SIZE + 1, max: 8 << 20 }),
        async (agreed, size) => {
          const [bomb] = await compressAll(agreed, [new Uint8Array(size)]);
          const produced = { bytes: 0 };
          const extension = perMessageDeflate({ zlib: measuredZlib(produced) }).createExtension(
            agreed,
            'server',
          );
          try {
            const failure = await Promise.resolve(
              extension.decodeMessage({ type: 'binary', data: bomb!, rsv: 0x40 }, server),
            ).then(
              () => undefined,
              (error: unknown) => error,
            );
            expect((failure as { closeCode?: number } | undefined)?.closeCode).toBe(1009);
            expect(produced.bytes).toBeLessThanOrEqual(MAX_MESSAGE_SIZE + CHUNK);
          } finally {
            extension.dispose?.();
          }
        },
      ),
      fuzzParameters(20),
    );
  });
});
