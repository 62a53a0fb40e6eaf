/**
 * Parity with @wskit/node inside real workerd (Miniflare): permessage-deflate in `connect` over
 * workerd's `node:zlib` (with `nodejs_compat`; without it, a clear error), all four parameters and
 * the decompression limit, against @wskit/node's server; redirects; credentials in the URL; and the
 * refusal of a `ws+unix:` URL.
 */
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type WebSocketServer, type WebSocketServerOptions } from '@wskit/node';
import { clientOptionCases, conformanceVerify, serveConformance } from '@wskit/transport/testing';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker, certificate, connectProxy, privateKey, startMiniflare } from './helpers.js';

const workerSource = `
import { connect, UnsupportedConnectOptions } from '@wskit/cloudflare';
import { runClientOptionCases } from '@wskit/transport/testing';

async function echo(ws, message) {
  const received = new Promise((resolve) => ws.once('message', resolve));
  await ws.send(message);
  return received;
}

async function outcome(run) {
  try {
    return await run();
  } catch (error) {
    return { error: error.name + ' ' + (error.code ?? '') + ' ' + error.message };
  }
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const target = url.searchParams.get('url');
    switch (url.pathname) {
      case '/deflate':
        return Response.json(await outcome(async () => {
          const options = JSON.parse(url.searchParams.get('options'));
          const ws = await connect(target, { perMessageDeflate: options });
          const text = 'compress me in a Worker '.repeat(4000);
          const rounds = [];
          for (let round = 0; round < 3; round++) rounds.push((await echo(ws, text + round)) === text + round);
          const binary = new Uint8Array(100000).map((_, index) => index % 5);
          const back = await echo(ws, binary);
          const binaryOk = back.length === binary.length && back.every((byte, index) => byte === binary[index]);
          ws.close();
          await ws.closed;
          return { extensions: ws.extensions, rounds, binaryOk };
        }));
      case '/bomb':
        return Response.json(await outcome(async () => {
          const ws = await connect(target, { perMessageDeflate: true });
          await ws.send(new Uint8Array(8 * 1024 * 1024)).catch(() => {});
          return { code: (await ws.closed).code };
        }));
      case '/redirect':
        return Response.json(await outcome(async () => {
          const ws = await connect(target, { followRedirects: true });
          const result = { url: ws.url };
          ws.close();
          await ws.closed;
          const refused = await connect(target).catch((error) => error.code + ' ' + error.status);
          const tooMany = await connect(target, { followRedirects: true, maxRedirects: 0 }).catch((error) => error.code);
          return { ...result, refused, tooMany };
        }));
      case '/proxy':
        return Response.json(await outcome(async () => {
          const ws = await connect(target, { proxy: url.searchParams.get('proxy'), handshakeTimeout: 10000 });
          const echoed = await echo(ws, 'through the tunnel');
          ws.close();
          await ws.closed;
          return { echoed };
        }));
      case '/client-options': {
        const proxyUrl = url.searchParams.get('proxy');
        return Response.json(await runClientOptionCases({
          connect: (target, options) => connect(target, options),
          base: url.searchParams.get('base'),
          proxy: proxyUrl,
          proxyConnections: () => fetch(proxyUrl + '/connections').then((response) => response.json()),
          unsupportedOptions: Object.fromEntries(Object.keys(UnsupportedConnectOptions).map((option) => [option, {}])),
        }));
      }
      case '/unix':
        return Response.json(await outcome(() => connect('ws+unix:///tmp/x.sock:/chat')));
      default:
        return new Response('not found', { status: 404 });
    }
  },
};
`;

describe('parity inside workerd', () => {
  const closers: (() => unknown)[] = [];
  let compat: Miniflare;
  let plain: Miniflare;
  let directory: string;
  const seen: { target: string; authorization: string | undefined; extensions: string }[] = [];

  async function wsServer(options: WebSocketServerOptions): Promise<string> {
    const server: WebSocketServer = createServer(
      { port: 0, host: '127.0.0.1', ...options },
      (ws, request) => {
        seen.push({
          target: request.url ?? '',
          authorization: request.headers.authorization,
          extensions: ws.extensions,
        });
        ws.on('message', (data) => void ws.send(data).catch(() => {}));
      },
    );
    server.on('rejected', () => {});
    closers.push(() => server.close());
    if (server.port === undefined) await once(server, 'listening');
    return `ws://127.0.0.1:${server.port}`;
  }

  async function redirector(location: string): Promise<string> {
    const server = createHttpServer();
    server.on('upgrade', (_request: IncomingMessage, socket) => {
      socket.end(`HTTP/1.1 302 Found\r\nLocation: ${location}\r\nContent-Length: 0\r\n\r\n`);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    const bundle = await bundleWorker(workerSource);
    directory = bundle.directory;
    compat = startMiniflare(bundle, {}, ['nodejs_compat']);
    plain = startMiniflare(bundle);
    await Promise.all([compat.ready, plain.ready]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([compat?.dispose(), plain?.dispose()]);
    await Promise.all(closers.map((close) => close()));
    rmSync(directory, { recursive: true, force: true });
  }, 30_000);

  async function call(worker: Miniflare, path: string, query: Record<string, string>) {
    const response = await worker.dispatchFetch(`http://localhost${path}?${new URLSearchParams(query)}`);
    return (await response.json()) as Record<string, unknown>;
  }

  it("compresses with workerd's node:zlib (nodejs_compat): defaults and all four parameters", async () => {
    const url = await wsServer({ perMessageDeflate: { serverMaxWindowBits: 10 } });
    const defaults = await call(compat, '/deflate', { url: `${url}/`, options: 'true' });
    expect(defaults).toEqual({
      extensions: 'permessage-deflate; server_max_window_bits=10',
      rounds: [true, true, true],
      binaryOk: true,
    });
    const four = await call(compat, '/deflate', {
      url: `${url}/`,
      options: JSON.stringify({
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 11,
        clientMaxWindowBits: 9,
      }),
    });
    expect(four.rounds).toEqual([true, true, true]);
    expect(four.binaryOk).toBe(true);
    for (const parameter of [
      'server_no_context_takeover',
      'client_no_context_takeover',
      'server_max_window_bits=10',
      'client_max_window_bits=9',
    ]) {
      expect(four.extensions).toContain(parameter);
    }
  });

  it('a message that inflates past the server’s maxMessageSize closes with 1009', async () => {
    const url = await wsServer({ perMessageDeflate: true, maxMessageSize: 64 * 1024 });
    expect(await call(compat, '/bomb', { url: `${url}/` })).toEqual({ code: 1009 });
  });

  it('without nodejs_compat, perMessageDeflate fails with an error that says what is missing', async () => {
    const url = await wsServer({ perMessageDeflate: true });
    const result = await call(plain, '/deflate', { url: `${url}/`, options: 'true' });
    expect(String(result.error)).toContain('nodejs_compat');
  });

  it('follows redirects, and sends URL credentials to the same origin only', async () => {
    const url = await wsServer({});
    const front = await redirector(`${url}/landed`);
    const result = await call(plain, '/redirect', { url: `${front.replace('ws://', 'ws://a:b@')}/start` });
    expect(result).toEqual({
      url: `${url}/landed`,
      refused: 'WS_HANDSHAKE_ERR_UNEXPECTED_STATUS 302',
      tooMany: 'WS_ERR_UPGRADE_TOO_MANY_REDIRECTS',
    });
    expect(seen.at(-1)).toEqual({ target: '/landed', authorization: undefined, extensions: '' });
    const direct = await call(plain, '/redirect', { url: `${url.replace('ws://', 'ws://a:b@')}/direct` });
    expect(direct.url).toBe(`${url.replace('ws://', 'ws://a:b@')}/direct`);
    expect(seen.at(-1)).toEqual({ target: '/direct', authorization: `Basic ${btoa('a:b')}`, extensions: '' });
  });

  it('tunnels ws: and wss: through an HTTP CONNECT proxy the Worker reaches (cloudflare:sockets)', async () => {
    const proxy = await connectProxy(`Basic ${btoa('me:pw')}`);
    closers.push(proxy.close);
    const { stats } = proxy;
    const proxyUrl = proxy.url.replace('http://', 'http://me:pw@');
    const url = await wsServer({});
    const plainResult = await call(plain, '/proxy', { url: `${url}/tunnel`, proxy: proxyUrl });
    expect(plainResult).toEqual({ echoed: 'through the tunnel' });
    expect(seen.at(-1)).toMatchObject({ target: '/tunnel', authorization: undefined });
    const tlsPort = await wsServer({ tls: { key: privateKey, cert: certificate } });
    const secure = await call(plain, '/proxy', {
      url: `${tlsPort.replace('ws://127.0.0.1', 'wss://localhost')}/tls`,
      proxy: proxyUrl,
    });
    expect(secure).toEqual({ echoed: 'through the tunnel' });
    const otherServer = createServer({
      port: 0,
      host: '127.0.0.2',
      tls: { key: privateKey, cert: certificate },
    });
    otherServer.on('rejected', () => {});
    closers.push(() => otherServer.close());
    if (otherServer.port === undefined) await once(otherServer, 'listening');
    const wrongName = await call(plain, '/proxy', {
      url: `wss://127.0.0.2:${otherServer.port}/`,
      proxy: proxyUrl,
    });
    // The certificate (for localhost and 127.0.0.1) is checked against the server's name inside the
    // tunnel, 127.0.0.2, not against the proxy's (127.0.0.1, which it would match): it fails.
    expect(wrongName.error).toBeDefined();
    expect(stats.targets.at(-1)).toBe(`127.0.0.2:${otherServer.port}`);
    stats.connections--;
    stats.targets.pop();
    stats.authorizations.pop();
    const refused = await call(plain, '/proxy', { url: `${url}/`, proxy: proxyUrl.replace('me:pw@', '') });
    expect(String(refused.error)).toContain('WS_ERR_UPGRADE_PROXY');
    expect(stats.connections).toBe(3);
    expect(stats.targets).toEqual([
      url.slice('ws://'.length),
      `localhost:${tlsPort.split(':').at(-1)}`,
      url.slice('ws://'.length),
    ]);
    expect(stats.authorizations).toEqual([`Basic ${btoa('me:pw')}`, `Basic ${btoa('me:pw')}`, undefined]);
  });

  it('passes the client-option conformance cases (deflate, redirects, proxies, refusal)', async () => {
    const server = createServer(
      {
        port: 0,
        host: '127.0.0.1',
        perMessageDeflate: true,
        verify: (request) => conformanceVerify(request.url ?? '/'),
      },
      (ws, request) => void serveConformance(ws, request.url ?? '/'),
    );
    server.on('rejected', () => {});
    closers.push(() => server.close());
    if (server.port === undefined) await once(server, 'listening');
    const proxy = await connectProxy();
    closers.push(proxy.close);
    const results = await call(compat, '/client-options', {
      base: `ws://127.0.0.1:${server.port}`,
      proxy: proxy.url,
    });
    expect((results as unknown as { ok: boolean }[]).filter((result) => !result.ok)).toEqual([]);
    expect((results as unknown as { name: string }[]).map((result) => result.name)).toEqual(
      clientOptionCases.map((testCase) => testCase.name),
    );
  });

  it('refuses a ws+unix: URL with a clear error', async () => {
    const result = await call(plain, '/unix', {});
    expect(String(result.error)).toContain('Unix domain socket');
  });
});
