import { type Extension, formatExtensions, parseExtensions } from '@wskit/handshake';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINEAR_BUDGET_MS } from './linear-budget.js';

describe('parseExtensions (RFC 6455 §9.1)', () => {
  it('parses permessage-deflate offers with all four parameters', () => {
    expect(
      parseExtensions(
        'permessage-deflate; client_max_window_bits; server_max_window_bits=10; server_no_context_takeover; client_no_context_takeover, permessage-deflate',
      ),
    ).toEqual([
      {
        name: 'permessage-deflate',
        params: [
          ['client_max_window_bits', true],
          ['server_max_window_bits', '10'],
          ['server_no_context_takeover', true],
          ['client_no_context_takeover', true],
        ],
      },
      { name: 'permessage-deflate', params: [] },
    ]);
  });

  it('unquotes quoted values and allows whitespace around separators', () => {
    expect(parseExtensions('foo ; a = "10" ;b="x\\y";c\t,\tbar')).toEqual([
      {
        name: 'foo',
        params: [
          ['a', '10'],
          ['b', 'xy'],
          ['c', true],
        ],
      },
      { name: 'bar', params: [] },
    ]);
  });

  it('reads several field lines and skips empty elements', () => {
    expect(parseExtensions(['a, , b', ',c;x=1,'])).toEqual([
      { name: 'a', params: [] },
      { name: 'b', params: [] },
      { name: 'c', params: [['x', '1']] },
    ]);
    expect(parseExtensions('')).toEqual([]);
    expect(parseExtensions(' , ,, ')).toEqual([]);
  });

  it('keeps repeated parameters (the extension decides what they mean)', () => {
    expect(parseExtensions('x; a=1; a=2')).toEqual([
      {
        name: 'x',
        params: [
          ['a', '1'],
          ['a', '2'],
        ],
      },
    ]);
  });

  it.each([
    ['a quoted value that is not a token', 'x; a="1 2"'],
    ['an unterminated quote', 'x; a="10'],
    ['a quote with a control char', 'x; a="1\u0001"'],
    ['a missing value', 'x; a='],
    ['a missing parameter', 'x; ; a'],
    ['a missing name', '; a'],
    ['a quoted name', '"x"'],
    ['two names without a comma', 'x y'],
    ['a slash', 'x/1'],
    ['a trailing semicolon', 'x;'],
    ['a value with a comma inside quotes', 'x; a="1,2"'],
  ])('returns null for %s', (_name, text) => {
    expect(parseExtensions(text)).toBeNull();
  });

  it('is linear on hostile input', () => {
    const started = performance.now();
    expect(parseExtensions(`x${'; a'.repeat(100_000)}`)?.[0]?.params).toHaveLength(100_000);
    expect(parseExtensions(`x; a="${'\\a'.repeat(100_000)}`)).toBeNull();
    expect(parseExtensions(' ,'.repeat(100_000))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(LINEAR_BUDGET_MS);
  });
});

describe('formatExtensions', () => {
  it('formats offers and responses', () => {
    expect(
      formatExtensions([
        { name: 'permessage-deflate', params: [['client_max_window_bits', true]] },
        { name: 'permessage-deflate', params: [] },
      ]),
    ).toBe('permessage-deflate; client_max_window_bits, permessage-deflate');
    expect(formatExtensions([{ name: 'x', params: [['a', '15']] }])).toBe('x; a=15');
    expect(formatExtensions([])).toBe('');
  });

  it('refuses anything that is not a token as misuse', () => {
    expect(() => formatExtensions([{ name: 'x y', params: [] }])).toThrow(TypeError);
    expect(() => formatExtensions([{ name: 'x', params: [['a\r\nb', true]] }])).toThrow(TypeError);
    expect(() => formatExtensions([{ name: 'x', params: [['a', '1 2']] }])).toThrow(TypeError);
    expect(() => formatExtensions([{ name: 'x', params: [['a', '']] }])).toThrow(TypeError);
  });

  it('round-trips through parseExtensions', () => {
    const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/);
    const extension: fc.Arbitrary<Extension> = fc.record({
      name: token,
      params: fc.array(fc.tuple(token, fc.oneof(fc.constant(true as const), token)), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(extension, { maxLength: 5 }), (extensions) => {
        expect(parseExtensions(formatExtensions(extensions))).toEqual(extensions);
      }),
    );
  });
});
