/**
 * Fuzz target of the head parser (`HeadParser`) and of the server handshake behind it
 * (`acceptServerHandshake`): valid upgrade requests with random mutations, and random bytes, under
 * random chunking. Whatever the bytes, nothing throws, the parser never takes more than
 * `maxHeadSize` bytes without an answer, a parsed head stays within the limits, a failure is a
 * `HandshakeError` with a 4xx/5xx status, and each kind of invalid head gets its own status. A
 * short run in the test suite; `pnpm run fuzz` (or `FUZZ_RUNS=<n>`) runs it long.
 */
import { acceptServerHandshake, HandshakeError, type HeadLimits, HeadParser } from '@wskit/handshake';
import { fuzzParameters } from '@wskit/tooling/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const LIMITS: HeadLimits = { maxHeadSize: 1024, maxHeaderCount: 12, maxLineLength: 200 };
const encoder = new TextEncoder();
const STATUSES = [400, 405, 414, 426, 431, 505];

const validRequest = fc
  .record({
    target: fc.stringMatching(/^\/[a-z0-9/?=&]{0,30}$/),
    extra: fc.array(
      fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), fc.stringMatching(/^[ -~]{0,40}$/)),
      {
        maxLength: 4,
      },
    ),
    protocol: fc.option(fc.stringMatching(/^[a-z]{1,8}(, ?[a-z]{1,8}){0,3}$/), { nil: undefined }),
  })
  .map(({ target, extra, protocol }) =>
    encoder.encode(
      [
        `GET ${target} HTTP/1.1`,
        'Host: example.com',
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        ...(protocol === undefined ? [] : [`Sec-WebSocket-Protocol: ${protocol}`]),
        ...extra.map(([name, value]) => `${name}: ${value.trim()}`),
        '',
        '',
      ].join('\r\n'),
    ),
  );

/** Mutations: flipped bytes, inserted CR/LF/NUL/space/colon, a cut range. */
const mutatedRequest = fc
  .tuple(
    validRequest,
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(0x0d, 0x0a, 0x00, 0x20, 0x3a, 0x09, 0x7f, 0xff)), {
      maxLength: 3,
    }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }),
    fc.option(fc.tuple(fc.nat(), fc.nat({ max: 20 })), { nil: undefined }),
  )
  .map(([bytes, inserts, flips, cut]) => {
    const out = Array.from(bytes);
    for (const [at, byte] of inserts) out.splice(at % (out.length + 1), 0, byte);
    for (const [at, xor] of flips) out[at % out.length]! ^= xor;
    if (cut) out.splice(cut[0] % out.length, cut[1]);
    return Uint8Array.from(out);
  });

function chunks(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    out.push(bytes.subarray(start, point));
    start = point;
  }
  out.push(bytes.subarray(start));
  return out;
}

/** Feeds the chunks; checks the bounds on the way; returns the result, or undefined if incomplete. */
function parse(parts: Uint8Array[]) {
  const parser = new HeadParser('request', LIMITS);
  let fed = 0;
  for (const part of parts) {
    const result = parser.write(part);
    if (result.done) return result;
    fed += part.length;
    // Never more than maxHeadSize bytes held without an answer.
    expect(fed).toBeLessThanOrEqual(LIMITS.maxHeadSize);
  }
  return undefined;
}

describe('fuzz: head parser', () => {
  it('mutated requests and random bytes: no throw, bounded, a 4xx/5xx or a head within the limits', () => {
    fc.assert(
      fc.property(
        fc.oneof(mutatedRequest, fc.uint8Array({ maxLength: 1500 })),
        fc.array(fc.nat(), { maxLength: 8 }),
        (bytes, cuts) => {
          const result = parse(chunks(bytes, cuts));
          if (result === undefined) return;
          if (!result.ok) {
            expect(result.error).toBeInstanceOf(HandshakeError);
            expect(STATUSES).toContain(result.error.status);
            return;
          }
          expect([...result.head.headers].length).toBeLessThanOrEqual(LIMITS.maxHeaderCount);
          // The server handshake over whatever parsed: a 101 or a refusal, never an exception.
          const answer = acceptServerHandshake(result.head, { protocols: ['a', 'b'] });
          if (answer.ok) expect(answer.response.status).toBe(101);
          else expect(STATUSES).toContain(answer.response.status);
        },
      ),
      fuzzParameters(),
    );
  });

  it('each kind of invalid head gets its status, however it is chunked', () => {
    const line = (text: string) => `${text}\r\n`;
    const start = 'GET / HTTP/1.1\r\nHost: example.com\r\n';
    const invalid = fc.oneof(
      fc.constant({ text: `${start}Upgrade: websocket\n\r\n`, status: 400 }), // bare LF
      fc.constant({ text: `${start}Bad Name: x\r\n\r\n`, status: 400 }),
      fc.constant({ text: `${start}X: a\u0000b\r\n\r\n`, status: 400 }),
      fc.constant({ text: `${start} folded\r\n\r\n`, status: 400 }),
      fc.integer({ min: LIMITS.maxLineLength + 1, max: 400 }).map((length) => ({
        text: `${start}${line(`X: ${'a'.repeat(length)}`)}\r\n`,
        status: 431,
      })),
      fc.integer({ min: LIMITS.maxLineLength + 1, max: 400 }).map((length) => ({
        text: `GET /${'a'.repeat(length)} HTTP/1.1\r\n\r\n`,
        status: 414,
      })),
      fc.integer({ min: LIMITS.maxHeaderCount + 1, max: 40 }).map((count) => ({
        text: `GET / HTTP/1.1\r\n${'A: b\r\n'.repeat(count)}\r\n`,
        status: 431,
      })),
      fc.constant({
        text: `GET / HTTP/1.1\r\n${`A: ${'b'.repeat(150)}\r\n`.repeat(8)}\r\n`, // past maxHeadSize
        status: 431,
      }),
    );
    fc.assert(
      fc.property(invalid, fc.array(fc.nat(), { maxLength: 8 }), ({ text, status }, cuts) => {
        const result = parse(chunks(encoder.encode(text), cuts));
        expect(result?.done && !result.ok ? result.error.status : undefined).toBe(status);
      }),
      fuzzParameters(),
    );
  });
});
