import {
  acceptServerHandshake,
  createClientHandshake,
  formatExtensions,
  HeadParser,
  parseExtensions,
} from '@wskit/handshake';
import { type PerMessageDeflateOptions, perMessageDeflate } from '@wskit/permessage-deflate';
import { describe, expect, it } from 'vitest';

/** The params of every permessage-deflate element of a `Sec-WebSocket-Extensions` value. */
function offersOf(header: string) {
  const parsed = parseExtensions(header);
  if (parsed === null) throw new Error(`malformed header: ${header}`);
  return parsed.filter((element) => element.name.toLowerCase() === 'permessage-deflate').map((e) => e.params);
}

/** Server side: the response header value for the client's offers, or null when declined. */
function serverAnswer(offerHeader: string, options: PerMessageDeflateOptions = {}): string | null {
  const params = perMessageDeflate(options).accept(offersOf(offerHeader));
  return params === null ? null : formatExtensions([{ name: 'permessage-deflate', params }]);
}

/** Client side: null when the response is accepted, otherwise the reason to fail. */
function clientVerdict(responseHeader: string, options: PerMessageDeflateOptions = {}): string | null {
  const client = perMessageDeflate(options);
  const [response] = offersOf(responseHeader);
  return client.validateResponse(response!, client.offer());
}

describe('client offer', () => {
  it.each<[string, PerMessageDeflateOptions, string]>([
    ['defaults', {}, 'permessage-deflate; client_max_window_bits'],
    [
      'serverNoContextTakeover',
      { serverNoContextTakeover: true },
      'permessage-deflate; server_no_context_takeover; client_max_window_bits',
    ],
    [
      'clientNoContextTakeover',
      { clientNoContextTakeover: true },
      'permessage-deflate; client_no_context_takeover; client_max_window_bits',
    ],
    [
      'serverMaxWindowBits',
      { serverMaxWindowBits: 10 },
      'permessage-deflate; server_max_window_bits=10; client_max_window_bits',
    ],
    ['clientMaxWindowBits', { clientMaxWindowBits: 9 }, 'permessage-deflate; client_max_window_bits=9'],
    [
      'everything',
      {
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 8,
        clientMaxWindowBits: 15,
      },
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=8; client_max_window_bits=15',
    ],
  ])('%s', (_name, options, header) => {
    const params = perMessageDeflate(options).offer();
    expect(formatExtensions(params.map((p) => ({ name: 'permessage-deflate', params: p })))).toBe(header);
  });
});

describe('server: accepting offers (RFC 7692 §7.1)', () => {
  it.each<[string, string, PerMessageDeflateOptions, string | null]>([
    ['a bare offer', 'permessage-deflate', {}, 'permessage-deflate'],
    [
      'server_no_context_takeover is granted',
      'permessage-deflate; server_no_context_takeover',
      {},
      'permessage-deflate; server_no_context_takeover',
    ],
    [
      'client_no_context_takeover is echoed',
      'permessage-deflate; client_no_context_takeover',
      {},
      'permessage-deflate; client_no_context_takeover',
    ],
    [
      'server_max_window_bits is granted',
      'permessage-deflate; server_max_window_bits=10',
      {},
      'permessage-deflate; server_max_window_bits=10',
    ],
    [
      'server_max_window_bits=8 is granted',
      'permessage-deflate; server_max_window_bits=8',
      {},
      'permessage-deflate; server_max_window_bits=8',
    ],
    [
      'a quoted window size',
      'permessage-deflate; server_max_window_bits="12"',
      {},
      'permessage-deflate; server_max_window_bits=12',
    ],
    [
      'client_max_window_bits without a value needs no answer',
      'permessage-deflate; client_max_window_bits',
      {},
      'permessage-deflate',
    ],
    [
      'client_max_window_bits with a value is echoed',
      'permessage-deflate; client_max_window_bits=11',
      {},
      'permessage-deflate; client_max_window_bits=11',
    ],
    [
      'parameter names are case-insensitive',
      'permessage-deflate; Server_No_Context_Takeover',
      {},
      'permessage-deflate; server_no_context_takeover',
    ],
    [
      'every parameter at once',
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=8',
      {},
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=8',
    ],
    [
      'option serverNoContextTakeover',
      'permessage-deflate',
      { serverNoContextTakeover: true },
      'permessage-deflate; server_no_context_takeover',
    ],
    [
      'option clientNoContextTakeover',
      'permessage-deflate',
      { clientNoContextTakeover: true },
      'permessage-deflate; client_no_context_takeover',
    ],
    [
      'option serverMaxWindowBits, not offered',
      'permessage-deflate',
      { serverMaxWindowBits: 11 },
      'permessage-deflate; server_max_window_bits=11',
    ],
    [
      'option serverMaxWindowBits, offered larger',
      'permessage-deflate; server_max_window_bits=13',
      { serverMaxWindowBits: 11 },
      'permessage-deflate; server_max_window_bits=11',
    ],
    [
      'option serverMaxWindowBits, offered smaller',
      'permessage-deflate; server_max_window_bits=9',
      { serverMaxWindowBits: 11 },
      'permessage-deflate; server_max_window_bits=9',
    ],
    [
      'option clientMaxWindowBits, offered bare',
      'permessage-deflate; client_max_window_bits',
      { clientMaxWindowBits: 10 },
      'permessage-deflate; client_max_window_bits=10',
    ],
    [
      'option clientMaxWindowBits, offered larger',
      'permessage-deflate; client_max_window_bits=14',
      { clientMaxWindowBits: 10 },
      'permessage-deflate; client_max_window_bits=10',
    ],
    [
      'option clientMaxWindowBits, offered smaller',
      'permessage-deflate; client_max_window_bits=8',
      { clientMaxWindowBits: 10 },
      'permessage-deflate; client_max_window_bits=8',
    ],
    [
      'option clientMaxWindowBits, not supported by the client: declined',
      'permessage-deflate',
      { clientMaxWindowBits: 10 },
      null,
    ],
  ])('%s', (_name, offer, options, answer) => {
    expect(serverAnswer(offer, options)).toBe(answer);
  });

  it.each([
    ['a value on server_no_context_takeover', 'server_no_context_takeover=1'],
    ['a value on client_no_context_takeover', 'client_no_context_takeover=true'],
    ['server_max_window_bits without a value', 'server_max_window_bits'],
    ['server_max_window_bits=7', 'server_max_window_bits=7'],
    ['server_max_window_bits=16', 'server_max_window_bits=16'],
    ['server_max_window_bits=0', 'server_max_window_bits=0'],
    ['a leading zero', 'server_max_window_bits=010'],
    ['a leading zero on 8', 'client_max_window_bits=08'],
    ['a quoted leading zero', 'client_max_window_bits="09"'],
    ['not a number', 'client_max_window_bits=ten'],
    ['a sign', 'client_max_window_bits=+9'],
    ['client_max_window_bits=16', 'client_max_window_bits=16'],
    ['an unknown parameter', 'x_max_window_bits=10'],
    ['a duplicate flag', 'server_no_context_takeover; server_no_context_takeover'],
    ['a duplicate window size', 'client_max_window_bits=10; client_max_window_bits=10'],
    ['a duplicate differing only in case', 'client_max_window_bits; CLIENT_MAX_WINDOW_BITS=9'],
  ])('declines an offer with %s', (_name, params) => {
    expect(serverAnswer(`permessage-deflate; ${params}`)).toBeNull();
  });

  it('several offers: declines the invalid ones and answers the first valid one', () => {
    expect(
      serverAnswer(
        'permessage-deflate; server_max_window_bits=07, permessage-deflate; bogus, ' +
          'permessage-deflate; server_max_window_bits=10; client_max_window_bits, permessage-deflate',
      ),
    ).toBe('permessage-deflate; server_max_window_bits=10');
  });

  it('several offers: skips one the options cannot meet', () => {
    expect(
      serverAnswer(
        'permessage-deflate; server_no_context_takeover, permessage-deflate; client_max_window_bits=12',
        {
          clientMaxWindowBits: 9,
        },
      ),
    ).toBe('permessage-deflate; client_max_window_bits=9');
  });

  it('several offers, all invalid: declines the extension', () => {
    expect(serverAnswer('permessage-deflate; a, permessage-deflate; server_max_window_bits=99')).toBeNull();
  });
});

describe('client: validating the response (RFC 7692 §7.1)', () => {
  it.each<[string, string, PerMessageDeflateOptions]>([
    ['a bare response', 'permessage-deflate', {}],
    ['server_no_context_takeover unasked', 'permessage-deflate; server_no_context_takeover', {}],
    ['client_no_context_takeover', 'permessage-deflate; client_no_context_takeover', {}],
    ['server_max_window_bits unasked', 'permessage-deflate; server_max_window_bits=12', {}],
    ['client_max_window_bits chosen by the server', 'permessage-deflate; client_max_window_bits=8', {}],
    [
      'server_no_context_takeover granted',
      'permessage-deflate; server_no_context_takeover',
      { serverNoContextTakeover: true },
    ],
    [
      'server_max_window_bits granted',
      'permessage-deflate; server_max_window_bits=10',
      { serverMaxWindowBits: 10 },
    ],
    [
      'server_max_window_bits granted smaller',
      'permessage-deflate; server_max_window_bits=9',
      { serverMaxWindowBits: 10 },
    ],
    [
      'client_max_window_bits within the offer',
      'permessage-deflate; client_max_window_bits=10',
      { clientMaxWindowBits: 10 },
    ],
    ['client_max_window_bits left out', 'permessage-deflate', { clientMaxWindowBits: 10 }],
  ])('accepts %s', (_name, response, options) => {
    expect(clientVerdict(response, options)).toBeNull();
  });

  it.each<[string, string, PerMessageDeflateOptions, RegExp]>([
    ['an unknown parameter', 'permessage-deflate; foo', {}, /unknown parameter foo/],
    [
      'a duplicate',
      'permessage-deflate; server_no_context_takeover; server_no_context_takeover',
      {},
      /more than once/,
    ],
    ['a value on a flag', 'permessage-deflate; client_no_context_takeover=1', {}, /takes no value/],
    [
      'client_max_window_bits without a value',
      'permessage-deflate; client_max_window_bits',
      {},
      /needs a value/,
    ],
    [
      'server_max_window_bits without a value',
      'permessage-deflate; server_max_window_bits',
      {},
      /needs a value/,
    ],
    ['a window size out of range', 'permessage-deflate; server_max_window_bits=16', {}, /8 to 15/],
    ['a leading zero', 'permessage-deflate; client_max_window_bits=09', {}, /without leading zeros/],
    [
      'server_no_context_takeover not granted',
      'permessage-deflate',
      { serverNoContextTakeover: true },
      /server_no_context_takeover was offered/,
    ],
    [
      'server_max_window_bits not answered',
      'permessage-deflate',
      { serverMaxWindowBits: 10 },
      /server_max_window_bits=10 was offered/,
    ],
    [
      'server_max_window_bits larger than offered',
      'permessage-deflate; server_max_window_bits=11',
      { serverMaxWindowBits: 10 },
      /larger than the 10 offered/,
    ],
    [
      'client_max_window_bits larger than offered',
      'permessage-deflate; client_max_window_bits=11',
      { clientMaxWindowBits: 10 },
      /larger than the 10 offered/,
    ],
  ])('fails the handshake on %s', (_name, response, options, reason) => {
    expect(clientVerdict(response, options)).toMatch(reason);
  });

  it('refuses client_max_window_bits when no offer had it', () => {
    const client = perMessageDeflate();
    expect(client.validateResponse([['client_max_window_bits', '10']], [[]])).toMatch(/not offered/);
  });

  it('accepts a response that answers any one of several offers', () => {
    const client = perMessageDeflate();
    const offers = [[['server_max_window_bits', '9']], [['server_no_context_takeover', true]]] as const;
    expect(client.validateResponse([['server_no_context_takeover', true]], offers)).toBeNull();
    expect(client.validateResponse([['server_max_window_bits', '9']], offers)).toBeNull();
    expect(client.validateResponse([], offers)).toMatch(/server_no_context_takeover was offered/);
  });
});

describe('through @wskit/handshake', () => {
  function handshake(clientOptions: PerMessageDeflateOptions, serverOptions: PerMessageDeflateOptions) {
    const client = perMessageDeflate(clientOptions);
    const server = perMessageDeflate(serverOptions);
    const request = createClientHandshake({ host: 'example.com', extensions: [client] });
    const parsed = new HeadParser('request').write(request.request.bytes);
    if (!parsed.done || !parsed.ok) throw new Error('request parse failed');
    const accepted = acceptServerHandshake(parsed.head, { extensions: [server] });
    if (!accepted.ok) throw accepted.error;
    const response = new HeadParser('response').write(accepted.response.bytes);
    if (!response.done || !response.ok) throw new Error('response parse failed');
    return { request, accepted, result: request.validateResponse(response.head) };
  }

  it('offers, accepts and validates with the real handshake', () => {
    const { request, accepted, result } = handshake(
      { serverMaxWindowBits: 10 },
      { serverNoContextTakeover: true },
    );
    expect(request.request.headers.get('sec-websocket-extensions')).toBe(
      'permessage-deflate; server_max_window_bits=10; client_max_window_bits',
    );
    expect(accepted.response.headers.get('sec-websocket-extensions')).toBe(
      'permessage-deflate; server_no_context_takeover; server_max_window_bits=10',
    );
    expect(result).toMatchObject({
      ok: true,
      extensions: [
        {
          name: 'permessage-deflate',
          params: [
            ['server_no_context_takeover', true],
            ['server_max_window_bits', '10'],
          ],
        },
      ],
    });
  });

  it('a server that cannot meet its options leaves the extension out', () => {
    const client = perMessageDeflate();
    const server = perMessageDeflate({ clientMaxWindowBits: 10 });
    const accepted = server.accept([[]]);
    expect(accepted).toBeNull();
    expect(client.offer()).toEqual([[['client_max_window_bits', true]]]);
  });
});

describe('createExtension and options: misuse', () => {
  it('refuses an unknown role and invalid agreed parameters with a TypeError', () => {
    const deflate = perMessageDeflate();
    // @ts-expect-error: not a role
    expect(() => deflate.createExtension([], 'peer')).toThrow(TypeError);
    expect(() => deflate.createExtension([['client_max_window_bits', true]], 'server')).toThrow(
      /needs a value/,
    );
    expect(() => deflate.createExtension([['foo', true]], 'client')).toThrow(TypeError);
    // @ts-expect-error: not a parameter list
    expect(() => deflate.createExtension('server_no_context_takeover', 'client')).toThrow(TypeError);
  });

  it.each<[string, PerMessageDeflateOptions]>([
    ['serverMaxWindowBits 7', { serverMaxWindowBits: 7 }],
    ['clientMaxWindowBits 16', { clientMaxWindowBits: 16 }],
    ['clientMaxWindowBits 9.5', { clientMaxWindowBits: 9.5 }],
    ['level 10', { level: 10 }],
    ['memoryLevel 0', { memoryLevel: 0 }],
    ['threshold -1', { threshold: -1 }],
    ['concurrencyLimit 0', { concurrencyLimit: 0 }],
  ])('refuses %s with a RangeError', (_name, options) => {
    expect(() => perMessageDeflate(options)).toThrow(RangeError);
  });

  it('refuses non-boolean flags and a zlib without the factories with a TypeError', () => {
    // @ts-expect-error: not a boolean
    expect(() => perMessageDeflate({ serverNoContextTakeover: 'yes' })).toThrow(TypeError);
    // @ts-expect-error: not a zlib
    expect(() => perMessageDeflate({ zlib: {} })).toThrow(TypeError);
  });
});
