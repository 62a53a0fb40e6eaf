/**
 * Fuzz target of the `Sec-WebSocket-Extensions` parser (`parseExtensions`): strings built from the
 * grammar's own characters (tokens, `,` `;` `=` quotes, whitespace) and from any character. Nothing
 * throws, a result is `null` or a list that formats and parses back to itself, it never holds more
 * extensions or parameters than the input has characters, and each kind of malformed value is
 * `null`. A short run in the test suite; `pnpm run fuzz` (or `FUZZ_RUNS=<n>`) runs it long.
 */
import { formatExtensions, parseExtensions } from '@wskit/handshake';
import { fuzzParameters } from '@wskit/tooling/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const grammarish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'permessage-deflate',
        'x-webkit',
        'server_max_window_bits',
        'client_no_context_takeover',
        '15',
        '8',
      ),
      fc.constantFrom(',', ';', '=', '"', ' ', '\t', '\\', ',,', '; ', ' = '),
      fc.stringMatching(/^[a-z0-9_-]{1,6}$/),
    ),
    { maxLength: 24 },
  )
  .map((parts) => parts.join(''));

describe('fuzz: extension header parser', () => {
  it('never throws; a result formats and parses back to itself and is bounded by the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(grammarish, fc.string({ maxLength: 80 }), fc.array(grammarish, { maxLength: 3 })),
        (value) => {
          const parsed = parseExtensions(value);
          if (parsed === null) return;
          const length = typeof value === 'string' ? value.length : value.join(',').length;
          const params = parsed.reduce((sum, extension) => sum + extension.params.length, 0);
          expect(parsed.length + params).toBeLessThanOrEqual(length);
          expect(parseExtensions(formatExtensions(parsed))).toEqual(parsed);
        },
      ),
      fuzzParameters(),
    );
  });

  it('each kind of malformed value is null', () => {
    const malformed = fc.oneof(
      fc.constantFrom(
        'permessage-deflate;',
        'a;=b',
        'a; b=',
        'a; b="c',
        'a; b="c d"',
        'a b',
        ';a',
        'a;b=c=d',
      ),
      fc.stringMatching(/^[a-z]{1,5}$/).map((name) => `${name}; x=${'"'}`),
      fc.constantFrom('\u0000', '\u007f', 'é').map((bad) => `permessage-deflate; x=${bad}`),
    );
    fc.assert(
      fc.property(malformed, (value) => {
        expect(parseExtensions(value)).toBeNull();
      }),
      fuzzParameters(),
    );
  });
});
