/**
 * @wskit/cloudflare inside real workerd (Miniflare), driven from Node: a Worker, bundled with
 * esbuild from the built package as a Worker's bundler would take it (the `workerd` condition),
 * connects through the adapter to WebSocket servers on loopback run here by @wskit/node:
 *
 * - the whole conformance suite over `ws:` and over `wss:` (`secureTransport` `'on'`), and its echo
 *   and close cases with `'starttls'` (the runner's JSON report comes back as the response; the
 *   test's certificate is trusted through Miniflare's outbound network options);
 * - refusals, the WHATWG class and the README example;
 * - the WHATWG cases of `@wskit/transport/testing` (the `WebSocket` class and `WebSocketStream`);
 * - `bridgeWebSocket`: a client connects to the Worker's HTTP endpoint with a WebSocket upgrade and
 *   talks to an upstream echo server through the bridge.
 */
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import * as cloudflare from '@wskit/cloudflare';
import { connect, createServer, type WebSocketServer } from '@wskit/node';
import {
  type ConformanceResult,
  conformanceCases,
  serveConformance,
  standardCases,
  standardSelectProtocol,
} from '@wskit/transport/testing';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker, certificate, privateKey, startMiniflare } from './helpers.js';

/** The Worker: each path runs one part and answers with JSON (or the bridge's 101). */
const workerSource = `
import { bridgeWebSocket, CloseEvent, connect, ErrorEvent, HandshakeFailedError, isHandshakeFailedError, MessageEvent, UnsupportedConnectOptions, UnsupportedOptionError, WebSocket, WebSocketStream } from '@wskit/cloudflare';
import { runConformance, runStandardCases } from '@wskit/transport/testing';

async function standard(url) {
  const events = [];
  const ws = new WebSocket(url); // the conformance server selects no subprotocol: offering one would fail (WHATWG)
  ws.binaryType = 'arraybuffer';
  await new Promise((resolve) => {
    ws.onopen = () => { events.push('open'); ws.send('hello'); };
    ws.onmessage = (event) => { events.push('message ' + event.data); ws.close(4000, 'done'); };
    ws.onclose = (event) => { events.push('close ' + event.code + ' ' + event.wasClean); resolve(); };
  });
  return events;
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const port = url.searchParams.get('port');
    switch (url.pathname) {
      case '/conformance': {
        const scheme = url.searchParams.get('scheme');
        const host = scheme === 'wss' ? 'localhost' : '127.0.0.1';
        const tls = url.searchParams.has('starttls') ? { secureTransport: 'starttls' } : undefined;
        const prefixes = url.searchParams.getAll('prefix');
        const results = await runConformance(
          { connect: (path, options) => connect(scheme + '://' + host + ':' + port + path, { ...options, tls }) },
          { timeout: 20000, filter: prefixes.length > 0 ? (name) => prefixes.some((prefix) => name.startsWith(prefix)) : undefined },
        );
        return Response.json(results);
      }
      case '/checks': {
        const refusal = await connect('ws://127.0.0.1:' + port + '/refuse').catch((error) => error);
        // TLS to a server that speaks plain HTTP: the runtime's TLS error, not a handshake refusal.
        const notTls = await connect('wss://127.0.0.1:' + port + '/echo', { handshakeTimeout: 5000 }).then(
          (ws) => { ws.terminate(); return 'connected'; },
          (error) => (isHandshakeFailedError(error) ? 'handshake ' + error.code : 'tls error'),
        );
        const timedOut = await connect('ws://127.0.0.1:' + url.searchParams.get('silentPort') + '/', { handshakeTimeout: 200 }).catch((error) => error.code);
        // Options this adapter cannot honour throw at the call, before any connection.
        const unsupported = Object.keys(UnsupportedConnectOptions).map((option) => {
          const options = { [option]: option === 'maxRedirects' ? 3 : option === 'proxy' ? 'http://127.0.0.1:9/' : true };
          for (const call of [() => connect('ws://127.0.0.1:' + port + '/', options), () => new WebSocket('ws://127.0.0.1:' + port + '/', [], options)]) {
            try {
              call();
              return option + ': accepted';
            } catch (error) {
              if (!(error instanceof UnsupportedOptionError) || error.code !== 'WS_ERR_UNSUPPORTED_OPTION' || error.option !== option || !error.message.includes('@wskit/cloudflare')) return option + ': ' + error;
            }
          }
          return option + ': refused';
        });
        return Response.json({
          unsupported,
          refusal: {
            shared: refusal instanceof HandshakeFailedError,
            status: refusal.status,
            code: refusal.code,
            body: new TextDecoder().decode(refusal.body),
          },
          notTls,
          timedOut,
          standard: await standard('ws://127.0.0.1:' + url.searchParams.get('echoPort') + '/echo'),
        });
      }
      case '/whatwg': {
        const env = { WebSocket, WebSocketStream, CloseEvent, MessageEvent, ErrorEvent, url: (path) => 'ws://127.0.0.1:' + port + path };
        return Response.json(await runStandardCases(env, { timeout: 20000 }));
      }
      case '/bridge':
        return bridgeWebSocket(request, 'ws://127.0.0.1:' + port + '/echo');
      default:
        return new Response('not found', { status: 404 });
    }
  },
};
`;

async function listening(server: WebSocketServer): Promise<number> {
  if (server.port === undefined) await once(server, 'listening');
  return server.port!;
}

describe('workerd (Miniflare)', () => {
  const servers: WebSocketServer[] = [];
  let worker: Miniflare;
  let plainPort: number;
  let tlsPort: number;
  let directory: string;

  beforeAll(async () => {
    const bundle = await bundleWorker(workerSource);
    directory = bundle.directory;
    const serve = (tls?: { key: string; cert: string }) => {
      const server = createServer({ port: 0, host: '127.0.0.1', ...(tls ? { tls } : {}) }, (ws, request) => {
        void serveConformance(ws, request.url ?? '/');
      });
      server.on('rejected', () => {});
      servers.push(server);
      return server;
    };
    plainPort = await listening(serve());
    tlsPort = await listening(serve({ key: privateKey, cert: certificate }));
    worker = startMiniflare(bundle);
    await worker.ready;
  }, 60_000);

  afterAll(async () => {
    await worker?.dispose();
    await Promise.all(servers.map((server) => server.close()));
    rmSync(directory, { recursive: true, force: true });
  });

  async function conformance(query: string): Promise<ConformanceResult[]> {
    const response = await worker.dispatchFetch(`http://localhost/conformance?${query}`);
    return (await response.json()) as ConformanceResult[];
  }

  it('passes the whole conformance suite over ws:', async () => {
    const results = await conformance(`scheme=ws&port=${plainPort}`);
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(results.map((result) => result.name)).toEqual(conformanceCases.map((testCase) => testCase.name));
  });

  it("passes the whole suite over wss: (secureTransport 'on'), and its echo and close cases with 'starttls'", async () => {
    const secure = await conformance(`scheme=wss&port=${tlsPort}`);
    expect(secure.filter((result) => !result.ok)).toEqual([]);
    expect(secure.length).toBe(conformanceCases.length);
    const starttls = await conformance(`scheme=wss&port=${tlsPort}&prefix=echo/&prefix=close/&starttls`);
    expect(starttls.filter((result) => !result.ok)).toEqual([]);
    expect(starttls.length).toBeGreaterThan(20);
  });

  it('reports refusals, certificate failures and timeouts, and runs the WHATWG class', async () => {
    const refusing = createServer({
      port: 0,
      host: '127.0.0.1',
      verify: () => ({ status: 401, body: 'no entry' }),
    });
    servers.push(refusing);
    const silent = createNetServer(() => {});
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const response = await worker.dispatchFetch(
        `http://localhost/checks?port=${await listening(refusing)}&silentPort=${(silent.address() as { port: number }).port}&echoPort=${plainPort}`,
      );
      const result = (await response.json()) as Record<string, unknown>;
      expect(result.refusal).toEqual({
        shared: true,
        status: 401,
        code: 'WS_HANDSHAKE_ERR_UNEXPECTED_STATUS',
        body: 'no entry',
      });
      expect(result.notTls).toBe('tls error');
      expect(result.unsupported).toEqual(
        Object.keys(cloudflare.UnsupportedConnectOptions).map((option) => `${option}: refused`),
      );
      expect((result.unsupported as string[]).length).toBeGreaterThan(0);
      expect(result.timedOut).toBe('WS_ERR_HANDSHAKE_TIMEOUT');
      expect(result.standard).toEqual(['open', 'message hello', 'close 4000 true']);
    } finally {
      silent.close();
    }
  });

  it('passes the WHATWG cases (the WebSocket class and WebSocketStream) inside workerd', async () => {
    const server = createServer(
      { port: 0, host: '127.0.0.1', selectProtocol: standardSelectProtocol },
      (ws, request) => void serveConformance(ws, request.url ?? '/'),
    );
    servers.push(server);
    const response = await worker.dispatchFetch(`http://localhost/whatwg?port=${await listening(server)}`);
    const results = (await response.json()) as ConformanceResult[];
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(results.map((result) => result.name)).toEqual(standardCases.map((testCase) => testCase.name));
  }, 60_000);

  it('bridges a WebSocket the Worker accepted to an upstream server', async () => {
    const endpoint = await worker.ready;
    const upstreamPort = plainPort;
    const client = await connect(`ws://127.0.0.1:${endpoint.port}/bridge?port=${upstreamPort}`);
    const next = () => new Promise<string | Uint8Array>((resolve) => client.once('message', resolve));
    for (const message of [
      'hello through the bridge',
      Uint8Array.of(1, 2, 3),
      new Uint8Array(300_000).fill(7),
    ]) {
      const [echoed] = await Promise.all([next(), client.send(message)]);
      // @wskit/node hands binary messages over as Buffer views (binaryType 'nodebuffer'): compare bytes.
      expect(typeof echoed === 'string' ? echoed : Uint8Array.from(echoed)).toEqual(message);
    }
    client.close(4001, 'bye');
    // The code comes back through the bridge (the upstream echoes it without the reason).
    expect(await client.closed).toMatchObject({ code: 4001, wasClean: true });
  });

  it('answers 426 to a request that is not an upgrade', async () => {
    const response = await worker.dispatchFetch(`http://localhost/bridge?port=${plainPort}`);
    expect(response.status).toBe(426);
  });
});
