/**
 * The built package in Cloudflare's runtime, through Miniflare: the whole conformance suite over
 * the in-memory pair, the WHATWG class and the WHATWG cases (`standardCases`) run inside workerd, where there is no test runner (the
 * Worker answers with runConformance's JSON report). vitest only: the `.node.test.ts` suffix keeps
 * it out of `bun test`, as it drives a workerd process from Node.
 */
/// <reference types="node" />
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { builtModule } from '@wskit/tooling/built-module';
import { Miniflare } from 'miniflare';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
const packagesDir = join(packageDir, '..');

/** The Worker: runs the suite and a WHATWG round trip, answers with JSON. */
const workerSource = `
import { StandardWebSocket } from './transport.js';
import { conformanceCases, createWebSocketPair, inMemoryConformanceEnv, inMemoryStandardEnv, runConformance, runStandardCases, serveConformance, standardCases } from './testing.js';

async function standardRoundTrip() {
  const events = [];
  const ws = new StandardWebSocket('wss://example.com/close?code=4000&reason=bye&message=hi', ['chat'], {
    connect: async (url, protocols) => {
      const { client, server } = createWebSocketPair({ protocol: protocols[0], url: url.href });
      void serveConformance(server, url.pathname + url.search);
      return client;
    },
  });
  await new Promise((resolve) => {
    ws.onopen = () => events.push('open ' + ws.protocol);
    ws.onmessage = (event) => events.push('message ' + event.data + ' ' + event.origin);
    ws.onclose = function (event) {
      events.push('close ' + event.code + ' ' + event.reason + ' ' + event.wasClean + ' ' + (event instanceof CloseEvent) + ' ' + (this === ws));
      resolve();
    };
  });
  return events;
}

export default {
  async fetch() {
    const results = [
      ...(await runConformance(inMemoryConformanceEnv())),
      ...(await runConformance(inMemoryConformanceEnv({ handshake: true }))),
    ];
    return Response.json({
      userAgent: typeof navigator === 'undefined' ? null : navigator.userAgent,
      cases: conformanceCases.length,
      failed: results.filter((result) => !result.ok),
      passed: results.filter((result) => result.ok).length / 2,
      standard: await standardRoundTrip(),
      whatwg: { cases: standardCases.length, results: await runStandardCases(inMemoryStandardEnv()) },
    });
  },
};
`;

/** A built module (its dist/ modules joined), its package imports pointed at the Worker's own module names. */
function packageModule(file: string): string {
  return builtModule(join(packagesDir, file), {
    '@wskit/transport': './transport.js',
    '@wskit/protocol': './protocol.js',
    '@wskit/handshake': './handshake.js',
    '@wskit/codec': './codec.js',
  });
}

describe('workerd (Miniflare)', () => {
  beforeAll(() => {
    if (!existsSync(join(packageDir, 'dist', 'testing', 'index.js'))) {
      // The turbo `test` task builds first; when run directly, build here.
      execSync('npx tsup', { cwd: packageDir, stdio: 'pipe' });
    }
  }, 60_000); // a build on a busy machine takes longer than the default hook timeout

  it('passes the conformance suite and the WHATWG round trip inside workerd', async () => {
    const miniflare = new Miniflare({
      compatibilityDate: '2024-09-23',
      modulesRoot: packageDir,
      modules: [
        { type: 'ESModule', path: join(packageDir, 'worker.js'), contents: workerSource },
        {
          type: 'ESModule',
          path: join(packageDir, 'testing.js'),
          contents: packageModule('transport/dist/testing/index.js'),
        },
        {
          type: 'ESModule',
          path: join(packageDir, 'transport.js'),
          contents: packageModule('transport/dist/index.js'),
        },
        {
          type: 'ESModule',
          path: join(packageDir, 'protocol.js'),
          contents: packageModule('protocol/dist/index.js'),
        },
        {
          type: 'ESModule',
          path: join(packageDir, 'codec.js'),
          contents: packageModule('codec/dist/index.js'),
        },
        {
          type: 'ESModule',
          path: join(packageDir, 'handshake.js'),
          contents: packageModule('handshake/dist/index.js'),
        },
      ],
    });
    try {
      const response = await miniflare.dispatchFetch('http://localhost/');
      const result = (await response.json()) as {
        userAgent: string;
        cases: number;
        failed: unknown[];
        passed: number;
        standard: string[];
        whatwg: { cases: number; results: { name: string; ok: boolean; error?: string }[] };
      };
      expect(result.userAgent).toBe('Cloudflare-Workers');
      expect(result.failed).toEqual([]);
      expect(result.passed).toBe(result.cases);
      // The WHATWG cases (the WebSocket class and WebSocketStream) inside workerd.
      expect(result.whatwg.results.filter((outcome) => !outcome.ok)).toEqual([]);
      expect(result.whatwg.results.length).toBe(result.whatwg.cases);
      expect(result.standard).toEqual([
        'open chat',
        'message hi wss://example.com',
        'close 4000 bye true true true',
      ]);
    } finally {
      await miniflare.dispose();
    }
  }, 60_000);
});
