import { createClientHandshake, HeaderList, type ResponseHead } from '@wskit/handshake';
import { describe, expect, it } from 'vitest';
import { fixedRandom, head, latin1, responseHead, SAMPLE_NONCE } from './helpers.js';

const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

function sampleClient(options: Partial<Parameters<typeof createClientHandshake>[0]> = {}) {
  return createClientHandshake({
    host: 'server.example.com',
    path: '/chat',
    origin: 'http://example.com',
    protocols: ['chat', 'superchat'],
    random: fixedRandom(SAMPLE_NONCE),
    ...options,
  });
}

function response(...lines: string[]): ResponseHead {
  return responseHead(head('HTTP/1.1 101 Switching Protocols', ...lines));
}

const GOOD = ['Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${ACCEPT}`];

describe('createClientHandshake: the request (RFC 6455 §4.1)', () => {
  it('builds the RFC 6455 §1.3 request from the sample nonce', () => {
    const client = sampleClient();
    expect(client.key).toBe('dGhlIHNhbXBsZSBub25jZQ==');
    expect(latin1(client.request.bytes)).toBe(
      head(
        'GET /chat HTTP/1.1',
        'Host: server.example.com',
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        'Origin: http://example.com',
        'Sec-WebSocket-Protocol: chat, superchat',
      ),
    );
    expect(client.request.method).toBe('GET');
    expect(client.request.target).toBe('/chat');
    expect(client.request.headers.get('sec-websocket-version')).toBe('13');
  });

  it('uses a fresh random key by default, and / as the default path', () => {
    const first = createClientHandshake({ host: 'example.com:8080' });
    const second = createClientHandshake({ host: 'example.com:8080' });
    expect(first.key).not.toBe(second.key);
    expect(latin1(first.request.bytes).startsWith('GET / HTTP/1.1\r\nHost: example.com:8080\r\n')).toBe(true);
    expect(first.request.headers.has('origin')).toBe(false);
    expect(first.request.headers.has('sec-websocket-protocol')).toBe(false);
  });

  it('appends the caller’s headers after its own', () => {
    const client = sampleClient({ headers: { Authorization: 'Bearer t', Cookie: 'a=1' } });
    expect([...client.request.headers].slice(-2)).toEqual([
      ['Authorization', 'Bearer t'],
      ['Cookie', 'a=1'],
    ]);
  });

  it('refuses header injection and reserved headers as misuse', () => {
    expect(() => sampleClient({ headers: { 'X-A': 'v\r\nInjected: 1' } })).toThrow(TypeError);
    expect(() => sampleClient({ headers: [['X-A\r\n', 'v']] })).toThrow(TypeError);
    expect(() => sampleClient({ origin: 'http://a\r\nX: y' })).toThrow(TypeError);
    for (const name of [
      'Host',
      'upgrade',
      'Connection',
      'Sec-WebSocket-Key',
      'sec-websocket-version',
      'Origin',
    ]) {
      expect(() => sampleClient({ headers: { [name]: 'x' } }), name).toThrow(TypeError);
    }
    expect(() => sampleClient({ host: 'a b' })).toThrow(TypeError);
    expect(() => sampleClient({ host: 'evil.com\r\nX: y' })).toThrow(TypeError);
    expect(() => sampleClient({ host: '' })).toThrow(TypeError);
    expect(() => sampleClient({ path: 'chat' })).toThrow(TypeError);
    expect(() => sampleClient({ path: '/a b' })).toThrow(TypeError);
    expect(() => sampleClient({ path: '/a\r\nX: y' })).toThrow(TypeError);
    expect(() => sampleClient({ protocols: ['chat', 'chat'] })).toThrow(TypeError);
    expect(() => sampleClient({ protocols: ['a b'] })).toThrow(TypeError);
    expect(() => sampleClient({ protocols: [''] })).toThrow(TypeError);
  });
});

describe('validateResponse (RFC 6455 §4.1)', () => {
  it('accepts the RFC 6455 §1.3 response', () => {
    const result = sampleClient().validateResponse(response(...GOOD, 'Sec-WebSocket-Protocol: chat'));
    expect(result).toMatchObject({ ok: true, protocol: 'chat', extensions: [] });
  });

  it('compares Upgrade and Connection case-insensitively, Accept exactly', () => {
    const client = sampleClient();
    expect(
      client.validateResponse(
        response('upgrade: WebSocket', 'CONNECTION: keep-alive, UPGRADE', `sec-websocket-accept: ${ACCEPT}`),
      ).ok,
    ).toBe(true);
    const lowerAccept = client.validateResponse(
      response('Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${ACCEPT.toLowerCase()}`),
    );
    expect(!lowerAccept.ok && lowerAccept.error.code).toBe('WS_HANDSHAKE_ERR_INVALID_ACCEPT');
  });

  it('reports another status with the response, for redirects and auth errors', () => {
    const client = sampleClient();
    const redirect = client.validateResponse(
      responseHead(head('HTTP/1.1 302 Found', 'Location: /elsewhere')),
    );
    expect(redirect.ok).toBe(false);
    if (redirect.ok) return;
    expect(redirect.error.code).toBe('WS_HANDSHAKE_ERR_UNEXPECTED_STATUS');
    expect(redirect.error.status).toBe(502);
    expect(redirect.response.status).toBe(302);
    expect(redirect.response.headers.get('location')).toBe('/elsewhere');
    const auth = client.validateResponse(
      responseHead(head('HTTP/1.1 401 Unauthorized', 'WWW-Authenticate: Basic')),
    );
    expect(!auth.ok && auth.response.headers.get('www-authenticate')).toBe('Basic');
  });

  it.each([
    [
      'a missing Upgrade',
      ['Connection: Upgrade', `Sec-WebSocket-Accept: ${ACCEPT}`],
      'WS_HANDSHAKE_ERR_INVALID_UPGRADE',
    ],
    [
      'another Upgrade',
      ['Upgrade: h2c', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${ACCEPT}`],
      'WS_HANDSHAKE_ERR_INVALID_UPGRADE',
    ],
    [
      'two protocols in Upgrade',
      ['Upgrade: websocket, h2c', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${ACCEPT}`],
      'WS_HANDSHAKE_ERR_INVALID_UPGRADE',
    ],
    [
      'two Upgrade headers',
      ['Upgrade: websocket', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${ACCEPT}`],
      'WS_HANDSHAKE_ERR_INVALID_UPGRADE',
    ],
    [
      'a missing Connection',
      ['Upgrade: websocket', `Sec-WebSocket-Accept: ${ACCEPT}`],
      'WS_HANDSHAKE_ERR_INVALID_CONNECTION',
    ],
    [
      'Connection without upgrade',
      ['Upgrade: websocket', 'Connection: keep-alive', `Sec-WebSocket-Accept: ${ACCEPT}`],
      'WS_HANDSHAKE_ERR_INVALID_CONNECTION',
    ],
    ['a missing Accept', ['Upgrade: websocket', 'Connection: Upgrade'], 'WS_HANDSHAKE_ERR_INVALID_ACCEPT'],
    [
      'a wrong Accept',
      ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ=='],
      'WS_HANDSHAKE_ERR_INVALID_ACCEPT',
    ],
    ['two Accept headers', [...GOOD, `Sec-WebSocket-Accept: ${ACCEPT}`], 'WS_HANDSHAKE_ERR_INVALID_ACCEPT'],
    [
      'a subprotocol not offered',
      [...GOOD, 'Sec-WebSocket-Protocol: other'],
      'WS_HANDSHAKE_ERR_UNEXPECTED_SUBPROTOCOL',
    ],
    [
      'a subprotocol in another case',
      [...GOOD, 'Sec-WebSocket-Protocol: Chat'],
      'WS_HANDSHAKE_ERR_UNEXPECTED_SUBPROTOCOL',
    ],
    [
      'two subprotocols',
      [...GOOD, 'Sec-WebSocket-Protocol: chat, superchat'],
      'WS_HANDSHAKE_ERR_UNEXPECTED_SUBPROTOCOL',
    ],
    [
      'two subprotocol headers',
      [...GOOD, 'Sec-WebSocket-Protocol: chat', 'Sec-WebSocket-Protocol: chat'],
      'WS_HANDSHAKE_ERR_UNEXPECTED_SUBPROTOCOL',
    ],
    [
      'an extension not offered',
      [...GOOD, 'Sec-WebSocket-Extensions: permessage-deflate'],
      'WS_HANDSHAKE_ERR_UNEXPECTED_EXTENSION',
    ],
    [
      'malformed extensions',
      [...GOOD, 'Sec-WebSocket-Extensions: ;;'],
      'WS_HANDSHAKE_ERR_INVALID_EXTENSIONS',
    ],
  ])('fails on %s', (_name, lines, code) => {
    const result = sampleClient().validateResponse(response(...lines));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.status).toBe(502);
  });

  it('fails when the server picks a subprotocol although none was offered', () => {
    const result = sampleClient({ protocols: [] }).validateResponse(
      response(...GOOD, 'Sec-WebSocket-Protocol: chat'),
    );
    expect(!result.ok && result.error.code).toBe('WS_HANDSHAKE_ERR_UNEXPECTED_SUBPROTOCOL');
  });

  it('accepts a response that selects no subprotocol', () => {
    expect(sampleClient().validateResponse(response(...GOOD))).toMatchObject({ ok: true, protocol: null });
  });

  it('fails on an HTTP/1.0 response', () => {
    const result = sampleClient().validateResponse(
      responseHead(head('HTTP/1.0 101 Switching Protocols', ...GOOD)),
    );
    expect(!result.ok && result.error.code).toBe('WS_HANDSHAKE_ERR_UNSUPPORTED_HTTP_VERSION');
  });

  it('throws for something that is not a response head', () => {
    expect(() => sampleClient().validateResponse({ status: 101 } as ResponseHead)).toThrow(TypeError);
    expect(
      sampleClient().validateResponse({
        version: '1.1',
        status: 101,
        reason: '',
        headers: new HeaderList(GOOD.map((l) => l.split(': ') as [string, string])),
      }).ok,
    ).toBe(true);
  });
});
