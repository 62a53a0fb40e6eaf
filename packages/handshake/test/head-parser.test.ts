import { DefaultHeadLimits, HeadParser } from '@wskit/handshake';
import { describe, expect, it } from 'vitest';
import { bytes, concat, head, parse, parseInPieces, RFC_REQUEST } from './helpers.js';
import { LINEAR_BUDGET_MS } from './linear-budget.js';

function errorOf(kind: 'request' | 'response', text: string | Uint8Array, limits = {}) {
  const result = parse(kind, text, limits);
  if (!result.done || result.ok) throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return { code: result.error.code, status: result.error.status };
}

describe('HeadParser: requests', () => {
  it('parses the RFC 6455 §1.3 request', () => {
    const result = parse('request', RFC_REQUEST);
    expect(result.done && result.ok).toBe(true);
    if (!result.done || !result.ok) return;
    expect(result.head.method).toBe('GET');
    expect(result.head.target).toBe('/chat');
    expect(result.head.version).toBe('1.1');
    expect(result.head.headers.get('HOST')).toBe('server.example.com');
    expect(result.head.headers.get('sec-websocket-key')).toBe('dGhlIHNhbXBsZSBub25jZQ==');
    expect(result.head.headers.size).toBe(7);
    expect(result.rest).toHaveLength(0);
  });

  it('hands on the bytes after the head, never losing them', () => {
    const frame = bytes('\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58');
    const data = concat(bytes(RFC_REQUEST), frame);
    const whole = parse('request', data);
    expect(whole.done && whole.ok && whole.rest).toEqual(frame);
    for (let cut = 1; cut < data.length; cut++) {
      const { result, rest } = parseInPieces('request', data, [cut]);
      expect(result.done && result.ok).toBe(true);
      expect(rest).toEqual(frame);
    }
  });

  it('returns a view into the last chunk as rest', () => {
    const data = concat(bytes(RFC_REQUEST), bytes('EARLY'));
    const result = new HeadParser('request').write(data);
    expect(result.done && result.ok && result.rest.buffer).toBe(data.buffer);
  });

  it('gives the same head when fed one byte at a time', () => {
    const data = bytes(RFC_REQUEST);
    const parser = new HeadParser('request');
    let last: ReturnType<HeadParser<'request'>['write']> = { done: false };
    for (let i = 0; i < data.length; i++) {
      last = parser.write(data.subarray(i, i + 1));
      if (i < data.length - 1) expect(last.done).toBe(false);
    }
    expect(last.done && last.ok && [...last.head.headers]).toEqual([
      ...(parse('request', data) as { head: { headers: Iterable<unknown> } }).head.headers,
    ]);
  });

  it('ignores empty lines before the request line (RFC 9112 §2.2)', () => {
    const result = parse('request', `\r\n\r\n${RFC_REQUEST}`);
    expect(result.done && result.ok && result.head.method).toBe('GET');
  });

  it('keeps repeated fields, order and obs-text bytes', () => {
    const result = parse(
      'request',
      head('GET / HTTP/1.1', 'A: 1', 'b: 2', 'a: 3', 'X-Latin: caf\xe9', 'Empty:'),
    );
    if (!result.done || !result.ok) throw new Error('parse failed');
    expect(result.head.headers.getAll('a')).toEqual(['1', '3']);
    expect(result.head.headers.get('A')).toBe('1, 3');
    expect(result.head.headers.get('x-latin')).toBe('caf\xe9');
    expect(result.head.headers.get('empty')).toBe('');
    expect([...result.head.headers].map(([name]) => name)).toEqual(['A', 'b', 'a', 'X-Latin', 'Empty']);
  });

  it('trims optional whitespace around values', () => {
    const result = parse('request', head('GET / HTTP/1.1', 'Name: \t value with  spaces \t '));
    expect(result.done && result.ok && result.head.headers.get('name')).toBe('value with  spaces');
  });

  it('treats __proto__ and constructor as ordinary names', () => {
    const result = parse(
      'request',
      head('GET / HTTP/1.1', '__proto__: polluted', 'constructor: x', 'toString: y'),
    );
    if (!result.done || !result.ok) throw new Error('parse failed');
    expect(result.head.headers.get('__proto__')).toBe('polluted');
    expect(result.head.headers.get('constructor')).toBe('x');
    expect(result.head.headers.has('hasOwnProperty')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['a bare CR in a value', head('GET / HTTP/1.1', 'A: x\ry'), 'WS_HANDSHAKE_ERR_INVALID_LINE_ENDING', 400],
    [
      'a bare CR ending a line',
      'GET / HTTP/1.1\rHost: x\r\n\r\n',
      'WS_HANDSHAKE_ERR_INVALID_LINE_ENDING',
      400,
    ],
    ['a bare LF', 'GET / HTTP/1.1\nHost: x\n\n', 'WS_HANDSHAKE_ERR_INVALID_LINE_ENDING', 400],
    [
      'obsolete line folding',
      head('GET / HTTP/1.1', 'A: x', ' y'),
      'WS_HANDSHAKE_ERR_OBSOLETE_LINE_FOLDING',
      400,
    ],
    ['a tab fold', head('GET / HTTP/1.1', 'A: x', '\ty'), 'WS_HANDSHAKE_ERR_OBSOLETE_LINE_FOLDING', 400],
    [
      'whitespace before the first header',
      head('GET / HTTP/1.1', ' Host: x'),
      'WS_HANDSHAKE_ERR_OBSOLETE_LINE_FOLDING',
      400,
    ],
    [
      'a space before the colon',
      head('GET / HTTP/1.1', 'Host : x'),
      'WS_HANDSHAKE_ERR_INVALID_HEADER_NAME',
      400,
    ],
    ['an empty name', head('GET / HTTP/1.1', ': x'), 'WS_HANDSHAKE_ERR_INVALID_HEADER_NAME', 400],
    ['no colon', head('GET / HTTP/1.1', 'Host x'), 'WS_HANDSHAKE_ERR_INVALID_HEADER_NAME', 400],
    ['a non-token name', head('GET / HTTP/1.1', 'Ho(st: x'), 'WS_HANDSHAKE_ERR_INVALID_HEADER_NAME', 400],
    ['a NUL in a value', head('GET / HTTP/1.1', 'A: x\0y'), 'WS_HANDSHAKE_ERR_INVALID_HEADER_VALUE', 400],
    ['a NUL in a name', head('GET / HTTP/1.1', 'A\0: x'), 'WS_HANDSHAKE_ERR_INVALID_HEADER_NAME', 400],
    ['DEL in a value', head('GET / HTTP/1.1', 'A: x\x7fy'), 'WS_HANDSHAKE_ERR_INVALID_HEADER_VALUE', 400],
    [
      'a control char in a value',
      head('GET / HTTP/1.1', 'A: x\x1by'),
      'WS_HANDSHAKE_ERR_INVALID_HEADER_VALUE',
      400,
    ],
    ['two spaces in the request line', head('GET  / HTTP/1.1'), 'WS_HANDSHAKE_ERR_INVALID_REQUEST_LINE', 400],
    ['a tab in the request line', head('GET\t/ HTTP/1.1'), 'WS_HANDSHAKE_ERR_INVALID_REQUEST_LINE', 400],
    ['no target', head('GET HTTP/1.1'), 'WS_HANDSHAKE_ERR_INVALID_REQUEST_LINE', 400],
    ['a lower-case version', head('GET / http/1.1'), 'WS_HANDSHAKE_ERR_INVALID_REQUEST_LINE', 400],
    ['a long version', head('GET / HTTP/1.10'), 'WS_HANDSHAKE_ERR_INVALID_REQUEST_LINE', 400],
    ['trailing space', head('GET / HTTP/1.1 '), 'WS_HANDSHAKE_ERR_INVALID_REQUEST_LINE', 400],
    ['a non-ASCII target', head('GET /caf\xe9 HTTP/1.1'), 'WS_HANDSHAKE_ERR_INVALID_REQUEST_LINE', 400],
    ['a non-token method', head('G(T / HTTP/1.1'), 'WS_HANDSHAKE_ERR_INVALID_REQUEST_LINE', 400],
    [
      'binary garbage',
      '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n',
      'WS_HANDSHAKE_ERR_INVALID_REQUEST_LINE',
      400,
    ],
  ])('rejects %s', (_name, text, code, status) => {
    expect(errorOf('request', text)).toEqual({ code, status });
  });

  it('reports an incomplete head at the end of the stream', () => {
    const parser = new HeadParser('request');
    expect(parser.write(bytes('GET / HTTP/1.1\r\nHost: x\r\n')).done).toBe(false);
    const error = parser.end();
    expect(error?.code).toBe('WS_HANDSHAKE_ERR_INCOMPLETE_HEAD');
    expect(error?.status).toBe(400);
    const complete = new HeadParser('request');
    complete.write(bytes(RFC_REQUEST));
    expect(complete.end()).toBeUndefined();
  });

  it('throws on misuse: writing after the end, bad limits, bad kind', () => {
    const parser = new HeadParser('request');
    parser.write(bytes(RFC_REQUEST));
    expect(() => parser.write(bytes('x'))).toThrow(TypeError);
    const failed = new HeadParser('request');
    failed.write(bytes('\n'));
    expect(() => failed.write(bytes('x'))).toThrow(TypeError);
    expect(() => new HeadParser('request', { maxHeadSize: 0 })).toThrow(RangeError);
    expect(() => new HeadParser('request', { maxLineLength: 1.5 })).toThrow(RangeError);
    expect(() => new HeadParser('request', { maxHeaderCount: Number.NaN })).toThrow(RangeError);
    expect(() => new HeadParser('other' as 'request')).toThrow(TypeError);
    expect(() => new HeadParser('request').write('GET' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('HeadParser: limits', () => {
  it('has safe defaults', () => {
    expect(DefaultHeadLimits).toEqual({ maxHeadSize: 16384, maxHeaderCount: 100, maxLineLength: 8192 });
    expect(Object.isFrozen(DefaultHeadLimits)).toBe(true);
  });

  it('rejects thousands of headers with 431 at the first one over the limit', () => {
    const lines = ['GET / HTTP/1.1'];
    for (let i = 0; i < 5000; i++) lines.push(`X-${i}: ${i}`);
    const data = bytes(head(...lines));
    expect(errorOf('request', data, { maxHeadSize: 1 << 20 })).toEqual({
      code: 'WS_HANDSHAKE_ERR_TOO_MANY_HEADERS',
      status: 431,
    });
    // With the default head size the size limit trips first: either way 431.
    expect(errorOf('request', data).status).toBe(431);
  });

  it('accepts exactly maxHeaderCount headers', () => {
    const lines = ['GET / HTTP/1.1'];
    for (let i = 0; i < 100; i++) lines.push(`X-${i}: ${i}`);
    const result = parse('request', head(...lines));
    expect(result.done && result.ok && result.head.headers.size).toBe(100);
    lines.push('X-One-More: 1');
    expect(errorOf('request', head(...lines)).code).toBe('WS_HANDSHAKE_ERR_TOO_MANY_HEADERS');
  });

  it('rejects a header line longer than the limit with 431, before its end arrives', () => {
    const parser = new HeadParser('request');
    expect(parser.write(bytes('GET / HTTP/1.1\r\nX-Long: ')).done).toBe(false);
    const result = parser.write(new Uint8Array(9000).fill(0x61));
    expect(result.done && !result.ok && [result.error.code, result.error.status]).toEqual([
      'WS_HANDSHAKE_ERR_HEADER_LINE_TOO_LONG',
      431,
    ]);
  });

  it('accepts a line of exactly maxLineLength bytes', () => {
    const value = 'v'.repeat(100 - 'X: '.length);
    const result = parse('request', head('GET / HTTP/1.1', `X: ${value}`), { maxLineLength: 100 });
    expect(result.done && result.ok).toBe(true);
    expect(errorOf('request', head('GET / HTTP/1.1', `X: ${value}v`), { maxLineLength: 100 }).status).toBe(
      431,
    );
  });

  it('rejects a request line longer than the limit with 414', () => {
    expect(errorOf('request', head(`GET /${'a'.repeat(9000)} HTTP/1.1`))).toEqual({
      code: 'WS_HANDSHAKE_ERR_START_LINE_TOO_LONG',
      status: 414,
    });
  });

  it('rejects a head larger than maxHeadSize with 431', () => {
    const lines = ['GET / HTTP/1.1'];
    for (let i = 0; i < 20; i++) lines.push(`X-${i}: ${'a'.repeat(1000)}`);
    expect(errorOf('request', head(...lines))).toEqual({
      code: 'WS_HANDSHAKE_ERR_HEAD_TOO_LARGE',
      status: 431,
    });
    // Counting includes leading empty lines: endless CRLFs cannot keep the parser busy forever.
    expect(errorOf('request', '\r\n'.repeat(10000)).code).toBe('WS_HANDSHAKE_ERR_HEAD_TOO_LARGE');
  });

  it('stops at the limit without buffering a flood', () => {
    const parser = new HeadParser('request');
    const flood = new Uint8Array(8 * 1024 * 1024).fill(0x41);
    const started = performance.now();
    const result = parser.write(flood);
    expect(result.done && !result.ok && result.error.status).toBe(414);
    expect(performance.now() - started).toBeLessThan(LINEAR_BUDGET_MS);
  });
});

describe('HeadParser: responses', () => {
  it('parses a status line with and without a reason phrase', () => {
    const full = parse('response', head('HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket'));
    expect(full.done && full.ok && [full.head.status, full.head.reason, full.head.version]).toEqual([
      101,
      'Switching Protocols',
      '1.1',
    ]);
    const empty = parse('response', head('HTTP/1.1 404 '));
    expect(empty.done && empty.ok && [empty.head.status, empty.head.reason]).toEqual([404, '']);
    const missing = parse('response', head('HTTP/1.1 200'));
    expect(missing.done && missing.ok && missing.head.status).toBe(200);
  });

  it('hands on a body after the head', () => {
    const result = parse('response', `${head('HTTP/1.1 403 Forbidden', 'Content-Length: 4')}nope`);
    expect(result.done && result.ok && new TextDecoder().decode(result.rest)).toBe('nope');
  });

  it.each([
    ['a three-part version', head('HTTP/1.1.1 101 OK')],
    ['a short status', head('HTTP/1.1 11 OK')],
    ['a status below 100', head('HTTP/1.1 099 OK')],
    ['letters in the status', head('HTTP/1.1 1O1 OK')],
    ['a control char in the reason', head('HTTP/1.1 101 O\x01K')],
    ['no space after the version', head('HTTP/1.1101 OK')],
    ['a leading empty line', `\r\n${head('HTTP/1.1 101 OK')}`],
  ])('rejects %s with status 502 (client side)', (_name, text) => {
    expect(errorOf('response', text)).toEqual({ code: 'WS_HANDSHAKE_ERR_INVALID_STATUS_LINE', status: 502 });
  });

  it('reports header errors of a response with status 502', () => {
    expect(errorOf('response', head('HTTP/1.1 101 OK', 'A: \0'))).toEqual({
      code: 'WS_HANDSHAKE_ERR_INVALID_HEADER_VALUE',
      status: 502,
    });
  });
});
