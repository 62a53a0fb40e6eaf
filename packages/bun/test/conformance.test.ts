// @wskit/transport's conformance suite under the real Bun binary: our client (connect over
// Bun.connect) against our server (serve over Bun.listen), over TCP and over TLS, on loopback. The
// server hands every accepted session to serveConformance with default session options; the client
// passes each case's options to connect unchanged.
import { afterAll, describe, expect, it } from 'bun:test';
import { connect, serve, UnsupportedConnectOptions, type WebSocketServerOptions } from '@wskit/bun';
import {
  type ClientOptionsEnv,
  type ConformanceEnv,
  clientOptionCases,
  conformanceCases,
  conformanceVerify,
  runConformanceCase,
  serveConformance,
} from '@wskit/transport/testing';
import { certificate, connectProxy, privateKey } from './helpers.js';

function conformanceSuite(name: string, options: WebSocketServerOptions, scheme: 'ws' | 'wss') {
  describe(`conformance over ${name}`, () => {
    const server = serve({ hostname: '127.0.0.1', ...options }, (ws, request) => {
      void serveConformance(ws, request.target);
    });
    const base = `${scheme}://${scheme === 'wss' ? 'localhost' : '127.0.0.1'}:${server.port}`;
    const env: ConformanceEnv = {
      connect: (path, sessionOptions) =>
        connect(`${base}${path}`, { ...sessionOptions, tls: { ca: certificate } }),
    };
    afterAll(() => server.close());

    for (const testCase of conformanceCases) {
      it(testCase.name, async () => {
        const result = await runConformanceCase(testCase, env, 15_000);
        expect(result.error ?? '').toBe('');
        expect(result.ok).toBe(true);
      }, 20_000);
    }
  });
}

conformanceSuite('TCP', {}, 'ws');
conformanceSuite('TLS', { tls: { key: privateKey, cert: certificate } }, 'wss');

describe('client-option conformance (deflate, redirects, proxies, refusal)', () => {
  const server = serve(
    {
      hostname: '127.0.0.1',
      perMessageDeflate: true,
      verify: (request) => conformanceVerify(request.target),
    },
    (ws, request) => void serveConformance(ws, request.target),
  );
  afterAll(() => server.close());

  for (const testCase of clientOptionCases) {
    it(testCase.name, async () => {
      const proxy = connectProxy();
      const env: ClientOptionsEnv = {
        connect: (url, options) => connect(url, options),
        base: `ws://127.0.0.1:${server.port}`,
        proxy: proxy.url,
        proxyConnections: () => proxy.stats.connections,
        unsupportedOptions: Object.fromEntries(
          Object.keys(UnsupportedConnectOptions).map((option) => [option, {}]),
        ),
      };
      await testCase.run(env);
    }, 30_000);
  }
});
