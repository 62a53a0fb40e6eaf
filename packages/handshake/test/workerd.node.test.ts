/**
 * The built package (dist/index.js) in Cloudflare's runtime, through Miniflare: the handshake is
 * synchronous and needs nothing beyond web standards there too. vitest only: the `.node.test.ts`
 * suffix keeps it out of `bun test`, as it drives a workerd process from Node.
 */
/// <reference types="node" />
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { builtModule } from '@wskit/tooling/built-module';
import { Miniflare } from 'miniflare';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
const distEntry = join(packageDir, 'dist', 'index.js');

/** The Worker: runs a client and a server handshake against each other, one byte at a time. */
const workerSource = `
import {
  HeadParser, acceptServerHandshake, computeAccept, createClientHandshake, sha1, encodeBase64,
} from './handshake.js';

function feedBytes(parser, bytes) {
  for (let i = 0; i < bytes.length; i++) {
    const result = parser.write(bytes.subarray(i, i + 1));
    if (result.done) return result;
  }
  return { done: false };
}

export default {
  async fetch() {
    const client = createClientHandshake({ host: 'example.com', path: '/chat', protocols: ['chat'] });
    const request = feedBytes(new HeadParser('request'), client.request.bytes);
    const server = acceptServerHandshake(request.head, { protocols: ['chat'] });
    const response = feedBytes(new HeadParser('response'), server.response.bytes);
    const result = client.validateResponse(response.head);
    const bad = new HeadParser('request').write(new TextEncoder().encode('GET / HTTP/1.1\\r\\nA: \\u0000\\r\\n\\r\\n'));
    return Response.json({
      userAgent: typeof navigator === 'undefined' ? null : navigator.userAgent,
      accept: computeAccept('dGhlIHNhbXBsZSBub25jZQ=='),
      sha1: encodeBase64(sha1(new TextEncoder().encode('abc'))),
      keyLength: client.key.length,
      ok: result.ok,
      protocol: result.protocol,
      badStatus: bad.error.status,
    });
  },
};
`;

describe('workerd (Miniflare)', () => {
  beforeAll(() => {
    if (!existsSync(distEntry)) {
      // The turbo `test` task builds first; when run directly, build here.
      execSync('npx tsup', { cwd: packageDir, stdio: 'pipe' });
    }
  });

  it('runs a whole handshake with the built package', async () => {
    const miniflare = new Miniflare({
      compatibilityDate: '2024-09-23',
      modulesRoot: packageDir,
      modules: [
        { type: 'ESModule', path: join(packageDir, 'worker.js'), contents: workerSource },
        {
          type: 'ESModule',
          path: join(packageDir, 'handshake.js'),
          contents: builtModule(distEntry),
        },
      ],
    });
    try {
      const response = await miniflare.dispatchFetch('http://localhost/');
      expect(await response.json()).toEqual({
        userAgent: 'Cloudflare-Workers',
        accept: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
        sha1: 'qZk+NkcGgWq6PiVxeFDCbJzQ2J0=',
        keyLength: 24,
        ok: true,
        protocol: 'chat',
        badStatus: 400,
      });
    } finally {
      await miniflare.dispose();
    }
  }, 30_000);
});
