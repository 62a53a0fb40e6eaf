// Parity with @wskit/node on Bun: permessage-deflate in connect and serve (all four parameters, the
// decompression limit), against Bun's own WebSocket server and client too; redirects; credentials in
// the URL; Unix domain sockets (ws+unix: URLs and a server listening on a path).
import { describe, expect, it } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type HandshakeFailedError, serve, type WebSocketSession } from '@wskit/bun';
import { certificate, connectProxy, defer, privateKey, rejection } from './helpers.js';

/** One of our servers that echoes, recording the request heads; closed after the test. */
function echoServer(options: Parameters<typeof serve>[0] = {}) {
  const requests: { target: string; authorization: string | undefined; extensions: string }[] = [];
  const server = serve(
    { ...(options.unix === undefined ? { hostname: '127.0.0.1' } : {}), ...options },
    (ws, request) => {
      requests.push({
        target: request.target,
        authorization: request.headers.get('authorization'),
        extensions: ws.extensions,
      });
      ws.on('message', (data) => void ws.send(data).catch(() => {}));
    },
  );
  defer(() => server.close());
  return { server, requests, url: `ws://127.0.0.1:${server.port}` };
}

async function echo(ws: WebSocketSession, message: string | Uint8Array) {
  const [received] = await Promise.all([
    new Promise<unknown>((resolve) => ws.once('message', resolve)),
    ws.send(message),
  ]);
  return received;
}

describe('permessage-deflate', () => {
  it('is agreed between connect and serve and round-trips text and binary', async () => {
    const { url, requests } = echoServer({ perMessageDeflate: true });
    const ws = await connect(`${url}/`, { perMessageDeflate: true });
    defer(() => ws.terminate());
    expect(ws.extensions).toBe('permessage-deflate');
    const text = 'compress me '.repeat(10_000);
    expect(await echo(ws, text)).toBe(text);
    const binary = new Uint8Array(200_000).map((_, index) => index % 7);
    expect(await echo(ws, binary)).toEqual(binary);
    expect(requests[0]?.extensions).toBe(ws.extensions);
  });

  it('agrees all four parameters and keeps working with them', async () => {
    const { url } = echoServer({ perMessageDeflate: { serverMaxWindowBits: 10 } });
    const ws = await connect(`${url}/`, {
      perMessageDeflate: {
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 11,
        clientMaxWindowBits: 9,
      },
    });
    defer(() => ws.terminate());
    for (const parameter of [
      'server_no_context_takeover',
      'client_no_context_takeover',
      'server_max_window_bits=10',
      'client_max_window_bits=9',
    ]) {
      expect(ws.extensions).toContain(parameter);
    }
    for (let round = 0; round < 3; round++) {
      const text = `round ${round} `.repeat(5_000);
      expect(await echo(ws, text)).toBe(text);
    }
  });

  it('the client offers it by default; it stays off unless both sides want it', async () => {
    const { url } = echoServer({ perMessageDeflate: true });
    const byDefault = await connect(`${url}/`);
    defer(() => byDefault.terminate());
    expect(byDefault.extensions).toContain('permessage-deflate');
    const plain = await connect(`${url}/`, { perMessageDeflate: false });
    defer(() => plain.terminate());
    expect(plain.extensions).toBe('');
    const { url: offUrl } = echoServer();
    const offered = await connect(`${offUrl}/`, { perMessageDeflate: true });
    defer(() => offered.terminate());
    expect(offered.extensions).toBe('');
    expect(await echo(offered, 'plain')).toBe('plain');
  });

  it('fails a message that inflates past maxMessageSize with 1009 (a deflate bomb)', async () => {
    let closed: Promise<{ code: number }> | undefined;
    const server = serve(
      { hostname: '127.0.0.1', perMessageDeflate: true, maxMessageSize: 64 * 1024 },
      (ws) => {
        closed = ws.closed;
      },
    );
    defer(() => server.close());
    const ws = await connect(`ws://127.0.0.1:${server.port}/`, { perMessageDeflate: true });
    // 16 MiB of zeros deflate to about 16 KiB: the server must stop inflating at its limit.
    await ws.send(new Uint8Array(16 * 1024 * 1024)).catch(() => {});
    expect((await ws.closed).code).toBe(1009);
    expect((await closed!).code).toBe(1009);
  });

  it("interoperates with Bun's own WebSocket server and client", async () => {
    const native = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch: (request, server) => (server.upgrade(request) ? undefined : new Response('no', { status: 400 })),
      websocket: {
        perMessageDeflate: true,
        message: (socket, message) => void socket.send(message, true),
      },
    });
    defer(() => native.stop(true));
    const ws = await connect(`ws://127.0.0.1:${native.port}/`, { perMessageDeflate: true });
    defer(() => ws.terminate());
    expect(ws.extensions).toContain('permessage-deflate');
    const text = 'from our client to Bun.serve '.repeat(1_000);
    expect(await echo(ws, text)).toBe(text);

    const { url, requests } = echoServer({ perMessageDeflate: true });
    const client = new globalThis.WebSocket(`${url}/`, { perMessageDeflate: true } as never);
    defer(() => client.close());
    const reply = await new Promise<unknown>((resolve, reject) => {
      client.onopen = () => client.send('from Bun\u2019s client '.repeat(1_000));
      client.onmessage = (event) => resolve(event.data);
      client.onerror = reject;
    });
    expect(reply).toBe('from Bun\u2019s client '.repeat(1_000));
    expect(requests[0]?.extensions).toContain('permessage-deflate');
  });
});

describe('redirects', () => {
  function redirecting(location: (port: number) => string, status = 302) {
    const server: ReturnType<typeof Bun.serve> = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch: (): Response => new Response(null, { status, headers: { location: location(server.port!) } }),
    });
    defer(() => server.stop(true));
    return `ws://127.0.0.1:${server.port}`;
  }

  it('follows them with followRedirects, and reports them without', async () => {
    const { url, requests } = echoServer();
    const from = redirecting(() => `${url.replace('ws:', 'http:')}/landed?x=1`, 307);
    const ws = await connect(`${from}/start`, { followRedirects: true });
    defer(() => ws.terminate());
    expect(ws.url).toBe(`${url}/landed?x=1`);
    expect(requests[0]?.target).toBe('/landed?x=1');
    const error = (await rejection(connect(`${from}/start`))) as HandshakeFailedError;
    expect(error.code).toBe('WS_HANDSHAKE_ERR_UNEXPECTED_STATUS');
    expect(error.status).toBe(307);
  });

  it('stops after maxRedirects and at a location that is not a WebSocket URL', async () => {
    const loop = redirecting((port) => `ws://127.0.0.1:${port}/again`);
    const tooMany = (await rejection(
      connect(`${loop}/`, { followRedirects: true, maxRedirects: 2 }),
    )) as HandshakeFailedError;
    expect(tooMany.code).toBe('WS_ERR_UPGRADE_TOO_MANY_REDIRECTS');
    const invalid = (await rejection(
      connect(`${redirecting(() => 'ftp://example.com/')}/`, { followRedirects: true }),
    )) as HandshakeFailedError;
    expect(invalid.code).toBe('WS_ERR_UPGRADE_INVALID_REDIRECT');
  });
});

describe('credentials in the URL', () => {
  it('sends them as Basic auth up front, and not on to another origin after a redirect', async () => {
    const { url, requests } = echoServer();
    const port = Number(new URL(url).port);
    const ws = await connect(`ws://us%C3%A9r:p%40ss@127.0.0.1:${port}/`);
    defer(() => ws.terminate());
    expect(requests[0]?.authorization).toBe(`Basic ${Buffer.from('usér:p@ss').toString('base64')}`);

    // A redirect to another origin (another port) drops them.
    const same = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch: () => new Response(null, { status: 302, headers: { location: `${url}/same` } }),
    });
    defer(() => same.stop(true));
    const viaOther = await connect(`ws://user:secret@127.0.0.1:${same.port}/`, { followRedirects: true });
    defer(() => viaOther.terminate());
    expect(requests[1]?.target).toBe('/same');
    expect(requests[1]?.authorization).toBeUndefined();

    const explicit = await connect(`ws://user:secret@127.0.0.1:${port}/`, {
      headers: { Authorization: 'Bearer token' },
    });
    defer(() => explicit.terminate());
    expect(requests[2]?.authorization).toBe('Bearer token');
  });

  it('keeps them on a redirect to the same origin', async () => {
    const seen: { target: string; authorization: string | undefined }[] = [];
    const server = serve(
      {
        hostname: '127.0.0.1',
        verify: (request) => {
          seen.push({ target: request.target, authorization: request.headers.get('authorization') });
          return request.target === '/start' ? { status: 302, headers: { location: '/moved' } } : true;
        },
      },
      (ws) => ws.close(),
    );
    defer(() => server.close());
    const ws = await connect(`ws://a:b@127.0.0.1:${server.port}/start`, { followRedirects: true });
    await ws.closed;
    const basic = `Basic ${btoa('a:b')}`;
    expect(seen).toEqual([
      { target: '/start', authorization: basic },
      { target: '/moved', authorization: basic },
    ]);
  });
});

describe('Unix domain sockets', () => {
  it('serves on a socket path and connects with a ws+unix: URL', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'wskit-bun-unix-'));
    defer(() => rmSync(directory, { recursive: true, force: true }));
    const socketPath = join(directory, 'ws.sock');
    const { requests } = echoServer({ unix: socketPath });
    const ws = await connect(`ws+unix://${socketPath}:/chat?room=1`);
    defer(() => ws.terminate());
    expect(await echo(ws, 'over a unix socket')).toBe('over a unix socket');
    expect(requests[0]?.target).toBe('/chat?room=1');
    // A socket path and a TCP address at once: one would be ignored, so it throws.
    expect(() => serve({ unix: join(directory, 'other.sock'), port: 0 })).toThrow(
      /port and hostname do not apply/,
    );
  });
});

describe('HTTP proxies', () => {
  it('tunnels ws: through CONNECT (the proxy sees the connection)', async () => {
    const { url } = echoServer();
    const proxy = connectProxy();
    const ws = await connect(`${url}/via-proxy`, { proxy: proxy.url });
    defer(() => ws.terminate());
    expect(await echo(ws, 'through the tunnel')).toBe('through the tunnel');
    expect(proxy.stats.connections).toBe(1);
    expect(proxy.stats.targets).toEqual([`CONNECT ${url.slice('ws://'.length)}`]);
  });

  it('runs TLS with the server inside the tunnel for wss:', async () => {
    const server = serve({ hostname: '127.0.0.1', tls: { key: privateKey, cert: certificate } }, (ws) =>
      ws.on('message', (data) => void ws.send(data)),
    );
    defer(() => server.close());
    const proxy = connectProxy();
    const ws = await connect(`wss://localhost:${server.port}/`, {
      proxy: proxy.url,
      tls: { ca: certificate },
    });
    defer(() => ws.terminate());
    expect(await echo(ws, 'tls in a tunnel')).toBe('tls in a tunnel');
    expect(proxy.stats.targets).toEqual([`CONNECT localhost:${server.port}`]);
    // The certificate is checked against the server's name, not the proxy's: a wrong CA fails.
    const untrusted = await rejection(connect(`wss://localhost:${server.port}/`, { proxy: proxy.url }));
    expect(untrusted).toBeInstanceOf(Error);
    expect(proxy.stats.connections).toBe(2);
  });

  it('sends the proxy URL’s credentials as Proxy-Authorization, and reports a 407', async () => {
    const { url, requests } = echoServer();
    const basic = `Basic ${btoa('me:pw')}`;
    const proxy = connectProxy(basic);
    const refused = (await rejection(connect(`${url}/`, { proxy: proxy.url }))) as HandshakeFailedError;
    expect(refused.code).toBe('WS_ERR_UPGRADE_PROXY');
    expect(refused.status).toBe(407);
    const ws = await connect(`${url}/`, { proxy: proxy.url.replace('http://', 'http://me:pw@') });
    defer(() => ws.terminate());
    expect(proxy.stats.authorizations).toEqual([undefined, basic]);
    // Proxy credentials are for the proxy only: the server never sees them.
    expect(requests[0]?.authorization).toBeUndefined();
  });

  it('follows HTTP_PROXY, HTTPS_PROXY and NO_PROXY from the environment, unless proxy is false', async () => {
    const saved = {
      HTTP_PROXY: process.env.HTTP_PROXY,
      HTTPS_PROXY: process.env.HTTPS_PROXY,
      NO_PROXY: process.env.NO_PROXY,
    };
    defer(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });
    const { url } = echoServer();
    const proxy = connectProxy();
    process.env.HTTP_PROXY = proxy.url;
    delete process.env.NO_PROXY;
    (await connect(`${url}/`)).terminate();
    expect(proxy.stats.connections).toBe(1);
    (await connect(`${url}/`, { proxy: false })).terminate();
    process.env.NO_PROXY = 'example.com, 127.0.0.1';
    (await connect(`${url}/`)).terminate();
    expect(proxy.stats.connections).toBe(1);
    // HTTPS_PROXY is for wss: only.
    delete process.env.HTTP_PROXY;
    delete process.env.NO_PROXY;
    process.env.HTTPS_PROXY = proxy.url;
    (await connect(`${url}/`)).terminate();
    expect(proxy.stats.connections).toBe(1);
  });

  it('refuses another proxy scheme and a proxy for a ws+unix: URL with a TypeError', () => {
    expect(() => connect('ws://127.0.0.1:1/', { proxy: 'socks5://127.0.0.1:1080' })).toThrow(TypeError);
    expect(() => connect('ws+unix:///tmp/x.sock:/', { proxy: 'http://127.0.0.1:3128' })).toThrow(TypeError);
  });
});
