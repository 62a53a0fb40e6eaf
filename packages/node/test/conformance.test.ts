// @wskit/transport's conformance suite on Node: our client against our server, over TCP and over
// TLS, on loopback. The server hands every accepted session to serveConformance with default
// session options; the client passes each case's options to connect unchanged.
import { once } from 'node:events';
import { connect, createServer, type WebSocketServerOptions } from '@wskit/node';
import {
  type ClientOptionsEnv,
  type ConformanceEnv,
  clientOptionCases,
  conformanceCases,
  conformanceVerify,
  runConformanceCase,
  serveConformance,
} from '@wskit/transport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificate, connectProxy, privateKey } from './helpers.js';

function conformanceSuite(name: string, serverOptions: WebSocketServerOptions, scheme: 'ws' | 'wss') {
  describe(`conformance over ${name}`, () => {
    const server = createServer({ port: 0, host: '127.0.0.1', ...serverOptions }, (ws, request) => {
      void serveConformance(ws, request.url ?? '/');
    });
    let env: ConformanceEnv;
    beforeAll(async () => {
      if (server.port === undefined) await once(server, 'listening');
      const base = `${scheme}://${scheme === 'wss' ? 'localhost' : '127.0.0.1'}:${server.port}`;
      env = {
        connect: (path, options) => connect(`${base}${path}`, { ...options, tls: { ca: certificate } }),
      };
    });
    afterAll(() => server.close());

    for (const testCase of conformanceCases) {
      it(testCase.name, async () => {
        const result = await runConformanceCase(testCase, env, 15_000);
        expect(result.error).toBeUndefined();
        expect(result.ok).toBe(true);
      });
    }
  });
}

conformanceSuite('TCP', {}, 'ws');
conformanceSuite('TLS', { tls: { key: privateKey, cert: certificate } }, 'wss');

describe('client-option conformance (deflate, redirects, proxies, refusal)', () => {
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
  beforeAll(async () => {
    if (server.port === undefined) await once(server, 'listening');
  });
  afterAll(() => server.close());

  for (const testCase of clientOptionCases) {
    it(testCase.name, async () => {
      const proxy = await connectProxy();
      const env: ClientOptionsEnv = {
        connect: (url, options) => connect(url, { proxy: false, ...options }),
        base: `ws://127.0.0.1:${server.port}`,
        proxy: proxy.url,
        proxyConnections: () => proxy.targets.length,
        // @wskit/node honours every client option.
        unsupportedOptions: {},
      };
      await testCase.run(env);
    }, 30_000);
  }
});
