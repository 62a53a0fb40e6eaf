import {
  acceptServerHandshake,
  createClientHandshake,
  type HeadParseResult,
  HeadParser,
  type RequestHead,
  type ResponseHead,
  serializeRequest,
  serializeResponse,
} from '@wskit/handshake';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytes, concat, parseInPieces, RFC_REQUEST } from './helpers.js';

const tokenChar = fc.constantFrom(
  ..."!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
);
const token = fc.string({ unit: tokenChar, minLength: 1, maxLength: 16 });
const visibleChar = fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code));
const valueChar = fc.oneof(
  visibleChar,
  fc.constantFrom(' ', '\t'),
  fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code)),
);
/** A field value as a parser reports it: no surrounding whitespace. */
const fieldValue = fc
  .string({ unit: valueChar, maxLength: 40 })
  .map((value) => value.replace(/^[ \t]+|[ \t]+$/g, ''));
const headerPairs = fc.array(fc.tuple(token, fieldValue), { maxLength: 30 });
const target = fc.string({ unit: visibleChar, maxLength: 40 }).map((path) => `/${path}`);
const version = fc.constantFrom('1.0', '1.1', '2.0');

const requestArbitrary = fc.record({ method: token, target, version, headers: headerPairs });
const responseArbitrary = fc.record({
  status: fc.integer({ min: 100, max: 999 }),
  reason: fc.string({ unit: fc.oneof(visibleChar, fc.constant(' ')), maxLength: 20 }),
  version,
  headers: headerPairs,
});

function summary(result: HeadParseResult<RequestHead | ResponseHead>, rest?: Uint8Array) {
  if (!result.done) return { done: false };
  if (!result.ok) return { code: result.error.code, status: result.error.status };
  const { headers, ...line } = result.head;
  return { line, headers: [...headers], rest: [...(rest ?? result.rest)] };
}

/** Sorted, distinct cut points inside `length`. */
const cutsFor = (length: number) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 12 });

describe('properties', () => {
  it('build then parse gives back the same request', () => {
    fc.assert(
      fc.property(requestArbitrary, (request) => {
        const result = new HeadParser('request', { maxHeadSize: 1 << 20 }).write(serializeRequest(request));
        expect(result.done && result.ok).toBe(true);
        if (!result.done || !result.ok) return;
        expect(result.head.method).toBe(request.method);
        expect(result.head.target).toBe(request.target);
        expect(result.head.version).toBe(request.version);
        expect([...result.head.headers]).toEqual(request.headers);
        expect(result.rest).toHaveLength(0);
      }),
      { numRuns: 300 },
    );
  });

  it('build then parse gives back the same response', () => {
    fc.assert(
      fc.property(responseArbitrary, (response) => {
        const result = new HeadParser('response', { maxHeadSize: 1 << 20 }).write(
          serializeResponse(response),
        );
        expect(result.done && result.ok).toBe(true);
        if (!result.done || !result.ok) return;
        expect([result.head.status, result.head.reason, result.head.version]).toEqual([
          response.status,
          response.reason,
          response.version,
        ]);
        expect([...result.head.headers]).toEqual(response.headers);
      }),
      { numRuns: 300 },
    );
  });

  it('any split of a valid request and early frames gives the same result', () => {
    const input = fc
      .tuple(requestArbitrary, fc.uint8Array({ maxLength: 40 }))
      .map(([request, early]) => concat(serializeRequest(request), early))
      .chain((data) => fc.tuple(fc.constant(data), cutsFor(data.length)));
    fc.assert(
      fc.property(input, ([data, cuts]) => {
        const whole = new HeadParser('request').write(data);
        const pieces = parseInPieces('request', data, cuts);
        expect(summary(pieces.result, pieces.rest)).toEqual(summary(whole));
      }),
      { numRuns: 300 },
    );
  });

  it('any split of damaged bytes gives the same result, and nothing throws', () => {
    const damaged = fc
      .tuple(
        fc.constant(bytes(RFC_REQUEST)),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      )
      .map(([data, edits]) => {
        const copy = data.slice();
        for (const [position, value] of edits) copy[position % copy.length] = value;
        return copy;
      });
    const input = fc
      .oneof(damaged, fc.uint8Array({ maxLength: 300 }))
      .chain((data) => fc.tuple(fc.constant(data), cutsFor(data.length)));
    fc.assert(
      fc.property(input, ([data, cuts]) => {
        const whole = new HeadParser('request', { maxLineLength: 64, maxHeadSize: 256 }).write(data);
        const pieces = parseInPieces('request', data, cuts, { maxLineLength: 64, maxHeadSize: 256 });
        expect(summary(pieces.result, pieces.rest)).toEqual(summary(whole));
        if (whole.done && whole.ok) {
          const outcome = acceptServerHandshake(whole.head);
          expect(outcome.ok || outcome.response.status >= 400).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a client and a server agree on any subprotocol offer', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(token, { maxLength: 6 }),
        fc.uniqueArray(token, { maxLength: 6 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (offered, supported, nonce) => {
          const client = createClientHandshake({
            host: 'example.com',
            protocols: offered,
            random: (array) => {
              array.set(nonce);
              return array;
            },
          });
          const request = new HeadParser('request').write(client.request.bytes);
          if (!request.done || !request.ok) throw new Error('request did not parse');
          const server = acceptServerHandshake(request.head, { protocols: supported });
          if (!server.ok) throw new Error(server.error.message);
          const expected = offered.find((protocol) => supported.includes(protocol)) ?? null;
          expect(server.protocol).toBe(expected);
          const response = new HeadParser('response').write(server.response.bytes);
          if (!response.done || !response.ok) throw new Error('response did not parse');
          expect(client.validateResponse(response.head)).toMatchObject({ ok: true, protocol: expected });
        },
      ),
      { numRuns: 200 },
    );
  });
});
