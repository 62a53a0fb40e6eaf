import {
  acceptServerHandshake,
  computeAccept,
  createClientHandshake,
  type ExtensionNegotiator,
  type ExtensionParam,
  type ExtensionParams,
  HeadParser,
  type ServerExtensionNegotiator,
} from '@wskit/handshake';
import { describe, expect, it } from 'vitest';
import { head, requestHead, responseHead, validRequest } from './helpers.js';

/**
 * A permessage-deflate negotiator (RFC 7692 §7) written against the public interface only, as the
 * future @wskit/permessage-deflate would: it proves the interface carries what that package needs.
 */
function permessageDeflate(
  options: { serverNoContextTakeover?: boolean; clientMaxWindowBits?: boolean } = {},
): ExtensionNegotiator {
  const known = new Set([
    'server_no_context_takeover',
    'client_no_context_takeover',
    'server_max_window_bits',
    'client_max_window_bits',
  ]);
  const isBits = (value: string | true) => typeof value === 'string' && /^(?:8|9|1[0-5])$/.test(value);
  const valid = (params: ExtensionParams, side: 'offer' | 'response'): boolean => {
    const seen = new Set<string>();
    for (const [name, value] of params) {
      if (!known.has(name) || seen.has(name)) return false;
      seen.add(name);
      if (name.endsWith('context_takeover') && value !== true) return false;
      if (name === 'server_max_window_bits' && !isBits(value)) return false;
      if (name === 'client_max_window_bits' && !(isBits(value) || (side === 'offer' && value === true)))
        return false;
    }
    return true;
  };
  return {
    name: 'permessage-deflate',
    offer: () => [options.clientMaxWindowBits ? [['client_max_window_bits', true]] : [], []],
    accept(offers) {
      const chosen = offers.find((params) => valid(params, 'offer'));
      if (!chosen) return null;
      const response: ExtensionParam[] = [];
      if (options.serverNoContextTakeover) response.push(['server_no_context_takeover', true]);
      for (const [name, value] of chosen) {
        if (name === 'server_max_window_bits') response.push([name, value]);
        if (name === 'client_max_window_bits' && value !== true) response.push([name, value]);
      }
      return response;
    },
    validateResponse(response, offers) {
      if (!valid(response, 'response')) return 'unknown, repeated or invalid parameter';
      const offeredClientBits = offers.some((params) =>
        params.some(([name]) => name === 'client_max_window_bits'),
      );
      if (response.some(([name]) => name === 'client_max_window_bits') && !offeredClientBits) {
        return 'client_max_window_bits was not offered';
      }
      return null;
    },
  };
}

describe('extension negotiation hooks', () => {
  it('negotiates end to end: client offers, server accepts, client validates', () => {
    const client = createClientHandshake({
      host: 'example.com',
      extensions: [permessageDeflate({ clientMaxWindowBits: true })],
    });
    expect(client.request.headers.get('sec-websocket-extensions')).toBe(
      'permessage-deflate; client_max_window_bits, permessage-deflate',
    );
    const parsed = new HeadParser('request').write(client.request.bytes);
    if (!parsed.done || !parsed.ok) throw new Error('parse failed');
    const server = acceptServerHandshake(parsed.head, {
      extensions: [permessageDeflate({ serverNoContextTakeover: true })],
    });
    expect(server.ok).toBe(true);
    if (!server.ok) return;
    expect(server.extensions).toEqual([
      { name: 'permessage-deflate', params: [['server_no_context_takeover', true]] },
    ]);
    expect(server.response.headers.get('sec-websocket-extensions')).toBe(
      'permessage-deflate; server_no_context_takeover',
    );
    const response = new HeadParser('response').write(server.response.bytes);
    if (!response.done || !response.ok) throw new Error('parse failed');
    expect(client.validateResponse(response.head)).toMatchObject({
      ok: true,
      extensions: [{ name: 'permessage-deflate', params: [['server_no_context_takeover', true]] }],
    });
  });

  it('gives the server hook every offer for its name, in the client’s order, and only those', () => {
    const seen: ExtensionParams[][] = [];
    const spy: ServerExtensionNegotiator = {
      name: 'PerMessage-Deflate',
      accept: (offers) => {
        seen.push([...offers]);
        return null;
      },
    };
    const request = requestHead(
      validRequest(
        'Sec-WebSocket-Extensions: x-other, permessage-deflate; client_max_window_bits',
        'Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits="10"',
      ),
    );
    const result = acceptServerHandshake(request, { extensions: [spy] });
    expect(seen).toEqual([[[['client_max_window_bits', true]], [['server_max_window_bits', '10']]]]);
    expect(result.ok && result.extensions).toEqual([]);
    expect(result.ok && result.response.headers.has('sec-websocket-extensions')).toBe(false);
  });

  it('declines offers the negotiator finds invalid, without failing the handshake', () => {
    const request = requestHead(
      validRequest('Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=99'),
    );
    const result = acceptServerHandshake(request, { extensions: [permessageDeflate()] });
    expect(result.ok && result.extensions).toEqual([]);
  });

  it('orders accepted extensions by the client’s preference', () => {
    const accept = (name: string): ServerExtensionNegotiator => ({ name, accept: () => [] });
    const request = requestHead(validRequest('Sec-WebSocket-Extensions: b, a, b'));
    const result = acceptServerHandshake(request, { extensions: [accept('a'), accept('b')] });
    expect(result.ok && result.response.headers.get('sec-websocket-extensions')).toBe('b, a');
  });

  it('fails the client on parameters its negotiator refuses', () => {
    const client = createClientHandshake({ host: 'example.com', extensions: [permessageDeflate()] });
    const accept = computeAccept(client.key);
    const response = (extensions: string) =>
      responseHead(
        head(
          'HTTP/1.1 101 Switching Protocols',
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Accept: ${accept}`,
          `Sec-WebSocket-Extensions: ${extensions}`,
        ),
      );
    expect(client.validateResponse(response('permessage-deflate; server_max_window_bits=10')).ok).toBe(true);
    for (const bad of [
      'permessage-deflate; client_max_window_bits=10', // not offered
      'permessage-deflate; server_max_window_bits=16',
      'permessage-deflate; unknown',
      'permessage-deflate, permessage-deflate', // twice
      'x-other',
    ]) {
      const result = client.validateResponse(response(bad));
      expect(!result.ok && [result.error.code, result.error.status], bad).toEqual([
        'WS_HANDSHAKE_ERR_UNEXPECTED_EXTENSION',
        502,
      ]);
    }
  });

  it('throws for misused negotiators', () => {
    const request = requestHead(validRequest('Sec-WebSocket-Extensions: a'));
    expect(() =>
      acceptServerHandshake(request, {
        extensions: [
          { name: 'a', accept: () => [] },
          { name: 'A', accept: () => [] },
        ],
      }),
    ).toThrow(TypeError);
    expect(() => acceptServerHandshake(request, { extensions: [{ name: 'a b', accept: () => [] }] })).toThrow(
      TypeError,
    );
    expect(() => acceptServerHandshake(request, { extensions: [{ name: 'a' } as never] })).toThrow(TypeError);
    expect(() =>
      acceptServerHandshake(request, { extensions: [{ name: 'a', accept: () => 'yes' as never }] }),
    ).toThrow(TypeError);
    expect(() =>
      acceptServerHandshake(request, { extensions: [{ name: 'a', accept: () => [['p', '1 2']] }] }),
    ).toThrow(TypeError);
    expect(() =>
      createClientHandshake({
        host: 'x',
        extensions: [{ name: 'a', validateResponse: () => null } as never],
      }),
    ).toThrow(TypeError);
  });
});
