import {
  acceptServerHandshake,
  computeAccept,
  HandshakeError,
  type HeaderList,
  HeadParser,
  rejectHandshake,
  type ServerHandshakeOptions,
} from '@wskit/handshake';
import { describe, expect, it } from 'vitest';
import {
  bytes,
  head,
  latin1,
  parse,
  RFC_REQUEST,
  requestHead,
  responseHead,
  validRequest,
} from './helpers.js';
import { LINEAR_BUDGET_MS } from './linear-budget.js';

/** Runs raw request bytes through the parser and the server handshake, as a server would. */
function serve(data: string | Uint8Array, options?: ServerHandshakeOptions) {
  const parsed = parse('request', data);
  if (!parsed.done) throw new Error('incomplete head');
  if (!parsed.ok) {
    const response = rejectHandshake(parsed.error);
    return { ok: false, status: parsed.error.status, code: parsed.error.code, response };
  }
  const result = acceptServerHandshake(parsed.head, options);
  return result.ok
    ? { ok: true, status: 101, code: undefined, response: result.response, result }
    : { ok: false, status: result.error.status, code: result.error.code, response: result.response, result };
}

describe('acceptServerHandshake (RFC 6455 §4.2)', () => {
  it('keeps every response as written while later ones are made (their bytes may share a buffer)', () => {
    const kept: Array<{ key: string; bytes: Uint8Array }> = [];
    // Enough 101s and refusals to fill several of the blocks that heads are carved from.
    for (let index = 0; index < 300; index++) {
      const key = Buffer.from(`key number ${String(index).padStart(5, '0')}`).toString('base64');
      const request = requestHead(
        head(
          'GET / HTTP/1.1',
          'Host: a',
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${key}`,
          'Sec-WebSocket-Version: 13',
        ),
      );
      const result = acceptServerHandshake(request);
      if (!result.ok) throw new Error('refused');
      kept.push({ key, bytes: result.response.bytes });
      if (index % 7 === 0) kept.push({ key: '', bytes: rejectHandshake(400 + (index % 50)).bytes });
    }
    for (const { key, bytes } of kept) {
      const text = latin1(bytes);
      if (key === '') expect(text).toMatch(/^HTTP\/1\.1 4\d\d /);
      else expect(text).toContain(`\r\nSec-WebSocket-Accept: ${computeAccept(key)}\r\n\r\n`);
      expect(responseHead(bytes).status).toBe(key === '' ? Number(text.slice(9, 12)) : 101);
    }
  });

  it('answers the RFC 6455 §1.3 request with the §1.3 response', () => {
    const result = acceptServerHandshake(requestHead(RFC_REQUEST), { protocols: ['chat'] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.protocol).toBe('chat');
    expect(latin1(result.response.bytes)).toBe(
      head(
        'HTTP/1.1 101 Switching Protocols',
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
        'Sec-WebSocket-Protocol: chat',
      ),
    );
    expect(result.response.status).toBe(101);
    expect(result.response.body).toHaveLength(0);
  });

  it('selects no subprotocol when none is supported or offered', () => {
    const result = acceptServerHandshake(requestHead(RFC_REQUEST));
    expect(result.ok && result.protocol).toBeNull();
    expect(result.ok && result.response.headers.has('sec-websocket-protocol')).toBe(false);
  });

  it('selects in the client’s order of preference with protocols', () => {
    const result = acceptServerHandshake(requestHead(RFC_REQUEST), { protocols: ['superchat', 'chat'] });
    expect(result.ok && result.protocol).toBe('chat');
  });

  it('lets selectProtocol pick, with the request at hand', () => {
    const result = acceptServerHandshake(requestHead(RFC_REQUEST), {
      selectProtocol: (offered, request) => (request.target === '/chat' ? offered.at(-1) : null),
    });
    expect(result.ok && result.protocol).toBe('superchat');
    expect(result.ok && result.response.headers.get('sec-websocket-protocol')).toBe('superchat');
  });

  it('adds the caller’s headers to the 101', () => {
    const result = acceptServerHandshake(requestHead(RFC_REQUEST), { headers: [['Set-Cookie', 'id=1']] });
    expect(result.ok && latin1(result.response.bytes)).toContain('\r\nSet-Cookie: id=1\r\n\r\n');
  });

  it('accepts case variations, lists and absolute-form targets', () => {
    const text = head(
      'GET ws://server.example.com/chat?x=1 HTTP/1.1',
      'host: server.example.com:8080',
      'upgrade: WebSocket',
      'connection: keep-alive, upgrade',
      'sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-version: 13',
      'Content-Length: 0',
    );
    expect(serve(text).status).toBe(101);
  });

  it.each([
    ['HTTP/1.0', head('GET / HTTP/1.0', 'Host: a'), 505, 'WS_HANDSHAKE_ERR_UNSUPPORTED_HTTP_VERSION'],
    [
      'HTTP/2.0 in an HTTP/1 head',
      head('GET / HTTP/2.0', 'Host: a'),
      505,
      'WS_HANDSHAKE_ERR_UNSUPPORTED_HTTP_VERSION',
    ],
    ['POST', validRequest().replace('GET', 'POST'), 405, 'WS_HANDSHAKE_ERR_METHOD_NOT_ALLOWED'],
    ['lower-case get', validRequest().replace('GET', 'get'), 405, 'WS_HANDSHAKE_ERR_METHOD_NOT_ALLOWED'],
    [
      'an asterisk target',
      validRequest().replace('/chat', '*'),
      400,
      'WS_HANDSHAKE_ERR_INVALID_REQUEST_TARGET',
    ],
    [
      'an authority target',
      validRequest().replace('/chat', 'example.com:80'),
      400,
      'WS_HANDSHAKE_ERR_INVALID_REQUEST_TARGET',
    ],
    [
      'a missing Host',
      validRequest().replace('Host: server.example.com\r\n', ''),
      400,
      'WS_HANDSHAKE_ERR_INVALID_HOST',
    ],
    ['two Host headers', validRequest('Host: evil.example'), 400, 'WS_HANDSHAKE_ERR_INVALID_HOST'],
    [
      'an empty Host',
      validRequest().replace('Host: server.example.com', 'Host:'),
      400,
      'WS_HANDSHAKE_ERR_INVALID_HOST',
    ],
    [
      'a Host with a slash',
      validRequest().replace('server.example.com', 'a/b'),
      400,
      'WS_HANDSHAKE_ERR_INVALID_HOST',
    ],
    ['a body', validRequest('Content-Length: 5'), 400, 'WS_HANDSHAKE_ERR_UNEXPECTED_BODY'],
    ['chunked', validRequest('Transfer-Encoding: chunked'), 400, 'WS_HANDSHAKE_ERR_UNEXPECTED_BODY'],
    [
      'a missing Upgrade',
      validRequest().replace('Upgrade: websocket\r\n', ''),
      426,
      'WS_HANDSHAKE_ERR_INVALID_UPGRADE',
    ],
    [
      'Upgrade: h2c',
      validRequest().replace('Upgrade: websocket', 'Upgrade: h2c'),
      426,
      'WS_HANDSHAKE_ERR_INVALID_UPGRADE',
    ],
    [
      'Upgrade: websocket/13 only',
      validRequest().replace('Upgrade: websocket', 'Upgrade: websocket/13'),
      426,
      'WS_HANDSHAKE_ERR_INVALID_UPGRADE',
    ],
    [
      'a malformed Upgrade',
      validRequest().replace('Upgrade: websocket', 'Upgrade: websocket;q=1'),
      426,
      'WS_HANDSHAKE_ERR_INVALID_UPGRADE',
    ],
    [
      'a missing Connection',
      validRequest().replace('Connection: Upgrade\r\n', ''),
      426,
      'WS_HANDSHAKE_ERR_INVALID_CONNECTION',
    ],
    [
      'Connection: close',
      validRequest().replace('Connection: Upgrade', 'Connection: close'),
      426,
      'WS_HANDSHAKE_ERR_INVALID_CONNECTION',
    ],
    [
      'Connection: upgraded',
      validRequest().replace('Connection: Upgrade', 'Connection: Upgraded'),
      426,
      'WS_HANDSHAKE_ERR_INVALID_CONNECTION',
    ],
    [
      'a missing version',
      validRequest().replace('Sec-WebSocket-Version: 13\r\n', ''),
      426,
      'WS_HANDSHAKE_ERR_UNSUPPORTED_WEBSOCKET_VERSION',
    ],
    [
      'version 8',
      validRequest().replace('Version: 13', 'Version: 8'),
      426,
      'WS_HANDSHAKE_ERR_UNSUPPORTED_WEBSOCKET_VERSION',
    ],
    [
      'version 013',
      validRequest().replace('Version: 13', 'Version: 013'),
      426,
      'WS_HANDSHAKE_ERR_UNSUPPORTED_WEBSOCKET_VERSION',
    ],
    [
      'conflicting versions',
      validRequest('Sec-WebSocket-Version: 8'),
      426,
      'WS_HANDSHAKE_ERR_UNSUPPORTED_WEBSOCKET_VERSION',
    ],
    [
      'a missing key',
      validRequest().replace(/Sec-WebSocket-Key: .*\r\n/, ''),
      400,
      'WS_HANDSHAKE_ERR_INVALID_KEY',
    ],
    [
      'two keys',
      validRequest('Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA=='),
      400,
      'WS_HANDSHAKE_ERR_INVALID_KEY',
    ],
    [
      'a key that is not base64',
      validRequest().replace('dGhlIHNhbXBsZSBub25jZQ==', 'not-base64-at-all!!!!!!'),
      400,
      'WS_HANDSHAKE_ERR_INVALID_KEY',
    ],
    [
      'a key of 15 bytes',
      validRequest().replace('dGhlIHNhbXBsZSBub25jZQ==', 'AAAAAAAAAAAAAAAAAAAA'),
      400,
      'WS_HANDSHAKE_ERR_INVALID_KEY',
    ],
    [
      'a key of 17 bytes',
      validRequest().replace('dGhlIHNhbXBsZSBub25jZQ==', 'AAAAAAAAAAAAAAAAAAAAAAA='),
      400,
      'WS_HANDSHAKE_ERR_INVALID_KEY',
    ],
    [
      'a key without padding',
      validRequest().replace('dGhlIHNhbXBsZSBub25jZQ==', 'dGhlIHNhbXBsZSBub25jZQ'),
      400,
      'WS_HANDSHAKE_ERR_INVALID_KEY',
    ],
    [
      'an empty key',
      validRequest().replace('dGhlIHNhbXBsZSBub25jZQ==', ''),
      400,
      'WS_HANDSHAKE_ERR_INVALID_KEY',
    ],
    [
      'a malformed subprotocol list',
      validRequest('Sec-WebSocket-Protocol: chat; v=1'),
      400,
      'WS_HANDSHAKE_ERR_INVALID_SUBPROTOCOL',
    ],
    [
      'an empty subprotocol list',
      validRequest('Sec-WebSocket-Protocol:'),
      400,
      'WS_HANDSHAKE_ERR_INVALID_SUBPROTOCOL',
    ],
    [
      'malformed extensions',
      validRequest('Sec-WebSocket-Extensions: x; a="1 2"'),
      400,
      'WS_HANDSHAKE_ERR_INVALID_EXTENSIONS',
    ],
  ])('rejects %s with %i', (_name, text, status, code) => {
    const outcome = serve(text);
    expect(outcome.code).toBe(code);
    expect(outcome.status).toBe(status);
    expect(outcome.response.status).toBe(status);
  });

  it('builds rejections a client can parse, with the headers each status calls for', () => {
    const version = serve(validRequest().replace('Version: 13', 'Version: 8'));
    const parsed = responseHead(version.response.bytes);
    expect(parsed.status).toBe(426);
    expect(parsed.reason).toBe('Upgrade Required');
    expect(parsed.headers.get('sec-websocket-version')).toBe('13');
    expect(parsed.headers.get('upgrade')).toBe('websocket');
    expect(parsed.headers.hasToken('connection', 'upgrade')).toBe(true);
    expect(parsed.headers.get('content-length')).toBe(String(version.response.body.length));

    const method = responseHead(serve(validRequest().replace('GET', 'PUT')).response.bytes);
    expect([method.status, method.headers.get('allow'), method.headers.get('connection')]).toEqual([
      405,
      'GET',
      'close',
    ]);

    const key = serve(validRequest().replace('dGhlIHNhbXBsZSBub25jZQ==', 'x'));
    const body = new TextDecoder().decode(key.response.body);
    expect(body).toBe('Sec-WebSocket-Key must appear once and be the base64 encoding of 16 bytes\n');
    expect(body).not.toContain('x\n');
  });
});

describe('hostile requests', () => {
  it('rejects thousands of headers with 431', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `X-Filler-${i}: ${i}`);
    expect(serve(validRequest(...lines))).toMatchObject({ status: 431 });
  });

  it('rejects a header line longer than the limit with 431', () => {
    expect(serve(validRequest(`Cookie: ${'a'.repeat(10_000)}`))).toMatchObject({
      status: 431,
      code: 'WS_HANDSHAKE_ERR_HEADER_LINE_TOO_LONG',
    });
  });

  it('finds the Upgrade header hidden after many others', () => {
    const filler = Array.from({ length: 90 }, (_, i) => `X-Filler-${i}: ${'v'.repeat(20)}`);
    const text = head(
      'GET /chat HTTP/1.1',
      'Host: server.example.com',
      ...filler,
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      'Upgrade: websocket',
    );
    expect(serve(text).status).toBe(101);
  });

  it('answers a subprotocol header of many thousand spaces and commas with 400, quickly', () => {
    const started = performance.now();
    expect(serve(validRequest(`Sec-WebSocket-Protocol: ${' ,'.repeat(4000)}`))).toMatchObject({
      status: 400,
      code: 'WS_HANDSHAKE_ERR_INVALID_SUBPROTOCOL',
    });
    const hidden = serve(
      validRequest(`Sec-WebSocket-Protocol: ${', '.repeat(2000)}chat${' ,'.repeat(2000)}`),
      {
        protocols: ['chat'],
      },
    );
    expect(hidden.status).toBe(101);
    expect(hidden.result?.ok && hidden.result.protocol).toBe('chat');
    expect(serve(validRequest(`Sec-WebSocket-Protocol: ${' ,'.repeat(10_000)}`)).status).toBe(431);
    expect(performance.now() - started).toBeLessThan(LINEAR_BUDGET_MS);
  });

  it('handles duplicate and conflicting upgrade headers', () => {
    expect(serve(validRequest('Upgrade: websocket')).status).toBe(101); // a repeat is harmless
    expect(serve(validRequest('Upgrade: h2c')).status).toBe(101); // websocket is offered among others (RFC 9110 §7.8)
    expect(serve(validRequest('Connection: keep-alive')).status).toBe(101);
    expect(serve(validRequest('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==')).status).toBe(400);
    expect(serve(validRequest('Sec-WebSocket-Version: 13')).status).toBe(426);
    expect(serve(validRequest('Host: server.example.com')).status).toBe(400);
    expect(serve(validRequest('Content-Length: 0', 'Content-Length: 7')).status).toBe(400);
  });

  it('gives the same answer to a request split one byte at a time', () => {
    for (const text of [RFC_REQUEST, validRequest('Sec-WebSocket-Key: x'), validRequest('A: \0')]) {
      const data = bytes(text);
      const parser = new HeadParser('request');
      let result = parser.write(data.subarray(0, 1));
      for (let i = 1; i < data.length && !result.done; i++) result = parser.write(data.subarray(i, i + 1));
      const whole = serve(data);
      if (!result.done) throw new Error('incomplete');
      if (!result.ok) {
        expect(result.error.status).toBe(whole.status);
        continue;
      }
      const outcome = acceptServerHandshake(result.head, { protocols: ['chat'] });
      expect(outcome.ok ? 101 : outcome.error.status).toBe(whole.status);
    }
  });

  it('never throws for peer bytes', () => {
    const samples = [
      '',
      '\r\n\r\n',
      'GET',
      'GET / HTTP/1.1\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n',
      '\0\0\0\0\r\n\r\n',
      '\xff\xfe\r\n\r\n',
    ];
    for (const text of samples) {
      const parser = new HeadParser('request');
      const result = parser.write(bytes(text));
      if (result.done && result.ok) acceptServerHandshake(result.head);
      else if (!result.done) expect(parser.end()?.status).toBe(400);
    }
  });
});

describe('rejectHandshake', () => {
  it('builds custom rejections for auth, origin checks and redirects', () => {
    const unauthorized = rejectHandshake(401, { headers: { 'WWW-Authenticate': 'Bearer' } });
    expect(latin1(unauthorized.bytes)).toBe(
      `${head(
        'HTTP/1.1 401 Unauthorized',
        'Connection: close',
        'Content-Type: text/plain; charset=utf-8',
        'WWW-Authenticate: Bearer',
        'Content-Length: 13',
      )}Unauthorized\n`,
    );
    const forbidden = rejectHandshake(403, { body: 'Origin not allowed' });
    expect(responseHead(forbidden.bytes).headers.get('content-length')).toBe('18');
    const redirect = rejectHandshake(308, { headers: { Location: '/v2/chat' }, body: '' });
    expect(responseHead(redirect.bytes).headers.get('location')).toBe('/v2/chat');
    const json = rejectHandshake(400, { headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(json.headers.getAll('content-type')).toEqual(['application/json']);
    const utf8 = rejectHandshake(400, { body: 'é' });
    expect(utf8.headers.get('content-length')).toBe('2');
  });

  it('rejects from an error value with its status', () => {
    const response = rejectHandshake(new HandshakeError('WS_HANDSHAKE_ERR_TOO_MANY_HEADERS', 'Too many'));
    expect(response.status).toBe(431);
    expect(response.reason).toBe('Request Header Fields Too Large');
  });

  it('throws on misuse', () => {
    expect(() => rejectHandshake(101)).toThrow(RangeError);
    expect(() => rejectHandshake(200)).toThrow(RangeError);
    expect(() => rejectHandshake(600)).toThrow(RangeError);
    expect(() => rejectHandshake(400, { headers: { 'Content-Length': '1' } })).toThrow(TypeError);
    expect(() => rejectHandshake(400, { headers: { X: 'a\r\nb' } })).toThrow(TypeError);
  });
});

describe('server options misuse', () => {
  const request = () => requestHead(RFC_REQUEST);

  it('throws when selectProtocol returns a subprotocol the client did not offer', () => {
    expect(() => acceptServerHandshake(request(), { selectProtocol: () => 'other' })).toThrow(TypeError);
  });

  it('throws for both protocols and selectProtocol, or invalid protocols', () => {
    expect(() =>
      acceptServerHandshake(request(), { protocols: ['chat'], selectProtocol: () => null }),
    ).toThrow(TypeError);
    expect(() => acceptServerHandshake(request(), { protocols: ['a b'] })).toThrow(TypeError);
  });

  it('throws for reserved or injected extra headers', () => {
    expect(() => acceptServerHandshake(request(), { headers: { 'Sec-WebSocket-Accept': 'x' } })).toThrow(
      TypeError,
    );
    expect(() => acceptServerHandshake(request(), { headers: { Upgrade: 'x' } })).toThrow(TypeError);
    expect(() => acceptServerHandshake(request(), { headers: { 'X-A': 'x\r\nY: z' } })).toThrow(TypeError);
  });

  it('throws for a request that is not a head', () => {
    expect(() => acceptServerHandshake({ method: 'GET' } as never)).toThrow(TypeError);
  });

  it('computes the accept value from the request key', () => {
    const key = 'AAAAAAAAAAAAAAAAAAAAAA==';
    const result = acceptServerHandshake(
      requestHead(validRequest().replace('dGhlIHNhbXBsZSBub25jZQ==', key)),
    );
    expect(result.ok && result.response.headers.get('sec-websocket-accept')).toBe(computeAccept(key));
  });

  it('checks a request whose headers are a HeaderList of another copy of the package', () => {
    // Another copy's class: the same methods, not this copy's instance (its fields are out of reach).
    const foreign = (list: HeaderList): HeaderList => {
      const copy = Object.create(null) as Record<string | symbol, unknown>;
      for (const name of ['get', 'getAll', 'has', 'count', 'getTokens', 'hasToken', 'names', 'entries']) {
        copy[name] = (...args: unknown[]) =>
          (list as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
      }
      copy[Symbol.iterator] = () => list[Symbol.iterator]();
      return copy as unknown as HeaderList;
    };
    const request = requestHead(validRequest());
    const accepted = acceptServerHandshake({ ...request, headers: foreign(request.headers) });
    expect(accepted.ok && accepted.response.headers.get('sec-websocket-accept')).toBe(
      's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
    );
    const twice = requestHead(validRequest().replace('Host: server.example.com', 'Host: a\r\nHost: b'));
    const refused = acceptServerHandshake({ ...twice, headers: foreign(twice.headers) });
    expect(!refused.ok && refused.error.code).toBe('WS_HANDSHAKE_ERR_INVALID_HOST');
  });
});
