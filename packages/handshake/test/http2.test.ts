import {
  acceptHttp2ServerHandshake,
  createHttp2ClientHandshake,
  type Http2HeadersInit,
  type ServerExtensionNegotiator,
} from '@wskit/handshake';
import { describe, expect, it } from 'vitest';

/** The RFC 8441 §5.1 example request. */
const RFC_8441_REQUEST = {
  ':method': 'CONNECT',
  ':protocol': 'websocket',
  ':scheme': 'https',
  ':path': '/chat',
  ':authority': 'server.example.com',
  'sec-websocket-protocol': 'chat, superchat',
  'sec-websocket-extensions': 'permessage-deflate',
  'sec-websocket-version': '13',
  origin: 'http://www.example.com',
};

const deflate: ServerExtensionNegotiator = { name: 'permessage-deflate', accept: () => [] };

describe('createHttp2ClientHandshake (RFC 8441 §4, §5)', () => {
  it('builds the extended CONNECT header block of the RFC 8441 §5.1 example', () => {
    const client = createHttp2ClientHandshake({
      authority: 'server.example.com',
      path: '/chat',
      origin: 'http://www.example.com',
      protocols: ['chat', 'superchat'],
    });
    expect({ ...client.headers }).toEqual({
      ':method': 'CONNECT',
      ':protocol': 'websocket',
      ':scheme': 'https',
      ':path': '/chat',
      ':authority': 'server.example.com',
      'sec-websocket-version': '13',
      origin: 'http://www.example.com',
      'sec-websocket-protocol': 'chat, superchat',
    });
    expect(
      Object.keys(client.headers)
        .slice(0, 5)
        .every((name) => name.startsWith(':')),
    ).toBe(true);
    expect(Object.getPrototypeOf(client.headers)).toBeNull();
  });

  it('sends no key, Upgrade or Connection, and the http scheme for ws: URIs', () => {
    const client = createHttp2ClientHandshake({
      authority: 'example.com:8080',
      scheme: 'http',
      headers: { 'User-Agent': 'test' },
    });
    expect(client.headers[':scheme']).toBe('http');
    expect(client.headers[':path']).toBe('/');
    expect(client.headers['user-agent']).toBe('test');
    for (const name of ['sec-websocket-key', 'upgrade', 'connection', 'host'])
      expect(client.headers[name]).toBeUndefined();
  });

  it('validates the response like HTTP/1.1, with 200 instead of 101 and no accept', () => {
    const client = createHttp2ClientHandshake({ authority: 'server.example.com', protocols: ['chat'] });
    expect(client.validateResponse({ ':status': 200, 'sec-websocket-protocol': 'chat' })).toMatchObject({
      ok: true,
      protocol: 'chat',
      extensions: [],
      response: { status: 200, version: '2' },
    });
    const forbidden = client.validateResponse({ ':status': '403', 'content-type': 'text/plain' });
    expect(
      !forbidden.ok && [forbidden.error.code, forbidden.error.status, forbidden.response.status],
    ).toEqual(['WS_HANDSHAKE_ERR_UNEXPECTED_STATUS', 502, 403]);
    const other = client.validateResponse({ ':status': '200', 'sec-websocket-protocol': 'other' });
    expect(!other.ok && other.error.code).toBe('WS_HANDSHAKE_ERR_UNEXPECTED_SUBPROTOCOL');
    const noStatus = client.validateResponse([['sec-websocket-protocol', 'chat']]);
    expect(!noStatus.ok && noStatus.error.code).toBe('WS_HANDSHAKE_ERR_INVALID_STATUS_LINE');
    const badValue = client.validateResponse({ ':status': '200', x: 'a\u0000' });
    expect(!badValue.ok && badValue.error.status).toBe(502);
    const extension = client.validateResponse({
      ':status': '200',
      'sec-websocket-extensions': 'permessage-deflate',
    });
    expect(!extension.ok && extension.error.code).toBe('WS_HANDSHAKE_ERR_UNEXPECTED_EXTENSION');
  });

  it('throws on misuse', () => {
    expect(() => createHttp2ClientHandshake({ authority: '' })).toThrow(TypeError);
    expect(() => createHttp2ClientHandshake({ authority: 'a', scheme: 'ftp' as 'http' })).toThrow(TypeError);
    expect(() => createHttp2ClientHandshake({ authority: 'a', path: 'x' })).toThrow(TypeError);
    expect(() => createHttp2ClientHandshake({ authority: 'a', path: '/a\nb' })).toThrow(TypeError);
    for (const name of ['connection', 'upgrade', 'te', 'sec-websocket-key', 'host']) {
      expect(() => createHttp2ClientHandshake({ authority: 'a', headers: { [name]: 'x' } }), name).toThrow(
        TypeError,
      );
    }
  });
});

describe('acceptHttp2ServerHandshake (RFC 8441 §5)', () => {
  it('accepts the RFC 8441 §5.1 example with a 200', () => {
    const result = acceptHttp2ServerHandshake(RFC_8441_REQUEST, {
      protocols: ['chat'],
      extensions: [deflate],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.protocol).toBe('chat');
    expect(result.extensions).toEqual([{ name: 'permessage-deflate', params: [] }]);
    expect({ ...result.headers }).toEqual({
      ':status': '200',
      'sec-websocket-protocol': 'chat',
      'sec-websocket-extensions': 'permessage-deflate',
    });
  });

  it('reads header blocks as node:http2 gives them, and as pairs', () => {
    const withArrays = { ...RFC_8441_REQUEST, cookie: ['a=1', 'b=2'], 'x-missing': undefined };
    expect(acceptHttp2ServerHandshake(withArrays).ok).toBe(true);
    expect(acceptHttp2ServerHandshake(Object.entries(RFC_8441_REQUEST)).ok).toBe(true);
    const extra = acceptHttp2ServerHandshake(RFC_8441_REQUEST, {
      headers: [
        ['Set-Cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ],
    });
    expect(extra.ok && extra.headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  const without = (name: string) =>
    Object.fromEntries(Object.entries(RFC_8441_REQUEST).filter(([key]) => key !== name));

  it.each<[string, Http2HeadersInit, number, string]>([
    ['GET', { ...RFC_8441_REQUEST, ':method': 'GET' }, 405, 'WS_HANDSHAKE_ERR_METHOD_NOT_ALLOWED'],
    ['a missing :protocol', without(':protocol'), 400, 'WS_HANDSHAKE_ERR_INVALID_PSEUDO_HEADER'],
    [
      'another :protocol',
      { ...RFC_8441_REQUEST, ':protocol': 'webtransport' },
      400,
      'WS_HANDSHAKE_ERR_INVALID_PSEUDO_HEADER',
    ],
    [
      'a bad :scheme',
      { ...RFC_8441_REQUEST, ':scheme': 'wss' },
      400,
      'WS_HANDSHAKE_ERR_INVALID_PSEUDO_HEADER',
    ],
    ['a missing :path', without(':path'), 400, 'WS_HANDSHAKE_ERR_INVALID_PSEUDO_HEADER'],
    ['a missing :authority', without(':authority'), 400, 'WS_HANDSHAKE_ERR_INVALID_PSEUDO_HEADER'],
    [
      'a repeated pseudo-header',
      [...Object.entries(RFC_8441_REQUEST), [':path', '/other']],
      400,
      'WS_HANDSHAKE_ERR_INVALID_PSEUDO_HEADER',
    ],
    [
      'a missing version',
      without('sec-websocket-version'),
      400,
      'WS_HANDSHAKE_ERR_UNSUPPORTED_WEBSOCKET_VERSION',
    ],
    [
      'version 8',
      { ...RFC_8441_REQUEST, 'sec-websocket-version': '8' },
      400,
      'WS_HANDSHAKE_ERR_UNSUPPORTED_WEBSOCKET_VERSION',
    ],
    [
      'a bad subprotocol list',
      { ...RFC_8441_REQUEST, 'sec-websocket-protocol': 'a b' },
      400,
      'WS_HANDSHAKE_ERR_INVALID_SUBPROTOCOL',
    ],
    [
      'a control char',
      { ...RFC_8441_REQUEST, cookie: 'a\r\nb' },
      400,
      'WS_HANDSHAKE_ERR_INVALID_HEADER_VALUE',
    ],
    ['a bad name', { ...RFC_8441_REQUEST, 'a b': 'x' }, 400, 'WS_HANDSHAKE_ERR_INVALID_HEADER_NAME'],
  ])('rejects %s', (_name, headers, status, code) => {
    const result = acceptHttp2ServerHandshake(headers);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect([result.error.code, result.error.status, result.headers[':status']]).toEqual([
      code,
      status,
      String(status),
    ]);
  });

  it('puts the headers each rejection calls for in the block', () => {
    const version = acceptHttp2ServerHandshake({ ...RFC_8441_REQUEST, 'sec-websocket-version': '8' });
    expect(!version.ok && version.headers['sec-websocket-version']).toBe('13');
    const method = acceptHttp2ServerHandshake({ ...RFC_8441_REQUEST, ':method': 'POST' });
    expect(!method.ok && method.headers.allow).toBe('CONNECT');
  });

  it('round-trips with the client helper', () => {
    const client = createHttp2ClientHandshake({
      authority: 'example.com',
      path: '/x?y=1',
      protocols: ['a', 'b'],
    });
    const server = acceptHttp2ServerHandshake(client.headers, { protocols: ['b'] });
    expect(server.ok).toBe(true);
    if (!server.ok) return;
    expect(client.validateResponse(server.headers)).toMatchObject({ ok: true, protocol: 'b' });
  });
});
