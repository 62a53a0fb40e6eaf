/**
 * The runtime-agnostic upgrade over the transport port (issue 6): HandshakeTransport, upgradeClient,
 * acceptUpgrade and dialWebSocket, over the in-memory pair, and the whole conformance suite through
 * them (a Dialer over in-memory pairs, acceptUpgrade on the server side).
 */
import {
  type ClientExtensionNegotiator,
  HeaderList,
  type RequestHead,
  type ServerExtensionNegotiator,
} from '@wskit/handshake';
import {
  acceptUpgrade,
  beginHandshake,
  type ClientExtension,
  type Dialer,
  decideUpgrade,
  dialWebSocket,
  HandshakeFailedError,
  isHandshakeFailedError,
  isWebSocketError,
  openWebSocket,
  type Transport,
  upgradeClient,
} from '@wskit/transport';
import {
  conformanceCases,
  createTransportPair,
  runConformanceCase,
  serveConformance,
} from '@wskit/transport/testing';
import { describe, expect, it } from 'vitest';
import { concat, recordingHandler, sleep, until } from './helpers.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string) => encoder.encode(text);

/** A server end that reads the request and answers with `response` (then optionally more bytes, or ends). */
function fakeServer(server: Transport, answer: (request: string) => string | Uint8Array, end = false): void {
  const phase = beginHandshake(server);
  void (async () => {
    let request = '';
    while (!request.includes('\r\n\r\n')) {
      const chunk = await phase.read();
      if (chunk === undefined) return;
      request += decoder.decode(chunk);
    }
    const response = answer(request);
    phase.write([typeof response === 'string' ? bytes(response) : response]);
    if (end) phase.close();
  })();
}

async function failure(promise: Promise<unknown>): Promise<HandshakeFailedError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(isHandshakeFailedError(error)).toBe(true);
  return error as HandshakeFailedError;
}

describe('HandshakeTransport', () => {
  it('reads and writes during the handshake, then hands over the kept chunks and events in order', async () => {
    const { client, server } = createTransportPair();
    const phase = beginHandshake(client);
    const peer = recordingHandler();
    server.start(peer);
    phase.write([bytes('hello')]);
    await until(() => peer.data.length > 0);
    expect(decoder.decode(peer.bytes())).toBe('hello');
    server.write([bytes('head')]);
    expect(decoder.decode((await phase.read())!)).toBe('head');
    // Bytes and the end that arrive before the session starts are kept for it.
    server.write([bytes('one')]);
    await sleep(5);
    server.write([bytes('two')]);
    server.end();
    await sleep(5);
    const transport = phase.handOver();
    expect(() => phase.read()).toThrow(TypeError);
    const handler = recordingHandler();
    transport.start(handler);
    expect(handler.events).toEqual([]); // never synchronously from start
    await until(() => handler.events.includes('end'));
    expect(decoder.decode(handler.bytes())).toBe('onetwo');
    expect(handler.events.at(-1)).toBe('end');
    expect(() => transport.start(handler)).toThrow(TypeError);
    transport.close();
    await until(() => handler.events.includes('close'));
  });

  it('keeps kept data back while the session pauses, and resumes with it', async () => {
    const { client, server } = createTransportPair();
    server.start(recordingHandler());
    const phase = beginHandshake(client);
    server.write([bytes('a')]);
    server.write([bytes('b')]);
    await sleep(5);
    const transport = phase.handOver();
    const handler = recordingHandler();
    let paused = false;
    transport.start({
      ...handler,
      onData: (chunk) => {
        handler.onData(chunk);
        if (!paused) {
          paused = true;
          transport.pause();
        }
      },
    });
    await sleep(10);
    expect(handler.data.length).toBe(1);
    transport.resume();
    await until(() => decoder.decode(handler.bytes()) === 'ab');
    server.write([bytes('c')]);
    await until(() => decoder.decode(handler.bytes()) === 'abc');
  });

  it('pauses reading while too much is kept during the handshake', async () => {
    const { client, server } = createTransportPair({ highWaterMark: 1 << 20 });
    server.start(recordingHandler());
    const phase = beginHandshake(client);
    server.write([new Uint8Array(200 * 1024)]);
    await sleep(20);
    expect(client.paused).toBe(true);
    let total = 0;
    while (total < 200 * 1024) total += (await phase.read())!.byteLength;
    expect(client.paused).toBe(false);
  });

  it('rejects reads with the abort error, and reports the end as undefined', async () => {
    const first = createTransportPair();
    first.server.start(recordingHandler());
    const phase = beginHandshake(first.client);
    const read = phase.read();
    phase.abort(new Error('given up'));
    await expect(read).rejects.toThrow('given up');
    await phase.closed;

    const second = createTransportPair();
    second.server.start(recordingHandler());
    const ended = beginHandshake(second.client);
    second.server.end();
    expect(await ended.read()).toBeUndefined();
    expect(await ended.read()).toBeUndefined();
    expect(() => ended.handOver()).not.toThrow();
  });
});

describe('upgradeClient and acceptUpgrade', () => {
  it('upgrade both ends, with subprotocols, headers and early frames both ways', async () => {
    const { client, server } = createTransportPair();
    const accepting = acceptUpgrade(server, {
      protocols: ['chat', 'superchat'],
      headers: { 'X-Server': 'yes' },
      verify: (request, info) =>
        request.headers.get('authorization') === 'Bearer t' && info.origin === 'https://app',
    });
    const upgrading = upgradeClient(client, {
      url: 'ws://example.com:8080/room?x=1',
      protocols: ['superchat', 'chat'],
      headers: { Authorization: 'Bearer t' },
      origin: 'https://app',
    });
    const accepted = await accepting;
    if (!accepted.accepted) throw new Error('refused');
    expect(accepted.url).toBe('/room?x=1');
    expect(accepted.protocol).toBe('superchat');
    expect(accepted.request.headers.get('host')).toBe('example.com:8080');
    const serverWs = openWebSocket(accepted.transport, { role: 'server', earlyData: accepted.earlyData });
    void serverWs.send('sent right behind the 101');
    const upgrade = await upgrading;
    expect(upgrade.protocol).toBe('superchat');
    expect(upgrade.response.status).toBe(101);
    expect(upgrade.response.headers.get('x-server')).toBe('yes');
    expect(upgrade.url.href).toBe('ws://example.com:8080/room?x=1');
    const clientWs = openWebSocket(upgrade.transport, { role: 'client', earlyData: upgrade.earlyData });
    const [first] = await Promise.all([nextMessage(clientWs), clientWs.send('hi')]);
    expect(first).toBe('sent right behind the 101');
    expect(await nextMessage(serverWs)).toBe('hi');
    clientWs.close(1000);
    expect((await serverWs.closed).code).toBe(1000);
  });

  it('refusalLinger: a refused client that never ends its side is cut off after the linger', async () => {
    const { client, server } = createTransportPair();
    client.start(recordingHandler());
    // No Sec-WebSocket-Key or Upgrade: refused with a status; the client then never ends.
    client.write([bytes('GET / HTTP/1.1\r\nHost: a\r\n\r\n')]);
    const refused = await acceptUpgrade(server, { refusalLinger: 200 });
    expect(refused.accepted).toBe(false);
    expect(refused.accepted === false && refused.status >= 400).toBe(true);
    await sleep(50);
    expect(server.closed).toBe(false); // still lingering: the client may be reading the answer
    await until(() => server.closed, 2000);
  });

  it('keeps the frames a client sends right behind its request', async () => {
    const { client, server } = createTransportPair();
    // A request and a masked text frame "hi" in one write.
    const frame = Uint8Array.of(0x81, 0x82, 1, 2, 3, 4, 0x68 ^ 1, 0x69 ^ 2);
    const request = bytes(
      'GET /x HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    client.start(recordingHandler());
    client.write([concat([request, frame])]);
    const accepted = await acceptUpgrade(server);
    if (!accepted.accepted) throw new Error('refused');
    const ws = openWebSocket(accepted.transport, { role: 'server', earlyData: accepted.earlyData });
    expect(await nextMessage(ws)).toBe('hi');
  });

  it('negotiate extensions through the handshake negotiators', async () => {
    const { client, server } = createTransportPair();
    const serverSide: ServerExtensionNegotiator = { name: 'x-test', accept: (offers) => offers[0] ?? null };
    const clientSide: ClientExtensionNegotiator = {
      name: 'x-test',
      offer: () => [[['level', '3']]],
      validateResponse: () => null,
    };
    const accepting = acceptUpgrade(server, { extensions: [serverSide] });
    const upgrade = await upgradeClient(client, { url: 'ws://a/', extensions: [clientSide] });
    const accepted = await accepting;
    expect(accepted.accepted && accepted.extensions.map((extension) => extension.name)).toEqual(['x-test']);
    expect(upgrade.extensions).toEqual([{ name: 'x-test', params: [['level', '3']] }]);
  });

  it('refuse through verify with a status, headers and body, which the client reports', async () => {
    const { client, server } = createTransportPair();
    const accepting = acceptUpgrade(server, {
      verify: () => ({ status: 401, headers: { 'WWW-Authenticate': 'Bearer' }, body: 'who are you?' }),
    });
    const error = await failure(upgradeClient(client, { url: 'ws://a/secret' }));
    expect(error).toBeInstanceOf(HandshakeFailedError);
    expect(error.code).toBe('WS_HANDSHAKE_ERR_UNEXPECTED_STATUS');
    expect(error.status).toBe(401);
    expect(error.headers?.get('www-authenticate')).toBe('Bearer');
    expect(decoder.decode(error.body)).toBe('who are you?');
    expect(error.url).toBe('ws://a/secret');
    expect(error.message).toContain('401');
    expect(await accepting).toEqual(expect.objectContaining({ accepted: false, status: 401 }));
    await until(() => server.closed && client.closed);
  });

  it('refuse with 403, 500 for a throwing hook, 400 for a bad request, 503 when no longer accepting', async () => {
    const cases: [Parameters<typeof acceptUpgrade>[1], number][] = [
      [{ verify: () => false }, 403],
      [
        {
          verify: () => {
            throw new Error('bug');
          },
        },
        500,
      ],
      [{ stillAccepting: () => false }, 503],
    ];
    for (const [options, status] of cases) {
      const { client, server } = createTransportPair();
      const accepting = acceptUpgrade(server, options);
      expect((await failure(upgradeClient(client, { url: 'ws://a/' }))).status).toBe(status);
      const refused = await accepting;
      expect(refused.accepted).toBe(false);
      expect(!refused.accepted && refused.status).toBe(status);
      if (status === 500) expect(!refused.accepted && (refused.error as Error).message).toBe('bug');
    }
    const { client, server } = createTransportPair();
    const accepting = acceptUpgrade(server);
    const answer = recordingHandler();
    client.start(answer);
    client.write([bytes('GET / HTTP/1.1\r\nHost: a\r\n\r\n')]);
    expect(await accepting).toEqual(expect.objectContaining({ accepted: false, status: 426 }));
    await until(() => decoder.decode(answer.bytes()).startsWith('HTTP/1.1 426'));
  });

  it('answer 0 for a client that goes away or times out, and 431 for a head over the limit', async () => {
    const gone = createTransportPair();
    const accepting = acceptUpgrade(gone.server);
    gone.client.start(recordingHandler());
    gone.client.write([bytes('GET / HT')]);
    gone.client.abort();
    expect(await accepting).toEqual(expect.objectContaining({ accepted: false, status: 0 }));

    const slow = createTransportPair();
    slow.client.start(recordingHandler());
    const timedOut = await acceptUpgrade(slow.server, { timeout: 30 });
    expect(timedOut.accepted).toBe(false);
    expect(!timedOut.accepted && timedOut.status).toBe(0);
    expect(!timedOut.accepted && isWebSocketError(timedOut.error)).toBe(true);

    const large = createTransportPair();
    const limited = acceptUpgrade(large.server, { headLimits: { maxHeadSize: 64 } });
    const error = await failure(
      upgradeClient(large.client, { url: 'ws://a/', headers: { 'X-Big': 'y'.repeat(100) } }),
    );
    expect(error.status).toBe(431);
    expect(await limited).toEqual(expect.objectContaining({ accepted: false, status: 431 }));
  });

  it('fail on a wrong Sec-WebSocket-Accept with the 101 status, and on a malformed head', async () => {
    const wrong = createTransportPair();
    fakeServer(
      wrong.server,
      () =>
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: nope\r\n\r\n',
    );
    const error = await failure(upgradeClient(wrong.client, { url: 'ws://a/' }));
    expect(error.code).toBe('WS_HANDSHAKE_ERR_INVALID_ACCEPT');
    expect(error.status).toBe(101);
    await until(() => wrong.client.closed);

    const malformed = createTransportPair();
    fakeServer(malformed.server, () => 'HTTP/1.1 200\nbroken\r\n\r\n');
    const parsed = await failure(upgradeClient(malformed.client, { url: 'ws://a/' }));
    expect(parsed.code).toMatch(/^WS_HANDSHAKE_ERR_/);
    expect(parsed.status).toBeUndefined();
  });

  it('read a chunked refusal body, or none when readBody says so', async () => {
    const chunked = createTransportPair();
    fakeServer(
      chunked.server,
      () =>
        'HTTP/1.1 502 Bad Gateway\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    );
    const error = await failure(upgradeClient(chunked.client, { url: 'ws://a/' }));
    expect(error.status).toBe(502);
    expect(decoder.decode(error.body)).toBe('hello world');

    const redirect = createTransportPair();
    // No length and the connection stays open: reading the body would wait for the end.
    fakeServer(redirect.server, () => 'HTTP/1.1 302 Found\r\nLocation: ws://b/\r\n\r\nbody');
    const skipped = await failure(
      upgradeClient(redirect.client, { url: 'ws://a/', readBody: (response) => response.status !== 302 }),
    );
    expect(skipped.status).toBe(302);
    expect(skipped.headers?.get('location')).toBe('ws://b/');
    expect(skipped.body.byteLength).toBe(0);
  });

  it('report a server that closes before its head, time out, and follow the signal', async () => {
    const closing = createTransportPair();
    fakeServer(closing.server, () => 'HTTP/1.1 101', true);
    const closed = await failure(upgradeClient(closing.client, { url: 'ws://a/' }));
    expect(closed.code).toBe('WS_ERR_UPGRADE_CONNECTION_CLOSED');

    const silent = createTransportPair();
    silent.server.start(recordingHandler());
    const timeout = await upgradeClient(silent.client, { url: 'ws://a/', timeout: 20 }).catch(
      (error) => error,
    );
    expect(isWebSocketError(timeout) && timeout.code).toBe('WS_ERR_HANDSHAKE_TIMEOUT');
    await until(() => silent.client.closed);

    const aborted = createTransportPair();
    aborted.server.start(recordingHandler());
    const controller = new AbortController();
    const pending = upgradeClient(aborted.client, { url: 'ws://a/', signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });

  it('throw TypeError at once for misuse, before touching the transport', () => {
    const { client } = createTransportPair();
    expect(() => upgradeClient(client, { url: 'ftp://a/' })).toThrow(TypeError);
    expect(() => upgradeClient(client, { url: 'ws://a/', headers: { Upgrade: 'x' } })).toThrow(TypeError);
    expect(() => upgradeClient(client, { url: 'ws://a/', protocols: ['a b'] })).toThrow(TypeError);
    expect(() => client.start(recordingHandler())).not.toThrow();
  });
});

/** A Dialer over in-memory pairs whose server ends run acceptUpgrade and serveConformance. */
function memoryDialer(
  seen?: { host: string; port: number; secure: boolean; servername?: string | undefined }[],
): Dialer {
  return async (target) => {
    seen?.push({
      host: target.host,
      port: target.port,
      secure: target.secure,
      servername: target.servername,
    });
    const { client, server } = createTransportPair();
    void acceptUpgrade(server).then((accepted) => {
      if (!accepted.accepted) return;
      const ws = openWebSocket(accepted.transport, {
        role: 'server',
        url: accepted.url,
        protocol: accepted.protocol ?? '',
        earlyData: accepted.earlyData,
      });
      void serveConformance(ws, accepted.url);
    });
    return client;
  };
}

describe('decideUpgrade', () => {
  const head = (origin?: string): RequestHead => ({
    method: 'GET',
    target: '/',
    version: '1.1',
    headers: HeaderList.fromRawHeaders([
      'Host',
      'example.com',
      'Upgrade',
      'websocket',
      'Connection',
      'Upgrade',
      'Sec-WebSocket-Key',
      'dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version',
      '13',
      ...(origin === undefined ? [] : ['Origin', origin]),
    ]),
  });

  it('decides at once (no promise) when every hook answers synchronously', () => {
    const plain = decideUpgrade(head(), null, {});
    expect(plain).not.toBeInstanceOf(Promise);
    expect(plain).toMatchObject({ ok: true, protocol: null });
    const verified = decideUpgrade(head('https://a.example'), null, {
      verify: (_request, info) => info.origin === 'https://b.example',
    });
    expect(verified).not.toBeInstanceOf(Promise);
    expect(verified).toMatchObject({ ok: false, response: { status: 403 } });
    const thrown = decideUpgrade(head(), null, {
      verify: () => {
        throw new Error('hook failed');
      },
    });
    expect(thrown).toMatchObject({ ok: false, response: { status: 500 }, error: new Error('hook failed') });
    expect(decideUpgrade({ ...head(), method: 'POST' }, null, {})).toMatchObject({ ok: false });
  });

  it('returns a promise only when verify does, with the same answers as negotiateUpgrade', async () => {
    const later = decideUpgrade(head(), null, { verify: async () => ({ status: 401, body: 'who?' }) });
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toMatchObject({ ok: false, response: { status: 401 } });
    expect(await decideUpgrade(head(), null, { verify: async () => true })).toMatchObject({ ok: true });
    const rejected = decideUpgrade(head(), null, { verify: () => Promise.reject(new Error('down')) });
    expect(await rejected).toMatchObject({ ok: false, response: { status: 500 }, error: new Error('down') });
  });
});

describe('dialWebSocket', () => {
  it('dials the URL with the dialer and opens the session', async () => {
    const seen: { host: string; port: number; secure: boolean; servername?: string | undefined }[] = [];
    const ws = await dialWebSocket(memoryDialer(seen), 'https://example.com/echo', { maxMessageSize: 10 });
    expect(ws.url).toBe('wss://example.com/echo');
    expect(seen).toEqual([{ host: 'example.com', port: 443, secure: true, servername: 'example.com' }]);
    await ws.send('hello');
    expect(await nextMessage(ws)).toBe('hello');
    ws.close(1000);
    await ws.closed;
    await dialWebSocket(memoryDialer(seen), 'ws://[::1]:81/echo').then((other) => other.terminate());
    expect(seen[1]).toEqual({ host: '::1', port: 81, secure: false, servername: undefined });
  });

  it('throws for misuse at once and rejects with the dialer error or the timeout', async () => {
    const dialer = memoryDialer();
    expect(() => dialWebSocket(dialer, 'nope')).toThrow(TypeError);
    expect(() => dialWebSocket(dialer, 'ws://a/', { headers: { Connection: 'x' } })).toThrow(TypeError);
    expect(() => dialWebSocket(dialer, 'ws://a/', { handshakeTimeout: -1 })).toThrow(RangeError);
    await expect(dialWebSocket(() => Promise.reject(new Error('ECONNREFUSED')), 'ws://a/')).rejects.toThrow(
      'ECONNREFUSED',
    );
    const never: Dialer = () => new Promise(() => {});
    const error = await dialWebSocket(never, 'ws://a/', { handshakeTimeout: 20 }).catch((reason) => reason);
    expect(isWebSocketError(error) && error.code).toBe('WS_ERR_HANDSHAKE_TIMEOUT');
  });
});

describe('dialWebSocket with extensions still loading (a promise, as the adapters load permessage-deflate)', () => {
  it('dials while they load, then offers them', async () => {
    const events: string[] = [];
    const base = memoryDialer();
    const dialer: Dialer = (target) => {
      events.push('dial');
      return base(target);
    };
    const offers: string[] = [];
    const negotiator: ClientExtension = {
      name: 'x-test',
      offer: () => {
        offers.push('x-test');
        return [[]];
      },
      validateResponse: () => null,
      createExtension: () => {
        throw new Error('not agreed: the server knows no x-test');
      },
    };
    const loading = new Promise<ClientExtension[]>((resolve) =>
      setTimeout(() => {
        events.push('loaded');
        resolve([negotiator]);
      }, 20),
    );
    const ws = await dialWebSocket(dialer, 'ws://memory/echo', { extensions: loading });
    expect(events).toEqual(['dial', 'loaded']);
    expect(offers).toEqual(['x-test']);
    expect(ws.extensions).toBe('');
    ws.terminate();
  });

  it('rejects with the loading error and aborts the connection it dialed', async () => {
    const base = memoryDialer();
    const aborted: Transport[] = [];
    const dialer: Dialer = async (target) => {
      const transport = await base(target);
      const abort = transport.abort.bind(transport);
      transport.abort = (error) => {
        aborted.push(transport);
        abort(error);
      };
      return transport;
    };
    const failing = Promise.reject(new Error('no node:zlib here'));
    await expect(dialWebSocket(dialer, 'ws://memory/echo', { extensions: failing })).rejects.toThrow(
      'no node:zlib here',
    );
    await until(() => aborted.length === 1);
  });
});

describe('conformance through dialWebSocket and acceptUpgrade over in-memory pairs', () => {
  const dialer = memoryDialer();
  const env = {
    connect: (path: string, options?: object) => dialWebSocket(dialer, `ws://memory${path}`, options),
  };
  for (const testCase of conformanceCases) {
    it(testCase.name, async () => {
      const result = await runConformanceCase(testCase, env, 15_000);
      expect(result.error ?? '').toBe('');
    });
  }
});

function nextMessage(ws: { once(event: 'message', listener: (data: string | Uint8Array) => void): unknown }) {
  return new Promise<string | Uint8Array>((resolve) => ws.once('message', resolve));
}
