import { computeAccept, isValidKey } from '@wskit/handshake';
import {
  E_INVALID_PROTOCOL_FORMAT,
  E_INVALID_PROTOCOL_OPERATION,
  E_INVALIDARG,
  E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED,
  E_PROTOCOL_VERSION_NOT_SUPPORTED,
  E_SUBPROTOCOL_NOT_SUPPORTED,
  S_OK,
  WEB_SOCKET_BUFFER_TYPE,
  type WEB_SOCKET_HTTP_HEADER,
  WebSocketBeginClientHandshake,
  WebSocketBeginServerHandshake,
  WebSocketCreateClientHandle,
  WebSocketCreateServerHandle,
  WebSocketEndClientHandshake,
  WebSocketEndServerHandshake,
  WebSocketGetAction,
  WebSocketReceive,
  WebSocketSend,
} from '@wskit/websocket-dll';
import { describe, expect, it } from 'vitest';
import { Action, flushSend, headers, MINIMAL_REQUEST, ok, Queue, receiveOne, utf8, Wire } from './helpers.js';

function headerValue(list: readonly WEB_SOCKET_HTTP_HEADER[], name: string): string | undefined {
  return list.find((header) => header.name.toLowerCase() === name.toLowerCase())?.value;
}

/** A client handle after Begin, with the key it sent. */
function begunClient(subprotocols?: string[], extensions?: string[]) {
  const handle = ok(WebSocketCreateClientHandle()).handle!;
  const { additionalHeaders } = ok(
    WebSocketBeginClientHandshake(handle, subprotocols, extensions, undefined),
  );
  const key = headerValue(additionalHeaders, 'Sec-WebSocket-Key')!;
  return { handle, key, additionalHeaders };
}

/** The response headers a correct server would send for `key`. */
function response(key: string, extra: Record<string, string> = {}): WEB_SOCKET_HTTP_HEADER[] {
  return headers({
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Accept': computeAccept(key),
    ...extra,
  });
}

describe('websocket.dll opening handshake', () => {
  it('W5 WebSocketBeginClientHandshake: the request headers to add, with a fresh key; Host not required', () => {
    const { handle, key, additionalHeaders } = begunClient(
      ['chat', 'superchat'],
      ['permessage-deflate; client_max_window_bits', 'x-custom'],
    );
    expect(additionalHeaders.map((header) => header.name)).toEqual([
      'Connection',
      'Upgrade',
      'Sec-WebSocket-Key',
      'Sec-WebSocket-Version',
      'Sec-WebSocket-Protocol',
      'Sec-WebSocket-Extensions',
    ]);
    expect(headerValue(additionalHeaders, 'Upgrade')).toBe('websocket');
    expect(headerValue(additionalHeaders, 'Connection')).toBe('Upgrade');
    expect(headerValue(additionalHeaders, 'Sec-WebSocket-Version')).toBe('13');
    expect(headerValue(additionalHeaders, 'Sec-WebSocket-Protocol')).toBe('chat, superchat');
    expect(headerValue(additionalHeaders, 'Sec-WebSocket-Extensions')).toBe(
      'permessage-deflate; client_max_window_bits, x-custom',
    );
    expect(isValidKey(key)).toBe(true);
    expect(Object.isFrozen(additionalHeaders)).toBe(true); // library-owned
    // The key is fresh for every handle and kept for the End call.
    expect(begunClient().key).not.toBe(key);
    expect(WebSocketEndClientHandshake(handle, response(key)).hr).toBe(S_OK);

    // .NET passes Connection and Upgrade as initial headers and no Host: accepted.
    const dotnet = ok(WebSocketCreateClientHandle()).handle!;
    expect(
      WebSocketBeginClientHandshake(dotnet, [], [], headers({ Connection: 'Upgrade', Upgrade: 'websocket' }))
        .hr,
    ).toBe(S_OK);
    // Only once per handle.
    expect(WebSocketBeginClientHandshake(dotnet, [], [], []).hr).toBe(E_INVALID_PROTOCOL_OPERATION);
    // Invalid offers.
    const fresh = () => ok(WebSocketCreateClientHandle()).handle!;
    expect(WebSocketBeginClientHandshake(fresh(), ['not a token'], [], []).hr).toBe(E_INVALIDARG);
    expect(WebSocketBeginClientHandshake(fresh(), ['chat', 'chat'], [], []).hr).toBe(E_INVALIDARG);
    expect(WebSocketBeginClientHandshake(fresh(), [], ['a, b'], []).hr).toBe(E_INVALIDARG); // one per entry
    expect(WebSocketBeginClientHandshake(fresh(), [], [], [{ name: 'Bad:Name', value: 'x' }]).hr).toBe(
      E_INVALIDARG,
    );
  });

  it('W6 WebSocketEndClientHandshake: checks the response and maps the selections to indexes', () => {
    const offered = () => begunClient(['chat', 'superchat'], ['permessage-deflate', 'x-one', 'x-two']);

    const accepted = offered();
    expect(
      WebSocketEndClientHandshake(
        accepted.handle,
        response(accepted.key, {
          'Sec-WebSocket-Protocol': 'superchat',
          'Sec-WebSocket-Extensions': 'x-two, permessage-deflate; server_no_context_takeover',
        }),
      ),
    ).toEqual({ hr: S_OK, selectedExtensions: [2, 0], selectedSubprotocol: 1 });

    const none = offered();
    expect(WebSocketEndClientHandshake(none.handle, response(none.key))).toEqual({
      hr: S_OK,
      selectedExtensions: [],
      selectedSubprotocol: undefined,
    });

    const cases: [Record<string, string> | WEB_SOCKET_HTTP_HEADER[], number][] = [
      [{ 'Sec-WebSocket-Protocol': 'other' }, E_SUBPROTOCOL_NOT_SUPPORTED],
      [{ 'Sec-WebSocket-Extensions': 'x-three' }, E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED],
      [{ 'Sec-WebSocket-Extensions': 'x-one, x-one' }, E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED],
      [{ 'Sec-WebSocket-Extensions': ';;' }, E_INVALID_PROTOCOL_FORMAT],
    ];
    for (const [extra, hr] of cases) {
      const client = offered();
      expect(
        WebSocketEndClientHandshake(client.handle, response(client.key, extra as Record<string, string>)).hr,
      ).toBe(hr);
    }
    const wrong = offered();
    for (const bad of [
      headers({
        Upgrade: 'websocket',
        Connection: 'Upgrade',
        'Sec-WebSocket-Accept': computeAccept('AAAAAAAAAAAAAAAAAAAAAA=='),
      }),
      headers({ Connection: 'Upgrade', 'Sec-WebSocket-Accept': computeAccept(wrong.key) }),
      headers({ Upgrade: 'websocket', 'Sec-WebSocket-Accept': computeAccept(wrong.key) }),
      headers({ Upgrade: 'websocket', Connection: 'Upgrade' }),
    ]) {
      expect(WebSocketEndClientHandshake(wrong.handle, bad).hr).toBe(E_INVALID_PROTOCOL_FORMAT);
    }
    // A failed End leaves the handshake open: a correct response still completes it.
    expect(WebSocketEndClientHandshake(wrong.handle, response(wrong.key)).hr).toBe(S_OK);
    expect(WebSocketEndClientHandshake(wrong.handle, response(wrong.key)).hr).toBe(
      E_INVALID_PROTOCOL_OPERATION,
    );

    // Before Begin, End is out of order; before End, the session functions are.
    const early = ok(WebSocketCreateClientHandle()).handle!;
    expect(WebSocketEndClientHandshake(early, response('AAAAAAAAAAAAAAAAAAAAAA==')).hr).toBe(
      E_INVALID_PROTOCOL_OPERATION,
    );
    expect(WebSocketSend(early, WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_PING_PONG_BUFFER_TYPE)).toBe(
      E_INVALID_PROTOCOL_OPERATION,
    );
    expect(WebSocketReceive(early)).toBe(E_INVALID_PROTOCOL_OPERATION);
    expect(WebSocketGetAction(early, Queue.WEB_SOCKET_ALL_ACTION_QUEUE, 2).hr).toBe(
      E_INVALID_PROTOCOL_OPERATION,
    );
  });

  it('W7 WebSocketBeginServerHandshake: checks the request and builds the 101 headers', () => {
    // The minimal request .NET's HttpListener passes (empty Host, a key of 16 zero bytes).
    const server = ok(WebSocketCreateServerHandle()).handle!;
    const { responseHeaders } = ok(
      WebSocketBeginServerHandshake(
        server,
        'chat',
        ['permessage-deflate; server_no_context_takeover'],
        MINIMAL_REQUEST,
      ),
    );
    expect(responseHeaders).toEqual([
      { name: 'Connection', value: 'Upgrade' },
      { name: 'Upgrade', value: 'websocket' },
      { name: 'Sec-WebSocket-Accept', value: computeAccept('AAAAAAAAAAAAAAAAAAAAAA==') },
      { name: 'Sec-WebSocket-Protocol', value: 'chat' },
      { name: 'Sec-WebSocket-Extensions', value: 'permessage-deflate; server_no_context_takeover' },
    ]);
    // Tokens compare case-insensitively; Upgrade may list other protocols, Connection other options.
    const relaxed = headers({
      connection: 'keep-alive, upgrade',
      upgrade: 'h2c, WebSocket',
      host: 'example.com',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    });
    expect(
      WebSocketBeginServerHandshake(ok(WebSocketCreateServerHandle()).handle!, undefined, undefined, relaxed)
        .hr,
    ).toBe(S_OK);

    const without = (name: string) => MINIMAL_REQUEST.filter((header) => header.name !== name);
    const replace = (name: string, value: string) => [...without(name), { name, value }];
    const cases: [WEB_SOCKET_HTTP_HEADER[], number][] = [
      [replace('Sec-WebSocket-Version', '8'), E_PROTOCOL_VERSION_NOT_SUPPORTED],
      [without('Sec-WebSocket-Version'), E_INVALID_PROTOCOL_FORMAT],
      [replace('Sec-WebSocket-Key', 'c2hvcnQ='), E_INVALID_PROTOCOL_FORMAT], // 5 bytes
      [without('Sec-WebSocket-Key'), E_INVALID_PROTOCOL_FORMAT],
      [without('Upgrade'), E_INVALID_PROTOCOL_FORMAT],
      [replace('Connection', 'keep-alive'), E_INVALID_PROTOCOL_FORMAT],
      [without('Host'), E_INVALID_PROTOCOL_FORMAT],
      [[...MINIMAL_REQUEST, { name: 'Bad Name', value: 'x' }], E_INVALID_PROTOCOL_FORMAT],
    ];
    for (const [request, hr] of cases) {
      expect(
        WebSocketBeginServerHandshake(
          ok(WebSocketCreateServerHandle()).handle!,
          undefined,
          undefined,
          request,
        ).hr,
      ).toBe(hr);
    }
    expect(
      WebSocketBeginServerHandshake(
        ok(WebSocketCreateServerHandle()).handle!,
        'not a token',
        undefined,
        MINIMAL_REQUEST,
      ).hr,
    ).toBe(E_INVALIDARG);
    // Only once per handle.
    expect(WebSocketBeginServerHandshake(server, undefined, undefined, MINIMAL_REQUEST).hr).toBe(
      E_INVALID_PROTOCOL_OPERATION,
    );
  });

  it('W8 WebSocketEndServerHandshake: optional and idempotent; session calls finish the handshake too', () => {
    const early = ok(WebSocketCreateServerHandle()).handle!;
    expect(WebSocketEndServerHandshake(early)).toBe(E_INVALID_PROTOCOL_OPERATION);

    const server = ok(WebSocketCreateServerHandle()).handle!;
    ok(WebSocketBeginServerHandshake(server, undefined, undefined, MINIMAL_REQUEST));
    expect(WebSocketEndServerHandshake(server)).toBe(S_OK);
    expect(WebSocketEndServerHandshake(server)).toBe(S_OK);

    // Without End: the first session call starts the session.
    const implicit = ok(WebSocketCreateServerHandle()).handle!;
    ok(WebSocketBeginServerHandshake(implicit, undefined, undefined, MINIMAL_REQUEST));
    expect(
      WebSocketSend(implicit, WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, {
        data: utf8('hi'),
      }),
    ).toBe(S_OK);
    const wire = new Wire();
    expect(flushSend(implicit, wire).map((step) => step.action)).toEqual([
      Action.WEB_SOCKET_SEND_TO_NETWORK_ACTION,
      Action.WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION,
    ]);
    expect(Array.from(wire.take())).toEqual([0x81, 0x02, 0x68, 0x69]);
    expect(WebSocketEndServerHandshake(implicit)).toBe(S_OK); // still fine afterwards
  });

  it('W22 WEB_SOCKET_HTTP_HEADER: {name, value} strings; no ":" in names; ISO-8859-1 only', () => {
    const server = () => ok(WebSocketCreateServerHandle()).handle!;
    const withHeader = (header: WEB_SOCKET_HTTP_HEADER) => [...MINIMAL_REQUEST, header];
    expect(
      WebSocketBeginServerHandshake(
        server(),
        undefined,
        undefined,
        withHeader({ name: 'X-Name:', value: 'v' }),
      ).hr,
    ).toBe(E_INVALIDARG);
    expect(
      WebSocketBeginServerHandshake(
        server(),
        undefined,
        undefined,
        withHeader({ name: 'X-Name', value: 'π' }),
      ).hr,
    ).toBe(E_INVALIDARG);
    expect(
      WebSocketBeginServerHandshake(server(), undefined, undefined, withHeader({ name: '', value: 'v' })).hr,
    ).toBe(E_INVALIDARG);
    expect(
      WebSocketBeginServerHandshake(server(), undefined, undefined, [{ name: 'Host' } as never]).hr,
    ).toBe(E_INVALIDARG);
    // Latin-1 (obs-text) values are fine; lengths are the strings' own.
    expect(
      WebSocketBeginServerHandshake(
        server(),
        undefined,
        undefined,
        withHeader({ name: 'X-Name', value: 'café' }),
      ).hr,
    ).toBe(S_OK);
    // Output headers are frozen {name, value} pairs.
    const { responseHeaders } = ok(
      WebSocketBeginServerHandshake(server(), undefined, undefined, MINIMAL_REQUEST),
    );
    for (const header of responseHeaders) {
      expect(Object.keys(header)).toEqual(['name', 'value']);
      expect(Object.isFrozen(header)).toBe(true);
    }
  });

  it('a handshake between a client and a server handle lets them talk', () => {
    const { handle: client, additionalHeaders } = begunClient(['chat']);
    const server = ok(WebSocketCreateServerHandle()).handle!;
    const { responseHeaders } = ok(
      WebSocketBeginServerHandshake(server, 'chat', undefined, [
        { name: 'Host', value: 'example.com' },
        ...additionalHeaders,
      ]),
    );
    expect(WebSocketEndClientHandshake(client, responseHeaders).selectedSubprotocol).toBe(0);
    const toServer = new Wire();
    const toClient = new Wire();
    expect(
      WebSocketSend(client, WEB_SOCKET_BUFFER_TYPE.WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, { data: utf8('ok') }),
    ).toBe(S_OK);
    flushSend(client, toServer);
    expect(receiveOne(server, toServer, toClient).indication!.buffers[0]!.data).toEqual(utf8('ok'));
  });
});
